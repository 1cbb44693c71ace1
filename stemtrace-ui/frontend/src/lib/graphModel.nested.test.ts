import { describe, expect, it } from 'vitest';
import { type FrameCounts, type ModelItem, type Scope, buildGraphModel, frameSummary, nodesById, summariseContainer } from './graphModel';
import { CONTAINER_HEADER, type LaidOutNode, NESTED_FRAME_GAP, layoutGraph } from './layout';
import { canvas, container, graph, task } from './testNodes';
import type { ContainerNode, GraphResponse } from './types';

/** Every item of the model, each container before what it holds; explicit stack, deep models are tested. */
function allItems(top: Scope): ModelItem[] {
  const out: ModelItem[] = [];
  const stack = [...top.items].reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    out.push(item);
    if (item.kind === 'container') stack.push(...[...item.scope.items].reverse());
  }
  return out;
}

function frame(scope: Scope, id: string): Extract<ModelItem, { kind: 'container' }> {
  const item = allItems(scope).find((i) => i.id === id);
  if (item?.kind !== 'container') throw new Error(`${id} is not drawn as a frame`);
  return item;
}

const ids = (scope: Scope) => scope.items.map((i) => i.id).sort();
const edgeIds = (scope: Scope) => scope.edges.map((e) => e.id).sort();

/** Each node of the response drawn once, and nothing else. */
function expectEachOnce(g: GraphResponse, scope: Scope) {
  const drawn = allItems(scope).map((i) => i.id);
  expect(drawn.sort()).toEqual(Object.keys(g.nodes).sort());
}

// chord([chord([a, b], ta), chord([c, d], tb), e], outer)
const nestedChord = graph(
  'group:G0',
  canvas('group:G0', ['group:G1', 'group:G2', 'e', 'outer'], 'outer'),
  canvas('group:G1', ['a', 'b', 'ta'], 'ta'),
  canvas('group:G2', ['c', 'd', 'tb'], 'tb'),
  ...['a', 'b', 'c', 'd', 'e', 'ta', 'tb', 'outer'].map((id) => task(id)),
);

// chain(group(x1, x2, x3), group(y, z), w): the first group's declared callback never runs
const chainOfGroups = graph(
  'group:G1',
  canvas('group:G1', ['x1', 'x2', 'x3', 'group:G2'], 'group:G2', 'never-ran'),
  canvas('group:G2', ['y', 'z', 'w'], 'w'),
  ...['x1', 'x2', 'x3', 'y', 'z', 'w'].map((id) => task(id)),
);

// chain(chord([a, b], t), chord([c, d], u))
const chordInChain = graph(
  'group:G',
  canvas('group:G', ['a', 'b', 't'], 't'),
  task('t', ['group:H']),
  canvas('group:H', ['c', 'd', 'u'], 'u'),
  ...['a', 'b', 'c', 'd', 'u'].map((id) => task(id)),
);

// chord([chain(a1, a2), chain(b1, b2), chain(c1, c2)], cb)
const chordOfChains = graph(
  'group:L',
  canvas('group:L', ['a1', 'b1', 'c1', 'cb'], 'cb'),
  task('a1', ['a2']),
  task('b1', ['b2']),
  task('c1', ['c2']),
  ...['a2', 'b2', 'c2', 'cb'].map((id) => task(id)),
);

// Three levels: chord([chord([chord([a, b], t2), chain(c1, c2)], t1), e], outer)
const threeLevels = graph(
  'group:D0',
  canvas('group:D0', ['group:D1', 'e', 'outer'], 'outer'),
  canvas('group:D1', ['group:D2', 'c1', 't1'], 't1'),
  canvas('group:D2', ['a', 'b', 't2'], 't2'),
  task('c1', ['c2']),
  ...['a', 'b', 't2', 'c2', 't1', 'e', 'outer'].map((id) => task(id)),
);

