import type { ContainerNode, GraphResponse, TaskNode, TaskState } from './types';

/** Builders for graph responses in tests; only the fields under test vary. */
export function task(id: string, children: string[] = [], state: TaskState = 'SUCCESS', durationMs: number | null = 10): TaskNode {
  return {
    task_id: id,
    node_type: 'TASK',
    name: `capp.${id}`,
    state,
    parent_id: null,
    root_id: id,
    workflow_id: id,
    group_id: null,
    chord_id: null,
    chord_callback_id: null,
    trace_id: null,
    retries: 0,
    args: [],
    kwargs: null,
    result: null,
    exception: null,
    first_seen: '2026-11-26T03:35:48.652721Z',
    last_updated: '2026-11-26T03:35:48.719703Z',
    queue_time_ms: 1,
    run_time_ms: durationMs,
    duration_ms: durationMs,
    attempts: [],
    children,
  };
}

export function container(id: string, type: 'GROUP' | 'CHORD', children: string[], callback: string | null = null): ContainerNode {
  return {
    task_id: id,
    node_type: type,
    name: type.toLowerCase(),
    state: 'SUCCESS',
    children,
    first_seen: null,
    last_updated: null,
    duration_ms: null,
    group_id: id.replace(/^group:/, ''),
    chord_callback_id: callback,
    member_count: callback ? children.length - 1 : children.length,
  };
}

export function graph(rootId: string, ...nodes: Array<TaskNode | ContainerNode>): GraphResponse {
  return { root_id: rootId, nodes: Object.fromEntries(nodes.map((n) => [n.task_id, n])) };
}

/**
 * A container as a server with nested canvases sends it: `body` (or null) is drawn after the container.
 * `callback` is what the header tasks declared, the body by default; it may name no node at all.
 */
export function canvas(id: string, children: string[], body: string | null, callback: string | null = body): ContainerNode {
  const type = body !== null ? 'CHORD' : 'GROUP';
  return {
    ...container(id, type, children, callback),
    body_id: body,
    member_count: body !== null ? children.length - 1 : children.length,
  };
}
