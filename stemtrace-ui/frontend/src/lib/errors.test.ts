import { describe, expect, it } from 'vitest';
import { dateRangeError } from './dateRange';
import { isClientError, offersRetry, shouldRetry } from './errors';
import { brokerOutage } from './health';
import { formatTimeOfDay } from './format';

class StatusError extends Error {
  constructor(readonly status: number) {
    super(`status ${status}`);
  }
}

describe('query errors', () => {
  it('never retries a 4xx, and offers no Retry for it', () => {
    for (const status of [400, 401, 404, 422]) {
      expect(isClientError(new StatusError(status))).toBe(true);
      expect(shouldRetry(0, new StatusError(status))).toBe(false);
      expect(offersRetry(new StatusError(status))).toBe(false);
    }
  });

  it('retries a 5xx or a network failure twice, and offers Retry for them', () => {
    for (const error of [new StatusError(500), new StatusError(503), new TypeError('Failed to fetch')]) {
      expect(shouldRetry(0, error)).toBe(true);
      expect(shouldRetry(1, error)).toBe(true);
      expect(shouldRetry(2, error)).toBe(false);
      expect(offersRetry(error)).toBe(true);
    }
  });
});

describe('date range', () => {
  it('refuses From after To, accepts open ends and equal ends', () => {
    expect(dateRangeError('2026-11-26T12:00:00Z', '2026-11-26T11:00:00Z')).toMatch(/From is after To/);
    expect(dateRangeError('2026-11-26T11:00:00Z', '2026-11-26T12:00:00Z')).toBeNull();
    expect(dateRangeError('2026-11-26T11:00:00Z', '2026-11-26T11:00:00Z')).toBeNull();
    expect(dateRangeError('2026-11-26T11:00:00Z', undefined)).toBeNull();
    expect(dateRangeError(undefined, '2026-11-26T11:00:00Z')).toBeNull();
  });
});

describe('broker outage', () => {
  it('is read from a degraded health document only', () => {
    expect(brokerOutage(undefined)).toBeNull();
    expect(brokerOutage({ status: 'ok', transport: 'redis://h:6379/0' })).toBeNull();
    expect(
      brokerOutage({
        status: 'degraded',
        transport: 'redis://h:6379/0 stream stemtrace:events',
        disconnected_since: '2026-11-26T12:03:10.000000Z',
        last_error: 'cannot connect to redis://h:6379/0: Connection refused',
      }),
    ).toEqual({
      transport: 'redis://h:6379/0 stream stemtrace:events',
      since: '2026-11-26T12:03:10.000000Z',
      lastError: 'cannot connect to redis://h:6379/0: Connection refused',
    });
    expect(brokerOutage({ status: 'degraded' })).toEqual({ transport: 'the broker', since: null, lastError: null });
  });

  it('tells the time of day to the second', () => {
    const local = new Date(2026, 10, 26, 12, 3, 10, 456).toISOString();
    expect(formatTimeOfDay(local)).toBe('12:03:10');
    expect(formatTimeOfDay(null)).toBe('—');
  });
});
