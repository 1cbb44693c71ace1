import { describe, expect, it } from 'vitest';
import { type ModelItem, type Scope, buildGraphModel, nodesById, summariseContainer } from './graphModel';
import { layoutGraph } from './layout';
import { container, graph, task } from './testNodes';

function allItems(scope: Scope): ModelItem[] {
  return scope.items.flatMap((i) => (i.kind === 'container' ? [i, ...allItems(i.scope)] : [i]));
}

// The chord of the public capture: chord([add, add, add], tsum()) as GET /api/graphs returns it.
const CHORD = 'group:fc98f405';
const chordGraph = graph(
  CHORD,
  container(CHORD, 'CHORD', ['e48dc173', '47e30c64', '7b4871e6', '532f478d'], '532f478d'),
  task('e48dc173'),
  task('47e30c64'),
  task('7b4871e6'),
  task('532f478d'),
);

describe('buildGraphModel', () => {
  it('puts chord members in the container and the callback after it', () => {
    const model = buildGraphModel(chordGraph);
    expect(model.scope.items.map((i) => [i.kind, i.id])).toEqual([
      ['container', CHORD],
      ['task', '532f478d'],
    ]);
    const chord = model.scope.items[0];
    if (chord?.kind !== 'container') throw new Error('expected a container');
    expect(chord.scope.items.map((i) => i.id).sort()).toEqual(['47e30c64', '7b4871e6', 'e48dc173']);
    expect(model.scope.edges).toEqual([{ id: `${CHORD}->532f478d`, source: CHORD, target: '532f478d', running: false, kind: 'chain' }]);
  });

  it('draws every node exactly once, also when listed twice or unreachable', () => {
    const g = graph(
      'root',
      task('root', ['a', 'group:g']),
      task('a', ['b']),
      task('b'),
      container('group:g', 'GROUP', ['m1', 'm2', 'a']),
      task('m1'),
      task('m2'),
      task('orphan'),
    );
    const model = buildGraphModel(g);
    const ids = allItems(model.scope).map((i) => i.id);
    expect(ids.sort()).toEqual(['a', 'b', 'group:g', 'm1', 'm2', 'orphan', 'root']);
    expect(model.taskCount).toBe(6);
    expect(model.drawnCount).toBe(7);
  });

  it('keeps chains under a group member inside the container (a lane)', () => {
    const g = graph('group:g', container('group:g', 'GROUP', ['c1']), task('c1', ['c2']), task('c2'));
    const model = buildGraphModel(g);
    const group = model.scope.items[0];
    if (group?.kind !== 'container') throw new Error('expected a container');
    expect(group.scope.items.map((i) => i.id)).toEqual(['c1', 'c2']);
    expect(group.scope.edges.map((e) => e.id)).toEqual(['c1->c2']);
  });

  it('animates edges into running tasks only', () => {
    const g = graph('r', task('r', ['s', 'p', 'x']), task('s', [], 'STARTED'), task('p', [], 'PENDING'), task('x', [], 'RETRY'));
    const running = Object.fromEntries(buildGraphModel(g).scope.edges.map((e) => [e.target, e.running]));
    expect(running).toEqual({ s: true, p: false, x: true });
  });

  it('ignores child ids the response does not contain', () => {
    const model = buildGraphModel(graph('r', task('r', ['missing'])));
    expect(allItems(model.scope).map((i) => i.id)).toEqual(['r']);
    expect(model.scope.edges).toEqual([]);
  });
});

