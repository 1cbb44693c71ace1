import { normaliseBase } from './lib/base';

declare global {
  interface Window {
    __STEMTRACE_BASE__?: string;
  }
}

/** Mount prefix of the app, e.g. "" or "/stemtrace"; every route, API and WebSocket URL starts with it. */
export const BASE = normaliseBase(window.__STEMTRACE_BASE__);
