import { describe, expect, it } from 'vitest';
import { formatPeriod } from './format';
import {
  bucketLabel,
  buildThroughput,
  describePeriod,
  ellipsize,
  failureRate,
  failureRows,
  formatPercentiles,
  formatRate,
  newestPeriod,
  niceTicks,
  parseRange,
  parseStatsSearch,
  parseWindow,
  percentileRows,
  periodOf,
  periodParams,
  rangeFromInputs,
  timeTickLabel,
  timeTicks,
} from './stats';
import type { StatsResponse, TaskStats } from './types';

const none = { p50: null, p95: null, p99: null };

function stats(name: string, total: number, extra: Partial<TaskStats> = {}): TaskStats {
  return { name, total, counts: {}, success_rate: null, queue_time_ms: none, run_time_ms: none, throughput: [], ...extra };
}

describe('failure rates', () => {
  it('computes FAILURE / (SUCCESS + FAILURE) from counts', () => {
    expect(failureRate({ SUCCESS: 3, FAILURE: 1, STARTED: 5 })).toBe(0.25);
    expect(failureRate({ FAILURE: 2 })).toBe(1);
    expect(failureRate({ SUCCESS: 7 })).toBe(0);
    expect(failureRate({ PENDING: 4, REVOKED: 1 })).toBeNull();
    expect(failureRate({})).toBeNull();
  });

  it('orders names by rate, leaving names without finished runs last', () => {
    const rows = failureRows([
      stats('capp.add', 12, { counts: { SUCCESS: 12 } }),
      stats('capp.idle', 1, { counts: { PENDING: 1 } }),
      stats('capp.boom', 1, { counts: { FAILURE: 1 } }),
      stats('capp.flaky', 4, { counts: { SUCCESS: 3, FAILURE: 1 } }),
    ]);
    expect(rows.map((r) => [r.name, r.rate, r.failed, r.finished])).toEqual([
      ['capp.boom', 1, 1, 1],
      ['capp.flaky', 0.25, 1, 4],
      ['capp.add', 0, 0, 12],
      ['capp.idle', null, 0, 0],
    ]);
  });

  it('formats rates without rounding partial results to 0% or 100%', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0.5)).toBe('50%');
    expect(formatRate(1 / 3)).toBe('33.3%');
    expect(formatRate(0.0004)).toBe('<0.1%');
    expect(formatRate(0.9996)).toBe('>99.9%');
    expect(formatRate(Number.NaN)).toBe('—');
  });
});

describe('percentiles', () => {
  it('formats the three percentiles, with dashes for missing ones', () => {
    expect(formatPercentiles({ p50: 1.2, p95: 56.146, p99: 1250 })).toBe('p50 1.2 ms · p95 56 ms · p99 1.25 s');
    expect(formatPercentiles({ p50: 3, p95: null, p99: null })).toBe('p50 3.0 ms · p95 — · p99 —');
    expect(formatPercentiles(none)).toBe('no samples');
  });

  it('keeps names with samples, busiest first, and finds the largest value', () => {
    const { rows, max } = percentileRows(
      [
        stats('capp.tsum', 1, { run_time_ms: { p50: 20, p95: 26, p99: 26 } }),
        stats('capp.idle', 3),
        stats('capp.add', 12, { run_time_ms: { p50: 11, p95: 60, p99: 71 }, queue_time_ms: { p50: 1, p95: 2, p99: 3 } }),
      ],
      'run_time_ms',
    );
    expect(rows.map((r) => r.name)).toEqual(['capp.add', 'capp.tsum']);
    expect(max).toBe(71);
    expect(percentileRows([stats('capp.add', 1, { queue_time_ms: { p50: 1, p95: null, p99: 3 } })], 'queue_time_ms').max).toBe(3);
  });
});

const response = (from: string, to: string, tasks: TaskStats[], extra: Partial<StatsResponse> = {}): StatsResponse => ({
  window_minutes: null,
  from,
  to,
  generated_at: '2026-11-26T04:00:30.123456Z',
  data_from: '2026-11-20T00:00:00Z',
  data_to: '2026-11-26T04:01:00Z',
  tasks,
  ...extra,
});

