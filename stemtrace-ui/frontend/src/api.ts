import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { BASE } from './env';
import { nextCursor } from './lib/livePages';
import type { Health } from './lib/health';
import { type StatsPeriod, periodParams } from './lib/stats';
import { idQuery } from './lib/urls';
import { type GroupAction, type GroupTab, triageBody } from './lib/anomalyGroups';
import type {
  AnomalyGroup,
  AnomalyGroupPage,
  AnomalyListResponse,
  AnomalyType,
  GraphListResponse,
  GraphResponse,
  RegistryResponse,
  RegistryStatus,
  StatsResponse,
  TaskDetailResponse,
  TaskListResponse,
  Worker,
  WorkerListResponse,
} from './lib/types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<T> {
  const query = params && params.size > 0 ? `?${params}` : '';
  const res = await fetch(`${BASE}${path}${query}`, { signal, headers: { accept: 'application/json' } });
  return readJson<T>(res);
}

async function readJson<T>(res: Response): Promise<T> {
  if (!res.ok) {
    // Errors carry {"detail": ...}; fall back to the status line when the body is not that.
    let detail = `${res.status} ${res.statusText}`;
    try {
      const body: unknown = await res.json();
      if (body && typeof body === 'object' && 'detail' in body) detail = String(body.detail);
    } catch {
      // keep the status line
    }
    throw new ApiError(res.status, detail);
  }
  return (await res.json()) as T;
}

export const PAGE_SIZE = 50;
export const WORKERS_PAGE_SIZE = 50;
export const REGISTRY_PAGE_SIZE = 100;

export interface TaskFilter {
  states: string[];
  name: string;
  /** ISO timestamps, UTC. */
  from: string;
  to: string;
  /** A search in Flower's syntax (`name:orders.* state:FAILURE`), sent as `q`. */
  q?: string;
}

/** Filters of the workflow list; the same as the task list's. */
export type GraphFilter = TaskFilter;

/** The cursor a page is read from (null: the first page) or the span a first-page refresh re-reads. */
export interface PageRequest {
  cursor?: string | null;
  endCursor?: string | null;
  limit?: number;
}

function listParams(f: TaskFilter, request: PageRequest): URLSearchParams {
  const p = new URLSearchParams({ limit: String(request.limit ?? PAGE_SIZE) });
  if (request.cursor) p.set('cursor', request.cursor);
  if (request.endCursor) p.set('end_cursor', request.endCursor);
  if (f.states.length > 0) p.set('state', f.states.join(','));
  if (f.name) p.set('name', f.name);
  if (f.from) p.set('from_date', f.from);
  if (f.to) p.set('to_date', f.to);
  if (f.q) p.set('q', f.q);
  return p;
}

export const fetchTaskPage = (f: TaskFilter, request: PageRequest, signal?: AbortSignal) =>
  getJson<TaskListResponse>('/api/tasks', listParams(f, request), signal);

export const fetchGraphPage = (f: GraphFilter, request: PageRequest, signal?: AbortSignal) =>
  getJson<GraphListResponse>('/api/graphs', listParams(f, request), signal);

/** Query keys, grouped so the WebSocket handler can invalidate whole families at once. */
export const keys = {
  tasks: ['tasks'] as const,
  taskList: (f: TaskFilter) => ['tasks', 'list', f] as const,
  task: (id: string) => ['task', id] as const,
  graphs: ['graphs'] as const,
  graphList: (f: GraphFilter) => ['graphs', 'list', f] as const,
  graph: (rootId: string) => ['graph', rootId] as const,
  workers: ['workers'] as const,
  workerList: (offset: number) => ['workers', 'list', offset] as const,
  worker: (hostname: string) => ['workers', 'one', hostname] as const,
  registry: (query: string, status: RegistryStatus | '', offset: number) => ['registry', query, status, offset] as const,
  // every anomaly key starts with 'anomalies': a frame that raises or clears one refreshes them all
  anomalyGroups: (types: AnomalyType[], status: GroupTab) => ['anomalies', 'groups', types, status] as const,
  anomalyGroupCounts: ['anomalies', 'counts'] as const,
  anomalyGroupMembers: (type: AnomalyType, name: string | null) => ['anomalies', 'members', type, name] as const,
  stats: (period: StatsPeriod) => ['stats', period] as const,
};