describe('nested canvases', () => {
  it('nested chord: inner chords and their callbacks inside the outer frame, the outer callback after it', () => {
    const model = buildGraphModel(nestedChord);
    expect(ids(model.scope)).toEqual(['group:G0', 'outer']);
    expect(edgeIds(model.scope)).toEqual(['group:G0->outer']);
    const g0 = frame(model.scope, 'group:G0');
    expect(ids(g0.scope)).toEqual(['e', 'group:G1', 'group:G2', 'ta', 'tb']);
    expect(edgeIds(g0.scope)).toEqual(['group:G1->ta', 'group:G2->tb']);
    const g1 = frame(model.scope, 'group:G1');
    const g2 = frame(model.scope, 'group:G2');
    expect(ids(g1.scope)).toEqual(['a', 'b']);
    expect(ids(g2.scope)).toEqual(['c', 'd']);
    expect(g1.scope.edges).toEqual([]);
    expect(g0.counts).toEqual<FrameCounts>({ tasks: 7, lanes: 3 });
    expect(g1.counts).toEqual<FrameCounts>({ tasks: 2, lanes: 0 });
    expect(g2.counts).toEqual<FrameCounts>({ tasks: 2, lanes: 0 });
    const depth = Object.fromEntries(allItems(model.scope).map((i) => [i.id, i.depth]));
    expect(depth).toMatchObject({ 'group:G0': 0, outer: 0, 'group:G1': 1, ta: 1, e: 1, a: 2, d: 2 });
    expectEachOnce(nestedChord, model.scope);
    expect(model.drawnCount).toBe(11);
    expect(model.taskCount).toBe(8);
  });

  it('chain of groups: each group after the other at the top level, the declared callback ignored', () => {
    const model = buildGraphModel(chainOfGroups);
    expect(ids(model.scope)).toEqual(['group:G1', 'group:G2', 'w']);
    expect(edgeIds(model.scope)).toEqual(['group:G1->group:G2', 'group:G2->w']);
    expect(ids(frame(model.scope, 'group:G1').scope)).toEqual(['x1', 'x2', 'x3']);
    expect(ids(frame(model.scope, 'group:G2').scope)).toEqual(['y', 'z']);
    expect(frame(model.scope, 'group:G1').counts).toEqual({ tasks: 3, lanes: 0 });
    expect(frame(model.scope, 'group:G2').counts).toEqual({ tasks: 2, lanes: 0 });
    expectEachOnce(chainOfGroups, model.scope);
  });

  it('chord in chain: chord, callback, next chord, its callback, all at the top level', () => {
    const model = buildGraphModel(chordInChain);
    expect(ids(model.scope)).toEqual(['group:G', 'group:H', 't', 'u']);
    expect(edgeIds(model.scope)).toEqual(['group:G->t', 'group:H->u', 't->group:H']);
    expect(ids(frame(model.scope, 'group:G').scope)).toEqual(['a', 'b']);
    expect(ids(frame(model.scope, 'group:H').scope)).toEqual(['c', 'd']);
    expect(frame(model.scope, 'group:H').depth).toBe(0);
    expectEachOnce(chordInChain, model.scope);
  });

  it('chord of chains: the lanes inside the frame, counted as lanes', () => {
    const model = buildGraphModel(chordOfChains);
    expect(ids(model.scope)).toEqual(['cb', 'group:L']);
    expect(edgeIds(model.scope)).toEqual(['group:L->cb']);
    const lanes = frame(model.scope, 'group:L');
    expect(ids(lanes.scope)).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
    expect(edgeIds(lanes.scope)).toEqual(['a1->a2', 'b1->b2', 'c1->c2']);
    expect(lanes.counts).toEqual({ tasks: 6, lanes: 3 });
    expectEachOnce(chordOfChains, model.scope);
  });

  it('three levels: each frame counts what it holds at any depth, its own body excluded', () => {
    const model = buildGraphModel(threeLevels);
    expect(ids(model.scope)).toEqual(['group:D0', 'outer']);
    const d0 = frame(model.scope, 'group:D0');
    const d1 = frame(model.scope, 'group:D1');
    const d2 = frame(model.scope, 'group:D2');
    expect(ids(d0.scope)).toEqual(['e', 'group:D1', 't1']);
    expect(ids(d1.scope)).toEqual(['c1', 'c2', 'group:D2', 't2']);
    expect(ids(d2.scope)).toEqual(['a', 'b']);
    expect(edgeIds(d1.scope)).toEqual(['c1->c2', 'group:D2->t2']);
    expect([d0.counts, d1.counts, d2.counts]).toEqual([
      { tasks: 7, lanes: 2 },
      { tasks: 5, lanes: 2 },
      { tasks: 2, lanes: 0 },
    ]);
    expect([d0.depth, d1.depth, d2.depth]).toEqual([0, 1, 2]);
    expectEachOnce(threeLevels, model.scope);
  });

  it('an older server without body_id: a CHORD falls back to its chord_callback_id', () => {
    const strip = (c: ContainerNode): ContainerNode => {
      const { body_id: _unused, ...rest } = c;
      return rest;
    };
    const old = graph(
      'group:G0',
      ...Object.values(nestedChord.nodes).map((n) => (n.node_type === 'TASK' ? n : strip(n))),
    );
    expect(Object.values(old.nodes).some((n) => 'body_id' in n)).toBe(false);
    const model = buildGraphModel(old);
    expect(ids(model.scope)).toEqual(['group:G0', 'outer']);
    expect(edgeIds(model.scope)).toEqual(['group:G0->outer']);
    expect(edgeIds(frame(model.scope, 'group:G0').scope)).toEqual(['group:G1->ta', 'group:G2->tb']);
    expect(frame(model.scope, 'group:G0').counts).toEqual({ tasks: 7, lanes: 3 });
    expectEachOnce(old, model.scope);
    // and an old GROUP has no body at all
    const group = buildGraphModel(graph('group:g', container('group:g', 'GROUP', ['m1', 'm2']), task('m1'), task('m2')));
    expect(ids(frame(group.scope, 'group:g').scope)).toEqual(['m1', 'm2']);
  });

  it('a null body_id means no body, whatever callback the header declared', () => {
    const g = graph('group:g', canvas('group:g', ['m1', 'm2'], null, 'm2'), task('m1'), task('m2'));
    const model = buildGraphModel(g);
    expect(ids(model.scope)).toEqual(['group:g']);
    expect(ids(frame(model.scope, 'group:g').scope)).toEqual(['m1', 'm2']);
    expect(model.scope.edges).toEqual([]);
  });
});

