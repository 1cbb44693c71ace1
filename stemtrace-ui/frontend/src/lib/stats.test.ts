import { describe, expect, it } from 'vitest';
import {
  buildThroughput,
  ellipsize,
  failureRate,
  failureRows,
  formatPercentiles,
  formatRate,
  niceTicks,
  parseWindow,
  percentileRows,
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

describe('throughput series', () => {
  const response = (window: number, tasks: TaskStats[], generatedAt = '2026-11-26T04:00:30.123456Z'): StatsResponse => ({
    window_minutes: window,
    generated_at: generatedAt,
    tasks,
  });

  it('fills every minute of the window and stacks names busiest first', () => {
    const s = buildThroughput(
      response(15, [
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
      response(15, [stats('a', 9, { throughput: point(9) }), stats('b', 5, { throughput: point(5) }), stats('c', 2, { throughput: point(2) }), stats('d', 1, { throughput: point(1) })]),
      120,
      3,
    );
    expect(s.names).toEqual(['a', 'b']);
    expect(s.other).toEqual(['c', 'd']);
    expect(s.buckets.at(-1)).toMatchObject({ total: 17, parts: [9, 5, 3] });
    expect(buildThroughput(response(15, [stats('a', 9, { throughput: point(9) })]), 120, 3)).toMatchObject({ names: ['a'], other: [] });
  });

  it('merges minutes into buckets for long windows and drops points outside the window', () => {
    const s = buildThroughput(
      response(1440, [
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

  it('ends at the latest minute when generated_at is unreadable', () => {
    const s = buildThroughput(response(15, [stats('a', 1, { throughput: [{ minute: '2026-11-26T03:10:00Z', count: 1 }] })], 'bogus'));
    expect(new Date(s.end).toISOString()).toBe('2026-11-26T03:11:00.000Z');
    expect(s.buckets.at(-1)?.total).toBe(1);
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
});

describe('inputs', () => {
  it('accepts only the offered windows', () => {
    expect(parseWindow(240)).toBe(240);
    expect(parseWindow('1440')).toBe(1440);
    expect(parseWindow('7')).toBe(60);
    expect(parseWindow(undefined)).toBe(60);
  });

  it('ellipsizes long labels', () => {
    expect(ellipsize('capp.add', 10)).toBe('capp.add');
    expect(ellipsize('capp.not_registered_anywhere', 12)).toBe('capp.not_re…');
  });
});