describe('collapsing big groups', () => {
  const members = Array.from({ length: 60 }, (_, i) => `m${i}`);
  const big = graph(
    'root',
    task('root', ['group:big']),
    container('group:big', 'GROUP', members),
    ...members.map((id, i) => task(id, [], i < 50 ? 'SUCCESS' : i < 58 ? 'FAILURE' : 'STARTED', i + 1)),
  );

  it('replaces a group of more than 50 members by an aggregate node', () => {
    const model = buildGraphModel(big);
    const items = allItems(model.scope);
    expect(items.map((i) => i.kind)).toEqual(['task', 'aggregate']);
    const agg = items[1];
    if (agg?.kind !== 'aggregate') throw new Error('expected an aggregate');
    expect(agg.summary).toEqual({
      members: 60,
      tasks: 60,
      counts: { SUCCESS: 50, FAILURE: 8, STARTED: 2 },
      minMs: 1,
      medianMs: 30.5,
      maxMs: 60,
    });
    expect(model.drawnCount).toBe(2);
    expect(model.scope.edges.map((e) => e.id)).toEqual(['root->group:big']);
  });

  it('draws the members when the group is expanded', () => {
    const model = buildGraphModel(big, new Set(['group:big']));
    const group = model.scope.items[1];
    if (group?.kind !== 'container') throw new Error('expected a container');
    expect(group.collapsible).toBe(true);
    expect(group.scope.items).toHaveLength(60);
  });

  it('leaves groups at the threshold open', () => {
    const model = buildGraphModel(big, new Set(), 60);
    expect(model.scope.items[1]?.kind).toBe('container');
  });

  it('keeps the chord callback outside a collapsed chord and ignores missing durations', () => {
    const ids = ['a', 'b', 'c'];
    const g = graph('group:c', container('group:c', 'CHORD', [...ids, 'cb'], 'cb'), ...ids.map((id) => task(id, [], 'SUCCESS', null)), task('cb'));
    const model = buildGraphModel(g, new Set(), 2);
    expect(model.scope.items.map((i) => [i.kind, i.id])).toEqual([
      ['aggregate', 'group:c'],
      ['task', 'cb'],
    ]);
    const summary = summariseContainer(g.nodes['group:c'] as Parameters<typeof summariseContainer>[0], nodesById(g));
    expect(summary).toMatchObject({ members: 3, tasks: 3, minMs: null, medianMs: null, maxMs: null });
  });
});

describe('layoutGraph', () => {
  it('places members inside their container and the callback to its right', () => {
    const layout = layoutGraph(buildGraphModel(chordGraph));
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const chord = byId.get(CHORD)!;
    const callback = byId.get('532f478d')!;
    expect(chord.parentId).toBeUndefined();
    expect(callback.parentId).toBeUndefined();
    expect(callback.x).toBeGreaterThanOrEqual(chord.x + chord.width);
    for (const id of ['e48dc173', '47e30c64', '7b4871e6']) {
      const m = byId.get(id)!;
      expect(m.parentId).toBe(CHORD);
      // Child positions are relative to the container.
      expect(m.x).toBeGreaterThan(0);
      expect(m.y).toBeGreaterThan(0);
      expect(m.x + m.width).toBeLessThanOrEqual(chord.width);
      expect(m.y + m.height).toBeLessThanOrEqual(chord.height);
    }
    // React Flow needs parents before children.
    expect(layout.nodes.findIndex((n) => n.id === CHORD)).toBeLessThan(layout.nodes.findIndex((n) => n.parentId === CHORD));
    expect(layout.edges).toHaveLength(1);
  });

  it('lays out 2 000 tasks in a chain without recursion limits, each once', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `t${i}`);
    const g = graph('t0', ...ids.map((id, i) => task(id, i + 1 < ids.length ? [`t${i + 1}`] : [])));
    const layout = layoutGraph(buildGraphModel(g));
    expect(new Set(layout.nodes.map((n) => n.id)).size).toBe(2000);
    expect(layout.edges).toHaveLength(1999);
    // Packed into rows that read left to right, top to bottom.
    const order = [...layout.nodes].sort((a, b) => a.y - b.y || a.x - b.x).map((n) => n.id);
    expect(order).toEqual(ids);
  });

  it('leaves short chains to dagre', () => {
    const g = graph('a', task('a', ['b']), task('b', ['c']), task('c'));
    const ys = new Set(layoutGraph(buildGraphModel(g)).nodes.map((n) => n.y));
    expect(ys.size).toBe(1);
  });
});

describe('packing wide fan-outs', () => {
  it('wraps 1 999 parallel leaves into columns without overlaps', () => {
    const ids = Array.from({ length: 1999 }, (_, i) => `c${i}`);
    const layout = layoutGraph(buildGraphModel(graph('root', task('root', ids), ...ids.map((id) => task(id)))));
    const leaves = layout.nodes.filter((n) => n.id !== 'root');
    const columns = new Set(leaves.map((n) => n.x));
    expect(columns.size).toBeGreaterThan(10);
    // Roughly landscape, not one 100 000 px column.
    expect(layout.width / layout.height).toBeGreaterThan(0.8);
    const cells = new Set(leaves.map((n) => `${n.x},${n.y}`));
    expect(cells.size).toBe(1999);
    const root = layout.nodes.find((n) => n.id === 'root')!;
    expect(Math.min(...leaves.map((n) => n.x))).toBeGreaterThan(root.x + root.width);
  });
});
