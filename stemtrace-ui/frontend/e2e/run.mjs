// Browser checks of the dashboard against a running server that has the public capture
// (python-stemtrace-0.3.3/redis-stream-canvas.jsonl) replayed.
//
// node e2e/run.mjs --base http://127.0.0.1:PORT[/prefix] [--screenshots DIR] [--chord-root ID]
//                  [--inject-url URL | --inject-cmd 'shell command'] [--big-root ID] [--big-budget-ms 2000]
//                  [--expect-workflows 7]
//
// Prints one PASS/FAIL/SKIP line per check and `N passed, M failed`; exits 0 only if nothing failed.
// Uses the machine's Chromium (/usr/bin/chromium, or $CHROMIUM); never downloads a browser.
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium, skip } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
    'chord-root': { type: 'string' },
    'inject-url': { type: 'string' },
    'inject-cmd': { type: 'string' },
    'big-root': { type: 'string' },
    'big-budget-ms': { type: 'string', default: '2000' },
    // the capture holds 7 workflows; a server with more (a big test workflow) says how many
    'expect-workflows': { type: 'string', default: '7' },
    timeout: { type: 'string', default: '15000' },
  },
});
if (!opts.base) {
  console.error('usage: node e2e/run.mjs --base http://127.0.0.1:PORT[/prefix] [--screenshots DIR] ...');
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

/** Polls `probe` until it returns a truthy value; small fixed polls, bounded by `timeout`. */
async function until(probe, what, limit = timeout) {
  const deadline = Date.now() + limit;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${limit} ms waiting for ${what}${last !== undefined ? ` (last: ${last})` : ''}`);
}

/** A CSS string holding `value`: backslashes and quotes escaped, as ids may hold both. */
const cssString = (value) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const testId = (id) => `[data-testid=${cssString(id)}]`;
/** The dashboard's address of one task or workflow. */
const taskPath = (id) => `/task?id=${encodeURIComponent(id)}`;
const graphPath = (id) => `/graph?id=${encodeURIComponent(id)}`;

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(timeout);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

const go = (path) => page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });

try {
  await check('tasks page lists the tasks', async () => {
    const { total } = await api('/api/tasks?limit=1');
    await go('/');
    const expected = Math.min(total, 50);
    await until(async () => (await page.locator(testId('task-row')).count()) === expected, `${expected} task rows`);
    await shot('tasks');
    return `${expected} rows`;
  });

  await check('timeline view draws a bar per task', async () => {
    await page.locator(testId('view-timeline')).click();
    await until(async () => (await page.locator(testId('gantt-row')).count()) > 0, 'gantt rows');
    assert(new URL(page.url()).searchParams.get('view') === 'timeline', 'view is not in the URL');
    await shot('timeline');
  });

  const expectedWorkflows = Number(opts['expect-workflows']);
  await check(`workflows page lists ${expectedWorkflows} workflows`, async () => {
    await go('/graphs');
    await until(
      async () => (await page.locator(testId('graph-row')).count()) === expectedWorkflows,
      `${expectedWorkflows} workflow rows`,
      timeout,
    );
    await shot('graphs');
  });

  await check('chord graph draws the CHORD container, its 3 members and the tsum callback', async () => {
    let root = opts['chord-root'];
    if (!root) {
      const { graphs } = await api('/api/graphs?limit=1000');
      root = graphs.find((g) => g.node_type === 'CHORD')?.root_id;
      assert(root, 'no CHORD workflow in GET /api/graphs');
    }
    const graph = await api(`/api/graph?id=${encodeURIComponent(root)}`);
    const chord = graph.nodes[root];
    assert(chord?.node_type === 'CHORD', `root ${root} is not a CHORD`);
    // the body drawn after the chord; a server older than nested canvases sends only the callback id
    const callback = chord.body_id ?? chord.chord_callback_id;
    const members = chord.children.filter((id) => id !== callback);
    assert(members.length === 3, `API lists ${members.length} chord members`);
    await go(graphPath(root));
    const container = page.locator(`${testId(`graph-node-${root}`)}[data-node-type="CHORD"]`);
    await container.waitFor({ state: 'visible' });
    const box = await container.boundingBox();
    for (const id of members) {
      const node = page.locator(`${testId(`graph-node-${id}`)}[data-node-type="TASK"]`);
      await node.waitFor({ state: 'visible' });
      const b = await node.boundingBox();
      const inside = b.x >= box.x - 1 && b.y >= box.y - 1 && b.x + b.width <= box.x + box.width + 1 && b.y + b.height <= box.y + box.height + 1;
      assert(inside, `member ${id} is drawn outside the chord container`);
    }
    const cb = page.locator(testId(`graph-node-${callback}`));
    await cb.waitFor({ state: 'visible' });
    assert((await cb.textContent()).includes('tsum'), 'callback node does not show tsum');
    const c = await cb.boundingBox();
    assert(c.x >= box.x + box.width - 1 || c.y >= box.y + box.height - 1, 'callback is not drawn after the container');
    await shot('graph');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('graph-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await check('task detail shows the args', async () => {
    // the capture's tasks are named capp.*; a server may hold more (a big test workflow) that carry no args
    const { tasks } = await api('/api/tasks?limit=1000&name=capp.');
    const task = tasks.find((t) => Array.isArray(t.args) && t.args.length > 0);
    assert(task, 'no task with args in GET /api/tasks');
    await go(taskPath(task.task_id));
    const args = page.locator(testId('task-args'));
    await args.waitFor({ state: 'visible' });
    const shown = (await args.textContent()).replace(/\s+/g, '');
    assert(shown === JSON.stringify(task.args), `args block shows ${shown}, expected ${JSON.stringify(task.args)}`);
    await shot('task');
    return `${task.name} ${JSON.stringify(task.args)}`;
  });

  await check('flaky task shows 3 attempts', async () => {
    const { tasks } = await api(`/api/tasks?name=${encodeURIComponent('capp.flaky')}&limit=10`);
    const flaky = tasks.find((t) => t.name === 'capp.flaky');
    assert(flaky, 'no capp.flaky task in GET /api/tasks');
    // the earlier path form of a task's address still opens it, under its /task?id= address
    await go(`/tasks/${encodeURIComponent(flaky.task_id)}`);
    await until(async () => (await page.locator(testId('attempt-row')).count()) === 3, '3 attempt rows');
    const url = new URL(page.url());
    assert(url.pathname.endsWith('/task') && url.searchParams.get('id') === flaky.task_id, `the old address went to ${url.pathname}${url.search}`);
    await shot('task-flaky');
  });

  await check('workers page shows the workers', async () => {
    await go('/workers');
    await until(async () => (await page.locator(testId('worker-card')).count()) > 0, 'a worker card');
    await shot('workers');
  });

  await check('registry page shows task names with badges', async () => {
    await go('/registry');
    await until(async () => (await page.locator(testId('registry-row')).count()) > 0, 'registry rows');
    await shot('registry');
  });

  await check('anomalies page groups the UNREGISTERED anomaly of capp.not_registered_anywhere, and expands to it', async () => {
    await go('/anomalies');
    const group = page.locator(`${testId('anomaly-group-row')}[data-anomaly-type="UNREGISTERED"][data-name="capp.not_registered_anywhere"]`);
    await group.waitFor({ state: 'visible' });
    const badge = group.locator(`${testId('anomaly-badge')}[data-anomaly-type="UNREGISTERED"]`);
    assert((await badge.count()) === 1, 'the group has no UNREGISTERED badge');
    assert((await group.getAttribute('data-status')) === 'open', `the group is ${await group.getAttribute('data-status')}`);
    const open = Number(await group.locator(testId('anomaly-group-open')).getAttribute('data-value'));
    assert(open >= 1, `the group says ${open} open`);
    await group.locator(testId('anomaly-group-expand')).click();
    const member = page.locator(`${testId('anomaly-row')}[data-anomaly-type="UNREGISTERED"]`);
    await member.first().waitFor({ state: 'visible' });
    assert((await member.count()) === open, `${await member.count()} anomalies listed for ${open} open`);
    const count = Number(await page.locator(testId('anomaly-count')).textContent());
    const { counts } = await api('/api/anomalies/groups?limit=1');
    assert(count === counts.open, `the navigation shows ${count}, the API ${counts.open} open groups`);
    await shot('anomalies');
    return `${count} open group${count === 1 ? '' : 's'} in the navigation badge`;
  });

  await check('the unregistered task shows its anomaly on the tasks page, task page and graph', async () => {
    const { anomalies } = await api('/api/anomalies?type=UNREGISTERED&limit=1000');
    const anomaly = anomalies.find((a) => a.name === 'capp.not_registered_anywhere');
    assert(anomaly, 'no UNREGISTERED anomaly for capp.not_registered_anywhere in GET /api/anomalies');
    const badge = `${testId('anomaly-badge')}[data-anomaly-type="UNREGISTERED"]`;
    await go(`/?name=${encodeURIComponent(anomaly.name)}`);
    await page.locator(`${testId('task-row')}[data-task-id="${anomaly.task_id}"] ${badge}`).waitFor({ state: 'visible' });
    await go(taskPath(anomaly.task_id));
    await page.locator(`${testId('anomaly-callout')} ${badge}`).waitFor({ state: 'visible' });
    await shot('task-anomaly');
    await go(graphPath(anomaly.workflow_id));
    await page.locator(`${testId(`graph-node-${anomaly.task_id}`)} ${badge}`).waitFor({ state: 'visible' });
  });

  const statsRow = (name) => page.locator(`${testId('stats-row')}[data-name="${name}"]`);
  const localInput = (iso) =>
    page.evaluate((value) => {
      // datetime-local takes the browser's wall time to the minute
      const d = new Date(value);
      const p = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    }, iso);

  await check('stats page renders a row for capp.add and its charts', async () => {
    await go('/stats');
    const row = statsRow('capp.add');
    const newest = page.locator(testId('stats-show-newest'));
    // The capture was recorded on 2026-11-26, so the default hour holds it only when a server moved it to
    // now. Otherwise the hour is empty and offers the newest events, or it holds newer tasks (a big test
    // workflow made now) and the capture's own period is opened by its URL.
    const found = await until(async () => {
      // all rows arrive in one render, so once there is any the capp.add row is there or not at all
      if ((await page.locator(testId('stats-row')).count()) > 0) return (await row.count()) > 0 ? 'row' : 'other';
      if ((await newest.count()) > 0) return 'newest';
      return null;
    }, 'stats rows or the newest-events button');
    let note = 'in the default period';
    if (found === 'newest') {
      const empty = page.locator('.status-empty', { hasText: 'No task activity in' });
      assert((await empty.count()) === 1, 'no "No task activity in ..." empty state beside the button');
      await newest.click();
      note = 'via the newest events';
    } else if (found === 'other') {
      const { tasks } = await api('/api/tasks?limit=1000&name=capp.');
      assert(tasks.length > 0, 'no capp.* task in GET /api/tasks');
      const first = Math.min(...tasks.map((t) => Date.parse(t.first_seen)));
      const last = Math.max(...tasks.map((t) => Date.parse(t.last_updated)));
      const from = new Date(Math.floor(first / 60_000) * 60_000).toISOString();
      const to = new Date(Math.floor(last / 60_000) * 60_000 + 60_000).toISOString();
      await go(`/stats?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      note = 'newer tasks in the default period; via the capture period';
    }
    await row.waitFor({ state: 'visible' });
    if (found !== 'row') {
      const url = new URL(page.url());
      assert(url.searchParams.get('from') && url.searchParams.get('to'), `the URL has no from and to: ${url.search}`);
    }
    const period = (await page.locator(testId('stats-period')).textContent())?.trim();
    assert(period, 'no period shown in the page head');
    const charts = await until(async () => page.locator('.chart svg').count(), 'a chart');
    await shot('stats');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('stats-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    return `${note}, ${period}, ${charts} charts`;
  });

  await check('stats period picker: presets and a custom range kept in the URL', async () => {
    await go('/stats');
    const preset = page.locator(testId('stats-window-15'));
    await preset.click();
    await until(async () => new URL(page.url()).searchParams.get('window') === '15', 'window=15 in the URL');
    await until(async () => (await preset.getAttribute('aria-pressed')) === 'true', 'the 15 min button pressed');

    const { data_from: dataFrom, data_to: dataTo } = await api('/api/stats?window_minutes=60');
    assert(dataFrom && dataTo, `GET /api/stats holds no data: data_from ${dataFrom}, data_to ${dataTo}`);
    const custom = page.locator(testId('stats-period-custom'));
    await custom.click();
    const from = page.locator(testId('stats-from'));
    const to = page.locator(testId('stats-to'));
    await from.fill(await localInput(dataTo));
    await to.fill(await localInput(dataTo));
    await page.locator(testId('stats-apply')).click();
    await page.locator(testId('stats-period-error')).waitFor({ state: 'visible' });
    assert(new URL(page.url()).searchParams.get('window') === '15', `an empty range changed the URL: ${new URL(page.url()).search}`);

    await from.fill(await localInput(dataFrom));
    await page.locator(testId('stats-apply')).click();
    await statsRow('capp.add').waitFor({ state: 'visible' });
    const url = new URL(page.url());
    const [urlFrom, urlTo] = [url.searchParams.get('from'), url.searchParams.get('to')];
    assert(Date.parse(urlFrom) === Date.parse(dataFrom) && Date.parse(urlTo) === Date.parse(dataTo), `the URL has ${url.search}, expected ${dataFrom} to ${dataTo}`);
    assert(!url.searchParams.has('window'), `the URL keeps a window beside the range: ${url.search}`);

    await page.reload({ waitUntil: 'domcontentloaded' });
    await statsRow('capp.add').waitFor({ state: 'visible' });
    assert((await custom.getAttribute('aria-pressed')) === 'true', 'Custom is not pressed after the reload');
    assert(new URL(page.url()).search === url.search, `the reload changed the URL to ${new URL(page.url()).search}`);
    return `${urlFrom} to ${urlTo}`;
  });

  await check('workflow page links the JSON export', async () => {
    const { graphs } = await api('/api/graphs?limit=1');
    const root = graphs[0]?.root_id;
    assert(root, 'no workflow in GET /api/graphs');
    await go(graphPath(root));
    const link = page.locator(testId('graph-export'));
    await link.waitFor({ state: 'visible' });
    assert((await link.getAttribute('download')) !== null, 'the link has no download attribute');
    const href = new URL(await link.getAttribute('href'), page.url());
    assert(href.pathname.endsWith('/api/graph/export') && href.searchParams.get('id') === root, `link points to ${href.pathname}${href.search}`);
    const res = await fetch(href);
    assert(res.ok, `GET ${href.pathname}: ${res.status}`);
    assert(/attachment/.test(res.headers.get('content-disposition') ?? ''), 'no Content-Disposition: attachment');
    const doc = await res.json();
    assert(doc.format === 'stemtrace-export' && doc.events.length > 0, `unexpected export: format ${doc.format}, ${doc.events?.length} events`);
    return `${doc.events.length} event${doc.events.length === 1 ? '' : 's'}`;
  });

  if (opts['inject-url'] || opts['inject-cmd']) {
    await check('a new task appears on the tasks page without reload', async () => {
      await go('/');
      await page.locator(testId('task-row')).first().waitFor();
      await page.locator(`${testId('connection-state')}[data-state="live"]`).waitFor();
      // A marker that a reload would wipe out.
      await page.evaluate(() => {
        window.__e2eNoReload = true;
      });
      if (opts['inject-url']) {
        const res = await fetch(opts['inject-url'], { method: 'POST' });
        assert(res.ok, `POST ${opts['inject-url']}: ${res.status}`);
      } else {
        execSync(opts['inject-cmd'], { stdio: 'inherit' });
      }
      await page.locator(testId('task-row'), { hasText: 'e2e.live' }).first().waitFor({ state: 'visible' });
      assert(await page.evaluate(() => window.__e2eNoReload === true), 'the page was reloaded');
      await shot('tasks-live');
    });
  } else {
    skip('a new task appears on the tasks page without reload', 'no --inject-url or --inject-cmd');
  }

  // Ids that name Object.prototype members: the pages must show them, not crash. One with a lone UTF-16
  // surrogate (which encodeURIComponent refuses) the server refuses as BAD_ID; the address it would have
  // had in a link must show a contained not-found. The events go in as the body of the inject POST, so
  // this needs --inject-url.
  const HOSTILE_ROOT = '__proto__';
  const HOSTILE_CHILDREN = ['constructor', 'toString', 'valueOf', 'hasOwnProperty'];
  const HOSTILE_LONE = 'lone-\ud800';
  const HOSTILE_NAME = 'e2e.hostile';
  const hostileChecks = [
    'hostile ids: the tasks and workflows pages list them; the refused lone-surrogate id shows a contained not-found',
    `hostile ids: the graph of ${HOSTILE_ROOT} draws its 5 nodes at finite positions`,
    'hostile ids: the task page of constructor shows its parent',
  ];
  if (opts['inject-url']) {
    const hostileEvents = () => {
      const start = Date.now();
      const event = (id, parent, root, state, at) =>
        JSON.stringify({
          task_id: id, name: HOSTILE_NAME, state, timestamp: new Date(at).toISOString(),
          parent_id: parent, root_id: root, group_id: null, chord_id: null, chord_callback_id: null, trace_id: null,
          retries: 0, args: null, kwargs: null, result: null, exception: null, traceback: null,
        });
      const lifecycle = (id, parent, root) =>
        ['PENDING', 'STARTED', 'SUCCESS'].map((state, i) => event(id, parent, root, state, start + i * 5));
      const lines = [
        ...lifecycle(HOSTILE_ROOT, null, HOSTILE_ROOT),
        ...HOSTILE_CHILDREN.flatMap((id) => lifecycle(id, HOSTILE_ROOT, HOSTILE_ROOT)),
        ...lifecycle(HOSTILE_LONE, null, HOSTILE_LONE),
      ];
      // JSON.stringify writes a lone surrogate as the escape \ud800, which the server decodes back into one
      assert(lines.some((l) => l.includes('"task_id":"lone-\\ud800"')), 'the lone surrogate is not escaped in the JSON text');
      return lines.join('\n');
    };

    /** The header with every navigation link is there, and the router's whole-app error is not. */
    const assertShellIntact = async (where) => {
      const links = page.locator('header.topbar nav a');
      await links.first().waitFor({ state: 'visible' });
      const count = await links.count();
      assert(count >= 6, `${where}: the navigation has ${count} links`);
      assert((await page.getByText('Something went wrong').count()) === 0, `${where}: the app shows "Something went wrong"`);
      const failed = page.locator(`${testId('page-error')}, ${testId('render-error')}`);
      if ((await failed.count()) > 0) assert(false, `${where}: ${await failed.first().textContent()}`);
    };

    await check(hostileChecks[0], async () => {
      const res = await fetch(opts['inject-url'], { method: 'POST', body: hostileEvents() });
      assert(res.ok, `POST ${opts['inject-url']}: ${res.status}`);

      await go(`/?name=${encodeURIComponent(HOSTILE_NAME)}`);
      await until(async () => (await page.locator(testId('task-row')).count()) === 5, `5 ${HOSTILE_NAME} task rows`);
      for (const id of [HOSTILE_ROOT, ...HOSTILE_CHILDREN]) {
        await page.locator(`${testId('task-row')}[data-task-id="${id}"]`).waitFor({ state: 'visible' });
      }
      await assertShellIntact('tasks page');
      await shot('hostile-tasks');

      await go('/graphs');
      await page.locator(`${testId('graph-row')}[data-root-id="${HOSTILE_ROOT}"]`).waitFor({ state: 'visible' });
      assert((await page.locator(`${testId('graph-row')}[data-root-id^="lone-"]`).count()) === 0, 'the lone-surrogate workflow is listed');
      await assertShellIntact('workflows page');
      const { events_rejected_by_kind: rejected } = await api('/api/health');
      assert(rejected?.BAD_ID >= 3, `the server did not refuse the lone-surrogate events: ${JSON.stringify(rejected)}`);

      // A lone surrogate becomes U+FFFD in a link; that id names no task: a contained error, the app stays.
      await go(taskPath('lone-\ufffd'));
      await page.locator('.task-page, .status-error').first().waitFor({ state: 'visible' });
      await assertShellIntact('lone-surrogate task page');
      const shown = (await page.locator('.task-page h1, .status-error').first().textContent())?.trim();
      await shot('hostile-lone-task');
      return `the U+FFFD task page shows: ${shown}`;
    });

    await check(hostileChecks[1], async () => {
      await go(`/graph/${encodeURIComponent(HOSTILE_ROOT)}`);
      const boxes = new Map();
      for (const id of [HOSTILE_ROOT, ...HOSTILE_CHILDREN]) {
        const node = page.locator(`${testId(`graph-node-${id}`)}[data-node-type="TASK"]`);
        await node.waitFor({ state: 'visible' });
        const box = await node.boundingBox();
        assert(box && [box.x, box.y, box.width, box.height].every(Number.isFinite), `node ${id} has no finite box: ${JSON.stringify(box)}`);
        boxes.set(id, box);
      }
      const root = boxes.get(HOSTILE_ROOT);
      for (const id of HOSTILE_CHILDREN) assert(boxes.get(id).x > root.x + root.width / 2, `child ${id} is not drawn right of ${HOSTILE_ROOT}`);
      assert(new Set([...boxes.values()].map((b) => `${Math.round(b.x)},${Math.round(b.y)}`)).size === 5, 'nodes are drawn on top of each other');
      const drawn = await page.locator(testId('graph-canvas')).getAttribute('data-drawn-count');
      assert(drawn === '5', `the canvas draws ${drawn} nodes`);
      await until(async () => (await page.locator('.react-flow__edge').count()) === 4, '4 edges');
      await assertShellIntact('graph page');
      await shot('hostile-graph');
    });

    await check(hostileChecks[2], async () => {
      await go(taskPath('constructor'));
      const parent = page.locator(testId('task-parent'));
      await parent.waitFor({ state: 'visible' });
      assert((await parent.textContent()).includes(HOSTILE_ROOT), `parent shows ${await parent.textContent()}`);
      const workflow = await page.locator(testId('task-workflow-link')).getAttribute('href');
      assert(workflow?.endsWith(graphPath(HOSTILE_ROOT)), `the workflow link points to ${workflow}`);
      assert((await page.locator('.task-page h1').textContent()) === HOSTILE_NAME, 'the page does not show the task name');
      await assertShellIntact('task page');
      await shot('hostile-task');
    });
  } else {
    for (const name of hostileChecks) skip(name, 'no --inject-url');
  }

  // Ids holding what no path segment can carry (the server refuses an encoded / \ or % in a path) and
  // spaces at either end; the dashboard names them in the query (/graph?id=, /task?id=).
  const ODD_ROOT = ' e2e/odd\\root%2F?x=1#top ';
  const ODD_CHILDREN = ['e2e/odd\\child%25/1', 'e2e/odd child?#2 '];
  const ODD_NAME = 'e2e.odd';
  // Workers beyond the first page of 50, one registering more names than a list carries (100), and a
  // worker registering 250 names: three pages of the registry.
  const PAGER_WORKERS = 60;
  const MANY_NAMES_HOST = 'e2e-pager-many@names';
  const MANY_NAMES = 150;
  const REGISTRY_HOST = 'e2e-pager-registry@names';
  const REGISTRY_PREFIX = 'e2e.reg.';
  const REGISTRY_NAMES = 250;
  const moreChecks = [
    'ids with / \\ % ? # and spaces: the workflow opens from the list and by its URL, with its graph and task pages',
    `workers page paginates ${PAGER_WORKERS} more workers and shows all ${MANY_NAMES} names of one on request`,
    `registry page paginates ${REGISTRY_NAMES} names: page 3 shows the last 50, the filter kept in the URL`,
  ];
  if (opts['inject-url']) {
    const inject = async (lines) => {
      const res = await fetch(opts['inject-url'], { method: 'POST', body: lines.join('\n') });
      assert(res.ok, `POST ${opts['inject-url']}: ${res.status}`);
    };
    const workerReady = (hostname, names, at) =>
      JSON.stringify({ event_type: 'worker_ready', hostname, pid: 4242, timestamp: new Date(at).toISOString(), registered_tasks: names });
    const numbered = (prefix, count) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

    await check(moreChecks[0], async () => {
      const start = Date.now();
      const event = (id, parent, state, at) =>
        JSON.stringify({
          task_id: id, name: ODD_NAME, state, timestamp: new Date(at).toISOString(),
          parent_id: parent, root_id: ODD_ROOT, group_id: null, chord_id: null, chord_callback_id: null, trace_id: null,
          retries: 0, args: null, kwargs: null, result: null, exception: null, traceback: null,
        });
      const lifecycle = (id, parent) => ['PENDING', 'STARTED', 'SUCCESS'].map((state, i) => event(id, parent, state, start + i * 5));
      await inject([...lifecycle(ODD_ROOT, null), ...ODD_CHILDREN.flatMap((id) => lifecycle(id, ODD_ROOT))]);

      const graphShown = async (where) => {
        for (const id of [ODD_ROOT, ...ODD_CHILDREN]) {
          await page.locator(`${testId(`graph-node-${id}`)}[data-node-type="TASK"]`).waitFor({ state: 'visible' });
        }
        const url = new URL(page.url());
        assert(url.pathname.endsWith('/graph') && url.searchParams.get('id') === ODD_ROOT, `${where}: the graph is at ${url.pathname}${url.search}`);
      };
      const taskShown = async (id, where) => {
        await page.locator('.task-page h1', { hasText: ODD_NAME }).waitFor({ state: 'visible' });
        const shownId = await page.locator('.task-page .facts dd').first().textContent();
        assert(shownId === id, `${where}: the task page shows id ${JSON.stringify(shownId)}, expected ${JSON.stringify(id)}`);
        const url = new URL(page.url());
        assert(url.pathname.endsWith('/task') && url.searchParams.get('id') === id, `${where}: the task is at ${url.pathname}${url.search}`);
      };

      // from the lists: the workflow row, a node of its graph, the root task, and a row of the tasks page
      await go('/graphs');
      await page.locator(`${testId('graph-row')}[data-root-id=${cssString(ODD_ROOT)}]`).click();
      await graphShown('from the workflow list');
      await page.locator(testId(`graph-node-${ODD_CHILDREN[0]}`)).click();
      // a click opens the node's side panel, whose link opens the task page
      await page.locator(testId('graph-panel-open')).click();
      await taskShown(ODD_CHILDREN[0], 'from the graph');
      await page.locator(testId('task-parent')).getByRole('link').click();
      await taskShown(ODD_ROOT, 'from the parent link');
      await page.locator(testId('task-workflow-link')).click();
      await graphShown('from the task page');
      await go(`/?name=${encodeURIComponent(ODD_NAME)}`);
      await page.locator(`${testId('task-row')}[data-task-id=${cssString(ODD_CHILDREN[1])}]`).click();
      await taskShown(ODD_CHILDREN[1], 'from the task list');

      // by URL, in a fresh tab: nothing cached, the server's fallback must hand out the app for these addresses
      const fresh = await context.newPage();
      fresh.on('pageerror', (e) => pageErrors.push(e.message));
      try {
        await fresh.goto(`${base}${graphPath(ODD_ROOT)}`, { waitUntil: 'domcontentloaded' });
        for (const id of [ODD_ROOT, ...ODD_CHILDREN]) await fresh.locator(testId(`graph-node-${id}`)).waitFor({ state: 'visible' });
        const exportHref = new URL(await fresh.locator(testId('graph-export')).getAttribute('href'), fresh.url());
        const exported = await fetch(exportHref);
        assert(exported.ok, `GET ${exportHref.pathname}${exportHref.search}: ${exported.status}`);
        const doc = await exported.json();
        // the export also carries the workers' events; the workflow's own are its 3 tasks' 3 each
        const own = doc.events.filter((e) => [ODD_ROOT, ...ODD_CHILDREN].includes(e.task_id)).length;
        assert(doc.root_id === ODD_ROOT && own === 9, `the export holds root ${JSON.stringify(doc.root_id)} and ${own} of its task events`);
        await fresh.screenshot({ path: join(shots, 'odd-ids-graph.png') });
        for (const id of [ODD_ROOT, ...ODD_CHILDREN]) {
          await fresh.goto(`${base}${taskPath(id)}`, { waitUntil: 'domcontentloaded' });
          await fresh.locator('.task-page h1', { hasText: ODD_NAME }).waitFor({ state: 'visible' });
          const shownId = await fresh.locator('.task-page .facts dd').first().textContent();
          assert(shownId === id, `task URL of ${JSON.stringify(id)} shows id ${JSON.stringify(shownId)}`);
        }
      } finally {
        await fresh.close();
      }
      return `${JSON.stringify(ODD_ROOT)} and ${ODD_CHILDREN.map((id) => JSON.stringify(id)).join(', ')}`;
    });

    await check(moreChecks[1], async () => {
      const now = Date.now();
      const hosts = Array.from({ length: PAGER_WORKERS - 1 }, (_, i) => `e2e-pager-${String(i).padStart(2, '0')}@workers`);
      await inject([
        ...hosts.map((h, i) => workerReady(h, [`e2e.pager.task${i}`], now)),
        workerReady(MANY_NAMES_HOST, numbered('e2e.many.', MANY_NAMES), now),
      ]);
      const { total } = await api('/api/workers?limit=1');
      assert(total > 50 && total <= 100, `GET /api/workers counts ${total} workers, expected 51..100`);
      const range = page.locator(testId('pager-range'));

      await go('/workers');
      await until(async () => (await range.textContent())?.startsWith(`1–50 of ${total} `), `1–50 of ${total}`);
      assert((await page.locator(testId('worker-card')).count()) === 50, 'the first page does not show 50 workers');
      assert(await page.locator(testId('pager-previous')).isDisabled(), 'Previous is enabled on the first page');
      await page.locator(testId('pager-next')).click();
      await until(async () => (await range.textContent())?.startsWith(`51–${total} of ${total} `), `51–${total} of ${total}`);
      await until(async () => (await page.locator(testId('worker-card')).count()) === total - 50, `${total - 50} worker cards`);
      assert(new URL(page.url()).searchParams.get('page') === '2', `the URL is ${page.url()}`);
      assert(await page.locator(testId('pager-next')).isDisabled(), 'Next is enabled on the last page');
      await shot('workers-page-2');

      // the page that holds the worker with many names, by its URL
      const { workers } = await api('/api/workers?limit=1000');
      const index = workers.findIndex((w) => w.hostname === MANY_NAMES_HOST);
      assert(index >= 0, `${MANY_NAMES_HOST} is not in GET /api/workers`);
      await go(`/workers?page=${Math.floor(index / 50) + 1}`);
      const card = page.locator(`${testId('worker-card')}[data-hostname=${cssString(MANY_NAMES_HOST)}]`);
      await card.waitFor({ state: 'visible' });
      const names = card.locator(`${testId('worker-names')} li`);
      assert((await card.locator('h3').textContent()) === `Registered tasks (${MANY_NAMES})`, `the card says ${await card.locator('h3').textContent()}`);
      assert((await names.count()) === 100, `the card lists ${await names.count()} names before asking for all`);
      await card.locator(testId('worker-names-toggle')).click();
      await until(async () => (await names.count()) === MANY_NAMES, `${MANY_NAMES} names`);
      assert((await names.last().textContent()) === `e2e.many.${MANY_NAMES - 1}`, `the last name is ${await names.last().textContent()}`);
      return `${total} workers`;
    });

    await check(moreChecks[2], async () => {
      await inject([workerReady(REGISTRY_HOST, numbered(REGISTRY_PREFIX, REGISTRY_NAMES), Date.now())]);
      const range = page.locator(testId('pager-range'));
      const rows = page.locator(testId('registry-row'));
      await go(`/registry?q=${encodeURIComponent(REGISTRY_PREFIX)}&status=never_run`);
      await until(async () => (await range.textContent())?.startsWith(`1–100 of ${REGISTRY_NAMES} `), `1–100 of ${REGISTRY_NAMES}`);
      assert((await rows.count()) === 100, `the first page shows ${await rows.count()} rows`);
      await page.locator(testId('pager-next')).click();
      await until(async () => (await range.textContent())?.startsWith(`101–200 of ${REGISTRY_NAMES} `), '101–200');
      await page.locator(testId('pager-next')).click();
      await until(async () => (await range.textContent())?.startsWith(`201–250 of ${REGISTRY_NAMES} `), '201–250');
      const lastPage = async (where) => {
        await until(async () => (await rows.count()) === 50, `${where}: 50 rows`);
        const first = await rows.first().getAttribute('data-name');
        const last = await rows.last().getAttribute('data-name');
        assert(first === `${REGISTRY_PREFIX}200` && last === `${REGISTRY_PREFIX}249`, `${where}: rows ${first} to ${last}`);
        const search = new URL(page.url()).searchParams;
        assert(search.get('q') === REGISTRY_PREFIX && search.get('status') === 'never_run' && search.get('page') === '3', `${where}: the URL is ${page.url()}`);
      };
      await lastPage('after two clicks on Next');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await lastPage('after a reload');
      await shot('registry-page-3');
      // another filter starts again at the first page
      await page.locator('.segmented button', { hasText: 'All' }).click();
      await until(async () => !new URL(page.url()).searchParams.has('page'), 'the page left out of the URL');
      await until(async () => (await range.textContent())?.startsWith(`1–100 of ${REGISTRY_NAMES} `), 'the first page of all statuses');
    });
  } else {
    for (const name of moreChecks) skip(name, 'no --inject-url');
  }

  if (opts['big-root']) {
    const budget = Number(opts['big-budget-ms']);
    await check(`large workflow renders within ${budget} ms`, async () => {
      const root = opts['big-root'];
      // A fresh page so nothing is cached in the app; navigation timing starts at this goto.
      const big = await context.newPage();
      big.on('pageerror', (e) => pageErrors.push(e.message));
      await big.goto(`${base}${graphPath(root)}`, { waitUntil: 'commit' });
      // Done when every node the app decided to draw (data-drawn-count; a group of more than 50
      // members counts as one aggregate node) is in the DOM and measured by React Flow, which keeps
      // unmeasured nodes at visibility:hidden. onlyRenderVisibleElements is off, so nodes outside the
      // viewport count too. performance.now() is measured from the page's navigation start.
      const handle = await big.waitForFunction(
        () => {
          const canvas = document.querySelector('[data-testid="graph-canvas"]');
          const drawn = Number(canvas?.getAttribute('data-drawn-count') ?? 0);
          if (drawn === 0) return false;
          const nodes = document.querySelectorAll('.react-flow__node');
          if (nodes.length !== drawn) return false;
          for (const n of nodes) if (n.style.visibility === 'hidden') return false;
          return { ms: Math.round(performance.now()), drawn };
        },
        null,
        { timeout: 60_000, polling: 'raf' },
      );
      const { ms, drawn } = await handle.jsonValue();
      const graph = await api(`/api/graph?id=${encodeURIComponent(root)}`);
      const total = Object.keys(graph.nodes).length;
      console.log(`graph-render-ms: ${ms}`);
      console.log(`graph-render-nodes: ${drawn} drawn of ${total} in the response`);
      await big.screenshot({ path: join(shots, 'graph-big.png') });
      await big.close();
      assert(ms < budget, `${ms} ms is over the ${budget} ms budget`);
      return `${ms} ms`;
    });
  }

  await check('no uncaught errors in the pages', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}

finish();
