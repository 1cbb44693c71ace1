const APP = 'stemtrace';
const MAX_ID_CHARS = 48;

const PAGE_NAMES: Readonly<Record<string, string>> = {
  '/': 'Tasks',
  '/graphs': 'Workflows',
  '/workers': 'Workers',
  '/registry': 'Registry',
  '/anomalies': 'Anomalies',
  '/stats': 'Statistics',
};

/** An id as a tab shows it: control characters dropped, long ids cut, so the tab stays readable. */
function titleId(id: string): string {
  const clean = id.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.length > MAX_ID_CHARS ? `${clean.slice(0, MAX_ID_CHARS - 1)}…` : clean;
}

/**
 * The document title of a page, `Tasks · stemtrace`, `Workflow <id> · stemtrace`, from the id of its
 * route and the id in its search; an unknown route is `stemtrace` alone.
 */
export function pageTitle(routeId: string, search: { id?: unknown } = {}): string {
  const id = typeof search.id === 'string' ? titleId(search.id) : '';
  if (routeId === '/graph') return `${id ? `Workflow ${id}` : 'Workflow'} · ${APP}`;
  if (routeId === '/task') return `${id ? `Task ${id}` : 'Task'} · ${APP}`;
  const name = PAGE_NAMES[routeId];
  return name ? `${name} · ${APP}` : APP;
}
