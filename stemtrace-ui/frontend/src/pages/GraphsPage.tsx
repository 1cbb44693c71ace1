import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type GraphFilter, graphListQuery } from '../api';
import { RenderBoundary, tableRowFrame } from '../components/ErrorBoundary';
import { ImportControl } from '../components/ImportControl';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { RelativeTime } from '../components/Time';
import { formatDateTime, fromLocalInput, shortId, toLocalInput } from '../lib/format';
import { uniqueRows } from '../lib/livePages';
import { WorkflowDuration } from '../components/WorkflowDuration';
import { idSearch } from '../lib/search';
import { stateClass } from '../lib/states';
import { TASK_STATES } from '../lib/types';

const route = getRouteApi('/graphs');

/** The failed view: workflows whose root (or root container) failed. */
const FAILED = 'FAILURE';

export function GraphsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter: GraphFilter = useMemo(
    () => ({
      states: search.state ? search.state.split(',').filter(Boolean) : [],
      name: search.name ?? '',
      from: search.from ?? '',
      to: search.to ?? '',
    }),
    [search.state, search.name, search.from, search.to],
  );
  const query = useInfiniteQuery(graphListQuery(filter));
  const graphs = useMemo(
    () =>
      uniqueRows(
        query.data?.pages,
        (p) => p.graphs,
        (g) => g.root_id,
      ),
    [query.data],
  );
  const total = query.data?.pages[0]?.total ?? 0;
  const failedView = filter.states.length === 1 && filter.states[0] === FAILED;

  // The name box updates the URL after a pause in typing, not on every key press.
  const [name, setName] = useState(filter.name);
  useEffect(() => setName(filter.name), [filter.name]);
  useEffect(() => {
    if (name === filter.name) return;
    const t = setTimeout(() => void navigate({ search: (s) => ({ ...s, name: name || undefined }), replace: true }), 300);
    return () => clearTimeout(t);
  }, [name, filter.name, navigate]);

  const setStates = (states: string[]) =>
    void navigate({ search: (s) => ({ ...s, state: states.length ? states.join(',') : undefined }) });
  const toggleState = (state: string) =>
    setStates(filter.states.includes(state) ? filter.states.filter((s) => s !== state) : [...filter.states, state]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '400px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const filtered = filter.states.length > 0 || filter.name || filter.from || filter.to;

  return (
    <section className="page">
      <div className="page-head">
        <h1>Workflows</h1>
        <span className="muted" data-testid="graph-total">
          {query.data ? `${total} ${failedView ? 'failed ' : ''}workflow${total === 1 ? '' : 's'}` : ''}
        </span>
        <div className="segmented" role="tablist" aria-label="View">
          <button
            type="button"
            role="tab"
            aria-selected={!failedView}
            className={failedView ? '' : 'active'}
            onClick={() => setStates([])}
          >
            All
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={failedView}
            data-testid="failed-view"
            className={failedView ? 'active' : ''}
            onClick={() => setStates(failedView ? [] : [FAILED])}
          >
            Failed
          </button>
        </div>
        <span className="page-actions">
          <ImportControl />
        </span>
      </div>

      <div className="filters">
        <input
          type="search"
          className="input"
          placeholder="Search workflow name"
          aria-label="Workflow name"
          data-testid="graph-name-filter"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label className="field">
          From
          <input
            type="datetime-local"
            className="input"
            data-testid="graph-from"
            value={toLocalInput(search.from)}
            onChange={(e) => void navigate({ search: (s) => ({ ...s, from: fromLocalInput(e.target.value) }) })}
          />
        </label>
        <label className="field">
          To
          <input
            type="datetime-local"
            className="input"
            data-testid="graph-to"
            value={toLocalInput(search.to)}
            onChange={(e) => void navigate({ search: (s) => ({ ...s, to: fromLocalInput(e.target.value) }) })}
          />
        </label>
        <div className="chips" role="group" aria-label="States">
          {TASK_STATES.map((s) => (
            <button
              key={s}
              type="button"
              className={`chip ${stateClass(s)} ${filter.states.includes(s) ? 'on' : ''}`}
              aria-pressed={filter.states.includes(s)}
              data-testid={`graph-state-${s}`}
              onClick={() => toggleState(s)}
            >
              {s}
            </button>
          ))}
        </div>
        {filtered && (
          <Link to="/graphs" className="button ghost" data-testid="graph-filters-clear">
            Clear
          </Link>
        )}
      </div>

      {query.isPending ? (
        <Loading what="workflows" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : graphs.length === 0 ? (
        <Empty>{failedView ? 'No workflow failed.' : filtered ? 'No workflow matches these filters.' : 'No workflows yet.'}</Empty>
      ) : (
        <div className="table graph-table" role="table">
          <div className="thead" role="row">
            <span>State</span>
            <span>Root</span>
            <span>Id</span>
            <span className="num">Tasks</span>
            <span>Started</span>
            <span className="num">Duration</span>
          </div>
          {graphs.map((g) => (
            <RenderBoundary key={g.root_id} what={`workflow ${g.root_id}`} resetKey={g} frame={tableRowFrame}>
              <Link
                to="/graph"
                search={idSearch(g.root_id)}
                className="trow"
                role="row"
                data-testid="graph-row"
                data-root-id={g.root_id}
                data-state={g.state}
              >
                <span>
                  <StateBadge state={g.state} />
                </span>
                <span className="name">
                  {g.node_type !== 'TASK' && <span className={`pill kind-${g.node_type.toLowerCase()}`}>{g.node_type}</span>}
                  {g.name}
                </span>
                <span className="mono muted">{shortId(g.root_id)}</span>
                <span className="num mono">{g.task_count}</span>
                <span className="muted" title={formatDateTime(g.first_seen)}>
                  <RelativeTime iso={g.first_seen} />
                </span>
                <span className="num mono">
                  <WorkflowDuration summary={g} />
                </span>
              </Link>
            </RenderBoundary>
          ))}
        </div>
      )}
      {graphs.length > 0 && (
        <div ref={sentinel} className="list-foot muted">
          {isFetchingNextPage ? (
            'Loading more…'
          ) : hasNextPage ? (
            <button type="button" className="button ghost" onClick={() => void fetchNextPage()}>
              Load more ({graphs.length} of {total})
            </button>
          ) : (
            `All ${total} shown`
          )}
        </div>
      )}
    </section>
  );
}
