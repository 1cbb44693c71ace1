import { formatDay, formatDuration, formatMinute, formatPeriod, fromLocalInput, isoUtc, parseTime } from './format';
import { countOf } from './plural';
import type { Percentiles, StatsResponse, TaskState, TaskStats } from './types';

const MINUTE = 60_000;

/** Windows a URL may name: the offered ones, and 240 from links made while it was offered. */
export const STATS_WINDOWS = [15, 60, 240, 1440, 10080] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];
/** The windows the page offers as buttons. */
export const PRESET_WINDOWS: readonly StatsWindow[] = [15, 60, 1440, 10080];
export const DEFAULT_WINDOW: StatsWindow = 60;

export const WINDOW_LABEL: Record<StatsWindow, string> = {
  15: '15 min',
  60: '1 hour',
  240: '4 hours',
  1440: '24 hours',
  10080: '7 days',
};

/** A fixed period in the events' own time: UTC ISO instants, `from` inclusive, `to` exclusive. */
export interface StatsRange {
  from: string;
  to: string;
}

/** What the statistics cover: the last N minutes by the server's clock, or a fixed range. */
export type StatsPeriod = { window: StatsWindow } | StatsRange;

/** The period's part of the /stats search parameters. */
export interface StatsPeriodSearch {
  window?: StatsWindow;
  from?: string;
  to?: string;
}

/** Reads the `window` search parameter (a number or a numeric string); anything else is the default. */
export function parseWindow(raw: unknown): StatsWindow {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  return STATS_WINDOWS.find((w) => w === n) ?? DEFAULT_WINDOW;
}

// A zone is required: Date reads a zoneless date-time as local time, the server reads it as UTC.
const ZONED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch ms of an ISO-8601 instant with a zone, or null for anything else. */
export function parseInstant(raw: unknown): number | null {
  return typeof raw === 'string' && ZONED_INSTANT.test(raw) ? parseTime(raw) : null;
}

/** The `from`/`to` search parameters as a range when both are ISO instants and `from` is before `to`. */
export function parseRange(from: unknown, to: unknown): StatsRange | null {
  const f = parseInstant(from);
  const t = parseInstant(to);
  return f != null && t != null && f < t ? { from: from as string, to: to as string } : null;
}

/** Search parameters for /stats: a valid range wins (the server refuses a window with it), else the window. */
export function parseStatsSearch(search: Record<string, unknown>): StatsPeriodSearch {
  const range = parseRange(search.from, search.to);
  if (range) return range;
  return { window: search.window === undefined ? undefined : parseWindow(search.window) };
}

export function periodOf(search: StatsPeriodSearch): StatsPeriod {
  return search.from && search.to ? { from: search.from, to: search.to } : { window: search.window ?? DEFAULT_WINDOW };
}

export function isRange(period: StatsPeriod): period is StatsRange {
  return 'from' in period;
}

/** The query parameters of GET /api/stats for a period. */
export function periodParams(period: StatsPeriod): Record<string, string> {
  return isRange(period) ? { from: period.from, to: period.to } : { window_minutes: String(period.window) };
}

/** The period a response covers, for sentences: `the last 1 hour`, or `26 Nov 03:31 – 04:31`. */
export function describePeriod(stats: StatsResponse, now = Date.now()): string {
  const minutes = stats.window_minutes;
  if (minutes == null) return formatPeriod(stats.from, stats.to, now);
  const known = STATS_WINDOWS.find((w) => w === minutes);
  return `the last ${known ? WINDOW_LABEL[known] : countOf(minutes, 'minute')}`;
}

/** The range of two `datetime-local` values (local time), or why they are not one. */
export function rangeFromInputs(fromInput: string, toInput: string): StatsRange | { error: string } {
  const from = fromLocalInput(fromInput);
  const to = fromLocalInput(toInput);
  if (!from || !to) return { error: 'Give both a start and an end.' };
  if (Date.parse(from) >= Date.parse(to)) return { error: 'The start must be before the end.' };
  return { from, to };
}

