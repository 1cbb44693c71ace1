import { wellFormed } from './urls';

// The router's default search serialization reads values as JSON or numbers: a task id `123`, `true`
// or `null` came back as something other than that string. Every search value of this app is text,
// so the URL is read and written as plain strings.

/** Search params of a URL as strings; the first of a repeated key wins. */
export function parseSearch(searchStr: string): Record<string, string> {
  // no prototype: a key such as __proto__ is an ordinary entry
  const result: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(searchStr)) {
    if (!(key in result)) result[key] = value;
  }
  return result;
}

/** `?key=value&...` with every defined value as its string, or '' when there is none. */
export function stringifySearch(search: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Search of /task?id= and /graph?id=: the id exactly as given (not trimmed), '' when the URL has none. */
export interface IdSearch {
  id: string;
}

export function parseIdSearch(search: Record<string, unknown>): IdSearch {
  return { id: typeof search.id === 'string' ? search.id : '' };
}

/**
 * Search of a link to one task or workflow. The URL could not carry a lone surrogate (it becomes
 * U+FFFD there), so the id the page is given is the one a reload of its URL gives too.
 */
export function idSearch(id: string): IdSearch {
  return { id: wellFormed(id) };
}
