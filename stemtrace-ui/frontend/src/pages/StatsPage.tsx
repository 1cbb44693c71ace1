import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { statsQuery } from '../api';
import { BarChart, type BarRow, SERIES_COLOURS, ThroughputChart, seriesClass } from '../components/Charts';
import { RenderBoundary, tableCellsFrame } from '../components/ErrorBoundary';
import { PeriodPicker } from '../components/PeriodPicker';
import { Empty, ErrorState, Loading } from '../components/QueryStatus';
import { RelativeTime } from '../components/Time';
import { formatDuration, formatPeriod } from '../lib/format';
import { stateClass } from '../lib/states';
import {
  type DurationMetric,
  type StatsRange,
  buildThroughput,
  describePeriod,
  failureRows,
  formatPercentiles,
  formatRate,
  newestPeriod,
  percentileRows,
  periodOf,
  sortByTotal,
} from '../lib/stats';
import { TASK_STATES, type Percentiles, type StatsResponse } from '../lib/types';

const route = getRouteApi('/stats');

const METRIC_LABEL: Record<DurationMetric, string> = { run_time_ms: 'Run time', queue_time_ms: 'Queue time' };
const PERCENTILES = ['p50', 'p95', 'p99'] as const;
const statsRowFrame = tableCellsFrame(10);

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

/** Why the page is empty, and a way to the newest events when the statistics hold any. */
function NoActivity({ data, onShow }: { data: StatsResponse; onShow: (range: StatsRange) => void }) {
  if (data.data_to == null) return <Empty>No task activity recorded yet.</Empty>;
  const newest = newestPeriod(data);
  return (
    <Empty>
      <p>No task activity in {describePeriod(data)}.</p>
      <p className="muted small">The statistics hold {formatPeriod(data.data_from, data.data_to)}.</p>
      {newest && (
        <button type="button" className="button" data-testid="stats-show-newest" onClick={() => onShow(newest)}>
          Show the period of the newest events
        </button>
      )}
    </Empty>
  );
}

export function StatsPage() {
  const search = route.useSearch();
  const period = useMemo(() => periodOf(search), [search]);
  const navigate = route.useNavigate();
  const query = useQuery(statsQuery(period));
  const [metric, setMetric] = useState<DurationMetric>('run_time_ms');

  const data = query.data;
  const covered = useMemo(() => (data ? { from: data.from, to: data.to } : null), [data]);
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
            <span data-testid="stats-period" title="Local time; the end is exclusive">
              {formatPeriod(data.from, data.to)}
            </span>{' '}
            · {tasks.length} task name{tasks.length === 1 ? '' : 's'} · updated <RelativeTime iso={data.generated_at} />
          </span>
        )}
        <PeriodPicker period={period} covered={covered} onSelect={(next) => void navigate({ search: next })} />
      </div>

      {query.isPending ? (
        <Loading what="statistics" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : tasks.length === 0 || !throughput ? (
        data && <NoActivity data={data} onShow={(range) => void navigate({ search: range })} />
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
                <p className="muted">No {METRIC_LABEL[metric].toLowerCase()} samples in this period.</p>
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
                <RenderBoundary key={t.name} what={`the statistics of ${t.name}`} resetKey={t} frame={statsRowFrame}>
                  <tr data-testid="stats-row" data-name={t.name}>
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
                </RenderBoundary>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
