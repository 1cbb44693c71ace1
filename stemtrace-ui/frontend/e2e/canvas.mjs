// Browser checks of how nested Celery canvases are drawn, against a running server holding them: a chord
// whose header holds chords, and optionally a chain of groups, a chord in a chain and any other workflow.
//
// node e2e/canvas.mjs --base http://127.0.0.1:PORT[/prefix] --nested-root ID [--screenshots DIR]
//                     [--chain-of-groups-root ID] [--chord-in-chain-root ID] [--root ID ...] [--timeout 15000]
//
// For each root it reads GET /api/graph?id=ROOT, opens /graph?id=ROOT and compares the drawing with the
// response: what each container's frame holds lies inside the frame (nested frames inside their parent),
// each container's body (body_id; for a server without it a CHORD's chord_callback_id) lies to the right
// of the container, outside it, in the frame around the container or at the top level, and each frame's
// header counts the tasks and lanes it holds. Screenshots in light and dark.
//
// Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
// Uses the machine's Chromium (/usr/bin/chromium, or $CHROMIUM); never downloads a browser.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
    'nested-root': { type: 'string' },
    'chain-of-groups-root': { type: 'string' },
    'chord-in-chain-root': { type: 'string' },
    root: { type: 'string', multiple: true, default: [] },
    timeout: { type: 'string', default: '15000' },
  },
});
if (!opts.base || !opts['nested-root']) {
  console.error('usage: node e2e/canvas.mjs --base http://127.0.0.1:PORT[/prefix] --nested-root ID [--screenshots DIR] ...');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
const timeout = Number(opts.timeout);
mkdirSync(shots, { recursive: true });

/** Groups with more members than this are drawn collapsed (the dashboard's COLLAPSE_THRESHOLD). */
const COLLAPSE_THRESHOLD = 50;
/** Pixels of rounding allowed between boxes (positions are fractional under the zoom). */
const SLACK = 1;

const roots = [
  ['nested chord', opts['nested-root']],
  ['chain of groups', opts['chain-of-groups-root']],
  ['chord in chain', opts['chord-in-chain-root']],
  ...opts.root.map((id) => [id, id]),
].filter(([, id]) => id);

async function api(path) {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

const graphPath = (id) => `/graph?id=${encodeURIComponent(id)}`;
const isContainer = (n) => n.node_type === 'GROUP' || n.node_type === 'CHORD';
/** The child drawn after a container, as the dashboard reads it. */
const bodyOf = (n) => (n.body_id !== undefined ? n.body_id : n.node_type === 'CHORD' ? n.chord_callback_id : null);
const membersOf = (n) => {
  const body = bodyOf(n);
  return body === null ? n.children : n.children.filter((id) => id !== body);
};

/**
 * What the response says the drawing must be: for each node the frame it is drawn in (null at the top
 * level), its depth and whether it is hidden in a collapsed container; for each container what its frame
 * holds (tasks at any depth, lanes). Explicit stacks: a workflow may be thousands deep.
 */
function expectations(graph) {
  const nodes = new Map(Object.entries(graph.nodes));
  const where = new Map();
  const stack = [];
  const walk = () => {
    while (stack.length > 0) {
      const { id, frame, depth, hidden } = stack.pop();
      const node = nodes.get(id);
      if (!node || where.has(id)) continue;
      const collapsed = isContainer(node) && membersOf(node).length > COLLAPSE_THRESHOLD;
      where.set(id, { frame, depth, hidden, collapsed });
      if (!isContainer(node)) {
        for (const c of node.children) stack.push({ id: c, frame, depth, hidden });
        continue;
      }
      const body = bodyOf(node);
      if (body !== null) stack.push({ id: body, frame, depth, hidden });
      for (const m of membersOf(node)) stack.push({ id: m, frame: id, depth: depth + 1, hidden: hidden || collapsed });
    }
  };
  stack.push({ id: graph.root_id, frame: null, depth: 0, hidden: false });
  walk();
  for (const id of nodes.keys()) {
    stack.push({ id, frame: null, depth: 0, hidden: false });
    walk();
  }
  const tasks = new Map();
  for (const [id, w] of where) {
    if (nodes.get(id).node_type !== 'TASK') continue;
    for (let f = w.frame; f !== null; f = where.get(f).frame) tasks.set(f, (tasks.get(f) ?? 0) + 1);
  }
  const lanes = new Map();
  for (const [id, node] of nodes) {
    if (!isContainer(node)) continue;
    const members = membersOf(node).filter((m) => nodes.has(m));
    const chained = members.some((m) => {
      const n = nodes.get(m);
      return isContainer(n) ? bodyOf(n) !== null && nodes.has(bodyOf(n)) : n.children.some((c) => nodes.has(c));
    });
    lanes.set(id, chained ? members.length : 0);
  }
  return { nodes, where, tasks, lanes };
}

/** Every drawn graph node: its box, its attributes and, for a frame, the box of its header. */
function readCanvas(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('[data-testid^="graph-node-"]')) {
      const r = el.getBoundingClientRect();
      const head = el.querySelector('.gcontainer-head')?.getBoundingClientRect();
      out.push({
        id: el.getAttribute('data-testid').slice('graph-node-'.length),
        type: el.getAttribute('data-node-type'),
        depth: el.getAttribute('data-depth'),
        tasks: el.getAttribute('data-task-count'),
        lanes: el.getAttribute('data-lane-count'),
        collapsed: el.getAttribute('data-collapsed') === 'true',
        text: el.querySelector('.gcontainer-head')?.textContent ?? '',
        box: { x: r.x, y: r.y, width: r.width, height: r.height },
        head: head ? { x: head.x, y: head.y, width: head.width, height: head.height } : null,
      });
    }
    const edges = [...document.querySelectorAll('[data-testid^="rf__edge-"]')].map((e) => e.getAttribute('data-testid').slice('rf__edge-'.length));
    return { nodes: out, edges };
  });
}