// Lists chain pages by cursor: a page starts right after the previous one's last row however many
// tasks arrived in between. Live frames re-read only the first page (live.ts), never every page.
export const taskListQuery = (f: TaskFilter) =>
  infiniteQueryOptions({
    queryKey: keys.taskList(f),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => fetchTaskPage(f, { cursor: pageParam }, signal),
    getNextPageParam: nextCursor,
    // polling while the socket is down goes through live.ts too: one request, not one per page
    refetchInterval: false,
  });

/** The first tasks a search finds, for the header's search box (not cached: each Enter asks again). */
export function searchTasks(q: string, limit: number): Promise<TaskListResponse> {
  return getJson<TaskListResponse>('/api/tasks', new URLSearchParams({ q, limit: String(limit) }));
}

/** True when a workflow with this root id exists. */
export async function workflowExists(rootId: string): Promise<boolean> {
  try {
    await getJson<GraphResponse>('/api/graph', idQuery('id', rootId));
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    throw e;
  }
}

export const graphListQuery = (f: GraphFilter) =>
  infiniteQueryOptions({
    queryKey: keys.graphList(f),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => fetchGraphPage(f, { cursor: pageParam }, signal),
    getNextPageParam: nextCursor,
    refetchInterval: false,
  });

// Ids go in the query string: a path segment cannot carry an id holding / or \ (the server does not
// decode %2F or %5C there), a query parameter carries every id.

export const graphQuery = (rootId: string) =>
  queryOptions({
    queryKey: keys.graph(rootId),
    queryFn: ({ signal }) => getJson<GraphResponse>('/api/graph', idQuery('id', rootId), signal),
  });

export const taskQuery = (id: string) =>
  queryOptions({
    queryKey: keys.task(id),
    queryFn: ({ signal }) => getJson<TaskDetailResponse>('/api/task', idQuery('id', id), signal),
  });

/** One page of workers; the previous page stays on screen while the next one loads. */
export const workersQuery = (offset: number) =>
  queryOptions({
    queryKey: keys.workerList(offset),
    queryFn: ({ signal }) =>
      getJson<WorkerListResponse>('/api/workers', new URLSearchParams({ limit: String(WORKERS_PAGE_SIZE), offset: String(offset) }), signal),
    placeholderData: keepPreviousData,
    // a worker goes offline by staying silent, which no live event announces: ask again now and then
    refetchInterval: WORKERS_REFRESH_MS,
  });

/** How often the workers page asks again, so that a silent worker turns offline on screen. */
export const WORKERS_REFRESH_MS = 5_000;

/** One worker with every name it registers (a list holds only the first 100). */
export const workerQuery = (hostname: string) =>
  queryOptions({
    queryKey: keys.worker(hostname),
    queryFn: ({ signal }) => getJson<Worker>('/api/worker', idQuery('hostname', hostname), signal),
  });

/** One page of task names; only that page is fetched and drawn, however many names there are. */
export const registryQuery = (query: string, status: RegistryStatus | '', offset: number) =>
  queryOptions({
    queryKey: keys.registry(query, status, offset),
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ limit: String(REGISTRY_PAGE_SIZE), offset: String(offset) });
      if (query) p.set('query', query);
      if (status) p.set('status', status);
      return getJson<RegistryResponse>('/api/tasks/registry', p, signal);
    },
    placeholderData: keepPreviousData,
  });

/**
 * Anomaly groups change without a pushed frame when a resolved group outlives its retention or a
 * mute ends, so the page and the badge also ask again now and then.
 */
export const ANOMALY_GROUPS_REFRESH_MS = 10_000;
export const ANOMALY_BADGE_REFRESH_MS = 30_000;

