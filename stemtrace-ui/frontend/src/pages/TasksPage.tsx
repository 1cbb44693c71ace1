import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { type TaskFilter, healthQuery, taskListQuery } from '../api';
import { AnomalyBadges } from '../components/AnomalyBadge';
import { RenderBoundary, tableRowFrame } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { RelativeTime } from '../components/Time';
import { dateRangeError } from '../lib/dateRange';
import { formatDuration, fromLocalInput, shortId, toLocalInput } from '../lib/format';
import { uniqueRows } from '../lib/livePages';
import { brokerOutage } from '../lib/health';
import { displayName, isAliased } from '../lib/quickSearch';
import { idSearch } from '../lib/search';
import { stateClass } from '../lib/states';
import { TASK_STATES } from '../lib/types';
import { TaskGantt } from './TaskGantt';

const route = getRouteApi('/');

export function TasksPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter: TaskFilter = useMemo(
    () => ({
      states: search.state ? search.state.split(',').filter(Boolean) : [],
      name: search.name ?? '',
      from: search.from ?? '',
      to: search.to ?? '',
      q: search.q ?? '',
    }),
    [search.state, search.name, search.from, search.to, search.q],
  );
  // caught here, before any request: the server would only answer 400
  const rangeError = dateRangeError(search.from, search.to);
  const query = useInfiniteQuery({ ...taskListQuery(filter), enabled: rangeError == null });
  const tasks = useMemo(
    () =>
      uniqueRows(
        query.data?.pages,
        (p) => p.tasks,
        (t) => t.task_id,
      ),
    [query.data],
  );
  const total = query.data?.pages[0]?.total ?? 0;
  const timeline = search.view === 'timeline';
  // an empty list means nothing when nothing can arrive
  const brokerDown = brokerOutage(useQuery(healthQuery()).data) != null;

  // The name box updates the URL after a pause in typing, not on every key press.
  const [name, setName] = useState(filter.name);
  useEffect(() => setName(filter.name), [filter.name]);
  useEffect(() => {
    if (name === filter.name) return;
    const t = setTimeout(() => void navigate({ search: (s) => ({ ...s, name: name || undefined }), replace: true }), 300);
    return () => clearTimeout(t);
  }, [name, filter.name, navigate]);

  const toggleState = (state: string) => {
    const next = filter.states.includes(state) ? filter.states.filter((s) => s !== state) : [...filter.states, state];
    void navigate({ search: (s) => ({ ...s, state: next.length ? next.join(',') : undefined }) });
  };

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
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, timeline]);

  const filtered = filter.states.length > 0 || filter.name || filter.from || filter.to || filter.q;
  const firstPage = query.data?.pages[0];

  return (
    <section className="page">
      <div className="page-head">
        <h1>Tasks</h1>
        <span className="muted">{query.data ? `${total} task${total === 1 ? '' : 's'}` : ''}</span>
        <div className="segmented" role="tablist" aria-label="View">
          <button
            type="button"
            role="tab"
            aria-selected={!timeline}
            className={timeline ? '' : 'active'}
            onClick={() => void navigate({ search: (s) => ({ ...s, view: undefined }) })}
          >
            List
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={timeline}
            data-testid="view-timeline"
            className={timeline ? 'active' : ''}
            onClick={() => void navigate({ search: (s) => ({ ...s, view: 'timeline' as const }) })}
          >
            Timeline
          </button>
        </div>
      </div>

      {filter.q && (
        <div className="search-banner" data-testid="search-banner">
          Search <code className="mono">{filter.q}</code>
          {firstPage?.truncated && (
            <span className="muted" data-testid="search-truncated">
              {' '}
              — looked at the newest {firstPage.scanned} tasks only
            </span>
          )}{' '}
          <Link to="/" search={(s) => ({ ...s, q: undefined })} className="button ghost">
            Clear search
          </Link>
        </div>
      )}
      <div className="filters">
        <input
          type="search"
          className="input"
          placeholder="Search task name"
          aria-label="Task name"
          data-testid="name-filter"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label className="field">
          From
          <input
            type="datetime-local"
            className="input"
            value={toLocalInput(search.from)}
            aria-invalid={rangeError != null}
            data-testid="from-filter"
            onChange={(e) => void navigate({ search: (s) => ({ ...s, from: fromLocalInput(e.target.value) }) })}
          />
        </label>
        <label className="field">
          To
          <input
            type="datetime-local"
            className="input"
            value={toLocalInput(search.to)}
            aria-invalid={rangeError != null}
            data-testid="to-filter"
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
              onClick={() => toggleState(s)}
            >
              {s}
            </button>
          ))}
        </div>
        {filtered && (
          <Link to="/" search={{ view: search.view }} className="button ghost">
            Clear
          </Link>
        )}
      </div>

      {rangeError ? (
        <div className="status status-error" role="alert" data-testid="range-error">
          {rangeError}
        </div>
      ) : query.isPending ? (
        <Loading what="tasks" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : tasks.length === 0 ? (
        <Empty>
          {filtered
            ? 'No task matches these filters.'
            : brokerDown
              ? 'No tasks received: the server is not connected to its broker (see above), so none can arrive yet.'
              : 'No tasks yet. Events appear here as workers report them.'}
        </Empty>
      ) : timeline ? (
        <TaskGantt tasks={tasks} />
      ) : (
        <div className="table task-table" role="table">
          <div className="thead" role="row">
            <span>State</span>
            <span>Name</span>
            <span>Id</span>
            <span>Worker</span>
            <span className="num">Duration</span>
            <span className="num">Seen</span>
          </div>
          {tasks.map((t) => (
            <RenderBoundary key={t.task_id} what={`task ${t.task_id}`} resetKey={t} frame={tableRowFrame}>
              <Link
                to="/task"
                search={idSearch(t.task_id)}
                className="trow"
                role="row"
                data-testid="task-row"
                data-task-id={t.task_id}
              >
                <span>
                  <StateBadge state={t.state} />
                </span>
                <span className="name" title={isAliased(t) ? t.name : undefined} data-testid="task-row-name">
                  {displayName(t)}
                  {t.retries > 0 && <span className="pill">retry {t.retries}</span>}
                  <AnomalyBadges types={t.anomalies} />
                </span>
                <span className="mono muted">{shortId(t.task_id)}</span>
                <span className="mono muted ellipsis" title={t.hostname ?? undefined} data-testid="task-row-worker">
                  {t.hostname ?? '—'}
                </span>
                <span className="num mono">{formatDuration(t.duration_ms)}</span>
                <span className="num muted">
                  <RelativeTime iso={t.first_seen} />
                </span>
              </Link>
            </RenderBoundary>
          ))}
        </div>
      )}
      {tasks.length > 0 && (
        <div ref={sentinel} className="list-foot muted">
          {isFetchingNextPage ? (
            'Loading more…'
          ) : hasNextPage ? (
            <button type="button" className="button ghost" onClick={() => void fetchNextPage()}>
              Load more ({tasks.length} of {total})
            </button>
          ) : (
            `All ${total} shown`
          )}
        </div>
      )}
    </section>
  );
}
