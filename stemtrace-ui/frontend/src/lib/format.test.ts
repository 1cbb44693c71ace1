import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatPeriod, formatRelative, fromLocalInput, isoUtc, shortId, shortName, toLocalInput, zoneLabel } from './format';

describe('formatDuration', () => {
  it('keeps precision proportional to magnitude', () => {
    expect(formatDuration(0.5)).toBe('0.50 ms');
    expect(formatDuration(5.55)).toBe('5.5 ms');
    expect(formatDuration(56.146)).toBe('56 ms');
    expect(formatDuration(1250)).toBe('1.25 s');
    expect(formatDuration(42_000)).toBe('42.0 s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000)).toBe('2h 03m');
    expect(formatDuration(26 * 3_600_000)).toBe('1d 02h');
  });

  it('shows a dash for missing or invalid values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-26T04:00:00Z');
  it('describes past and future times', () => {
    expect(formatRelative('2026-11-26T03:59:59.500000Z', now)).toBe('just now');
    expect(formatRelative('2026-11-26T03:59:48Z', now)).toBe('12s ago');
    expect(formatRelative('2026-11-26T03:57:00Z', now)).toBe('3m ago');
    expect(formatRelative('2026-11-26T01:00:00Z', now)).toBe('3h ago');
    expect(formatRelative('2026-11-24T04:00:00Z', now)).toBe('2d ago');
    expect(formatRelative('2026-11-26T04:00:05Z', now)).toBe('in 5s');
  });

  it('accepts offsets and rejects garbage', () => {
    expect(formatRelative('2026-11-26T04:59:00+01:00', now)).toBe('1m ago');
    expect(formatRelative('not a time', now)).toBe('—');
    expect(formatRelative(null, now)).toBe('—');
  });
});

describe('ids and names', () => {
  it('shortens task and container ids', () => {
    expect(shortId('2286e677-e9ff-4278-acff-9970fcbfd019')).toBe('2286e677');
    expect(shortId('group:fc98f405-b10e-46e0-91cc-fb2777bfdba1')).toBe('group:fc98f405');
  });

  it('keeps the last dotted segment of a name', () => {
    expect(shortName('capp.add')).toBe('add');
    expect(shortName('com.acme.jobs.Report')).toBe('Report');
    expect(shortName('plain')).toBe('plain');
    expect(shortName('trailing.')).toBe('trailing.');
  });
});

describe('periods and local date-time inputs', () => {
  const local = (...parts: [number, number, number, number?, number?]) => isoUtc(new Date(...parts).getTime());
  const now = new Date(2026, 11, 3).getTime();

  it('writes UTC ISO without zero milliseconds', () => {
    expect(isoUtc(Date.parse('2026-11-26T03:31:00Z'))).toBe('2026-11-26T03:31:00Z');
    expect(isoUtc(Date.parse('2026-11-26T03:31:00.250Z'))).toBe('2026-11-26T03:31:00.250Z');
  });

  it('shows a period in local time, naming the second day only when it differs', () => {
    expect(formatPeriod(local(2026, 10, 26, 3, 31), local(2026, 10, 26, 4, 31), now)).toBe('26 Nov 03:31 – 04:31');
    expect(formatPeriod(local(2026, 10, 26, 23, 0), local(2026, 10, 27), now)).toBe('26 Nov 23:00 – 27 Nov 00:00');
    expect(formatPeriod(local(2025, 11, 31, 12, 0), local(2026, 0, 1, 12, 0), now)).toBe('31 Dec 2025 12:00 – 1 Jan 12:00');
    expect(formatPeriod(null, local(2026, 10, 26), now)).toBe('—');
  });

  it('converts between datetime-local values and UTC ISO', () => {
    const iso = local(2026, 10, 26, 3, 31);
    expect(toLocalInput(iso)).toBe('2026-11-26T03:31');
    expect(fromLocalInput('2026-11-26T03:31')).toBe(iso);
    expect(toLocalInput(undefined)).toBe('');
    expect(toLocalInput('bogus')).toBe('');
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('bogus')).toBeUndefined();
  });
});

describe('zoneLabel', () => {
  it('names the offset from UTC in hours, and minutes when there are any', () => {
    expect(zoneLabel(0)).toBe('UTC');
    expect(zoneLabel(60)).toBe('UTC+1');
    expect(zoneLabel(-180)).toBe('UTC-3');
    expect(zoneLabel(330)).toBe('UTC+5:30');
    expect(zoneLabel(-570)).toBe('UTC-9:30');
    expect(zoneLabel(825)).toBe('UTC+13:45');
  });
});

describe('formatDateTime', () => {
  it('ends with the zone of the instant shown', () => {
    const iso = '2026-12-04T11:03:10.250Z';
    const text = formatDateTime(iso);
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.250 UTC([+-]\d{1,2}(:\d\d)?)?$/);
    expect(text.endsWith(zoneLabel(-new Date(iso).getTimezoneOffset()))).toBe(true);
    expect(formatDateTime(null)).toBe('—');
  });
});
