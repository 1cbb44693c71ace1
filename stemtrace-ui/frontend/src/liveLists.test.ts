import { InfiniteQueryObserver, QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskListResponse, TaskNode } from './lib/types';

// api.ts reads the mount prefix from window at import time
(globalThis as { window?: object }).window ??= {};
const { taskListQuery } = await import('./api');
const { LIST_REFRESH_MS, refreshLiveLists } = await import('./liveLists');

/** /api/tasks over an arrival-ordered list, paged by cursor as the server pages it. */
class FakeTasks {
  private readonly rows: { seq: number; id: string }[] = [];
  private seq = 0;
  readonly requests: URLSearchParams[] = [];

  add(count: number) {
    for (let i = 0; i < count; i++) {
      const seq = this.seq++;
      this.rows.push({ seq, id: `t${seq}` });
    }
  }

  respond(url: string): TaskListResponse {
    const q = new URL(url, 'http://localhost').searchParams;
    this.requests.push(q);
    const limit = Number(q.get('limit'));
    const below = q.get('cursor') ? Number(q.get('cursor')!.slice(1)) : Infinity;
    const atLeast = q.get('end_cursor') ? Number(q.get('end_cursor')!.slice(1)) : -1;
    const span = [...this.rows].reverse().filter((r) => r.seq < below && r.seq >= atLeast);
    const rows = span.slice(0, limit);
    return {
      tasks: rows.map((r) => ({ task_id: r.id }) as TaskNode),
      total: this.rows.length,
      limit,
      offset: 0,
      cursor: q.get('cursor'),
      next_cursor: span.length > limit ? `a${rows[rows.length - 1]!.seq}` : null,
    };
  }
}

describe('live lists with a query client', () => {
  let server: FakeTasks;
  let client: QueryClient;

  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeTasks();
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => new Response(JSON.stringify(server.respond(url)), { headers: { 'content-type': 'application/json' } })),
    );
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  });

  afterEach(() => {
    client.clear();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('eight pages loaded, four frames a second for 10 s: only the first page is read again, every row once', async () => {
    server.add(500);
    const filter = { states: [], name: '', from: '', to: '' };
    const observer = new InfiniteQueryObserver(client, taskListQuery(filter));
    const unsubscribe = observer.subscribe(() => {});
    await vi.waitFor(() => expect(observer.getCurrentResult().data?.pages).toHaveLength(1));
    for (let i = 1; i < 8; i++) await observer.fetchNextPage();
    expect(observer.getCurrentResult().data?.pages).toHaveLength(8);
    const loaded = server.requests.length;

    for (let t = 0; t < 10_000; t += 250) {
      server.add(2);
      refreshLiveLists(client, 'tasks');
      await vi.advanceTimersByTimeAsync(250);
    }
    await vi.advanceTimersByTimeAsync(LIST_REFRESH_MS);

    const refreshes = server.requests.slice(loaded);
    expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(10_000 / LIST_REFRESH_MS) + 1);
    expect(refreshes.every((q) => q.has('end_cursor') && !q.has('cursor'))).toBe(true);
    const data = observer.getCurrentResult().data!;
    expect(data.pages).toHaveLength(8);
    const ids = data.pages.flatMap((p) => p.tasks.map((t) => t.task_id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('t579');
    expect(ids).toHaveLength(400 + 80);
    expect(data.pages[0]!.total).toBe(580);
    unsubscribe();
  });

  it('a list off screen is only marked stale, not fetched', async () => {
    server.add(60);
    const filter = { states: [], name: '', from: '', to: '' };
    const observer = new InfiniteQueryObserver(client, taskListQuery(filter));
    const unsubscribe = observer.subscribe(() => {});
    await vi.waitFor(() => expect(observer.getCurrentResult().data?.pages).toHaveLength(1));
    unsubscribe();
    const before = server.requests.length;
    refreshLiveLists(client, 'tasks');
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.requests.length).toBe(before);
    expect(client.getQueryCache().find({ queryKey: taskListQuery(filter).queryKey })?.state.isInvalidated).toBe(true);
  });
});
