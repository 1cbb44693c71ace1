import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { graphListQuery } from '../api';
import { RenderBoundary, tableRowFrame } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { StateBadge } from '../components/StateBadge';
import { RelativeTime } from '../components/Time';
import { WorkflowDuration } from '../components/WorkflowDuration';
import { formatDateTime, shortId } from '../lib/format';
import { idSearch } from '../lib/search';

export function GraphsPage() {
  const query = useInfiniteQuery(graphListQuery());
  const graphs = query.data?.pages.flatMap((p) => p.graphs) ?? [];
  const total = query.data?.pages[0]?.total ?? 0;
  return (
    <section className="page">
      <div className="page-head">
        <h1>Workflows</h1>
        <span className="muted">{query.data ? `${total} workflow${total === 1 ? '' : 's'}` : ''}</span>
      </div>
      {query.isPending ? (
        <Loading what="workflows" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : graphs.length === 0 ? (
        <Empty>No workflows yet.</Empty>
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
      {query.hasNextPage && (
        <div className="list-foot">
          <button type="button" className="button ghost" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {query.isFetchingNextPage ? 'Loading…' : `Load more (${graphs.length} of ${total})`}
          </button>
        </div>
      )}
    </section>
  );
}
