import { ownValue } from './records';
import { isRunning } from './states';
import type { ContainerNode, GraphNode, GraphResponse, TaskNode, TaskState } from './types';

/** Groups with more direct members than this are drawn as one aggregate node until expanded. */
export const COLLAPSE_THRESHOLD = 50;

export interface AggregateSummary {
  /** Direct members of the container (the callback of a chord is not one). */
  members: number;
  /** Tasks hidden by collapsing: the members and everything drawn under them. */
  tasks: number;
  counts: Partial<Record<TaskState, number>>;
  minMs: number | null;
  medianMs: number | null;
  maxMs: number | null;
}

export type ModelItem =
  | { kind: 'task'; id: string; node: TaskNode }
  | { kind: 'container'; id: string; node: ContainerNode; scope: Scope; collapsible: boolean }
  | { kind: 'aggregate'; id: string; node: ContainerNode; summary: AggregateSummary };

export interface ModelEdge {
  id: string;
  source: string;
  target: string;
  /** The target is being worked on; drawn animated. */
  running: boolean;
}

/**
 * A set of nodes laid out together: the top level of the workflow, or the inside of one container.
 * Edges only connect items of the same scope, which lets every scope be laid out on its own.
 */
export interface Scope {
  items: ModelItem[];
  edges: ModelEdge[];
}

export interface GraphModel {
  scope: Scope;
  /** TASK nodes in the response. */
  taskCount: number;
  /** Nodes that will be drawn (tasks, containers and aggregates). */
  drawnCount: number;
}

/**
 * The response's nodes by id. `nodes` is a JSON object keyed by task id, and a task id may be
 * `constructor` or `__proto__`: looked up directly, a missing `constructor` would be Object's.
 */
export function nodesById(graph: GraphResponse): Map<string, GraphNode> {
  return new Map(Object.entries(graph.nodes));
}

/** One node of the response, or undefined when it has none by that id. */
export function graphNode(graph: GraphResponse, id: string): GraphNode | undefined {
  return ownValue(graph.nodes, id);
}

function membersOf(node: ContainerNode): string[] {
  const callback = node.node_type === 'CHORD' ? node.chord_callback_id : null;
  return callback ? node.children.filter((id) => id !== callback) : node.children;
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Summarises a container's members and everything drawn under them, marking them all as placed so
 * that they do not show up elsewhere in the graph.
 */
export function summariseContainer(
  container: ContainerNode,
  nodes: ReadonlyMap<string, GraphNode>,
  placed: Set<string> = new Set(),
): AggregateSummary {
  const members = membersOf(container);
  // Keyed by what the server calls the state; no prototype to collide with.
  const counts: Partial<Record<TaskState, number>> = Object.create(null);
  const durations: number[] = [];
  let tasks = 0;
  const stack = [...members];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const node = nodes.get(id);
    if (!node || placed.has(id)) continue;
    placed.add(id);
    if (node.node_type === 'TASK') {
      tasks++;
      counts[node.state] = (counts[node.state] ?? 0) + 1;
      if (node.duration_ms != null) durations.push(node.duration_ms);
      stack.push(...node.children);
    } else {
      // A nested chord's callback is still drawn inside this container, so it is hidden too.
      stack.push(...node.children);
    }
  }
  durations.sort((a, b) => a - b);
  return {
    members: members.length,
    tasks,
    counts,
    minMs: durations.length ? durations[0]! : null,
    medianMs: median(durations),
    maxMs: durations.length ? durations[durations.length - 1]! : null,
  };
}

interface Pending {
  id: string;
  scope: Scope;
  /** The node this one hangs under in the same scope, or null for a scope root. */
  from: string | null;
}

/**
 * Turns GET /api/graphs/{id} into nested scopes ready for layout.
 *
 * Every node is placed exactly once, even if the response were to list it under two parents or
 * leave it unreachable from the root. A GROUP/CHORD container holds its members (with whatever hangs
 * under them, e.g. the rest of a chain) in its own scope; a chord's callback is placed next to the
 * container with an edge from it. Containers with more than `threshold` members become one aggregate
 * node unless their id is in `expanded`.
 */
export function buildGraphModel(
  graph: GraphResponse,
  expanded: ReadonlySet<string> = new Set(),
  threshold: number = COLLAPSE_THRESHOLD,
): GraphModel {
  const nodes = nodesById(graph);
  const root: Scope = { items: [], edges: [] };
  const placed = new Set<string>();
  let drawnCount = 0;

  // An explicit stack instead of recursion: a chain of thousands of tasks must not overflow it.
  const stack: Pending[] = [];
  const drain = () => {
    while (stack.length > 0) {
      const { id, scope, from } = stack.pop()!;
      const node = nodes.get(id);
      if (!node || placed.has(id)) continue;
      placed.add(id);
      drawnCount++;
      if (from !== null) {
        scope.edges.push({ id: `${from}->${id}`, source: from, target: id, running: isRunning(node.state) });
      }
      if (node.node_type === 'TASK') {
        scope.items.push({ kind: 'task', id, node });
        for (let i = node.children.length - 1; i >= 0; i--) {
          stack.push({ id: node.children[i]!, scope, from: id });
        }
        continue;
      }
      const callback = node.node_type === 'CHORD' ? node.chord_callback_id : null;
      if (callback) stack.push({ id: callback, scope, from: id });
      const members = membersOf(node);
      const collapsible = members.length > threshold;
      if (collapsible && !expanded.has(id)) {
        scope.items.push({ kind: 'aggregate', id, node, summary: summariseContainer(node, nodes, placed) });
        continue;
      }
      const inner: Scope = { items: [], edges: [] };
      scope.items.push({ kind: 'container', id, node, scope: inner, collapsible });
      for (let i = members.length - 1; i >= 0; i--) {
        stack.push({ id: members[i]!, scope: inner, from: null });
      }
    }
  };

  stack.push({ id: graph.root_id, scope: root, from: null });
  drain();
  // Nodes the root does not reach are still part of the workflow: draw them as extra roots.
  for (const id of nodes.keys()) {
    if (!placed.has(id)) {
      stack.push({ id, scope: root, from: null });
      drain();
    }
  }

  let taskCount = 0;
  for (const node of nodes.values()) if (node.node_type === 'TASK') taskCount++;
  return { scope: root, taskCount, drawnCount };
}
