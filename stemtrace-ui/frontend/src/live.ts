import type { QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { websocketUrl } from './lib/base';
import { refreshLiveLists } from './liveLists';
import { backoffDelay, graphIsStale, parseFrame, planInvalidation, taskIsStale, workersAreStale } from './lib/liveUpdate';
import { reloadForSignIn, SESSION_EXPIRED_CLOSE_CODE } from './lib/signIn';
import type { GraphResponse, TaskDetailResponse, WorkerListResponse } from './lib/types';
import { BASE } from './env';

/**
 * live: the socket is open and pushes updates;
 * reconnecting: a connection attempt is in flight (pages poll meanwhile);
 * polling: the socket is down and waits for its next attempt (pages poll meanwhile).
 */
export type ConnectionState = 'live' | 'reconnecting' | 'polling';

export const POLL_INTERVAL_MS = 3000;

let state: ConnectionState = 'reconnecting';
const listeners = new Set<() => void>();

function setState(next: ConnectionState) {
  if (next === state) return;
  state = next;
  for (const l of listeners) l();
}

export function connectionState(): ConnectionState {
  return state;
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    connectionState,
  );
}

/** Polling interval for queries: none while pushed updates arrive. */
export function pollInterval(): number | false {
  return state === 'live' ? false : POLL_INTERVAL_MS;
}

function applyFrame(client: QueryClient, text: string) {
  const frame = parseFrame(text);
  if (!frame) return;
  const plan = planInvalidation(frame);
  if (plan.everything) {
    // Lists re-read their first page only; refetching every loaded page costs one request per page.
    void client.invalidateQueries({ predicate: (q) => !isLiveList(q.queryKey) });
    refreshLiveLists(client, 'tasks');
    refreshLiveLists(client, 'graphs');
    return;
  }
  if (plan.tasks || plan.anomalies) {
    // Task rows carry state and anomaly badges alike.
    refreshLiveLists(client, 'tasks');
    void client.invalidateQueries({
      queryKey: ['graph'],
      predicate: (q) => graphIsStale(plan, String(q.queryKey[1]), q.state.data as GraphResponse | undefined),
    });
    void client.invalidateQueries({
      queryKey: ['task'],
      predicate: (q) => taskIsStale(plan, String(q.queryKey[1]), q.state.data as TaskDetailResponse | undefined),
    });
  }
  if (plan.tasks) {
    refreshLiveLists(client, 'graphs');
    void client.invalidateQueries({ queryKey: ['registry'] });
  }
  if (plan.anomalies) void client.invalidateQueries({ queryKey: ['anomalies'] });
  if (plan.workers) {
    const shown = client.getQueriesData<WorkerListResponse>({ queryKey: ['workers', 'list'] }).map(([, data]) => data);
    if (shown.length === 0 || workersAreStale(frame.workers, shown)) {
      void client.invalidateQueries({ queryKey: ['workers'] });
      void client.invalidateQueries({ queryKey: ['registry'] });
    }
  }
}

/** The infinite lists that pushed frames refresh by their first page (liveLists.ts). */
function isLiveList(key: readonly unknown[]): boolean {
  return (key[0] === 'tasks' || key[0] === 'graphs') && key[1] === 'list';
}

/** Keeps a WebSocket to {base}/ws open for the life of the page, reconnecting with backoff. */
export function startLiveUpdates(client: QueryClient): void {
  const url = websocketUrl(window.location.origin, BASE);
  let failures = 0;
  // While the socket is down the lists poll as the other queries do, by their first page.
  setInterval(() => {
    if (state === 'live') return;
    refreshLiveLists(client, 'tasks');
    refreshLiveLists(client, 'graphs');
  }, POLL_INTERVAL_MS);

  const connect = () => {
    setState('reconnecting');
    const ws = new WebSocket(url);
    ws.onopen = () => {
      // Whatever changed while the socket was down was only seen by polling (if at all): catch up.
      if (failures > 0) {
        void client.invalidateQueries({ predicate: (q) => !isLiveList(q.queryKey) });
        refreshLiveLists(client, 'tasks');
        refreshLiveLists(client, 'graphs');
      }
      failures = 0;
      setState('live');
    };
    ws.onmessage = (ev: MessageEvent<unknown>) => {
      if (typeof ev.data === 'string') applyFrame(client, ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (ev.code === SESSION_EXPIRED_CLOSE_CODE) {
        reloadForSignIn();
        return;
      }
      setState('polling');
      setTimeout(connect, backoffDelay(failures++));
    };
  };
  connect();
}
