/**
 * When the server stops accepting this page's credentials (a form-login session expired, or Basic
 * credentials were changed), the page reloads once: the server then answers the navigation itself, with
 * its login page or the browser's Basic prompt. A page whose reload is refused again is not reloaded in
 * a loop: at most one reload per `minIntervalMs`.
 */
export const SIGN_IN_RELOAD_KEY = 'stemtrace.signInReloadAt';

export interface ReloadStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** True (and the time noted) when a reload for sign-in is allowed now. */
export function shouldReloadForSignIn(store: ReloadStore, nowMs: number, minIntervalMs = 30_000): boolean {
  const last = Number(store.getItem(SIGN_IN_RELOAD_KEY) ?? '');
  if (Number.isFinite(last) && last > 0 && nowMs - last < minIntervalMs) return false;
  store.setItem(SIGN_IN_RELOAD_KEY, String(nowMs));
  return true;
}

/** The WebSocket close code the server uses when the session that opened the socket expired. */
export const SESSION_EXPIRED_CLOSE_CODE = 1008;

/** Reloads the page for sign-in unless it did so a moment ago; storage errors (private mode) allow it. */
export function reloadForSignIn(): void {
  let allowed = true;
  try {
    allowed = shouldReloadForSignIn(window.sessionStorage, Date.now());
  } catch {
    // no session storage: reload anyway, the server's answer to the navigation stops any loop
  }
  if (allowed) window.location.reload();
}
