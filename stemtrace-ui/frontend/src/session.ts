import { queryOptions } from '@tanstack/react-query';
import { BASE } from './env';

/** What form login tells a signed-in page (GET /api/session); other authentication has none. */
export interface SessionInfo {
  user: string;
  /** The path the sign-out form posts to. */
  sign_out: string;
  /** The CSRF token the sign-out form carries. */
  csrf: string;
}

/** The session, or null when the server has no form login (404) or answers something unexpected. */
export async function fetchSession(signal?: AbortSignal): Promise<SessionInfo | null> {
  const res = await fetch(`${BASE}/api/session`, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) return null;
  const body: unknown = await res.json().catch(() => null);
  return readSession(body);
}

export function readSession(body: unknown): SessionInfo | null {
  if (!body || typeof body !== 'object') return null;
  const { user, sign_out, csrf } = body as Record<string, unknown>;
  if (typeof user !== 'string' || typeof sign_out !== 'string' || typeof csrf !== 'string') return null;
  return { user, sign_out, csrf };
}

// The CSRF token lives two hours and the server renews it past half its life: a refresh every 20
// minutes keeps the one in the form valid in a tab left open.
export const sessionQuery = () =>
  queryOptions({
    queryKey: ['session'] as const,
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 20 * 60_000,
    refetchInterval: 20 * 60_000,
    retry: false,
  });
