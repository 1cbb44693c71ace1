import { type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { formatPeriod, isoUtc } from '../lib/format';
import { type ThroughputSeries, bucketLabel, ellipsize, niceTicks, timeTickLabel, timeTicks } from '../lib/stats';

/** Distinct colours for task names (series-0 .. series-7 in styles.css); further names share a grey. */
export const SERIES_COLOURS = 8;

export const seriesClass = (index: number) => `series-${index}`;

/** Colour of stack part `s`: its name's, or the grey of the merged rest after the named ones. */
const partClass = (series: ThroughputSeries, s: number) => (s < series.names.length ? seriesClass(s) : 'series-other');

/** Width of an element in CSS pixels, following resizes; charts draw in pixels so text keeps its size. */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

const THROUGHPUT_HEIGHT = 200;
const PAD = { left: 40, right: 8, top: 10, bottom: 22 };

export function ThroughputChart({ series }: { series: ThroughputSeries }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const plotW = Math.max(0, width - PAD.left - PAD.right);
  const plotH = THROUGHPUT_HEIGHT - PAD.top - PAD.bottom;
  const ticks = niceTicks(series.max, 4, true);
  const top = ticks[ticks.length - 1] ?? 1;
  const slot = series.buckets.length > 0 ? plotW / series.buckets.length : 0;
  // Thin gaps separate bars while there is room for them; dense windows draw bars edge to edge.
  const barW = slot >= 4 ? slot * 0.78 : slot;
  const x = (t: number) => PAD.left + ((t - series.start) / (series.end - series.start)) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const per = bucketLabel(series.bucketMinutes);

  return (
    <div className="chart" ref={ref}>
      {width > 0 && (
        <svg width={width} height={THROUGHPUT_HEIGHT} role="img" aria-label={`Tasks finished per ${per}`} data-testid="chart-throughput">
          {ticks.map((v) => (
            <g key={v} className="chart-grid">
              <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} />
              <text x={PAD.left - 6} y={y(v)} dy="0.32em" textAnchor="end">
                {v}
              </text>
            </g>
          ))}
          {timeTicks(series.start, series.end).map((t) => (
            <text key={t} className="chart-tick" x={x(t)} y={THROUGHPUT_HEIGHT - 6} textAnchor="middle">
              {timeTickLabel(t)}
            </text>
          ))}
          {series.buckets.map((b, i) => {
            if (b.total === 0) return null;
            let base = 0;
            return (
              <g key={b.start}>
                <title>
                  {`${formatPeriod(isoUtc(b.start), isoUtc(b.start + series.bucketMinutes * 60_000))}: ${b.total} finished\n`}
                  {b.parts
                    .map((count, s) => (count ? `${series.names[s] ?? 'other'}: ${count}` : ''))
                    .filter(Boolean)
                    .join('\n')}
                </title>
                {b.parts.map((count, s) => {
                  if (count === 0) return null;
                  const y0 = y(base);
                  base += count;
                  return <rect key={s} className={partClass(series, s)} x={PAD.left + i * slot + (slot - barW) / 2} y={y(base)} width={barW} height={y0 - y(base)} />;
                })}
              </g>
            );
          })}
          {series.max === 0 && (
            <text className="chart-empty" x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} textAnchor="middle">
              Nothing finished in this period
            </text>
          )}
        </svg>
      )}
      {series.names.length > 0 && (
        <ul className="chart-legend">
          {series.names.map((n, s) => (
            <li key={n}>
              <span className={`chart-swatch ${seriesClass(s)}`} />
              {n}
            </li>
          ))}
          {series.other.length > 0 && (
            <li title={series.other.join('\n')}>
              <span className="chart-swatch series-other" />
              {series.other.length} other names
            </li>
          )}
        </ul>
      )}
      <p className="chart-caption muted">Tasks reaching a final state per {per}, stacked by task name.</p>
    </div>
  );
}

export interface BarRow {
  key: string;
  /** Full task name; shortened to fit the label column and shown in full on hover. */
  label: string;
  title: string;
  /** One bar per value; null draws no bar, only its text. */
  bars: Array<{ value: number | null; className: string; text: string }>;
}

const LABEL_W = 170;
const VALUE_W = 64;
const BAR_H = 11;
const BAR_GAP = 2;
const ROW_GAP = 10;
const AXIS_H = 20;

/** Horizontal bars, one group per task name, with a value axis underneath. */
export function BarChart({
  rows,
  max,
  formatTick,
  testId,
  label,
  legend,
}: {
  rows: BarRow[];
  max: number;
  formatTick: (v: number) => string;
  testId: string;
  label: string;
  legend?: ReactNode;
}) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const plotW = Math.max(0, width - LABEL_W - VALUE_W);
  const ticks = niceTicks(max, 4);
  const top = ticks[ticks.length - 1] || 1;
  const groupH = (bars: number) => bars * (BAR_H + BAR_GAP) - BAR_GAP;
  const offsets: number[] = [];
  let height = 4;
  for (const r of rows) {
    offsets.push(height);
    height += groupH(r.bars.length) + ROW_GAP;
  }
  const plotBottom = height - ROW_GAP + 4;
  const x = (v: number) => LABEL_W + (Math.min(v, top) / top) * plotW;

  return (
    <div className="chart" ref={ref}>
      {width > 0 && (
        <svg width={width} height={plotBottom + AXIS_H} role="img" aria-label={label} data-testid={testId}>
          {ticks.map((v) => (
            <g key={v} className="chart-grid">
              <line x1={x(v)} x2={x(v)} y1={0} y2={plotBottom} />
              <text x={x(v)} y={plotBottom + 14} textAnchor="middle">
                {formatTick(v)}
              </text>
            </g>
          ))}
          {rows.map((r, i) => {
            const y0 = offsets[i]!;
            return (
              <g key={r.key}>
                <title>{r.title}</title>
                <text className="chart-label" x={LABEL_W - 8} y={y0 + groupH(r.bars.length) / 2} dy="0.32em" textAnchor="end">
                  {ellipsize(r.label, 22)}
                </text>
                {r.bars.map((b, j) => {
                  const by = y0 + j * (BAR_H + BAR_GAP);
                  const end = b.value == null ? LABEL_W : x(b.value);
                  return (
                    <g key={j}>
                      {/* A hairline keeps tiny values visible; zero draws nothing. */}
                      {b.value != null && b.value > 0 && (
                        <rect className={b.className} x={LABEL_W} y={by} width={Math.max(1, end - LABEL_W)} height={BAR_H} rx={2} />
                      )}
                      <text className="chart-value" x={end + 5} y={by + BAR_H / 2} dy="0.32em">
                        {b.text}
                      </text>
                    </g>
                  );
                })}
              </g>
            );
          })}
        </svg>
      )}
      {legend}
    </div>
  );
}