/** One tab of anomaly groups, paged by offset (groups are few: one per type and task name). */
export const anomalyGroupsQuery = (types: AnomalyType[], status: GroupTab) =>
  infiniteQueryOptions({
    queryKey: keys.anomalyGroups(types, status),
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => {
      const p = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(pageParam), status });
      if (types.length > 0) p.set('type', types.join(','));
      return getJson<AnomalyGroupPage>('/api/anomalies/groups', p, signal);
    },
    getNextPageParam: (last) => (last.offset + last.groups.length < last.total ? last.offset + last.groups.length : undefined),
    refetchInterval: ANOMALY_GROUPS_REFRESH_MS,
  });

/** How many groups are open, for the navigation badge; one row is the smallest page the API serves. */
export const openAnomalyGroupsQuery = () =>
  queryOptions({
    queryKey: keys.anomalyGroupCounts,
    queryFn: ({ signal }) => getJson<AnomalyGroupPage>('/api/anomalies/groups', new URLSearchParams({ limit: '1' }), signal),
    select: (data) => data.counts.open,
    refetchInterval: ANOMALY_BADGE_REFRESH_MS,
  });

/** The anomalies of one group, shown when its row is expanded. */
export const GROUP_MEMBERS_LIMIT = 100;
export const anomalyGroupMembersQuery = (group: Pick<AnomalyGroup, 'type' | 'name'>) =>
  queryOptions({
    queryKey: keys.anomalyGroupMembers(group.type, group.name),
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ type: group.type, limit: String(GROUP_MEMBERS_LIMIT) });
      if (group.name === null) p.set('unnamed', 'true');
      else p.set('name', group.name);
      return getJson<AnomalyListResponse>('/api/anomalies', p, signal);
    },
  });

/** Acknowledges, mutes or undoes either; answers the group as it now is, or throws with the server's reason. */
export async function triageGroup(
  action: GroupAction,
  group: Pick<AnomalyGroup, 'type' | 'name'>,
  minutes?: number | null,
): Promise<AnomalyGroup> {
  let res: Response;
  try {
    res = await fetch(`${BASE}/api/anomalies/groups/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: triageBody(group, minutes),
    });
  } catch (e) {
    throw new ApiError(0, `the server could not be reached (${e instanceof Error ? e.message : String(e)})`);
  }
  return readJson<AnomalyGroup>(res);
}

/**
 * Period aggregates move slowly and cost the server a pass over the period, so they refresh on a
 * timer instead of on every pushed frame (up to four a second under load).
 */
export const STATS_REFRESH_MS = 15_000;

export const statsQuery = (period: StatsPeriod) =>
  queryOptions({
    queryKey: keys.stats(period),
    queryFn: ({ signal }) => getJson<StatsResponse>('/api/stats', new URLSearchParams(periodParams(period)), signal),
    refetchInterval: STATS_REFRESH_MS,
  });

/** How often the broker's state is asked for: the WebSocket only says whether the server is reachable. */
export const HEALTH_POLL_MS = 3000;

/** /api/health; a 5xx carrying the health document (--health-degraded-status 503) is an answer, not a failure. */
async function getHealth(signal?: AbortSignal): Promise<Health> {
  const res = await fetch(`${BASE}/api/health`, { signal, headers: { accept: 'application/json' } });
  if (res.ok || res.status >= 500) {
    try {
      const body: unknown = await res.json();
      if (body && typeof body === 'object' && 'status' in body && typeof body.status === 'string') return body as Health;
    } catch {
      // not a health document: a proxy's error page
    }
  }
  throw new ApiError(res.status, `${res.status} ${res.statusText}`);
}

export const healthQuery = () =>
  queryOptions({
    queryKey: ['health'] as const,
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: HEALTH_POLL_MS,
    retry: false,
  });

/** Download link for a workflow's events; the server names the file (Content-Disposition). */
export function graphExportUrl(rootId: string): string {
  return `${BASE}/api/graph/export?${idQuery('id', rootId)}`;
}