describe('throughput series', () => {
  const last15 = (tasks: TaskStats[]) => response('2026-11-26T03:46:00Z', '2026-11-26T04:01:00Z', tasks, { window_minutes: 15 });

  it('fills every minute of the period and stacks names busiest first', () => {
    const s = buildThroughput(
      last15([
        stats('capp.tsum', 1, { throughput: [{ minute: '2026-11-26T03:58:00Z', count: 1 }] }),
        stats('capp.add', 5, {
          throughput: [
            { minute: '2026-11-26T03:46:00Z', count: 2 },
            { minute: '2026-11-26T03:58:00Z', count: 3 },
          ],
        }),
        stats('capp.idle', 2),
      ]),
    );
    expect(s.names).toEqual(['capp.add', 'capp.tsum']);
    expect(s.other).toEqual([]);
    expect(s.bucketMinutes).toBe(1);
    expect(s.buckets).toHaveLength(15);
    expect(new Date(s.start).toISOString()).toBe('2026-11-26T03:46:00.000Z');
    expect(new Date(s.end).toISOString()).toBe('2026-11-26T04:01:00.000Z');
    expect(s.buckets[0]).toMatchObject({ total: 2, parts: [2, 0] });
    expect(s.buckets[12]).toMatchObject({ total: 4, parts: [3, 1] });
    expect(s.buckets.filter((b) => b.total === 0)).toHaveLength(13);
    expect(s.max).toBe(4);
  });

  it('merges the quietest names into one series beyond the colour limit', () => {
    const point = (count: number) => [{ minute: '2026-11-26T04:00:00Z', count }];
    const s = buildThroughput(
      last15([stats('a', 9, { throughput: point(9) }), stats('b', 5, { throughput: point(5) }), stats('c', 2, { throughput: point(2) }), stats('d', 1, { throughput: point(1) })]),
      120,
      3,
    );
    expect(s.names).toEqual(['a', 'b']);
    expect(s.other).toEqual(['c', 'd']);
    expect(s.buckets.at(-1)).toMatchObject({ total: 17, parts: [9, 5, 3] });
    expect(buildThroughput(last15([stats('a', 9, { throughput: point(9) })]), 120, 3)).toMatchObject({ names: ['a'], other: [] });
  });

  it('merges minutes into buckets for long periods and drops points outside the period', () => {
    const s = buildThroughput(
      response('2026-11-25T04:01:00Z', '2026-11-26T04:01:00Z', [
        stats('capp.add', 9, {
          throughput: [
            { minute: '2026-11-25T03:00:00Z', count: 100 },
            { minute: '2026-11-26T03:49:00Z', count: 4 },
            { minute: '2026-11-26T04:00:00Z', count: 5 },
          ],
        }),
      ]),
    );
    expect(s.bucketMinutes).toBe(12);
    expect(s.buckets).toHaveLength(120);
    expect(s.buckets.at(-1)).toMatchObject({ total: 9 });
    expect(s.max).toBe(9);
  });

  it('keeps seven days to at most maxBars bars', () => {
    const s = buildThroughput(response('2026-11-19T04:01:00Z', '2026-11-26T04:01:00Z', [], { window_minutes: 10080 }));
    expect(s.bucketMinutes).toBe(84);
    expect(s.buckets).toHaveLength(120);
    expect(new Date(s.start).toISOString()).toBe('2026-11-19T04:01:00.000Z');
    expect(buildThroughput(response('2026-11-19T04:01:00Z', '2026-11-26T04:01:00Z', []), 50).buckets.length).toBeLessThanOrEqual(50);
  });

  it('spans a custom range by its ends, not by when the response was made', () => {
    const s = buildThroughput(
      response('2026-11-26T03:35:00Z', '2026-11-26T03:37:00Z', [stats('capp.add', 3, { throughput: [{ minute: '2026-11-26T03:35:00Z', count: 3 }] })], {
        generated_at: '2026-12-03T18:00:00Z',
      }),
    );
    expect(new Date(s.start).toISOString()).toBe('2026-11-26T03:35:00.000Z');
    expect(new Date(s.end).toISOString()).toBe('2026-11-26T03:37:00.000Z');
    expect(s.buckets.map((b) => b.total)).toEqual([3, 0]);
  });

  it('ends the last bucket with the period when the minutes do not divide evenly', () => {
    const s = buildThroughput(response('2026-11-26T02:00:00Z', '2026-11-26T04:05:00Z', []));
    expect(s.bucketMinutes).toBe(2);
    expect(s.buckets).toHaveLength(63);
    expect(new Date(s.end).toISOString()).toBe('2026-11-26T04:05:00.000Z');
    expect(new Date(s.start).toISOString()).toBe('2026-11-26T01:59:00.000Z');
  });

  it('names bucket lengths for captions', () => {
    expect([1, 12, 84, 60, 120, 1440, 2880].map(bucketLabel)).toEqual(['minute', '12 minutes', '84 minutes', 'hour', '2 hours', 'day', '2 days']);
  });
});

