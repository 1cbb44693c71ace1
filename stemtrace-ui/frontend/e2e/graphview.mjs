// Browser checks of workflow durations and of the graph page's readability, against a running server that
// has the public capture (python-stemtrace-0.3.3/redis-stream-canvas.jsonl) replayed and an inject URL:
// one workflow duration on the list, graph and task pages (a chord, a retried task), elapsed time ticking
// for a running workflow, an interrupted task's wording, queue time on the task page, full task names,
// arrowheads and edge kinds, the side panel, the timeline tab, Enter on a node, a single-node workflow,
// a chord callback's context and a group of four drawn evenly. Screenshots at 1400 and 800 px, light
// and dark.
//
// node e2e/graphview.mjs --base http://127.0.0.1:PORT[/prefix] --inject-url URL [--screenshots DIR]
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
    'inject-url': { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
    timeout: { type: 'string', default: '15000' },
  },
});
if (!opts.base || !opts['inject-url']) {
  console.error('usage: node e2e/graphview.mjs --base http://127.0.0.1:PORT[/prefix] --inject-url URL [--screenshots DIR]');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
const timeout = Number(opts.timeout);
mkdirSync(shots, { recursive: true });

async function api(path) {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

async function inject(lines) {
  const res = await fetch(opts['inject-url'], { method: 'POST', body: lines.join('\n') });
  assert(res.ok, `POST ${opts['inject-url']}: ${res.status}`);
}

/** Polls `probe` until it returns a truthy value; small fixed polls, bounded by `timeout`. */
async function until(probe, what, limit = timeout) {
  const deadline = Date.now() + limit;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${limit} ms waiting for ${what}${last !== undefined ? ` (last: ${JSON.stringify(last)})` : ''}`);
}

const cssString = (value) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const testId = (id) => `[data-testid=${cssString(id)}]`;
const taskPath = (id) => `/task?id=${encodeURIComponent(id)}`;
const graphPath = (id) => `/graph?id=${encodeURIComponent(id)}`;

// ---------------------------------------------------------------- the workflows this script adds

const now = Date.now();
const iso = (ms) => new Date(ms).toISOString();
const event = (id, name, state, at, extra = {}) =>
  JSON.stringify({
    task_id: id, name, state, timestamp: iso(at), parent_id: null, root_id: null, group_id: null, chord_id: null,
    chord_callback_id: null, trace_id: null, retries: 0, args: [1, 2], kwargs: null, result: null, exception: null,
    traceback: null, ...extra,
  });
const lifecycle = (id, name, at, extra = {}) => [
  event(id, name, 'PENDING', at, extra),
  event(id, name, 'STARTED', at + 10, extra),
  event(id, name, 'SUCCESS', at + 40, extra),
];

const RUNNING = 'gv-running';
const LONG_ROOT = 'gv-long-root';
const LONG_NAME = 'proj.billing.invoices.tasks.generate_monthly_invoice_pdf';
const LONG_CHILDREN = ['gv-long-spawned-1', 'gv-long-spawned-2'];
const LONG_STEP = 'gv-long-step';
const GROUP4 = 'gv-group4';
const GROUP4_MEMBERS = [0, 1, 2, 3].map((i) => `gv-g4-${i}`);
const INTERRUPTED = 'gv-interrupted';
const INTERRUPTED_HOST = 'gv-worker@e2e';
const INTERRUPTED_NAME = 'e2e.gv.interrupted';

await inject([
  // still running: started a second ago, nothing after
  event(RUNNING, 'e2e.gv.running', 'PENDING', now - 1000),
  event(RUNNING, 'e2e.gv.running', 'STARTED', now - 900),
  // a root spawning two children, the first of which has one next step
  ...lifecycle(LONG_ROOT, LONG_NAME, now - 5000),
  ...lifecycle(LONG_CHILDREN[0], 'proj.billing.invoices.tasks.render_invoice_lines', now - 4980, { parent_id: LONG_ROOT, root_id: LONG_ROOT }),
  ...lifecycle(LONG_CHILDREN[1], 'proj.billing.invoices.tasks.send_invoice_email', now - 4975, { parent_id: LONG_ROOT, root_id: LONG_ROOT }),
  ...lifecycle(LONG_STEP, 'proj.billing.invoices.tasks.archive_invoice', now - 4900, { parent_id: LONG_CHILDREN[0], root_id: LONG_ROOT }),
  // a group of four
  ...GROUP4_MEMBERS.flatMap((id, i) => lifecycle(id, 'e2e.gv.member', now - 3000 + i * 3, { group_id: GROUP4 })),
  // a task started on a worker that then shut down
  JSON.stringify({ event_type: 'worker_ready', hostname: INTERRUPTED_HOST, pid: 4343, timestamp: iso(now - 3000), registered_tasks: [INTERRUPTED_NAME] }),
  event(INTERRUPTED, INTERRUPTED_NAME, 'PENDING', now - 2000),
  event(INTERRUPTED, INTERRUPTED_NAME, 'STARTED', now - 1900),
  JSON.stringify({ event_type: 'worker_shutdown', hostname: INTERRUPTED_HOST, pid: 4343, timestamp: iso(now - 1500), registered_tasks: [], shutdown_time: iso(now - 1500) }),
]);
await until(async () => (await api(`/api/task?id=${INTERRUPTED}`).catch(() => null))?.task?.anomalies?.includes('INTERRUPTED'), 'the INTERRUPTED anomaly');

const { graphs } = await api('/api/graphs?limit=1000');
const chordRoot = graphs.find((g) => g.node_type === 'CHORD')?.root_id;
const flakyRoot = graphs.find((g) => g.name === 'capp.flaky')?.root_id;
const singleRoot = graphs.find((g) => g.name === 'capp.not_registered_anywhere')?.root_id;

// ---------------------------------------------------------------- the browser

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(timeout);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const go = (path) => page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
const text = async (selector) => ((await page.locator(selector).first().textContent()) ?? '').trim();

/** The workflow duration as the list, the graph page and a task page of the workflow show it. */
async function durationsShown(rootId, taskId) {
  await go('/graphs');
  const row = `${testId('graph-row')}[data-root-id=${cssString(rootId)}] ${testId('workflow-duration')}`;
  await page.locator(row).waitFor({ state: 'visible' });
  const list = await text(row);
  await go(graphPath(rootId));
  await page.locator(`.page-head ${testId('workflow-duration')}`).waitFor({ state: 'visible' });
  const graph = await text(`.page-head ${testId('workflow-duration')}`);
  await go(taskPath(taskId));
  await page.locator(`.facts ${testId('workflow-duration')}`).waitFor({ state: 'visible' });
  const task = await text(`.facts ${testId('workflow-duration')}`);
  return { list, graph, task };
}

const nodeBox = (id) => page.locator(`${testId(`graph-node-${id}`)}`).boundingBox();

try {
  await check('a chord: one workflow duration, callback included, on the list, graph and task pages', async () => {
    assert(chordRoot, 'no CHORD workflow in GET /api/graphs');
    const graph = await api(`/api/graph?id=${encodeURIComponent(chordRoot)}`);
    const chord = graph.nodes[chordRoot];
    const callback = chord.body_id ?? chord.chord_callback_id;
    const times = Object.values(graph.nodes).filter((n) => n.node_type === 'TASK');
    const span = Math.max(...times.map((n) => Date.parse(n.last_updated))) - Math.min(...times.map((n) => Date.parse(n.first_seen)));
    assert(graph.workflow?.finished === true, 'the chord workflow is not finished');
    assert(Math.abs(graph.workflow.duration_ms - span) < 1, `duration ${graph.workflow.duration_ms} ms is not first to last event over all tasks (${span} ms)`);
    const shown = await durationsShown(chordRoot, callback);
    assert(shown.list === shown.graph && shown.graph === shown.task, `list ${shown.list}, graph ${shown.graph}, task ${shown.task}`);
    assert(shown.list !== '—' && !shown.list.includes('elapsed'), `shown as ${shown.list}`);
    return shown.list;
  });

  await check('a retried task: its workflow duration spans every attempt, the same on all three pages', async () => {
    assert(flakyRoot, 'no capp.flaky workflow');
    const { task, workflow } = await api(`/api/task?id=${encodeURIComponent(flakyRoot)}`);
    assert(task.attempts.length > 1, 'capp.flaky did not retry');
    assert(workflow && workflow.duration_ms > task.run_time_ms * 10, `workflow ${workflow?.duration_ms} ms vs winning run ${task.run_time_ms} ms`);
    const shown = await durationsShown(flakyRoot, flakyRoot);
    assert(shown.list === shown.graph && shown.graph === shown.task, `list ${shown.list}, graph ${shown.graph}, task ${shown.task}`);
    return shown.list;
  });

  await check('a running workflow shows its elapsed time, ticking, on the list and the graph page', async () => {
    await go('/graphs');
    const cell = page.locator(`${testId('graph-row')}[data-root-id=${cssString(RUNNING)}] ${testId('workflow-duration')}`);
    await cell.waitFor({ state: 'visible' });
    assert((await cell.getAttribute('data-finished')) === 'false', 'the list calls it finished');
    const first = (await cell.textContent()).trim();
    assert(first.includes('elapsed'), `the list shows ${first}`);
    const later = await until(async () => {
      const t = (await cell.textContent()).trim();
      return t !== first && t;
    }, 'the elapsed time to change', 4000);
    await go(graphPath(RUNNING));
    const head = page.locator(`.page-head ${testId('workflow-duration')}`);
    await head.waitFor({ state: 'visible' });
    const onGraph = (await head.textContent()).trim();
    assert(onGraph.includes('elapsed'), `the graph page shows ${onGraph}`);
    return `${first} -> ${later}`;
  });

  await check('an interrupted task does not read "running (ongoing)"', async () => {
    await go(taskPath(INTERRUPTED));
    const item = page.locator(testId('segment-legend-item')).last();
    await item.waitFor({ state: 'visible' });
    const t = (await item.textContent()).trim();
    assert((await item.getAttribute('data-segment-kind')) === 'interrupted', `last segment is ${await item.getAttribute('data-segment-kind')}`);
    assert(!t.includes('ongoing'), `reads ${t}`);
    return t;
  });

  await check('queue time: the info box and the timeline agree', async () => {
    const { tasks } = await api('/api/tasks?limit=50');
    const sample = tasks.filter((t) => t.queue_time_ms != null).slice(0, 4);
    assert(sample.length > 0, 'no task with a queue time');
    for (const t of sample) {
      await go(taskPath(t.task_id));
      await page.locator(testId('segment-queued-duration')).waitFor({ state: 'visible' });
      const box = await text(testId('task-queue-time'));
      const bar = await text(testId('segment-queued-duration'));
      assert(box === bar, `${t.task_id}: info box ${box}, timeline ${bar}`);
    }
    return `${sample.length} tasks`;
  });

  await check('task names are shown in full, the namespace dimmed', async () => {
    await go(graphPath(LONG_ROOT));
    const name = page.locator(`${testId(`graph-node-${LONG_ROOT}`)} ${testId('task-name')}`);
    await name.waitFor({ state: 'visible' });
    assert((await name.textContent()) === LONG_NAME, `node shows ${await name.textContent()}`);
    for (const id of [LONG_ROOT, ...LONG_CHILDREN, LONG_STEP]) {
      const node = page.locator(`${testId(`graph-node-${id}`)}`);
      const fits = await node.evaluate((el) => {
        const n = el.querySelector('[data-testid="task-name"]');
        return n.scrollWidth <= n.clientWidth + 1 && n.scrollHeight <= n.clientHeight + 1 && el.scrollHeight <= el.clientHeight + 1;
      });
      assert(fits, `the name of ${id} overflows its node`);
    }
    const [nsColor, localColor] = await name.evaluate((el) => [getComputedStyle(el.querySelector('.gnode-namespace')).color, getComputedStyle(el).color]);
    assert(nsColor !== localColor, 'the namespace is not dimmed');
  });

  await check('edges carry arrowheads; chain steps and spawned children are drawn differently', async () => {
    await go(graphPath(LONG_ROOT));
    await page.locator(`${testId(`graph-node-${LONG_STEP}`)}`).waitFor({ state: 'visible' });
    const edges = await page.locator('.react-flow__edge').evaluateAll((els) =>
      els.map((el) => {
        const path = el.querySelector('path.react-flow__edge-path');
        const marker = path?.getAttribute('marker-end') ?? '';
        // the id holds the marker's colour, var(--edge-...), parentheses included
        const id = marker.match(/^url\(['"]?#(.*?)['"]?\)$/)?.[1];
        return {
          chain: el.classList.contains('edge-chain'),
          spawn: el.classList.contains('edge-spawn'),
          marker: id ? document.getElementById(id) !== null : false,
          dash: path ? getComputedStyle(path).strokeDasharray : '',
        };
      }),
    );
    assert(edges.length === 3, `${edges.length} edges drawn, expected 3`);
    assert(edges.every((e) => e.marker), 'an edge has no arrowhead');
    const chain = edges.filter((e) => e.chain);
    const spawn = edges.filter((e) => e.spawn);
    assert(chain.length === 1 && spawn.length === 2, `${chain.length} chain and ${spawn.length} spawn edges`);
    assert(chain[0].dash !== spawn[0].dash, `both drawn with dash ${chain[0].dash}`);
    return `chain dash ${chain[0].dash}, spawn dash ${spawn[0].dash}`;
  });

  await check('a click on a node opens a side panel with state, times, worker, args and a link to the task page', async () => {
    await go(graphPath(LONG_ROOT));
    await page.locator(testId(`graph-node-${LONG_CHILDREN[0]}`)).click();
    const panel = page.locator(testId('graph-panel'));
    await panel.waitFor({ state: 'visible' });
    assert((await panel.getAttribute('data-task-id')) === LONG_CHILDREN[0], 'panel shows another task');
    const t = await panel.textContent();
    for (const part of ['SUCCESS', 'First seen', 'Run time', 'Worker', 'Args']) assert(t.includes(part), `panel lacks ${part}`);
    assert((await panel.locator(testId('graph-panel-args')).textContent()).includes('1'), 'args not shown');
    await page.locator(testId('graph-panel-open')).click();
    await until(async () => new URL(page.url()).searchParams.get('id') === LONG_CHILDREN[0], 'the task page');
  });

  await check('the timeline tab draws every task of the workflow on one time axis', async () => {
    await go(graphPath(LONG_ROOT));
    await page.locator(testId('graph-tab-timeline')).click();
    await page.locator(testId('graph-timeline')).waitFor({ state: 'visible' });
    const rows = await page.locator(`${testId('graph-timeline')} ${testId('gantt-row')}`).count();
    assert(rows === 4, `${rows} timeline rows, expected 4`);
    await shot('graph-timeline');
  });

  await check('Enter on a focused node opens it beside the panel, and Enter again opens its task page', async () => {
    await go(graphPath(LONG_ROOT));
    const wrapper = page.locator(`.react-flow__node[data-id=${cssString(LONG_STEP)}]`);
    await wrapper.waitFor({ state: 'visible' });
    await wrapper.focus();
    await page.keyboard.press('Enter');
    const panel = page.locator(testId('graph-panel'));
    await panel.waitFor({ state: 'visible' });
    assert((await panel.getAttribute('data-task-id')) === LONG_STEP, 'panel shows another task');
    // the rightmost node, under the panel when it opened, slides into view beside it
    await until(async () => {
      const [node, side] = [await nodeBox(LONG_STEP), await panel.boundingBox()];
      return node.x + node.width <= side.x + 1;
    }, 'the opened node beside the panel, not under it');
    await until(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'graph-panel-open'), 'focus on the panel link');
    await page.keyboard.press('Enter');
    await until(async () => new URL(page.url()).pathname.endsWith('/task') && new URL(page.url()).searchParams.get('id') === LONG_STEP, 'the task page');
  });

  await check('a single-node workflow is drawn readable, not lost in an empty canvas', async () => {
    assert(singleRoot, 'no single-task workflow');
    await go(graphPath(singleRoot));
    await page.locator(testId(`graph-node-${singleRoot}`)).waitFor({ state: 'visible' });
    const node = await nodeBox(singleRoot);
    const canvas = await page.locator(testId('graph-canvas')).boundingBox();
    assert(node.width >= 200, `node drawn ${Math.round(node.width)} px wide`);
    assert(canvas.height <= 400, `canvas ${Math.round(canvas.height)} px high for one node`);
    const area = (node.width * node.height) / (canvas.width * canvas.height);
    const centre = Math.abs(node.x + node.width / 2 - (canvas.x + canvas.width / 2));
    assert(centre < canvas.width * 0.1, 'node not centred');
    await shot('graph-single-node');
    return `node ${Math.round(node.width)}x${Math.round(node.height)} in ${Math.round(canvas.width)}x${Math.round(canvas.height)} (${(area * 100).toFixed(1)}%)`;
  });

  await check("a chord's callback task page names its chord and its header's progress", async () => {
    const graph = await api(`/api/graph?id=${encodeURIComponent(chordRoot)}`);
    const chord = graph.nodes[chordRoot];
    const callback = chord.body_id ?? chord.chord_callback_id;
    await go(taskPath(callback));
    const context = page.locator(testId('chord-context'));
    await context.waitFor({ state: 'visible' });
    const t = (await context.textContent()).trim();
    assert(t.includes('Callback of chord') && t.includes('3 header tasks'), `reads ${t}`);
    await page.locator(testId('chord-context-link')).click();
    await page.locator(testId(`graph-node-${chordRoot}`)).waitFor({ state: 'visible' });
    return t;
  });

  await check('a group of four members is laid out evenly', async () => {
    const root = `group:${GROUP4}`;
    await go(graphPath(root));
    const boxes = [];
    for (const id of GROUP4_MEMBERS) {
      await page.locator(testId(`graph-node-${id}`)).waitFor({ state: 'visible' });
      boxes.push(await nodeBox(id));
    }
    const columns = new Map();
    for (const b of boxes) {
      const key = [...columns.keys()].find((x) => Math.abs(x - b.x) < 2) ?? b.x;
      columns.set(key, (columns.get(key) ?? 0) + 1);
    }
    const sizes = [...columns.values()];
    assert(Math.max(...sizes) - Math.min(...sizes) <= 0, `columns of ${sizes.join(' + ')}`);
    return sizes.join(' + ');
  });

  await check('graph page at 1400 and 800 px, light and dark: the drawing and the panel stay in view', async () => {
    for (const width of [1400, 800]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await go(graphPath(LONG_ROOT));
        await page.locator(testId(`graph-node-${LONG_ROOT}`)).click();
        const panel = await page.locator(testId('graph-panel')).boundingBox();
        const canvas = await page.locator(testId('graph-canvas')).boundingBox();
        assert(panel.x >= 0 && panel.x + panel.width <= width + 1, `panel out of view at ${width} px`);
        assert(canvas.x + canvas.width <= width + 1, `canvas out of view at ${width} px`);
        await shot(`graph-${width}-${scheme}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  await check('no uncaught page errors', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}
finish();
