import type { UpdateFrame } from './types';

/** What a WebSocket frame makes stale. */
export interface Invalidation {
  /** Refetch everything shown: the frame was truncated or the socket was down. */
  everything: boolean;
  tasks: boolean;
  workers: boolean;
  taskIds: Set<string>;
  workflowIds: Set<string>;
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
      truncated: frame.truncated === true,
    };
  } catch {
    return null;
  }
}

export function planInvalidation(frame: UpdateFrame): Invalidation {
  const taskIds = new Set<string>();
  const workflowIds = new Set<string>();
  for (const t of frame.tasks) {
    taskIds.add(t.task_id);
    workflowIds.add(t.workflow_id);
  }
  return {
    everything: frame.truncated,
    tasks: frame.tasks.length > 0,
    workers: frame.workers.length > 0,
    taskIds,
    workflowIds,
  };
}

/** Reconnect delay: exponential from 500 ms, capped at 10 s, with up to 20% jitter so tabs spread out. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.2 * random()));
}