describe('periods', () => {
  const from = '2026-11-26T03:31:00Z';
  const to = '2026-11-26T04:31:00Z';

  it('keeps a window, or a from/to range of zoned ISO instants with from before to', () => {
    expect(parseStatsSearch({ window: '15' })).toEqual({ window: 15 });
    expect(parseStatsSearch({ window: 10080 })).toEqual({ window: 10080 });
    expect(parseStatsSearch({ window: 'week' })).toEqual({ window: 60 });
    expect(parseStatsSearch({})).toEqual({ window: undefined });
    // the server refuses both at once, so a valid range drops the window
    expect(parseStatsSearch({ from, to, window: 15 })).toEqual({ from, to });
    expect(parseStatsSearch({ from: '2026-11-26T03:31:00.123456+01:00', to })).toEqual({ from: '2026-11-26T03:31:00.123456+01:00', to });
  });

  it('drops ranges that are not one', () => {
    expect(parseStatsSearch({ from: to, to: from, window: 15 })).toEqual({ window: 15 });
    expect(parseStatsSearch({ from, to: from })).toEqual({ window: undefined });
    expect(parseStatsSearch({ from })).toEqual({ window: undefined });
    expect(parseRange('2026-11-26T03:31', to)).toBeNull();
    expect(parseRange('2026-11-26', to)).toBeNull();
    expect(parseRange('garbage', to)).toBeNull();
    expect(parseRange(Date.parse(from), to)).toBeNull();
    expect(parseRange('2026-13-45T03:31:00Z', to)).toBeNull();
  });

  it('turns the search into a period and the period into query parameters', () => {
    expect(periodOf({})).toEqual({ window: 60 });
    expect(periodOf({ window: 1440 })).toEqual({ window: 1440 });
    expect(periodOf({ from, to })).toEqual({ from, to });
    expect(periodParams({ window: 15 })).toEqual({ window_minutes: '15' });
    expect(periodParams({ from, to })).toEqual({ from, to });
  });

  it('reads a custom range from local date-time inputs', () => {
    const range = rangeFromInputs('2026-11-26T03:31', '2026-11-26T04:31');
    expect('error' in range).toBe(false);
    if (!('error' in range)) {
      expect(range.from).toBe(new Date(2026, 10, 26, 3, 31).toISOString().replace('.000Z', 'Z'));
      expect(Date.parse(range.to) - Date.parse(range.from)).toBe(3_600_000);
    }
    expect(rangeFromInputs('', '2026-11-26T04:31')).toEqual({ error: 'Give both a start and an end.' });
    expect(rangeFromInputs('2026-11-26T04:31', '2026-11-26T04:31')).toEqual({ error: 'The start must be before the end.' });
    expect(rangeFromInputs('2026-11-26T05:00', '2026-11-26T04:31')).toEqual({ error: 'The start must be before the end.' });
  });

  it('describes the period for sentences', () => {
    expect(describePeriod(response(from, to, [], { window_minutes: 60 }))).toBe('the last 1 hour');
    expect(describePeriod(response(from, to, [], { window_minutes: 10080 }))).toBe('the last 7 days');
    expect(describePeriod(response(from, to, [], { window_minutes: 90 }))).toBe('the last 90 minutes');
    expect(describePeriod(response(from, to, [], { window_minutes: 1 }))).toBe('the last 1 minute');
    expect(describePeriod(response(from, to, []))).toBe(formatPeriod(from, to));
  });
});