const inside = (b, f) => b.x >= f.x - SLACK && b.y >= f.y - SLACK && b.x + b.width <= f.x + f.width + SLACK && b.y + b.height <= f.y + f.height + SLACK;
const overlaps = (a, b) => a.x < b.x + b.width - SLACK && b.x < a.x + a.width - SLACK && a.y < b.y + b.height - SLACK && b.y < a.y + a.height - SLACK;
const short = (id) => (id.length > 24 ? `${id.slice(0, 21)}...` : id);
/** Up to three failures, and how many in all. */
function report(problems, what) {
  assert(problems.length === 0, `${problems.length} ${what}: ${problems.slice(0, 3).join('; ')}`);
}

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(timeout);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

try {
  for (const [label, root] of roots) {
    let graph;
    let expected;
    let drawn;
    const byId = new Map();
    const name = (what) => `${label}: ${what}`;
    const ready = await check(name(`the workflow ${root} opens and every node of the response is drawn once`), async () => {
      graph = await api(`/api/graph?id=${encodeURIComponent(root)}`);
      expected = expectations(graph);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${base}${graphPath(root)}`, { waitUntil: 'domcontentloaded' });
      // drawn when every node the app decided to draw is in the DOM and measured (unmeasured ones are hidden)
      await page.waitForFunction(
        () => {
          const canvas = document.querySelector('[data-testid="graph-canvas"]');
          const count = Number(canvas?.getAttribute('data-drawn-count') ?? 0);
          const nodes = document.querySelectorAll('.react-flow__node');
          return count > 0 && nodes.length === count && [...nodes].every((n) => n.style.visibility !== 'hidden');
        },
        null,
        { timeout, polling: 100 },
      );
      // fitView runs once the nodes are measured; let it settle before reading boxes
      await page.waitForTimeout(300);
      drawn = await readCanvas(page);
      const problems = [];
      for (const n of drawn.nodes) {
        if (byId.has(n.id)) problems.push(`${short(n.id)} drawn twice`);
        byId.set(n.id, n);
      }
      for (const [id, w] of expected.where) {
        const n = byId.get(id);
        const type = expected.nodes.get(id).node_type;
        if (w.hidden) {
          if (n) problems.push(`${short(id)} is drawn though its container is collapsed`);
        } else if (!n) problems.push(`${short(id)} is not drawn`);
        else if (n.type !== type) problems.push(`${short(id)} is drawn as ${n.type}, not ${type}`);
        else if (n.depth !== String(w.depth)) problems.push(`${short(id)} at depth ${n.depth}, expected ${w.depth}`);
        else if (n.collapsed !== w.collapsed) problems.push(`${short(id)} ${n.collapsed ? 'collapsed' : 'expanded'}`);
      }
      for (const id of byId.keys()) if (!expected.nodes.has(id)) problems.push(`${short(id)} is not in the response`);
      report(problems, 'nodes wrong');
      const framed = [...expected.where.values()].filter((w) => w.frame !== null && !w.hidden).length;
      let levels = 0;
      for (const [id, w] of expected.where) if (isContainer(expected.nodes.get(id))) levels = Math.max(levels, w.depth + 1);
      return `${byId.size} nodes, ${framed} inside frames, frames nested ${levels} deep`;
    });
    if (!ready) continue;

    const framed = [...expected.where].filter(([, w]) => w.frame !== null && !w.hidden);
    await check(name('what each frame holds lies inside the frame'), async () => {
      const problems = [];
      for (const [id, w] of framed) {
        if (isContainer(expected.nodes.get(id))) continue;
        if (!inside(byId.get(id).box, byId.get(w.frame).box)) problems.push(`${short(id)} outside ${short(w.frame)}`);
      }
      report(problems, 'nodes outside their frame');
      return `${framed.length} nodes`;
    });

    await check(name('nested frames lie inside their parent frame'), async () => {
      const problems = [];
      let nested = 0;
      for (const [id, w] of framed) {
        if (!isContainer(expected.nodes.get(id))) continue;
        nested++;
        if (!inside(byId.get(id).box, byId.get(w.frame).box)) problems.push(`${short(id)} outside ${short(w.frame)}`);
      }
      report(problems, 'frames outside their parent');
      return `${nested} nested frames`;
    });

    await check(name('each body is drawn right of its container, outside it, in the frame around it'), async () => {
      const problems = [];
      let bodies = 0;
      for (const [id, node] of expected.nodes) {
        const w = expected.where.get(id);
        const body = isContainer(node) ? bodyOf(node) : null;
        if (body === null || !expected.nodes.has(body) || w.hidden) continue;
        bodies++;
        const c = byId.get(id).box;
        const b = byId.get(body).box;
        if (b.x < c.x + c.width - SLACK) problems.push(`${short(body)} not right of ${short(id)}`);
        if (overlaps(b, c)) problems.push(`${short(body)} overlaps ${short(id)}`);
        if (w.frame !== null && !inside(b, byId.get(w.frame).box)) problems.push(`${short(body)} outside the frame ${short(w.frame)}`);
        if (byId.get(body).depth !== byId.get(id).depth) problems.push(`${short(body)} at depth ${byId.get(body).depth}, ${short(id)} at ${byId.get(id).depth}`);
        if (!drawn.edges.includes(`${id}->${body}`)) problems.push(`no edge ${short(id)} -> ${short(body)}`);
      }
      report(problems, 'bodies misplaced');
      return `${bodies} bodies`;
    });

    await check(name('frame headers count the tasks and lanes each frame holds'), async () => {
      const problems = [];
      const counts = [];
      for (const [id, node] of expected.nodes) {
        const w = expected.where.get(id);
        if (!isContainer(node) || w.hidden) continue;
        const n = byId.get(id);
        const tasks = expected.tasks.get(id) ?? 0;
        if (n.tasks !== String(tasks)) problems.push(`${short(id)} says ${n.tasks} tasks, holds ${tasks}`);
        if (n.collapsed) {
          counts.push(`${tasks} collapsed`);
          continue;
        }
        const lanes = expected.lanes.get(id);
        if (n.lanes !== String(lanes)) problems.push(`${short(id)} says ${n.lanes} lanes, holds ${lanes}`);
        if (!n.text.includes(`${tasks} task`)) problems.push(`${short(id)} header reads ${JSON.stringify(n.text)}`);
        if (lanes > 0 && !n.text.includes(`${lanes} lane`)) problems.push(`${short(id)} header reads ${JSON.stringify(n.text)}`);
        counts.push(lanes > 0 ? `${lanes} lanes/${tasks}` : `${tasks}`);
      }
      report(problems, 'headers wrong');
      const shown = counts.length > 8 ? [...counts.slice(0, 8), `... ${counts.length - 8} more`] : counts;
      return `tasks per frame: ${shown.join(', ')}`;
    });

    await check(name('frame headers are clear of what the frames hold; screenshots light and dark'), async () => {
      const problems = [];
      for (const [id, w] of framed) {
        const head = byId.get(w.frame).head;
        if (head && overlaps(byId.get(id).box, head)) problems.push(`${short(id)} covers the header of ${short(w.frame)}`);
      }
      const file = label.replace(/[^A-Za-z0-9._-]+/g, '-');
      await page.screenshot({ path: join(shots, `canvas-${file}.png`) });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(shots, `canvas-${file}-dark.png`) });
      await page.emulateMedia({ colorScheme: 'light' });
      report(problems, 'headers covered');
      return `canvas-${file}.png, canvas-${file}-dark.png`;
    });
  }

  await check('no uncaught errors in the pages', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}

finish();
