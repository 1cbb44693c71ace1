import type { GraphResponse, TaskDetailResponse, UpdateFrame } from './types';

/** What a WebSocket frame makes stale. */
export interface Invalidation {
  /** Refetch everything shown: the frame was truncated or the socket was down. */
  everything: boolean;
  tasks: boolean;
  workers: boolean;
  /** An anomaly was raised or cleared. */
  anomalies: boolean;
  /** Tasks that changed state or gained or lost an anomaly. */
  taskIds: Set<string>;
  workflowIds: Set<string>;
  /** Tasks and containers whose anomalies changed; frames do not say which workflow they sit in. */
  anomalyIds: Set<string>;
}

export function parseFrame(text: string): UpdateFrame | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const frame = value as Partial<UpdateFrame>;
    if (frame.type !== 'update') return null;
    return {
      type: 'update',
      tasks: Array.isArray(frame.tasks) ? frame.tasks : [],
      workers: Array.isArray(frame.workers) ? frame.workers : [],
      // Servers from before anomaly detection send no such field.
      anomalies: Array.isArray(frame.anomalies) ? frame.anomalies : [],
      truncated: frame.truncated === true,
    };
  } catch {
    return null;
  }
}

export function planInvalidation(frame: UpdateFrame): Invalidation {
  const taskIds = new Set<string>();
  const workflowIds = new Set<string>();
  const anomalyIds = new Set<string>();
  for (const t of frame.tasks) {
    taskIds.add(t.task_id);
    workflowIds.add(t.workflow_id);
  }
  for (const a of frame.anomalies) {
    taskIds.add(a.task_id);
    anomalyIds.add(a.task_id);
  }
  return {
    everything: frame.truncated,
    tasks: frame.tasks.length > 0,
    workers: frame.workers.length > 0,
    anomalies: frame.anomalies.length > 0,
    taskIds,
    workflowIds,
    anomalyIds,
  };
}

/**
 * Whether a cached workflow graph is out of date: something in it changed state, or one of its
 * nodes gained or lost an anomaly (found by looking into the cached nodes, since anomaly entries
 * carry no workflow id and a chord container is often not the root).
 */
export function graphIsStale(plan: Invalidation, rootId: string, data: GraphResponse | undefined): boolean {
  if (plan.workflowIds.has(rootId)) return true;
  if (!data) return false;
  // Own keys only: `toString in nodes` is true for every graph.
  for (const id of plan.anomalyIds) if (Object.hasOwn(data.nodes, id)) return true;
  return false;
}

/**
 * An open task is stale when it changed, when something in its workflow did (a new child), or when
 * one of its listed children gained or lost an anomaly.
 */
export function taskIsStale(plan: Invalidation, taskId: string, data: TaskDetailResponse | undefined): boolean {
  if (plan.taskIds.has(taskId)) return true;
  if (!data) return false;
  return plan.workflowIds.has(data.task.workflow_id) || data.children.some((c) => plan.anomalyIds.has(c.task_id));
}

/** Reconnect delay: exponential from 500 ms, capped at 10 s, with up to 20% jitter so tabs spread out. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.2 * random()));
}

/**
 * Whether a frame's workers change what the shown worker lists say: a worker not listed, or one whose
 * status differs. A heartbeat (worker_ready of a worker listed online) changes nothing, so a page open
 * on many workers is not refetched at every heartbeat; counts and silence come with the page's own
 * periodic refresh.
 */
export function workersAreStale(
  frameWorkers: ReadonlyArray<{ hostname: string; status: string }>,
  shownLists: ReadonlyArray<{ workers: ReadonlyArray<{ hostname: string; status: string }> } | undefined>,
): boolean {
  if (frameWorkers.length === 0) return false;
  const shown = new Map<string, string>();
  for (const list of shownLists) {
    for (const w of list?.workers ?? []) shown.set(w.hostname, w.status);
  }
  return frameWorkers.some((w) => shown.get(w.hostname) !== w.status);
}
