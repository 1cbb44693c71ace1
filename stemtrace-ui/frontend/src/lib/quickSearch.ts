// The header's one search box: an id (or the start of one) jumps to that task or workflow, anything
// else is a search in Flower's syntax for the task list. The server parses the syntax (docs/API.md);
// this only decides which of the two was typed.

/** The keys of the server's search syntax. */
export const SEARCH_KEYS = ['name', 'state', 'worker', 'args', 'kwargs', 'result', 'exception', 'id'] as const;

const KEYED = new RegExp(`(^|\\s)(${SEARCH_KEYS.join('|')}):`, 'i');

/** True when the text is a search (several terms, a `key:` term, a quote), not an id. */
export function isQuery(text: string): boolean {
  const t = text.trim();
  return /\s/.test(t) || KEYED.test(t) || t.includes('"');
}

/** A value in the search syntax's quotes, with `"` and `\` escaped: any id becomes one term. */
export function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The search for tasks whose id starts with `prefix`. */
export function idPrefixQuery(prefix: string): string {
  return `id:${quoted(prefix)}`;
}

export type Decision = { kind: 'task'; id: string } | { kind: 'workflow'; id: string } | { kind: 'list'; q: string };

/**
 * Where an id search leads: the task whose id is exactly the text (however many others start with
 * it), the only task that starts with it, the workflow of that id, else the list of every match.
 */
export function decideId(text: string, matchIds: string[], isWorkflow: boolean): Decision {
  if (matchIds.includes(text)) return { kind: 'task', id: text };
  const [only] = matchIds;
  if (matchIds.length === 1 && only !== undefined) return { kind: 'task', id: only };
  if (matchIds.length === 0 && isWorkflow) return { kind: 'workflow', id: text };
  return { kind: 'list', q: matchIds.length === 0 ? quoted(text) : idPrefixQuery(text) };
}

/** The name to show for a task: the server's alias when it picked one, else the task name. */
export function displayName(task: { name: string | null; display_name?: string | null }): string {
  return task.display_name || task.name || '';
}

/** True when the shown name is an alias, so the full name belongs in a tooltip. */
export function isAliased(task: { name: string | null; display_name?: string | null }): boolean {
  return !!task.display_name && task.display_name !== task.name;
}
