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

const LIVENESS_LABEL: Record<string, string> = { online: 'online', offline: 'offline', shut_down: 'shut down' };

/** Online, offline (silent past the threshold) or shut down, with what the verdict rests on. */
function LivenessBadge({ worker, offlineAfter }: { worker: Worker; offlineAfter?: number }) {
  // a server without liveness sends only status
  const liveness = worker.liveness ?? worker.status;
  const why =
    liveness === 'shut_down'
      ? 'its latest event was worker_shutdown'
      : liveness === 'offline'
        ? `not heard from for more than ${offlineAfter ?? '?'} s`
        : `heard from within the last ${offlineAfter ?? '?'} s`;
  return (
    <span className={`badge liveness-${liveness}`} title={why} data-testid="worker-liveness" data-liveness={liveness}>
      {LIVENESS_LABEL[liveness] ?? String(liveness)}
    </span>
  );
}

/** What ran on the worker, from task events that name it (Python workers name none). */
function WorkerCounts({ worker }: { worker: Worker }) {
  const counts: Array<[string, number | undefined, string]> = [
    ['processed', worker.processed, 'task attempts finished here'],
    ['succeeded', worker.succeeded, 'of those, SUCCESS'],
    ['failed', worker.failed, 'of those, FAILURE'],
    ['retried', worker.retried, 'attempts that ended in RETRY here'],
    ['active', worker.active, 'running here now'],
  ];
  return (
    <div className="worker-counts" data-testid="worker-counts">
      {counts.map(([label, value, title]) => (
        <span key={label} className="count" title={title} data-testid={`worker-${label}`} data-value={value ?? 0}>
          <b>{value ?? 0}</b>
          <span className="muted">{label}</span>
        </span>
      ))}
    </div>
  );
}

/** Each run of the worker process, newest first: a new pid, or a start after a shutdown. */
function Starts({ worker }: { worker: Worker }) {
  const starts = worker.starts ?? [];
  if (starts.length === 0) return null;
  const restarts = worker.restart_count ?? 0;
  const shown = [...starts].reverse();
  return (
    <>
      {/* not an h3: the card's one h3 heads its registered names */}
      <h4 className="section-label" data-testid="worker-restarts" data-value={restarts}>
        {restarts === 0 ? 'Started once' : `Restarts (${restarts})`}
        {(worker.start_count ?? 0) > starts.length && (
          <span className="muted"> · latest {starts.length} of {worker.start_count} starts</span>
        )}
      </h4>
      <ul className="worker-starts" data-testid="worker-starts">
        {shown.map((s, i) => (
          <li key={`${s.pid}-${s.started_at ?? i}`} data-testid="worker-start" data-pid={s.pid}>
            <span className="mono">pid {s.pid}</span>
            <span className="muted"> started </span>
            <span title={formatDateTime(s.started_at)}>
              <RelativeTime iso={s.started_at} />
            </span>
            {s.stopped_at ? (
              <>
                <span className="muted"> · shut down </span>
                <span title={formatDateTime(s.stopped_at)}>
                  <RelativeTime iso={s.stopped_at} />
                </span>
              </>
            ) : i === 0 ? (
              worker.liveness === 'online' ? <span className="muted"> · running</span> : null
            ) : (
              <span className="muted"> · ended without a shutdown</span>
            )}
          </li>
        ))}
      </ul>
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
                  <LivenessBadge worker={w} offlineAfter={query.data.offline_after_seconds} />
                  <h2 className="mono">{w.hostname}</h2>
                  {w.pid != null && w.pid !== 0 && <span className="muted mono">pid {w.pid}</span>}
                </header>
                <dl className="facts compact">
                  <dt>Registered</dt>
                  <dd title={formatDateTime(w.registered_at)}>
                    <RelativeTime iso={w.registered_at} />
                  </dd>
                  <dt>Last seen</dt>
                  <dd title={formatDateTime(w.last_heard_at ?? w.last_seen)} data-testid="worker-last-seen">
                    <RelativeTime iso={w.last_heard_at ?? w.last_seen} />
                  </dd>
                </dl>
                <WorkerCounts worker={w} />
                <Starts worker={w} />
                <RegisteredNames worker={w} />
              </article>
            </RenderBoundary>
          ))}
        </div>
      )}
    </section>
  );
}
