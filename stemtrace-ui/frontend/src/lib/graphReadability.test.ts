import { describe, expect, it } from 'vitest';
import { chordCallbackContext } from './chordContext';
import { buildGraphModel, edgeKind } from './graphModel';
import { TASK_MAX_WIDTH, TASK_SIZE, layoutGraph, taskSize } from './layout';
import { container, graph, task } from './testNodes';
import { workflowTiming } from './workflowTiming';

/** Distinct x positions of the given nodes, each with how many nodes stand at it. */
function columns(xs: number[]): number[] {
  const counts = new Map<number, number>();
  for (const x of xs) {
    const key = [...counts.keys()].find((k) => Math.abs(k - x) < 1) ?? x;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}

function memberColumns(memberCount: number): number[] {
  const ids = Array.from({ length: memberCount }, (_, i) => `m${i}`);
  const layout = layoutGraph(buildGraphModel(graph('group:g', container('group:g', 'GROUP', ids), ...ids.map((id) => task(id))))); 
  return columns(layout.nodes.filter((n) => ids.includes(n.id)).map((n) => n.x));
}

describe('group layout', () => {
  it('lays four members out evenly, never 3 + 1', () => {
    const sizes = memberColumns(4);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBe(0);
  });

  it('keeps columns within one member of each other', () => {
    for (const n of [5, 6, 7, 9, 10, 13, 20]) {
      const sizes = memberColumns(n);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...sizes) - Math.min(...sizes), `${n} members: ${sizes.join(' + ')}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('taskSize', () => {
  it('keeps short names at the standard size', () => {
    expect(taskSize('capp.add')).toEqual(TASK_SIZE);
  });

  it('widens a node for a long namespaced name, then wraps it onto more lines', () => {
    const medium = taskSize('proj.billing.render_lines');
    expect(medium.width).toBeGreaterThan(TASK_SIZE.width);
    expect(medium.height).toBe(TASK_SIZE.height);
    const long = taskSize('proj.billing.invoices.tasks.generate_monthly_invoice_pdf');
    expect(long.width).toBe(TASK_MAX_WIDTH);
    expect(long.height).toBeGreaterThan(TASK_SIZE.height);
  });

  it('bounds the node for a hostile name', () => {
    expect(taskSize('x'.repeat(512)).height).toBeLessThan(TASK_SIZE.height * 3);
    expect(taskSize(null)).toEqual(TASK_SIZE);
  });
});

describe('edge kinds', () => {
  it('reads an only child and what follows a container as next steps, several children as spawned', () => {
    const g = graph(
      'root',
      task('root', ['a', 'b']),
      task('a', ['step']),
      task('b'),
      task('step'),
    );
    const edges = buildGraphModel(g).scope.edges;
    const kindOf = (target: string) => edges.find((e) => e.target === target)?.kind;
    expect(kindOf('a')).toBe('spawn');
    expect(kindOf('b')).toBe('spawn');
    expect(kindOf('step')).toBe('chain');
    expect(edgeKind(container('group:c', 'CHORD', ['x', 'cb'], 'cb'))).toBe('chain');
    expect(edgeKind(undefined)).toBe('spawn');
  });
});

describe('workflowTiming', () => {
  const firstSeen = '2026-12-04T03:00:00.000Z';
  const start = Date.parse(firstSeen);

  it('shows the server figure once finished', () => {
    expect(workflowTiming({ duration_ms: 790, finished: true, first_seen: firstSeen }, start + 99_999)).toEqual({ running: false, text: '790 ms' });
  });

  it('shows the time elapsed since the first event while running, never a finished-looking span', () => {
    const t = workflowTiming({ duration_ms: null, finished: false, first_seen: firstSeen }, start + 4_200);
    expect(t).toEqual({ running: true, text: '4.20 s elapsed' });
    expect(workflowTiming({ duration_ms: null, finished: false, first_seen: firstSeen }, start - 5_000).text).toBe('0.00 ms elapsed');
  });

  it('shows what an older server sends as it is', () => {
    expect(workflowTiming({ duration_ms: 287, first_seen: firstSeen }, start).text).toBe('287 ms');
  });
});

describe('chordCallbackContext', () => {
  const CHORD = 'group:c';
  it('names the chord a callback follows and how many header tasks finished', () => {
    const g = graph(CHORD, { ...container(CHORD, 'CHORD', ['h1', 'h2', 'h3', 'cb'], 'cb'), body_id: 'cb' }, task('h1'), task('h2', [], 'STARTED'), task('h3'), task('cb', [], 'PENDING'));
    expect(chordCallbackContext(g, 'cb')).toEqual({ chordId: CHORD, headers: 3, finished: 2 });
    expect(chordCallbackContext(g, 'h1')).toBeNull();
  });
});