/**
 * For a response whose period holds nothing: the period to offer instead, ending with the newest
 * minute the statistics hold, as long as the current period but starting no earlier than their oldest
 * minute. Null when there is nothing to offer: the period holds tasks, the statistics hold nothing,
 * or the offer would be the period already shown.
 */
export function newestPeriod(stats: StatsResponse): StatsRange | null {
  const dataTo = parseTime(stats.data_to);
  if (stats.tasks.length > 0 || dataTo == null) return null;
  const from = parseTime(stats.from);
  const to = parseTime(stats.to);
  const length = from != null && to != null && to > from ? to - from : 60 * MINUTE;
  const start = Math.max(parseTime(stats.data_from) ?? -Infinity, dataTo - length);
  if (start >= dataTo || (start === from && dataTo === to)) return null;
  return { from: isoUtc(start), to: isoUtc(dataTo) };
}

/** FAILURE / (SUCCESS + FAILURE), the complement of the server's success_rate; null when neither happened. */
export function failureRate(counts: Partial<Record<TaskState, number>>): number | null {
  const failed = counts.FAILURE ?? 0;
  const finished = failed + (counts.SUCCESS ?? 0);
  return finished === 0 ? null : failed / finished;
}

/**
 * A rate as a percentage with at most one decimal. A partial rate never reads as 0% or 100%: one
 * failure in two thousand runs is shown as `<0.1%`, not hidden by rounding.
 */
