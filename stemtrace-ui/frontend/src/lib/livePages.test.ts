import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CursorPage, MAX_REFRESH_ROWS, type PagedData, Throttle, firstPageRequest, mergeFirstPage, nextCursor, uniqueRows } from './livePages';

interface Row {
  id: string;
  state: string;
}

interface RowPage extends CursorPage {
  rows: Row[];
}

/**
 * The server's keyset paging over an arrival-ordered list, as the store does it: rows are numbered
 * as they arrive, newest first; a cursor is the number of the page's last row.
 */
class FakeList {
  private readonly rows: { seq: number; row: Row }[] = [];
  private seq = 0;
  requests = 0;

  add(id: string, state = 'PENDING') {
    this.rows.push({ seq: this.seq++, row: { id, state } });
  }

  setState(id: string, state: string) {
    const found = this.rows.find((r) => r.row.id === id);
    if (found) found.row = { ...found.row, state };
  }

  page(limit: number, cursor?: string | null, endCursor?: string | null, state?: string): RowPage {
    this.requests++;
    const below = cursor ? Number(cursor.slice(1)) : Infinity;
    const atLeast = endCursor ? Number(endCursor.slice(1)) : -1;
    const matching = [...this.rows].reverse().filter((r) => !state || r.row.state === state);
    const span = matching.filter((r) => r.seq < below && r.seq >= atLeast);
    const rows = span.slice(0, limit);
    const more = span.length > limit;
    return { rows: rows.map((r) => r.row), total: matching.length, next_cursor: more ? `a${rows[rows.length - 1]!.seq}` : null };
  }
}

const PAGE = 10;

function loadPages(server: FakeList, count: number, state?: string): PagedData<RowPage> {
  const data: PagedData<RowPage> = { pages: [server.page(PAGE, null, null, state)], pageParams: [null] };
  while (data.pages.length < count) {
    const cursor = nextCursor(data.pages[data.pages.length - 1]!);
    if (!cursor) break;
    data.pages.push(server.page(PAGE, cursor, null, state));
    data.pageParams.push(cursor);
  }
  return data;
}

function refresh(server: FakeList, data: PagedData<RowPage>, state?: string): PagedData<RowPage> {
  const request = firstPageRequest(data, PAGE);
  const fresh = server.page(request.limit, null, request.endCursor, state);
  return mergeFirstPage(data, fresh, request) ?? data;
}

const ids = (data: PagedData<RowPage>) =>
  uniqueRows(
    data.pages,
    (p) => p.rows,
    (r) => r.id,
  ).map((r) => r.id);

