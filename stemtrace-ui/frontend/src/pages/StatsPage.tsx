import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { statsQuery } from '../api';
import { BarChart, type BarRow, SERIES_COLOURS, ThroughputChart, seriesClass } from '../components/Charts';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { formatDuration } from '../lib/format';
import { stateClass } from '../lib/states';
import {
  DEFAULT_WINDOW,
  type DurationMetric,
  STATS_WINDOWS,
  WINDOW_LABEL,
  buildThroughput,
  failureRows,
  formatPercentiles,
  formatRate,
  percentileRows,
  sortByTotal,
} from '../lib/stats';
import { TASK_STATES, type Percentiles } from '../lib/types';

const route = getRouteApi('/stats');

const METRIC_LABEL: Record<DurationMetric, string> = { run_time_ms: 'Run time', queue_time_ms: 'Queue time' };
const PERCENTILES = ['p50', 'p95', 'p99'] as const;

function PercentileCells({ p }: { p: Percentiles }) {
  return (
    <>
      {PERCENTILES.map((k) => (
        <td key={k} className="num mono">
          {formatDuration(p[k])}
        </td>
      ))}
    </>
  );
}

export function StatsPage() {
  const minutes = route.useSearch().window ?? DEFAULT_WINDOW;
  const navigate = route.useNavigate();
  const query = useQuery(statsQuery(minutes));
  const [metric, setMetric] = useState<DurationMetric>('run_time_ms');

  const data = query.data;
  const tasks = useMemo(() => (data ? sortByTotal(data.tasks) : []), [data]);
  const throughput = useMemo(() => (data ? buildThroughput(data, 120, SERIES_COLOURS) : null), [data]);
  // Task names keep the colour they have in the throughput chart wherever they appear.
  const colour = useMemo(() => {
    const map = new Map<string, string>(throughput?.names.map((n, i) => [n, seriesClass(i)]));
    for (const n of throughput?.other ?? []) map.set(n, 'series-other');
    return map;
  }, [throughput]);

  const durationRows = useMemo(() => {
    const { rows, max } = percentileRows(tasks, metric);
    const bars: BarRow[] = rows.map((r) => ({
      key: r.name,
      label: r.name,
      title: `${r.name}\n${formatPercentiles(r.values)}`,
      bars: PERCENTILES.map((k) => ({ value: r.values[k], className: `bar-${k}`, text: formatDuration(r.values[k]) })),
    }));
    return { bars, max };
  }, [tasks, metric]);

  const failureBars: BarRow[] = useMemo(
    () =>
      failureRows(tasks).map((r) => ({
        key: r.name,
        label: r.name,
        title: r.rate == null ? `${r.name}: nothing finished` : `${r.name}: ${r.failed} of ${r.finished} finished runs failed`,
        bars: [{ value: r.rate, className: 'bar-failure', text: r.rate == null ? 'no finished runs' : formatRate(r.rate) }],
      })),
    [tasks],
  );

  return (
    <section className="page stats-page">
      <div className="page-head">
        <h1>Statistics</h1>
        {data && (
          <span className="muted">
            {tasks.length} task name{tasks.length === 1 ? '' : 's'} · updated <RelativeTime iso={data.generated_at} />
          </span>
        )}
        <div className="segmented" role="group" aria-label="Window">
          {STATS_WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              className={w === minutes ? 'active' : ''}
              aria-pressed={w === minutes}
              data-testid={`stats-window-${w}`}
              onClick={() => void navigate({ search: { window: w } })}
            >
              {WINDOW_LABEL[w]}
            </button>
          ))}
        </div>
      </div>

      {query.isPending ? (
        <Loading what="statistics" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : tasks.length === 0 || !throughput ? (
        <Empty>No task activity in the last {WINDOW_LABEL[minutes]}.</Empty>
      ) : (
        <>
          <div className="card">
            <h3>Throughput</h3>
            <ThroughputChart series={throughput} />
          </div>

          <div className="columns">
            <div className="card">
              <div className="card-head">
                <h3>{METRIC_LABEL[metric]} percentiles</h3>
                <div className="segmented small" role="group" aria-label="Duration">
                  {(Object.keys(METRIC_LABEL) as DurationMetric[]).map((m) => (
                    <button key={m} type="button" className={m === metric ? 'active' : ''} aria-pressed={m === metric} onClick={() => setMetric(m)}>
                      {METRIC_LABEL[m]}
                    </button>
                  ))}
                </div>
              </div>
              {durationRows.bars.length === 0 ? (
                <p className="muted">No {METRIC_LABEL[metric].toLowerCase()} samples in this window.</p>
              ) : (
                <BarChart
                  rows={durationRows.bars}
                  max={durationRows.max}
                  formatTick={(v) => (v === 0 ? '0' : formatDuration(v))}
                  testId="chart-durations"
                  label={`${METRIC_LABEL[metric]} p50, p95 and p99 per task name`}
                  legend={
                    <ul className="chart-legend">
                      {PERCENTILES.map((k) => (
                        <li key={k}>
                          <span className={`chart-swatch bar-${k}`} />
                          {k}
                        </li>
                      ))}
                    </ul>
                  }
                />
              )}
            </div>
            <div className="card">
              <div className="card-head">
                <h3>Failure rate</h3>
                <span className="muted small">FAILURE ÷ (SUCCESS + FAILURE)</span>
              </div>
              <BarChart rows={failureBars} max={1} formatTick={formatRate} testId="chart-failures" label="Failure rate per task name" />
            </div>
          </div>

          <table className="grid-table stats-table">
            <thead>
              <tr>
                <th rowSpan={2}>Name</th>
                <th rowSpan={2} className="num">
                  Total
                </th>
                <th rowSpan={2}>By state</th>
                <th rowSpan={2} className="num">
                  Success
                </th>
                <th colSpan={3} className="group">
                  Queue time
                </th>
                <th colSpan={3} className="group">
                  Run time
                </th>
              </tr>
              <tr>
                {[...PERCENTILES, ...PERCENTILES].map((k, i) => (
                  <th key={i} className="num">
                    {k}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.name} data-testid="stats-row" data-name={t.name}>
                  <td>
                    <span className={`chart-swatch ${colour.get(t.name) ?? 'none'}`} />
                    <Link to="/" search={{ name: t.name }} className="mono" title="Show runs of this task">
                      {t.name}
                    </Link>
                  </td>
                  <td className="num mono">{t.total}</td>
                  <td>
                    <span className="state-counts">
                      {TASK_STATES.filter((s) => t.counts[s]).map((s) => (
                        <span key={s} className={stateClass(s)} title={s}>
                          {t.counts[s]} {s.toLowerCase()}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td className="num mono">{formatRate(t.success_rate)}</td>
                  <PercentileCells p={t.queue_time_ms} />
                  <PercentileCells p={t.run_time_ms} />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
