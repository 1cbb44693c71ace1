import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { WORKERS_PAGE_SIZE, workerQuery, workersQuery } from '../api';
import { RenderBoundary } from '../components/ErrorBoundary';
import { Pager } from '../components/Pager';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { formatDateTime } from '../lib/format';
import { pageOffset } from '../lib/pages';
import type { Worker } from '../lib/types';
import { countOf } from '../lib/plural';

const route = getRouteApi('/workers');

const workerCardFrame = (message: ReactNode) => <article className="card worker row-error">{message}</article>;

/**
 * The names a worker registers: the first ones the list carries, and on request every one of them
 * (GET /api/worker), fetched only for the worker whose names were asked for.
 */
function RegisteredNames({ worker }: { worker: Worker }) {
  const [showAll, setShowAll] = useState(false);
  const all = useQuery({ ...workerQuery(worker.hostname), enabled: showAll });
  const names = showAll && all.data ? all.data.registered_tasks : worker.registered_tasks;
  const hidden = worker.registered_task_count - worker.registered_tasks.length;
  return (
    <>
      <h3>Registered tasks ({worker.registered_task_count})</h3>
      <ul className="tag-list" data-testid="worker-names">
        {names.map((t) => (
          <li key={t}>
            <Link to="/" search={{ name: t }} className="tag mono">
              {t}
            </Link>
          </li>
        ))}
      </ul>
      {showAll && all.isPending && <Loading what={`every name of ${worker.hostname}`} />}
      {showAll && all.isError && <ErrorState error={all.error} onRetry={() => void all.refetch()} />}
      {hidden > 0 && (
        <button
          type="button"
          className="button ghost worker-names-toggle"
          aria-expanded={showAll}
          onClick={() => setShowAll(!showAll)}
          data-testid="worker-names-toggle"
        >
          {showAll ? `Show the first ${worker.registered_tasks.length} only` : `Show all ${countOf(worker.registered_task_count, 'name')} (${hidden} more)`}
        </button>
      )}
    </>
  );
}

export function WorkersPage() {
  const { page = 1 } = route.useSearch();
  const navigate = route.useNavigate();
  const query = useQuery(workersQuery(pageOffset(page, WORKERS_PAGE_SIZE)));
  return (
    <section className="page">
      <div className="page-head">
        <h1>Workers</h1>
        {query.data && <span className="muted">{countOf(query.data.total, 'worker')}, online first</span>}
      </div>
      {query.data && (
        <Pager
          what="workers"
          page={page}
          pageSize={WORKERS_PAGE_SIZE}
          offset={query.data.offset}
          shown={query.data.workers.length}
          total={query.data.total}
          onPage={(next) => void navigate({ search: { page: next === 1 ? undefined : next } })}
        />
      )}
      {query.isPending ? (
        <Loading what="workers" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.workers.length === 0 ? (
        <Empty>{query.data.total > 0 ? 'No worker on this page.' : 'No worker has announced itself yet.'}</Empty>
      ) : (
        <div className="cards">
          {query.data.workers.map((w) => (
            <RenderBoundary key={w.hostname} what={`worker ${w.hostname}`} resetKey={w} frame={workerCardFrame}>
              <article className="card worker" data-testid="worker-card" data-hostname={w.hostname}>
                <header className="worker-head">
                  <span className={`badge status-${w.status}`}>{w.status}</span>
                  <h2 className="mono">{w.hostname}</h2>
                  {w.pid != null && <span className="muted mono">pid {w.pid}</span>}
                </header>
                <dl className="facts compact">
                  <dt>Registered</dt>
                  <dd title={formatDateTime(w.registered_at)}>
                    <RelativeTime iso={w.registered_at} />
                  </dd>
                  <dt>Last seen</dt>
                  <dd title={formatDateTime(w.last_seen)}>
                    <RelativeTime iso={w.last_seen} />
                  </dd>
                </dl>
                <RegisteredNames worker={w} />
              </article>
            </RenderBoundary>
          ))}
        </div>
      )}
    </section>
  );
}