describe('frame headers', () => {
  it('show lanes beside the tasks only when the frame holds chains', () => {
    expect(frameSummary({ tasks: 6, lanes: 3 })).toBe('3 lanes · 6 tasks');
    expect(frameSummary({ tasks: 2, lanes: 0 })).toBe('2 tasks');
    expect(frameSummary({ tasks: 1, lanes: 1 })).toBe('1 lane · 1 task');
  });
});

describe('collapsing nested canvases', () => {
  it('hides nested frames and their bodies inside a collapsed frame, keeping its own body after it', () => {
    const model = buildGraphModel(nestedChord, new Set(), 2);
    expect(model.scope.items.map((i) => [i.kind, i.id])).toEqual([
      ['aggregate', 'group:G0'],
      ['task', 'outer'],
    ]);
    expect(edgeIds(model.scope)).toEqual(['group:G0->outer']);
    const agg = model.scope.items[0];
    if (agg?.kind !== 'aggregate') throw new Error('expected an aggregate');
    expect(agg.summary).toMatchObject({ members: 3, tasks: 7 });
    expect(model.drawnCount).toBe(2);
    const summary = summariseContainer(nestedChord.nodes['group:G1'] as ContainerNode, nodesById(nestedChord));
    expect(summary).toMatchObject({ members: 2, tasks: 2 });
  });

  it('collapses nested frames inside an expanded one, their bodies still beside them', () => {
    const model = buildGraphModel(nestedChord, new Set(['group:G0']), 1);
    const g0 = frame(model.scope, 'group:G0');
    expect(g0.collapsible).toBe(true);
    expect(g0.scope.items.map((i) => [i.kind, i.id]).sort()).toEqual([
      ['aggregate', 'group:G1'],
      ['aggregate', 'group:G2'],
      ['task', 'e'],
      ['task', 'ta'],
      ['task', 'tb'],
    ]);
    expect(edgeIds(g0.scope)).toEqual(['group:G1->ta', 'group:G2->tb']);
    // the tasks hidden in the nested aggregates are still inside G0
    expect(g0.counts).toEqual({ tasks: 7, lanes: 3 });
  });

  it('counts a chain of groups by its members, not its body', () => {
    const model = buildGraphModel(chainOfGroups, new Set(), 2);
    expect(model.scope.items.map((i) => [i.kind, i.id])).toEqual([
      ['aggregate', 'group:G1'],
      ['container', 'group:G2'],
      ['task', 'w'],
    ]);
  });
});

