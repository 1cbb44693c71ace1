import { Graph, layout as dagreLayout } from '@dagrejs/dagre';
import type { GraphModel, ModelEdge, ModelItem, Scope } from './graphModel';

export const TASK_SIZE = { width: 200, height: 62 } as const;
/** The widest a task node grows to show its full name; longer names wrap onto more lines. */
export const TASK_MAX_WIDTH = 320;
/** Lines of name a node makes room for; a longer (hostile) name is cut, its title still holds it all. */
export const TASK_MAX_NAME_LINES = 4;
/** Estimate per character where no canvas can measure text (unit tests); generous for wide fonts. */
const NAME_CHAR_WIDTH = 8.2;
const NAME_LINE_HEIGHT = 17;
/** Beside the name on its first line: the state label, the gap and the node's padding and borders. */
const NAME_ROW_EXTRA = 90;
/** Last name segments up to this long stay whole, so a wrapped name splits at its namespace. */
export const LOCAL_UNBROKEN = 28;

let measure: ((text: string) => number) | null | undefined;

/** Width of text in the node's name font, measured by a canvas when there is a document. */
function textWidth(text: string): number {
  if (measure === undefined) {
    measure = null;
    if (typeof document !== 'undefined') {
      const context = document.createElement('canvas').getContext?.('2d');
      if (context) {
        context.font = `600 13px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
        measure = (t) => context.measureText(t).width;
      }
    }
  }
  return measure ? measure(text) : text.length * NAME_CHAR_WIDTH;
}

/** The pieces a task name wraps between: after each dot, and after underscores of a long last segment. */
export function namePieces(name: string): string[] {
  const dot = name.lastIndexOf('.');
  const namespace = dot >= 0 && dot < name.length - 1 ? name.slice(0, dot + 1) : '';
  const local = name.slice(namespace.length);
  const pieces = namespace ? namespace.split(/(?<=\.)/) : [];
  return [...pieces, ...(local.length > LOCAL_UNBROKEN ? local.split(/(?<=[._])/) : [local])];
}

/**
 * A task node's size: wide enough for its full name (namespace included) on one line up to
 * TASK_MAX_WIDTH, then one line taller per wrap, the name wrapped at its dots as the node shows it.
 */
export function taskSize(name: string | null | undefined): { width: number; height: number } {
  const text = name ?? '';
  const oneLine = textWidth(text) + NAME_ROW_EXTRA;
  if (oneLine <= TASK_MAX_WIDTH) return { width: Math.max(TASK_SIZE.width, Math.ceil(oneLine)), height: TASK_SIZE.height };
  // greedy wrapping, as the browser does; a piece longer than a line breaks inside, taking its share
  const available = TASK_MAX_WIDTH - NAME_ROW_EXTRA;
  let lines = 1;
  let used = 0;
  for (const piece of namePieces(text)) {
    const w = textWidth(piece);
    if (used > 0 && used + w > available) {
      lines++;
      used = 0;
    }
    if (w > available) {
      lines += Math.ceil(w / available) - 1;
      used = w % available;
    } else {
      used += w;
    }
  }
  return { width: TASK_MAX_WIDTH, height: TASK_SIZE.height + (Math.min(lines, TASK_MAX_NAME_LINES) - 1) * NAME_LINE_HEIGHT };
}

export const AGGREGATE_SIZE = { width: 240, height: 108 } as const;
/** Inner padding of a container frame; the header strip sits above its contents. */
export const CONTAINER_PADDING = 14;
export const CONTAINER_HEADER = 30;
/**
 * Extra room under the header of a frame that holds frames: a nested frame's anomaly badges sit on its
 * top border and must not cover the outer header.
 */
export const NESTED_FRAME_GAP = 12;

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
  placed: Array<{ item: ModelItem; x: number; y: number; width: number; height: number; inner?: ScopeLayout | undefined }>;
  /** Where this scope's contents start inside the frame that holds it. */
  offsetX: number;
  offsetY: number;
}

/** Chains at least this long are packed into one block before dagre sees them. */
export const MIN_RUN = 4;
/** Tasks per row of a packed chain; longer chains wrap like text. */
export const RUN_ROW = 12;
/** Parallel leaves at least this many are packed into one block before dagre sees them. */
export const MIN_FAN = 4;
const NODE_SEP = 14;
const RANK_SEP = 56;

export interface Sized {
  item: ModelItem;
  width: number;
  height: number;
  inner?: ScopeLayout;
}

/**
 * Finds maximal chains a -> b -> ... where every link is the only edge out of its source and the
 * only edge into its target. dagre recurses once per rank, so a chain of thousands of tasks would
 * exhaust the stack and take seconds; packed, it is a single node.
 */
function findRuns(ids: string[], edges: ModelEdge[]): string[][] {
  const outs = new Map<string, string[]>();
  const ins = new Map<string, number>();
  for (const e of edges) {
    const o = outs.get(e.source);
    if (o) o.push(e.target);
    else outs.set(e.source, [e.target]);
    ins.set(e.target, (ins.get(e.target) ?? 0) + 1);
  }
  const next = (id: string) => {
    const o = outs.get(id);
    return o?.length === 1 && ins.get(o[0]!) === 1 ? o[0]! : undefined;
  };
  const hasLinkIn = new Set<string>();
  for (const id of ids) {
    const n = next(id);
    if (n !== undefined) hasLinkIn.add(n);
  }
  const runs: string[][] = [];
  for (const id of ids) {
    if (hasLinkIn.has(id)) continue;
    const run = [id];
    for (let n = next(id); n !== undefined; n = next(n)) run.push(n);
    if (run.length >= MIN_RUN) runs.push(run);
  }
  return runs;
}

/**
 * Finds sets of parallel leaves: the targets of one source (or, with no source, the items without
 * any edge) that have no other edge. dagre lays such a set out as one tall rank, but its ordering
 * passes grow quickly with rank width; packed, the set is a single node.
 */
function findFans(ids: string[], edges: ModelEdge[], inRun: Set<string>): string[][] {
  const ins = new Map<string, number>();
  const hasOut = new Set<string>();
  for (const e of edges) {
    ins.set(e.target, (ins.get(e.target) ?? 0) + 1);
    hasOut.add(e.source);
  }
  const isLeaf = (id: string) => !inRun.has(id) && !hasOut.has(id);
  const bySource = new Map<string, string[]>();
  for (const e of edges) {
    if (!isLeaf(e.target) || ins.get(e.target) !== 1) continue;
    const list = bySource.get(e.source);
    if (list) list.push(e.target);
    else bySource.set(e.source, [e.target]);
  }
  const fans = [...bySource.values()];
  fans.push(ids.filter((id) => isLeaf(id) && !ins.has(id)));
  return fans.filter((f) => f.length >= MIN_FAN);
}

export type Packed = { width: number; height: number; offsets: Array<{ x: number; y: number }> };

/** A chain reads in rows: left to right, wrapping down after RUN_ROW nodes. */
function packRows(members: Sized[]): Packed {
  const offsets: Array<{ x: number; y: number }> = [];
  let width = 0;
  let y = 0;
  for (let start = 0; start < members.length; start += RUN_ROW) {
    let x = 0;
    let rowHeight = 0;
    for (const m of members.slice(start, start + RUN_ROW)) {
      offsets.push({ x, y });
      x += m.width + RANK_SEP;
      rowHeight = Math.max(rowHeight, m.height);
    }
    width = Math.max(width, x - RANK_SEP);
    y += rowHeight + NODE_SEP * 2;
  }
  return { width, height: y - NODE_SEP * 2, offsets };
}

/**
 * Parallel leaves stand in columns, top to bottom, as dagre would stack one rank; a column wraps
 * to the right when it would grow past a height chosen to keep the block roughly 3:2 landscape.
 */
export function packColumns(members: Sized[]): Packed {
  let area = 0;
  let tallest = 0;
  for (const m of members) {
    area += (m.width + RANK_SEP / 2) * (m.height + NODE_SEP);
    tallest = Math.max(tallest, m.height);
  }
  const maxHeight = Math.max(tallest, Math.sqrt(area / 1.5));
  // Columns as the height allows, then the members shared evenly among them: four members stand
  // 2 + 2, not 3 + 1.
  let columns = 1;
  let filled = 0;
  for (const m of members) {
    if (filled > 0 && filled + m.height > maxHeight) {
      columns++;
      filled = 0;
    }
    filled += m.height + NODE_SEP;
  }
  // the first `longer` columns hold one more: seven members stand 3 + 2 + 2
  const base = Math.floor(members.length / columns);
  const longer = members.length % columns;
  const capacity = (column: number) => base + (column < longer ? 1 : 0);
  const offsets: Array<{ x: number; y: number }> = [];
  let x = 0;
  let y = 0;
  let column = 0;
  let inColumn = 0;
  let columnWidth = 0;
  let height = 0;
  for (const m of members) {
    if (y > 0 && (inColumn >= capacity(column) || y + m.height > maxHeight)) {
      x += columnWidth + RANK_SEP / 2;
      y = 0;
      column++;
      inColumn = 0;
      columnWidth = 0;
    }
    inColumn++;
    offsets.push({ x, y });
    height = Math.max(height, y + m.height);
    y += m.height + NODE_SEP;
    columnWidth = Math.max(columnWidth, m.width);
  }
  return { width: x + columnWidth, height, offsets };
}

/** Lays out one scope whose nested scopes are laid out already (in `inners`). */
function layoutScope(scope: Scope, inners: ReadonlyMap<Scope, ScopeLayout>): ScopeLayout {
  const holdsFrames = scope.items.some((item) => item.kind !== 'task');
  const offsetX = CONTAINER_PADDING;
  const offsetY = CONTAINER_HEADER + (holdsFrames ? NESTED_FRAME_GAP : 0);
  // A container's size is what its contents need.
  const sized: Sized[] = scope.items.map((item) => {
    if (item.kind === 'task') return { item, ...taskSize(item.node.name) };
    if (item.kind === 'aggregate') return { item, ...AGGREGATE_SIZE };
    const inner = inners.get(item.scope)!;
    return {
      item,
      inner,
      width: Math.max(inner.width, TASK_SIZE.width) + inner.offsetX + CONTAINER_PADDING,
      height: Math.max(inner.height, 24) + inner.offsetY + CONTAINER_PADDING,
    };
  });
  if (sized.length === 0) return { width: 0, height: 0, placed: [], offsetX, offsetY };

  const byId = new Map(sized.map((s) => [s.item.id, s]));
  const ids = sized.map((s) => s.item.id);
  const runs = findRuns(ids, scope.edges);
  // Each packed block stands in dagre under the id of its first node.
  const blockOf = new Map<string, string>();
  const blocks = new Map<string, { members: Sized[]; packed: Packed }>();
  const addBlock = (ids: string[], packer: (members: Sized[]) => Packed) => {
    const members = ids.map((id) => byId.get(id)!);
    blocks.set(ids[0]!, { members, packed: packer(members) });
    for (const id of ids) blockOf.set(id, ids[0]!);
  };
  for (const run of runs) addBlock(run, packRows);
  for (const fan of findFans(ids, scope.edges, new Set(blockOf.keys()))) addBlock(fan, packColumns);

  // dagre keeps its nodes in plain objects keyed by name, where task ids such as `constructor` or
  // `__proto__` collide with Object.prototype; it gets names of its own, made from the item's index.
  const dagreName = new Map(sized.map((s, i) => [s.item.id, `n${i}`]));
  const nameOf = (id: string) => dagreName.get(blockOf.get(id) ?? id);

  // Only names and sizes go into dagre; node payloads stay out to keep the layout cheap.
  const g = new Graph({ multigraph: false, compound: false });
  g.setGraph({ rankdir: 'LR', nodesep: NODE_SEP, ranksep: RANK_SEP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of sized) {
    const block = blockOf.get(s.item.id);
    if (block === undefined) g.setNode(nameOf(s.item.id)!, { width: s.width, height: s.height });
    else if (block === s.item.id) g.setNode(nameOf(block)!, { width: blocks.get(block)!.packed.width, height: blocks.get(block)!.packed.height });
  }
  for (const e of scope.edges) {
    const source = nameOf(e.source);
    const target = nameOf(e.target);
    // An edge to an item outside the scope would make dagre invent a node without a size.
    if (source !== undefined && target !== undefined && source !== target) g.setEdge(source, target);
  }
  dagreLayout(g);

  let width = 0;
  let height = 0;
  const placed: ScopeLayout['placed'] = [];
  const place = (s: Sized, x: number, y: number) => {
    width = Math.max(width, x + s.width);
    height = Math.max(height, y + s.height);
    placed.push({ ...s, x, y });
  };
  for (const s of sized) {
    const block = blockOf.get(s.item.id);
    if (block === undefined) {
      const p = g.node(nameOf(s.item.id)!);
      // dagre reports centres; React Flow positions are top-left corners.
      place(s, p.x - s.width / 2, p.y - s.height / 2);
    } else if (block === s.item.id) {
      const { members, packed } = blocks.get(block)!;
      const p = g.node(nameOf(block)!);
      const left = p.x - packed.width / 2;
      const top = p.y - packed.height / 2;
      members.forEach((m, i) => place(m, left + packed.offsets[i]!.x, top + packed.offsets[i]!.y));
    }
  }
  return { width, height, placed, offsetX, offsetY };
}

/** Every scope of the model, each before the scopes nested in it; no recursion, however deep. */
function allScopes(top: Scope): Scope[] {
  const scopes: Scope[] = [];
  const stack = [top];
  while (stack.length > 0) {
    const scope = stack.pop()!;
    scopes.push(scope);
    for (const item of scope.items) if (item.kind === 'container') stack.push(item.scope);
  }
  return scopes;
}

/** Layered left-to-right layout; every scope is laid out by dagre, containers sized by their contents. */
export function layoutGraph(model: GraphModel): GraphLayout {
  const scopes = allScopes(model.scope);
  // Innermost first: a container's size is what its contents need.
  const layouts = new Map<Scope, ScopeLayout>();
  for (let i = scopes.length - 1; i >= 0; i--) layouts.set(scopes[i]!, layoutScope(scopes[i]!, layouts));
  const top = layouts.get(model.scope)!;

  // Parents come out before their children; positions inside a frame are relative to its corner.
  const nodes: LaidOutNode[] = [];
  const pending: Array<{ layout: ScopeLayout; parentId: string | undefined; dx: number; dy: number }> = [
    { layout: top, parentId: undefined, dx: 0, dy: 0 },
  ];
  while (pending.length > 0) {
    const { layout, parentId, dx, dy } = pending.pop()!;
    for (const p of layout.placed) {
      nodes.push({ id: p.item.id, item: p.item, parentId, x: p.x + dx, y: p.y + dy, width: p.width, height: p.height });
      if (p.inner) pending.push({ layout: p.inner, parentId: p.item.id, dx: p.inner.offsetX, dy: p.inner.offsetY });
    }
  }
  const edges: ModelEdge[] = scopes.flatMap((scope) => scope.edges);
  return { nodes, edges, width: top.width, height: top.height };
}
