/**
 * The record's own value under `key`, or undefined. Keys come from the server, and on a plain object
 * `record['constructor']` or `record['toString']` would answer with what Object.prototype holds.
 */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
