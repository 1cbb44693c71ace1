/** `1 task`, `2 tasks`, `0 tasks`; `many` for words that do not just take an s (`anomalies`). */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
