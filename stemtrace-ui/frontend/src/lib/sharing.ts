/** Nesting beyond this is taken as new; JSON from the server is far shallower. */
const MAX_DEPTH = 200;

/** What JSON.parse makes of `{...}` (and null-prototype objects); class instances, Maps and the like are not. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function share(prev: unknown, next: unknown, depth: number): unknown {
  if (prev === next) return prev;
  if (depth > MAX_DEPTH) return next;
  if (Array.isArray(prev) && Array.isArray(next)) {
    let same = prev.length === next.length;
    const items = next.map((item: unknown, i) => {
      const kept = share(prev[i], item, depth + 1);
      if (kept !== prev[i]) same = false;
      return kept;
    });
    return same ? prev : items;
  }
  if (!isJsonObject(prev) || !isJsonObject(next)) return next;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(prev).length;
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const had = Object.hasOwn(prev, key);
    const old = had ? prev[key] : undefined;
    const kept = share(old, next[key], depth + 1);
    if (!had || kept !== old) same = false;
    // Assigning would set the copy's prototype instead of adding the key.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: kept, enumerable: true, writable: true, configurable: true });
    else copy[key] = kept;
  }
  return same ? prev : copy;
}

/**
 * Structural sharing for query results: the parts of `next` equal to `prev` stay the old objects, so
 * memoised views see unchanged data as unchanged (a graph is not laid out again on every refetch).
 * TanStack Query's built-in sharing copies keys by assignment, which for a key named `__proto__` (a
 * task id in a graph's nodes, a key in a task's kwargs) replaces the copy's prototype and loses the key.
 */
export function shareUnchanged(prev: unknown, next: unknown): unknown {
  return share(prev, next, 0);
}
