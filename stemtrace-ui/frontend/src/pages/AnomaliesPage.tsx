import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
import { anomalyListQuery } from '../api';
import { AnomalyBadge } from '../components/AnomalyBadge';
import { RenderBoundary, tableCellsFrame } from '../components/ErrorBoundary';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { ANOMALY_EXPLANATION, ANOMALY_LABEL, anomalyClass, parseAnomalyTypes } from '../lib/anomalies';
import { formatDateTime, shortId } from '../lib/format';
import { idSearch } from '../lib/search';
import { ANOMALY_TYPES, type Anomaly, type AnomalyType } from '../lib/types';

const route = getRouteApi('/anomalies');

const anomalyRowFrame = tableCellsFrame(6);

/** A chord that did not join has no task of its own to open; its workflow graph shows the container. */
function SubjectLink({ anomaly }: { anomaly: Anomaly }) {
  if (anomaly.type === 'CHORD_NOT_JOINED') {
    return (
      <Link to="/graph" search={idSearch(anomaly.workflow_id)} className="mono" title={`Workflow ${anomaly.workflow_id}`}>
        {shortId(anomaly.task_id)}
      </Link>
    );
  }
  return (
    <Link to="/task" search={idSearch(anomaly.task_id)} className="mono" title={anomaly.task_id}>
      {shortId(anomaly.task_id)}
    </Link>
  );
}

export function AnomaliesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const types = useMemo(() => parseAnomalyTypes(search.type), [search.type]);
  const query = useInfiniteQuery(anomalyListQuery(types));
  const anomalies = useMemo(() => query.data?.pages.flatMap((p) => p.anomalies) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;

  const toggleType = (type: AnomalyType) => {
    const next = types.includes(type) ? types.filter((t) => t !== type) : [...types, type];
    void navigate({ search: { type: next.length ? next.join(',') : undefined } });
  };

  return (
    <section className="page">
      <div className="page-head">
        <h1>Anomalies</h1>
        <span className="muted">{query.data ? `${total} current` : ''}</span>
      </div>
      <div className="filters">
        <div className="chips" role="group" aria-label="Anomaly types">
          {ANOMALY_TYPES.map((t) => (
            <button
              key={t}
              type="button"
              className={`chip ${anomalyClass(t)} ${types.includes(t) ? 'on' : ''}`}
              aria-pressed={types.includes(t)}
              title={ANOMALY_EXPLANATION[t]}
              data-testid="anomaly-filter"
              data-anomaly-type={t}
              onClick={() => toggleType(t)}
            >
              {ANOMALY_LABEL[t]}
            </button>
          ))}
        </div>
        {types.length > 0 && (
          <Link to="/anomalies" className="button ghost">
            Clear
          </Link>
        )}
      </div>

      {query.isPending ? (
        <Loading what="anomalies" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : anomalies.length === 0 ? (
        <Empty>{types.length > 0 ? 'No current anomaly of these types.' : 'No anomalies: every task looks healthy.'}</Empty>
      ) : (
        <table className="grid-table anomaly-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Task</th>
              <th>Id</th>
              <th>Since</th>
              <th>Worker</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {anomalies.map((a) => (
              <RenderBoundary
                key={`${a.type}:${a.task_id}`}
                what={`the ${a.type} anomaly of ${a.task_id}`}
                resetKey={a}
                frame={anomalyRowFrame}
              >
                <tr data-testid="anomaly-row" data-anomaly-type={a.type} data-task-id={a.task_id}>
                  <td>
                    <AnomalyBadge type={a.type} />
                  </td>
                  <td className="mono">{a.name}</td>
                  <td>
                    <SubjectLink anomaly={a} />
                  </td>
                  <td className="muted nowrap" title={`since ${formatDateTime(a.since)}, detected ${formatDateTime(a.detected_at)}`}>
                    <RelativeTime iso={a.since} />
                  </td>
                  <td className="mono small">{a.worker ?? <span className="muted">—</span>}</td>
                  <td className="small">{a.detail}</td>
                </tr>
              </RenderBoundary>
            ))}
          </tbody>
        </table>
      )}
      {query.hasNextPage && (
        <div className="list-foot">
          <button type="button" className="button ghost" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {query.isFetchingNextPage ? 'Loading…' : `Load more (${anomalies.length} of ${total})`}
          </button>
        </div>
      )}
    </section>
  );
}
