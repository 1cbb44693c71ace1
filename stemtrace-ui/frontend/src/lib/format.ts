const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Human duration with precision that matches its magnitude: `0.42 ms`, `56 ms`, `1.25 s`, `3m 05s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 10) return `${ms.toFixed(ms < 1 ? 2 : 1)} ms`;
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < 10 * SECOND) return `${(ms / SECOND).toFixed(2)} s`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(1)} s`;
  if (ms < HOUR) {
    const m = Math.floor(ms / MINUTE);
    return `${m}m ${pad2(Math.floor((ms - m * MINUTE) / SECOND))}s`;
  }
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    return `${h}h ${pad2(Math.floor((ms - h * HOUR) / MINUTE))}m`;
  }
  const d = Math.floor(ms / DAY);
  return `${d}d ${pad2(Math.floor((ms - d * DAY) / HOUR))}h`;
}

/** `12s ago`, `3m ago`, `in 5s`; `just now` below two seconds to avoid flicker between 0s and 1s. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  const t = parseTime(iso);
  if (t == null) return '—';
  const diff = now - t;
  const abs = Math.abs(diff);
  if (abs < 2 * SECOND) return 'just now';
  let text: string;
  if (abs < MINUTE) text = `${Math.floor(abs / SECOND)}s`;
  else if (abs < HOUR) text = `${Math.floor(abs / MINUTE)}m`;
  else if (abs < DAY) text = `${Math.floor(abs / HOUR)}h`;
  else text = `${Math.floor(abs / DAY)}d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** Milliseconds since the epoch, or null for missing/unparseable timestamps. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** Local wall-clock time with milliseconds; task runs are often shorter than a second. */
export function formatClock(iso: string | null | undefined): string {
  const t = parseTime(iso);
  if (t == null) return '—';
  const d = new Date(t);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Local wall-clock time to the second, for a moment a person reads at a glance. */
export function formatTimeOfDay(iso: string | null | undefined): string {
  const t = parseTime(iso);
  if (t == null) return '—';
  const d = new Date(t);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/**
 * A UTC offset in minutes east of Greenwich as `UTC`, `UTC+1`, `UTC-3`, `UTC+5:30`: the same in every
 * browser, where zone abbreviations are not (many zones have none).
 */
export function zoneLabel(offsetMinutes: number): string {
  if (!Number.isFinite(offsetMinutes) || offsetMinutes === 0) return 'UTC';
  const abs = Math.abs(Math.round(offsetMinutes));
  const minutes = abs % 60;
  return `UTC${offsetMinutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${minutes ? `:${pad2(minutes)}` : ''}`;
}

/** Local date and time with the zone, `2026-12-04 12:03:10.123 UTC+1`, for places where the day matters. */
export function formatDateTime(iso: string | null | undefined): string {
  const t = parseTime(iso);
  if (t == null) return '—';
  const d = new Date(t);
  // getTimezoneOffset counts minutes west of Greenwich, at that instant (summer time included)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(iso)} ${zoneLabel(-d.getTimezoneOffset())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-26T03:31:00Z`: UTC ISO, without the milliseconds when they are zero. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Local day and month, `26 Nov`, with the year when it is not the current one: `26 Nov 2025`. */
export function formatDay(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const year = d.getFullYear() === new Date(now).getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year}`;
}

/** Local hours and minutes, `04:31`. */
export function formatMinute(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/**
 * A period as local days and minutes, `26 Nov 03:31 – 04:31`, naming the second day only when it
 * differs from the first. `to` is shown as given: an exclusive end.
 */
export function formatPeriod(from: string | null | undefined, to: string | null | undefined, now = Date.now()): string {
  const f = parseTime(from);
  const t = parseTime(to);
  if (f == null || t == null) return '—';
  const endDay = formatDay(t, now);
  return `${formatDay(f, now)} ${formatMinute(f)} – ${endDay === formatDay(f, now) ? '' : `${endDay} `}${formatMinute(t)}`;
}

/** `datetime-local` inputs speak local wall time to the minute; the URL and the API speak UTC ISO. */
export function toLocalInput(iso: string | null | undefined): string {
  const t = parseTime(iso);
  if (t == null) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** The UTC ISO instant of a `datetime-local` value, or undefined when it is empty or unreadable. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  // Without a zone, Date reads a date-time as local time, which is what the input shows.
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? undefined : isoUtc(t);
}

/** First eight characters of a UUID; container ids keep their `group:` prefix. */
export function shortId(id: string): string {
  const colon = id.indexOf(':');
  if (colon >= 0) return `${id.slice(0, colon + 1)}${id.slice(colon + 1, colon + 9)}`;
  return id.slice(0, 8);
}

/** Last dotted segment of a task name (`capp.add` -> `add`). */
export function shortName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && dot < name.length - 1 ? name.slice(dot + 1) : name;
}

/** Pretty JSON for args/kwargs/result blocks. */
export function formatJson(value: unknown): string {
  if (value === undefined) return '—';
  return JSON.stringify(value, null, 2);
}
