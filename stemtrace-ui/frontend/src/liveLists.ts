import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { PAGE_SIZE, type TaskFilter, fetchGraphPage, fetchTaskPage } from './api';
import { type CursorPage, type PagedData, Throttle, firstPageRequest, mergeFirstPage } from './lib/livePages';

/**
 * A live list re-reads its first page at most this often, however many frames arrive (up to four a
 * second under load): an idle tab stays under one request a second per list shown.
 */
export const LIST_REFRESH_MS = 2000;

const FETCHERS = { tasks: fetchTaskPage, graphs: fetchGraphPage } as const;

export type ListFamily = keyof typeof FETCHERS;

/** One throttle per list query on screen (by query hash). */
const throttles = new Map<string, Throttle>();

/**
 * Brings the lists of a family up to date after pushed changes: a list on screen re-reads its first
 * page (throttled), one off screen is only marked stale, so it is read afresh when shown again.
 */
export function refreshLiveLists(client: QueryClient, family: ListFamily): void {
  for (const query of client.getQueryCache().findAll({ queryKey: [family, 'list'] })) {
    if (query.getObserversCount() === 0) {
      throttles.get(query.queryHash)?.cancel();
      throttles.delete(query.queryHash);
      void client.invalidateQueries({ queryKey: query.queryKey, exact: true, refetchType: 'none' });
      continue;
    }
    let throttle = throttles.get(query.queryHash);
    if (!throttle) {
      const key = query.queryKey;
      throttle = new Throttle(LIST_REFRESH_MS, () => refreshFirstPage(client, key, family));
      throttles.set(query.queryHash, throttle);
    }
    throttle.request();
  }
}

function isIdle(client: QueryClient, key: QueryKey): boolean {
  return client.getQueryCache().find({ queryKey: key, exact: true })?.state.fetchStatus === 'idle';
}

async function refreshFirstPage(client: QueryClient, key: QueryKey, family: ListFamily): Promise<void> {
  // A fetch in flight (the next page, a full read) rebuilds the data from what it started with, so a
  // change made meanwhile would be lost: leave the list to it; the next frame asks again.
  const data = client.getQueryData<PagedData<CursorPage>>(key);
  if (!data || !isIdle(client, key)) return;
  const filter = key[2] as TaskFilter;
  const request = firstPageRequest(data, PAGE_SIZE);
  const fresh = await FETCHERS[family](filter, { endCursor: request.endCursor, limit: request.limit });
  const current = client.getQueryData<PagedData<CursorPage>>(key);
  if (!current || !isIdle(client, key)) return;
  const merged = mergeFirstPage(current, fresh, request);
  if (merged) client.setQueryData(key, merged);
}
