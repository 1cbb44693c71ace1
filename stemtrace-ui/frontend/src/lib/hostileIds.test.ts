import { describe, expect, it } from 'vitest';
import { anomalyExplanation, anomalyLabel } from './anomalies';
import { type ModelItem, type Scope, buildGraphModel, graphNode, nodesById, summariseContainer } from './graphModel';
import { layoutGraph } from './layout';
import { graphIsStale, planInvalidation } from './liveUpdate';
import { ownValue } from './records';
import { container, graph, task } from './testNodes';
import type { AnomalyType, ContainerNode, GraphResponse, TaskNode } from './types';

// Task ids are whatever the traced application chose; these name what Object.prototype holds.
const PROTO = '__proto__';
const CHILDREN = ['constructor', 'toString', 'valueOf', 'hasOwnProperty'];
const LONE = 'lone-\ud800';

function child(id: string, children: string[] = []): TaskNode {
  return { ...task(id, children), parent_id: PROTO, root_id: PROTO, workflow_id: PROTO };
}

/** As the browser gets it: JSON text (the lone surrogate as an escape) through JSON.parse. */
function fromWire(response: GraphResponse): GraphResponse {
  return JSON.parse(JSON.stringify(response)) as GraphResponse;
}

// __proto__ -> constructor, toString, valueOf, hasOwnProperty; constructor -> lone-\ud800
const hostile = fromWire(
  graph(PROTO, task(PROTO, CHILDREN), child('constructor', [LONE]), ...CHILDREN.slice(1).map((id) => child(id)), child(LONE)),
);

function allItems(scope: Scope): ModelItem[] {
  return scope.items.flatMap((i) => (i.kind === 'container' ? [i, ...allItems(i.scope)] : [i]));
}

describe('ids named like Object.prototype members', () => {
  it('keeps every node as its own key through JSON.parse', () => {
    const text = JSON.stringify(hostile);
    expect(text).toContain('"__proto__":{');
    expect(text).toContain('"lone-\\ud800":{');
    expect(Object.keys(hostile.nodes).sort()).toEqual([PROTO, LONE, ...CHILDREN].sort());
    expect(Object.getPrototypeOf(hostile.nodes)).toBe(Object.prototype);
    expect(graphNode(hostile, PROTO)?.task_id).toBe(PROTO);
    expect(nodesById(hostile).size).toBe(6);
  });

  it('builds the model with the right parent/child edges', () => {
    const model = buildGraphModel(hostile);
    expect(allItems(model.scope).map((i) => i.id).sort()).toEqual([PROTO, LONE, ...CHILDREN].sort());
    expect(model.taskCount).toBe(6);
    expect(model.drawnCount).toBe(6);
    const edges = model.scope.edges.map((e) => [e.source, e.target]);
    expect(edges.sort()).toEqual([...CHILDREN.map((id) => [PROTO, id]), ['constructor', LONE]].sort());
  });

  it('lays the graph out with finite, distinct positions', () => {
    const layout = layoutGraph(buildGraphModel(hostile));
    expect(layout.nodes.map((n) => n.id).sort()).toEqual([PROTO, LONE, ...CHILDREN].sort());
    for (const n of layout.nodes) {
      for (const v of [n.x, n.y, n.width, n.height]) expect(Number.isFinite(v), `${n.id}: ${v}`).toBe(true);
    }
    expect(new Set(layout.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(6);
    expect(Number.isFinite(layout.width) && Number.isFinite(layout.height)).toBe(true);
    // left to right: every child stands right of its parent
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges) expect(byId.get(e.target)!.x).toBeGreaterThan(byId.get(e.source)!.x);
    expect(layout.edges).toHaveLength(5);
  });

  it('lays out chains and fans of such ids, which are packed before dagre sees them', () => {
    const chain = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', PROTO, LONE];
    const g = fromWire(graph(chain[0]!, ...chain.map((id, i) => task(id, i + 1 < chain.length ? [chain[i + 1]!] : []))));
    const fan = fromWire(graph('root', task('root', chain), ...chain.map((id) => task(id))));
    for (const response of [g, fan]) {
      const layout = layoutGraph(buildGraphModel(response));
      expect(layout.nodes).toHaveLength(response === g ? 6 : 7);
      for (const n of layout.nodes) expect(Number.isFinite(n.x) && Number.isFinite(n.y), n.id).toBe(true);
    }
  });

  it('ignores children named like prototype members that the response does not hold', () => {
    const model = buildGraphModel(graph('r', task('r', ['constructor', 'toString', PROTO])));
    expect(allItems(model.scope).map((i) => i.id)).toEqual(['r']);
    expect(model.scope.edges).toEqual([]);
    expect(graphNode(hostile, 'isPrototypeOf')).toBeUndefined();
    expect(graphNode(graph('r', task('r')), 'constructor')).toBeUndefined();
  });

  it('puts such ids inside containers and counts them when collapsed', () => {
    const members = [PROTO, 'constructor', 'toString'];
    const g = fromWire(graph('group:g', container('group:g', 'GROUP', members), ...members.map((id) => task(id))));
    const open = layoutGraph(buildGraphModel(g));
    expect(open.nodes.filter((n) => n.parentId === 'group:g').map((n) => n.id).sort()).toEqual([...members].sort());
    for (const n of open.nodes) expect(Number.isFinite(n.x) && Number.isFinite(n.y), n.id).toBe(true);

    const collapsed = buildGraphModel(g, new Set(), 2);
    expect(collapsed.scope.items.map((i) => i.kind)).toEqual(['aggregate']);
    const summary = summariseContainer(graphNode(g, 'group:g') as ContainerNode, nodesById(g));
    expect(summary).toMatchObject({ members: 3, tasks: 3 });
    expect({ ...summary.counts }).toEqual({ SUCCESS: 3 });
  });

  it('counts a state the server names like a prototype member as its own key', () => {
    const odd = { ...task('a'), state: 'constructor' } as unknown as TaskNode;
    const g = graph('group:g', container('group:g', 'GROUP', ['a', 'b']), odd, task('b'));
    const summary = summariseContainer(graphNode(g, 'group:g') as ContainerNode, nodesById(g));
    expect(Object.keys(summary.counts).sort()).toEqual(['SUCCESS', 'constructor']);
    expect((summary.counts as Record<string, number>).constructor).toBe(1);
  });

  it('marks a cached graph stale only for anomalies on nodes it holds', () => {
    const plan = (id: string) =>
      planInvalidation({ type: 'update', tasks: [], workers: [], anomalies: [{ type: 'STUCK_PENDING', task_id: id, status: 'raised' }], truncated: false });
    const plain = graph('r', task('r'));
    expect(graphIsStale(plan('toString'), 'r', plain)).toBe(false);
    expect(graphIsStale(plan('constructor'), 'r', plain)).toBe(false);
    expect(graphIsStale(plan(PROTO), 'r', plain)).toBe(false);
    expect(graphIsStale(plan(PROTO), PROTO, hostile)).toBe(true);
    expect(graphIsStale(plan('toString'), PROTO, hostile)).toBe(true);
  });

  it('labels anomaly types only from their own entries', () => {
    expect(anomalyLabel('STUCK_PENDING')).toBe('stuck pending');
    expect(anomalyLabel('constructor' as AnomalyType)).toBe('constructor');
    expect(anomalyLabel('NEW_KIND' as AnomalyType)).toBe('new_kind');
    expect(anomalyExplanation('toString' as AnomalyType)).toBeUndefined();
    expect(ownValue({ a: 1 }, 'hasOwnProperty')).toBeUndefined();
    expect(ownValue({ a: 1 }, 'a')).toBe(1);
  });
});