describe('the newest period', () => {
  const empty = (from: string, to: string, dataFrom: string | null, dataTo: string | null) =>
    response(from, to, [], { window_minutes: 60, data_from: dataFrom, data_to: dataTo });

  it('ends with the newest minute held and is as long as the current period', () => {
    expect(newestPeriod(empty('2026-12-03T17:13:00Z', '2026-12-03T18:13:00Z', '2026-11-20T00:00:00Z', '2026-11-26T03:37:00Z'))).toEqual({
      from: '2026-11-26T02:37:00Z',
      to: '2026-11-26T03:37:00Z',
    });
  });

  it('starts no earlier than the oldest minute held', () => {
    expect(newestPeriod(empty('2026-12-03T17:13:00Z', '2026-12-03T18:13:00Z', '2026-11-26T03:35:00Z', '2026-11-26T03:37:00Z'))).toEqual({
      from: '2026-11-26T03:35:00Z',
      to: '2026-11-26T03:37:00Z',
    });
  });

  it('offers nothing when the period holds tasks, nothing is held, or it is the period shown', () => {
    const held = response('2026-11-26T03:00:00Z', '2026-11-26T04:00:00Z', [stats('capp.add', 1)], { data_to: '2026-11-26T03:37:00Z' });
    expect(newestPeriod(held)).toBeNull();
    expect(newestPeriod(empty('2026-12-03T17:13:00Z', '2026-12-03T18:13:00Z', null, null))).toBeNull();
    expect(newestPeriod(empty('2026-11-26T02:37:00Z', '2026-11-26T03:37:00Z', '2026-11-20T00:00:00Z', '2026-11-26T03:37:00Z'))).toBeNull();
  });
});

describe('axes', () => {
  it('steps by 1, 2 or 5 times a power of ten up to a round top', () => {
    expect(niceTicks(71)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(4, 4, true)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(1, 4, true)).toEqual([0, 1]);
    expect(niceTicks(0.35)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(1250)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0, 4, true)).toEqual([0, 1]);
  });

  it('places time ticks on natural steps aligned to the local clock', () => {
    const start = Date.parse('2026-11-26T03:46:00Z');
    const end = Date.parse('2026-11-26T04:01:00Z');
    expect(timeTicks(start, end, 6, 0).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['03:50', '03:55', '04:00']);
    const day = timeTicks(end - 24 * 3_600_000, end, 6, 30 * 60_000).map((t) => new Date(t).toISOString().slice(11, 16));
    // Four-hour steps on the local clock (UTC+0:30): 08:00 local is 07:30 UTC.
    expect(day[0]).toBe('07:30');
    expect(day).toHaveLength(6);
  });

  it('steps by days over longer periods, at local midnight', () => {
    const end = Date.parse('2026-11-26T04:01:00Z');
    const week = timeTicks(end - 7 * 86_400_000, end, 7, 0).map((t) => new Date(t).toISOString());
    expect(week).toHaveLength(7);
    expect(week[0]).toBe('2026-11-20T00:00:00.000Z');
    expect(timeTicks(end - 7 * 86_400_000, end, 7, 330 * 60_000).map((t) => new Date(t).toISOString().slice(11, 16))[0]).toBe('18:30');
    expect(timeTicks(end - 7 * 86_400_000, end, 6, 0).map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2026-11-21', '2026-11-23', '2026-11-25']);
    expect(timeTicks(end - 14 * 86_400_000, end, 6, 0)).toHaveLength(4);
    expect(timeTicks(end - 90 * 86_400_000, end, 6, 0).length).toBeLessThanOrEqual(7);
  });

  it('labels midnight with the day and other ticks with the time', () => {
    const now = new Date(2026, 11, 3).getTime();
    expect(timeTickLabel(new Date(2026, 10, 27).getTime(), now)).toBe('27 Nov');
    expect(timeTickLabel(new Date(2026, 10, 27, 4, 5).getTime(), now)).toBe('04:05');
    expect(timeTickLabel(new Date(2025, 10, 27).getTime(), now)).toBe('27 Nov 2025');
  });
});

describe('inputs', () => {
  it('accepts only the offered windows, and 4 hours from older links', () => {
    expect(parseWindow(240)).toBe(240);
    expect(parseWindow('1440')).toBe(1440);
    expect(parseWindow('10080')).toBe(10080);
    expect(parseWindow('7')).toBe(60);
    expect(parseWindow(undefined)).toBe(60);
  });

  it('ellipsizes long labels', () => {
    expect(ellipsize('capp.add', 10)).toBe('capp.add');
    expect(ellipsize('capp.not_registered_anywhere', 12)).toBe('capp.not_re…');
  });
});
