import dagre from '@dagrejs/dagre';
import type { GraphModel, ModelEdge, ModelItem, Scope } from './graphModel';

export const TASK_SIZE = { width: 200, height: 62 } as const;
export const AGGREGATE_SIZE = { width: 240, height: 108 } as const;
/** Inner padding of a container frame; the header strip sits above its contents. */
export const CONTAINER_PADDING = 14;
export const CONTAINER_HEADER = 30;

export interface LaidOutNode {
  id: string;
  item: ModelItem;
  /** Enclosing container; the position is then relative to that container's top-left corner. */
  parentId: string | undefined;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  /** Parents come before their children, as React Flow requires. */
  nodes: LaidOutNode[];
  edges: ModelEdge[];
  width: number;
  height: number;
}

interface ScopeLayout {
  width: number;
  height: number;
  placed: Array<{ item: ModelItem; x: number; y: number; width: number; height: number; inner?: ScopeLayout }>;
}

function layoutScope(scope: Scope): ScopeLayout {
  // Inner scopes first: a container's size is what its contents need.
  const sized = scope.items.map((item) => {
    if (item.kind === 'task') return { item, ...TASK_SIZE };
    if (item.kind === 'aggregate') return { item, ...AGGREGATE_SIZE };
    const inner = layoutScope(item.scope);
    return {
      item,
      inner,
      width: Math.max(inner.width, TASK_SIZE.width) + 2 * CONTAINER_PADDING,
      height: Math.max(inner.height, 24) + CONTAINER_HEADER + CONTAINER_PADDING,
    };
  });
  if (sized.length === 0) return { width: 0, height: 0, placed: [] };

  // Only ids and sizes go into dagre; node payloads stay out to keep the layout cheap.
  const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 56, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of sized) g.setNode(s.item.id, { width: s.width, height: s.height });
  for (const e of scope.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);

  let width = 0;
  let height = 0;
  const placed = sized.map((s) => {
    const p = g.node(s.item.id);
    // dagre reports centres; React Flow positions are top-left corners.
    const x = p.x - s.width / 2;
    const y = p.y - s.height / 2;
    width = Math.max(width, x + s.width);
    height = Math.max(height, y + s.height);
    return { ...s, x, y };
  });
  return { width, height, placed };
}

function flatten(layout: ScopeLayout, parentId: string | undefined, out: LaidOutNode[]): void {
  for (const p of layout.placed) {
    out.push({ id: p.item.id, item: p.item, parentId, x: p.x, y: p.y, width: p.width, height: p.height });
    if (p.inner) {
      const offsetInner: ScopeLayout = {
        ...p.inner,
        placed: p.inner.placed.map((c) => ({ ...c, x: c.x + CONTAINER_PADDING, y: c.y + CONTAINER_HEADER })),
      };
      flatten(offsetInner, p.item.id, out);
    }
  }
}

function collectEdges(scope: Scope, out: ModelEdge[]): void {
  out.push(...scope.edges);
  for (const item of scope.items) if (item.kind === 'container') collectEdges(item.scope, out);
}

/** Layered left-to-right layout; every scope is laid out by dagre, containers sized by their contents. */
export function layoutGraph(model: GraphModel): GraphLayout {
  const top = layoutScope(model.scope);
  const nodes: LaidOutNode[] = [];
  flatten(top, undefined, nodes);
  const edges: ModelEdge[] = [];
  collectEdges(model.scope, edges);
  return { nodes, edges, width: top.width, height: top.height };
}
