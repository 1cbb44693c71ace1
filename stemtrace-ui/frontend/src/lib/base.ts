/**
 * The mount prefix the server injected into index.html. The placeholder stays untouched when the
 * page is served by something that does not substitute it (vite dev, a plain static server), and
 * then the app lives at the origin root.
 */
export function normaliseBase(raw: unknown): string {
  if (typeof raw !== 'string' || raw.startsWith('__')) return '';
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** `ws(s)://host{base}/ws` for a page served from `origin` (`http(s)://host`). */
export function websocketUrl(origin: string, base: string): string {
  return `${origin.replace(/^http/, 'ws')}${base}/ws`;
}
