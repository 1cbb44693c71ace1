// Live infinite lists (tasks, workflows). Pages are chained by the server's cursors, which do not
// move as tasks arrive, so a deeper page never repeats or skips a row. A pushed frame re-reads only
// the first page: the span from the newest row down to the first page's `next_cursor` (end_cursor),
// which is what that page is now with whatever arrived since. Deeper pages are left as they were.

/** The page envelope of /api/tasks and /api/graphs. */
export interface CursorPage {
  total: number;
  /** Where the next page starts; null on the last page (absent from servers before cursors). */
  next_cursor?: string | null;
}

/** TanStack's infinite data: the pages and the cursor each was read from (null: the first). */
export interface PagedData<P> {
  pages: P[];
  pageParams: unknown[];
}

/** The largest page the server serves: the most rows one refresh of the first page reads. */
export const MAX_REFRESH_ROWS = 1000;

/** What one refresh of the first page asks for. */
export interface FirstPageRequest {
  /** The first page's next cursor: the refresh reads down to it. Null when the first page is the whole list. */
  endCursor: string | null;
  limit: number;
}

export function firstPageRequest(data: PagedData<CursorPage>, pageSize: number): FirstPageRequest {
  const endCursor = data.pages[0]?.next_cursor ?? null;
  return { endCursor, limit: endCursor == null ? pageSize : MAX_REFRESH_ROWS };
}

/**
 * The list with its first page replaced by `fresh` (read with `request`). When the span fitted
 * (`fresh.next_cursor` null), the first page keeps its boundary and every deeper page stays as it is;
 * when more arrived than one request reads, the list restarts from `fresh` alone, since a gap would
 * open between it and the second page. Returns null when the list changed meanwhile in a way the
 * refresh no longer fits (another refresh or a reset moved the first page's boundary).
 */
export function mergeFirstPage<P extends CursorPage>(
  current: PagedData<P>,
  fresh: P,
  request: FirstPageRequest,
): PagedData<P> | null {
  const boundary = current.pages[0]?.next_cursor ?? null;
  if (boundary !== request.endCursor) return null;
  if (request.endCursor == null) return { pages: [fresh], pageParams: [null] };
  if (fresh.next_cursor != null) return { pages: [fresh], pageParams: [null] };
  const first: P = { ...fresh, next_cursor: request.endCursor };
  return { pages: [first, ...current.pages.slice(1)], pageParams: [null, ...current.pageParams.slice(1)] };
}

/**
 * Every row of the loaded pages in order, each id once (the first occurrence wins). Cursor pages do
 * not overlap; a workflow that a late link merged into an older one can still show up again deeper.
 */
export function uniqueRows<P, R>(pages: readonly P[] | undefined, rowsOf: (page: P) => readonly R[], idOf: (row: R) => string): R[] {
  const seen = new Set<string>();
  const rows: R[] = [];
  for (const page of pages ?? []) {
    for (const row of rowsOf(page)) {
      const id = idOf(row);
      if (seen.has(id)) continue;
      seen.add(id);
      rows.push(row);
    }
  }
  return rows;
}

/** The next page's cursor, or undefined at the end; an offset-only server gives none, so the list ends. */
export function nextCursor(last: CursorPage): string | undefined {
  return last.next_cursor ?? undefined;
}

/**
 * Runs `task` at most once per `intervalMs`: at once when it has been quiet that long, else once at
 * the end of the interval however often it was asked meanwhile; never two at the same time (an ask
 * while one runs is served after it, spaced again).
 */
export class Throttle {
  private lastStart = Number.NEGATIVE_INFINITY;
  private running = false;
  private pending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  request(): void {
    this.pending = true;
    this.schedule();
  }

  cancel(): void {
    this.pending = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.pending || this.running || this.timer !== undefined) return;
    const wait = this.lastStart + this.intervalMs - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
      return;
    }
    this.pending = false;
    this.running = true;
    this.lastStart = this.now();
    this.task()
      .catch(() => {
        // a failed refresh leaves the list as it was; the next frame asks again
      })
      .finally(() => {
        this.running = false;
        this.schedule();
      });
  }
}