describe('live cursor pages', () => {
  it('scrolls through pages while rows arrive: every row once, none skipped', () => {
    const server = new FakeList();
    for (let i = 0; i < 45; i++) server.add(`t${i}`);
    let data = loadPages(server, 1);
    for (let round = 0; round < 12; round++) {
      for (let k = 0; k < 3; k++) server.add(`new-${round}-${k}`);
      data = refresh(server, data);
      const cursor = nextCursor(data.pages[data.pages.length - 1]!);
      if (cursor) {
        data = { pages: [...data.pages, server.page(PAGE, cursor)], pageParams: [...data.pageParams, cursor] };
      }
    }
    data = refresh(server, data);
    const shown = data.pages.flatMap((p) => p.rows.map((r) => r.id));
    expect(new Set(shown).size).toBe(shown.length);
    const all = server.page(1000).rows.map((r) => r.id);
    expect(shown).toEqual(all);
    expect(data.pages[0]!.total).toBe(45 + 36);
  });

  it('a refresh updates rows of the first page in place and leaves deeper pages as they were', () => {
    const server = new FakeList();
    for (let i = 0; i < 30; i++) server.add(`t${i}`);
    const data = loadPages(server, 3);
    const deeper = data.pages.slice(1);
    server.setState('t29', 'SUCCESS');
    server.setState('t5', 'SUCCESS');
    server.add('t30');
    const next = refresh(server, data);
    expect(next.pages[0]!.rows.map((r) => r.id).slice(0, 2)).toEqual(['t30', 't29']);
    expect(next.pages[0]!.rows.find((r) => r.id === 't29')?.state).toBe('SUCCESS');
    expect(next.pages[0]!.next_cursor).toBe(data.pages[0]!.next_cursor);
    expect(next.pages[1]!).toBe(deeper[0]!);
    expect(next.pages[2]!).toBe(deeper[1]!);
    expect(next.pages[2]!.rows.find((r) => r.id === 't5')?.state).toBe('PENDING');
    expect(next.pageParams).toEqual(data.pageParams);
  });

  it('rows leaving a filtered first page go, and the boundary still meets the second page', () => {
    const server = new FakeList();
    for (let i = 0; i < 25; i++) server.add(`t${i}`);
    let data = loadPages(server, 2, 'PENDING');
    server.setState('t20', 'SUCCESS');
    data = refresh(server, data, 'PENDING');
    expect(ids(data)).not.toContain('t20');
    expect(ids(data)).toEqual(server.page(1000, null, null, 'PENDING').rows.map((r) => r.id).slice(0, ids(data).length));
  });

  it('more arrivals than one refresh reads: the list restarts from the fresh first page', () => {
    const server = new FakeList();
    for (let i = 0; i < 30; i++) server.add(`t${i}`);
    const data = loadPages(server, 3);
    for (let i = 0; i < MAX_REFRESH_ROWS + 5; i++) server.add(`burst-${i}`);
    const next = refresh(server, data);
    expect(next.pages).toHaveLength(1);
    expect(next.pageParams).toEqual([null]);
    expect(next.pages[0]!.rows).toHaveLength(MAX_REFRESH_ROWS);
    const cursor = nextCursor(next.pages[0]!);
    expect(cursor).toBeDefined();
    const following = server.page(PAGE, cursor).rows.map((r) => r.id);
    expect(following[0]).toBe('burst-4');
  });

  it('a single-page list is read again as a first page and may gain a next page', () => {
    const server = new FakeList();
    for (let i = 0; i < 4; i++) server.add(`t${i}`);
    const data = loadPages(server, 1);
    expect(firstPageRequest(data, PAGE)).toEqual({ endCursor: null, limit: PAGE });
    for (let i = 4; i < 14; i++) server.add(`t${i}`);
    const next = refresh(server, data);
    expect(next.pages[0]!.rows).toHaveLength(PAGE);
    expect(next.pages[0]!.next_cursor).not.toBeNull();
  });

  it('a refresh whose boundary no longer matches is dropped', () => {
    const server = new FakeList();
    for (let i = 0; i < 30; i++) server.add(`t${i}`);
    const data = loadPages(server, 2);
    const request = firstPageRequest(data, PAGE);
    const moved: PagedData<RowPage> = { ...data, pages: [{ ...data.pages[0]!, next_cursor: 'a3' }, ...data.pages.slice(1)] };
    expect(mergeFirstPage(moved, server.page(request.limit, null, request.endCursor), request)).toBeNull();
  });

  it('uniqueRows keeps the first occurrence of an id', () => {
    const rows = uniqueRows(
      [[{ id: 'a' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }]],
      (p) => p,
      (r) => r.id,
    );
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(uniqueRows(undefined, (p: Row[]) => p, (r) => r.id)).toEqual([]);
  });

  it('a page without next_cursor (a server before cursors) ends the list', () => {
    expect(nextCursor({ total: 100 })).toBeUndefined();
    expect(nextCursor({ total: 100, next_cursor: null })).toBeUndefined();
    expect(nextCursor({ total: 100, next_cursor: 'a1' })).toBe('a1');
  });
});

describe('Throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once, then at most once per interval however often it is asked', async () => {
    let runs = 0;
    const throttle = new Throttle(2000, async () => {
      runs++;
    });
    // four frames a second for ten seconds
    for (let t = 0; t < 10_000; t += 250) {
      throttle.request();
      await vi.advanceTimersByTimeAsync(250);
    }
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(runs).toBeLessThanOrEqual(6);
  });

  it('never runs twice at once, and serves an ask made while running afterwards', async () => {
    let running = 0;
    let overlap = false;
    let runs = 0;
    const throttle = new Throttle(100, async () => {
      running++;
      overlap ||= running > 1;
      await new Promise((r) => setTimeout(r, 500));
      running--;
      runs++;
    });
    throttle.request();
    await vi.advanceTimersByTimeAsync(50);
    throttle.request();
    await vi.advanceTimersByTimeAsync(2000);
    expect(overlap).toBe(false);
    expect(runs).toBe(2);
  });

  it('a failing task does not stop later runs; cancel drops a pending one', async () => {
    let runs = 0;
    const throttle = new Throttle(100, async () => {
      runs++;
      throw new Error('offline');
    });
    throttle.request();
    await vi.advanceTimersByTimeAsync(10);
    throttle.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toBe(2);
    throttle.request(); // quiet long enough: runs at once
    throttle.request(); // waits for the interval
    throttle.cancel();
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toBe(3);
  });
});
