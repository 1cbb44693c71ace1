import { ownValue } from './records';
import { isRunning } from './states';
import type { ContainerNode, GraphNode, GraphResponse, TaskNode, TaskState } from './types';

/** Groups with more direct members than this are drawn as one aggregate node until expanded. */
export const COLLAPSE_THRESHOLD = 50;

export interface AggregateSummary {
  /** Direct members of the container (its body, e.g. the callback of a chord, is not one). */
  members: number;
  /** Tasks hidden by collapsing: the members and everything drawn under them. */
  tasks: number;
  counts: Partial<Record<TaskState, number>>;
  minMs: number | null;
  medianMs: number | null;
  maxMs: number | null;
}

/** What a container frame holds, for its header. */
export interface FrameCounts {
  /**
   * TASK nodes drawn inside the frame at any depth: nested frames, their bodies and the tasks hidden in
   * collapsed containers inside it count; the frame's own body and whatever follows it do not.
   */
  tasks: number;
  /**
   * Lanes of the frame: the roots of its scope when at least one of them has something drawn after it
   * (a chain), 0 when the frame holds only parallel items.
   */
  lanes: number;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A frame header's count: "3 lanes · 6 tasks", or "6 tasks" when the frame holds no chains. */
export function frameSummary(counts: FrameCounts): string {
  const tasks = plural(counts.tasks, 'task');
  return counts.lanes > 0 ? `${plural(counts.lanes, 'lane')} · ${tasks}` : tasks;
}

/** `depth` is the number of frames around the item: 0 at the top level. */
export type ModelItem =
  | { kind: 'task'; id: string; node: TaskNode; depth: number }
  | { kind: 'container'; id: string; node: ContainerNode; scope: Scope; collapsible: boolean; depth: number; counts: FrameCounts }
  | { kind: 'aggregate'; id: string; node: ContainerNode; summary: AggregateSummary; depth: number };

/**
 * `chain`: the target runs after the source, as the next step of a chain, a chord's callback or what
 * follows a group. `spawn`: the source started the target as one of its children while it ran.
 */
export type EdgeKind = 'chain' | 'spawn';

export interface ModelEdge {
  id: string;
  source: string;
  target: string;
  /** The target is being worked on; drawn animated. */
  running: boolean;
  kind: EdgeKind;
}

/**
 * Events do not say whether a child is a chain's next step or a task its parent spawned; both name
 * the parent. What follows a container is a step (its body); a task's only child is read as the next
 * step of a chain; a task with several children spawned them.
 */
export function edgeKind(source: GraphNode | undefined): EdgeKind {
  if (!source) return 'spawn';
  if (source.node_type !== 'TASK') return 'chain';
  return source.children.length === 1 ? 'chain' : 'spawn';
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

/**
 * The child drawn after the container, in the scope around it: `body_id`, or for a server that does not
 * send it (older than nested canvases), a CHORD's `chord_callback_id`.
 */
export function bodyOf(node: ContainerNode): string | null {
  if (node.body_id !== undefined) return node.body_id;
  return node.node_type === 'CHORD' ? node.chord_callback_id : null;
}

/** The children drawn inside the container's frame: all but its body. */
export function membersOf(node: ContainerNode): string[] {
  const body = bodyOf(node);
  return body !== null ? node.children.filter((id) => id !== body) : node.children;
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
      // A nested container's body is drawn inside this container too, so it is hidden with it.
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
  /** Frames around `scope`. */
  depth: number;
}

type ContainerItem = Extract<ModelItem, { kind: 'container' }>;

/**
 * Fills in every container's counts, innermost first (containers listed parents before children, so
 * walked backwards each one's nested containers are done before it).
 */
function countFrames(containers: ContainerItem[]): void {
  for (let i = containers.length - 1; i >= 0; i--) {
    const c = containers[i]!;
    let tasks = 0;
    for (const item of c.scope.items) {
      if (item.kind === 'task') tasks++;
      else if (item.kind === 'aggregate') tasks += item.summary.tasks;
      else tasks += item.counts.tasks;
    }
    const targets = new Set<string>();
    const sources = new Set<string>();
    for (const e of c.scope.edges) {
      targets.add(e.target);
      sources.add(e.source);
    }
    const roots = c.scope.items.filter((item) => !targets.has(item.id));
    const lanes = roots.some((item) => sources.has(item.id)) ? roots.length : 0;
    c.counts = { tasks, lanes };
  }
}

/**
 * Turns GET /api/graphs/{id} into nested scopes ready for layout.
 *
 * Every node is placed exactly once, even if the response were to list it under two parents or
 * leave it unreachable from the root. A GROUP/CHORD container holds its members (with whatever hangs
 * under them, e.g. the rest of a chain, and nested containers) in its own scope; its body (`bodyOf`:
 * a chord's callback, the next group of a chain) is placed next to the container, in the scope the
 * container is in, with an edge from it. Containers with more than `threshold` members become one
 * aggregate node unless their id is in `expanded`.
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
  // Every container item, parents before the containers nested in them.
  const containers: ContainerItem[] = [];
  const drain = () => {
    while (stack.length > 0) {
      const { id, scope, from, depth } = stack.pop()!;
      const node = nodes.get(id);
      if (!node || placed.has(id)) continue;
      placed.add(id);
      drawnCount++;
      if (from !== null) {
        scope.edges.push({
          id: `${from}->${id}`,
          source: from,
          target: id,
          running: isRunning(node.state),
          kind: edgeKind(nodes.get(from)),
        });
      }
      if (node.node_type === 'TASK') {
        scope.items.push({ kind: 'task', id, node, depth });
        for (let i = node.children.length - 1; i >= 0; i--) {
          stack.push({ id: node.children[i]!, scope, from: id, depth });
        }
        continue;
      }
      const body = bodyOf(node);
      if (body !== null) stack.push({ id: body, scope, from: id, depth });
      const members = membersOf(node);
      const collapsible = members.length > threshold;
      if (collapsible && !expanded.has(id)) {
        scope.items.push({ kind: 'aggregate', id, node, summary: summariseContainer(node, nodes, placed), depth });
        continue;
      }
      const inner: Scope = { items: [], edges: [] };
      const item: ContainerItem = { kind: 'container', id, node, scope: inner, collapsible, depth, counts: { tasks: 0, lanes: 0 } };
      scope.items.push(item);
      containers.push(item);
      for (let i = members.length - 1; i >= 0; i--) {
        stack.push({ id: members[i]!, scope: inner, from: null, depth: depth + 1 });
      }
    }
  };

  stack.push({ id: graph.root_id, scope: root, from: null, depth: 0 });
  drain();
  // Nodes the root does not reach are still part of the workflow: draw them as extra roots.
  for (const id of nodes.keys()) {
    if (!placed.has(id)) {
      stack.push({ id, scope: root, from: null, depth: 0 });
      drain();
    }
  }
  countFrames(containers);

  let taskCount = 0;
  for (const node of nodes.values()) if (node.node_type === 'TASK') taskCount++;
  return { scope: root, taskCount, drawnCount };
}
