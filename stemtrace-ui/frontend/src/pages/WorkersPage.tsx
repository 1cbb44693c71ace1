import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { workersQuery } from '../api';
import { RenderBoundary } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { formatDateTime } from '../lib/format';

const workerCardFrame = (message: ReactNode) => <article className="card worker row-error">{message}</article>;

export function WorkersPage() {
  const query = useQuery(workersQuery());
  return (
    <section className="page">
      <div className="page-head">
        <h1>Workers</h1>
        {query.data && <span className="muted">{query.data.workers.filter((w) => w.status === 'online').length} online of {query.data.total}</span>}
      </div>
      {query.isPending ? (
        <Loading what="workers" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.workers.length === 0 ? (
        <Empty>No worker has announced itself yet.</Empty>
      ) : (
        <div className="cards">
          {query.data.workers.map((w) => (
            <RenderBoundary key={w.hostname} what={`worker ${w.hostname}`} resetKey={w} frame={workerCardFrame}>
              <article className="card worker" data-testid="worker-card">
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
                <h3>Registered tasks ({w.registered_tasks.length})</h3>
                <ul className="tag-list">
                  {w.registered_tasks.map((t) => (
                    <li key={t}>
                      <Link to="/" search={{ name: t }} className="tag mono">
                        {t}
                      </Link>
                    </li>
                  ))}
                </ul>
              </article>
            </RenderBoundary>
          ))}
        </div>
      )}
    </section>
  );
}
