/** Page numbers of the paginated lists: 1-based in the URL, offsets towards the API. */

/** The page a URL names: a positive integer, else undefined (the first page). */
export function parsePage(raw: unknown): number | undefined {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^[1-9]\d{0,8}$/.test(text)) return undefined;
  const page = Number(text);
  return page === 1 ? undefined : page;
}

export function pageOffset(page: number | undefined, pageSize: number): number {
  return ((page ?? 1) - 1) * pageSize;
}

/** Number of pages for `total` items; at least one, so an empty list still has its page. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** `51–100 of 250`, or `0 of 0`; `shown` is how many items this page holds. */
export function pageRange(offset: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${total}`;
  return `${offset + 1}–${offset + shown} of ${total}`;
}