describe('deep workflows', () => {
  it('builds a chain of 10 000 chords without recursion, each node once', () => {
    const n = 10_000;
    const nodes = [];
    for (let i = 0; i < n; i++) {
      nodes.push(canvas(`group:g${i}`, [`a${i}`, `b${i}`, `t${i}`], `t${i}`));
      nodes.push(task(`a${i}`), task(`b${i}`), task(`t${i}`, i + 1 < n ? [`group:g${i + 1}`] : []));
    }
    const g = graph('group:g0', ...nodes);
    const model = buildGraphModel(g);
    expect(model.scope.items).toHaveLength(2 * n);
    expect(model.scope.edges).toHaveLength(2 * n - 1);
    expect(model.drawnCount).toBe(4 * n);
    expect(frame(model.scope, `group:g${n - 1}`).counts).toEqual({ tasks: 2, lanes: 0 });
  });

  it('nests 10 000 containers deep without recursion, in the model and the layout', () => {
    const n = 10_000;
    const nodes = [];
    for (let i = 0; i < n; i++) {
      const inner = i + 1 < n ? [`group:n${i + 1}`] : [];
      nodes.push(canvas(`group:n${i}`, [`m${i}`, ...inner, `cb${i}`], `cb${i}`), task(`m${i}`), task(`cb${i}`));
    }
    const g = graph('group:n0', ...nodes);
    const model = buildGraphModel(g);
    expect(model.drawnCount).toBe(3 * n);
    expect(frame(model.scope, 'group:n0').counts).toEqual({ tasks: 2 * n - 1, lanes: n > 1 ? 2 : 0 });
    const deepest = frame(model.scope, `group:n${n - 1}`);
    expect(deepest.depth).toBe(n - 1);
    const layout = layoutGraph(model);
    expect(layout.nodes).toHaveLength(3 * n);
    for (const v of [layout.width, layout.height]) expect(Number.isFinite(v)).toBe(true);
    // 10 000 small dagre layouts take a few seconds
  }, 30_000);
});

/** Absolute rectangles: React Flow positions children relative to their parent's corner. */
function absolute(nodes: LaidOutNode[]) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, { x: number; y: number; width: number; height: number; parentId: string | undefined }>();
  for (const n of nodes) {
    // parents come first, so theirs is known
    const p = n.parentId === undefined ? undefined : out.get(n.parentId);
    expect(n.parentId === undefined || p !== undefined, `${n.id} before its parent`).toBe(true);
    out.set(n.id, { x: n.x + (p?.x ?? 0), y: n.y + (p?.y ?? 0), width: n.width, height: n.height, parentId: n.parentId });
  }
  expect(out.size).toBe(byId.size);
  return out;
}

describe('laying out nested canvases', () => {
  for (const [name, g] of [
    ['nested chord', nestedChord],
    ['three levels', threeLevels],
    ['chain of groups', chainOfGroups],
    ['chord in chain', chordInChain],
    ['chord of chains', chordOfChains],
  ] as const) {
    it(`${name}: frames contain what they hold, below their header; bodies right of their container`, () => {
      const model = buildGraphModel(g);
      const layout = layoutGraph(model);
      const rects = absolute(layout.nodes);
      for (const n of layout.nodes) {
        if (n.parentId === undefined) continue;
        const r = rects.get(n.id)!;
        const p = rects.get(n.parentId)!;
        expect(r.x, `${n.id} left of ${n.parentId}`).toBeGreaterThan(p.x);
        expect(r.x + r.width, `${n.id} right of ${n.parentId}`).toBeLessThan(p.x + p.width);
        expect(n.y, `${n.id} under the header of ${n.parentId}`).toBeGreaterThanOrEqual(CONTAINER_HEADER);
        // a nested frame's badges on its top border stay clear of the header above it
        if (n.item.kind !== 'task') expect(n.y, `${n.id} under the header of ${n.parentId}`).toBeGreaterThanOrEqual(CONTAINER_HEADER + NESTED_FRAME_GAP);
        expect(r.y + r.height, `${n.id} below ${n.parentId}`).toBeLessThan(p.y + p.height);
      }
      for (const item of allItems(model.scope)) {
        if (item.kind !== 'container' || item.node.body_id == null) continue;
        const c = rects.get(item.id)!;
        const b = rects.get(item.node.body_id)!;
        expect(b.parentId, `${item.node.body_id} beside ${item.id}`).toBe(c.parentId);
        expect(b.x, `${item.node.body_id} right of ${item.id}`).toBeGreaterThan(c.x + c.width);
      }
      // no two siblings overlap
      const siblings = [...rects.entries()];
      for (const [i, [ida, a]] of siblings.entries()) {
        for (const [idb, b] of siblings.slice(i + 1)) {
          if (a.parentId !== b.parentId) continue;
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart, `${ida} overlaps ${idb}`).toBe(true);
        }
      }
    });
  }
});