export function formatRate(rate: number | null | undefined): string {
  if (rate == null || !Number.isFinite(rate)) return '—';
  if (rate <= 0) return '0%';
  if (rate >= 1) return '100%';
  const pct = rate * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct > 99.9) return '>99.9%';
  return `${pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/** `p50 12 ms · p95 30 ms · p99 41 ms`, or `no samples`. */
export function formatPercentiles(p: Percentiles): string {
  if (p.p50 == null && p.p95 == null && p.p99 == null) return 'no samples';
  return `p50 ${formatDuration(p.p50)} · p95 ${formatDuration(p.p95)} · p99 ${formatDuration(p.p99)}`;
}

/** Busiest task names first, so they get the first (most distinct) series colours; ties by name. */
export function sortByTotal(tasks: TaskStats[]): TaskStats[] {
  return [...tasks].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

export interface ThroughputBucket {
  /** Epoch ms of the bucket start. */
  start: number;
  total: number;
  /** Count per series in the order of ThroughputSeries.names, then the merged rest when there is one. */
  parts: number[];
}

export interface ThroughputSeries {
  /** Names drawn in their own colour, busiest first. */
  names: string[];
  /** Names merged into one "other" series (empty when every name has its own). */
  other: string[];
  bucketMinutes: number;
  /** Covers the whole period, oldest first; empty buckets included so gaps show. */
  buckets: ThroughputBucket[];
  /** Epoch ms: start of the first bucket and end of the last one. */
  start: number;
  end: number;
  max: number;
}

/**
 * Stacked per-name counts over the response's period. The server reports whole minutes; a day has
 * 1 440 of them, far more bars than fit, so minutes are merged into buckets of equal size until at most
 * `maxBars` remain. The last bucket ends with the period; when the minutes do not divide evenly, the
 * first one reaches back before its start. Beyond `maxSeries` names the quietest are merged, since more
 * colours than that cannot be told apart in a stack.
 */
export function buildThroughput(stats: StatsResponse, maxBars = 120, maxSeries = 8): ThroughputSeries {
  const end = parseTime(stats.to) ?? 0;
  const from = parseTime(stats.from) ?? end - MINUTE;
  const minutes = Math.max(1, Math.ceil((end - from) / MINUTE));
  const bucketMinutes = Math.ceil(minutes / Math.max(1, maxBars));
  const count = Math.ceil(minutes / bucketMinutes);
  const start = end - count * bucketMinutes * MINUTE;

  const active = sortByTotal(stats.tasks).filter((t) => t.throughput.some((p) => p.count > 0));
  const own = active.length > maxSeries ? Math.max(0, maxSeries - 1) : active.length;
  const buckets: ThroughputBucket[] = Array.from({ length: count }, (_, i) => ({
    start: start + i * bucketMinutes * MINUTE,
    total: 0,
    parts: Array.from({ length: Math.min(active.length, own + 1) }, () => 0),
  }));
  active.forEach((t, i) => {
    const s = Math.min(i, own);
    for (const p of t.throughput) {
      const at = parseTime(p.minute);
      if (at == null || at < start || at >= end) continue;
      const bucket = buckets[Math.floor((at - start) / (bucketMinutes * MINUTE))]!;
      bucket.parts[s]! += p.count;
      bucket.total += p.count;
    }
  });
  return {
    names: active.slice(0, own).map((t) => t.name),
    other: active.slice(own).map((t) => t.name),
    bucketMinutes,
    buckets,
    start,
    end,
    max: buckets.reduce((m, b) => Math.max(m, b.total), 0),
  };
}

/** A bucket's length for captions: `minute`, `12 minutes`, `hour`, `3 hours`, `day`, `2 days`. */
export function bucketLabel(minutes: number): string {
  const [n, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return n === 1 ? unit : `${n} ${unit}s`;
}

export interface PercentileRow {
  name: string;
  values: Percentiles;
}

export type DurationMetric = 'run_time_ms' | 'queue_time_ms';

/** Rows for the percentile chart: task names with at least one sample, busiest first. */
export function percentileRows(tasks: TaskStats[], metric: DurationMetric): { rows: PercentileRow[]; max: number } {
  const rows = sortByTotal(tasks)
    .map((t) => ({ name: t.name, values: t[metric] }))
    .filter((r) => r.values.p50 != null || r.values.p95 != null || r.values.p99 != null);
  const max = rows.reduce((m, r) => Math.max(m, r.values.p50 ?? 0, r.values.p95 ?? 0, r.values.p99 ?? 0), 0);
  return { rows, max };
}

export interface FailureRow {
  name: string;
  /** Null when nothing finished in the period. */
  rate: number | null;
  failed: number;
  finished: number;
}

/** Highest failure rate first; names without finished runs last. */
export function failureRows(tasks: TaskStats[]): FailureRow[] {
  return tasks
    .map((t) => {
      const failed = t.counts.FAILURE ?? 0;
      return { name: t.name, rate: failureRate(t.counts), failed, finished: failed + (t.counts.SUCCESS ?? 0) };
    })
    .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || b.finished - a.finished || a.name.localeCompare(b.name));
}

/**
 * Axis ticks from 0 to a round top at or above `max`, stepping by 1, 2 or 5 times a power of ten.
 * `integer` keeps steps whole, for counts.
 */
export function niceTicks(max: number, target = 4, integer = false): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return integer ? [0, 1] : [0];
  const raw = max / Math.max(1, target);
  const pow = 10 ** Math.floor(Math.log10(raw));
  let step = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  if (integer) step = Math.max(1, Math.round(step));
  const top = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  // Multiplying instead of accumulating keeps 0.1-sized steps free of float drift.
  for (let i = 0; i * step <= top + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * Time axis labels: about `target` instants on steps that read naturally (5 min, 1 h, 1 day, ...),
 * aligned to the local clock so hourly ticks land on the hour even in half-hour time zones and daily
 * ones at midnight. `utcOffsetMs` is local time minus UTC.
 */
export function timeTicks(start: number, end: number, target = 6, utcOffsetMs = -new Date(start).getTimezoneOffset() * MINUTE): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 4320, 10080];
  const span = (end - start) / MINUTE;
  // Past a few weeks, whole days that give about `target` ticks.
  const minutes = steps.find((s) => span / s <= target) ?? Math.ceil(span / Math.max(1, target) / 1440) * 1440;
  const step = minutes * MINUTE;
  const ticks: number[] = [];
  for (let t = Math.ceil((start + utcOffsetMs) / step) * step - utcOffsetMs; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** A time axis label: the day at local midnight (`27 Nov`), otherwise the local time (`04:00`). */
export function timeTickLabel(t: number, now = Date.now()): string {
  const time = formatMinute(t);
  return time === '00:00' ? formatDay(t, now) : time;
}

/** Cuts long task names for chart labels; the full name goes in the tooltip. */
export function ellipsize(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}
