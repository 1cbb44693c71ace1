// Browser checks of the live lists: infinite scroll through 8+ pages of tasks while tasks keep
// arriving (no row twice, none skipped), the request rate of an idle tab with those pages loaded
// while events keep arriving, the first page updated in place, and the workflow list's filters and
// failed view kept in the URL. Against a running server with the test inject URL; the script adds
// its own workload through it.
//
// node e2e/lists.mjs --base http://127.0.0.1:PORT[/prefix] --inject-url URL [--screenshots DIR]
//                    [--workflows 320] [--idle-seconds 10] [--max-requests-per-second 1]
//
// Prints one PASS/FAIL line per check, `idle-requests-per-second: X` and `N passed, M failed`;
// exits 0 only if nothing failed.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    'inject-url': { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
    workflows: { type: 'string', default: '320' },
    'idle-seconds': { type: 'string', default: '10' },
    'max-requests-per-second': { type: 'string', default: '1' },
  },
});
if (!opts.base || !opts['inject-url']) {
  console.error('usage: node e2e/lists.mjs --base URL --inject-url URL [--screenshots DIR]');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const injectUrl = opts['inject-url'];
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });
const WORKFLOWS = Number(opts.workflows);
const IDLE_MS = Number(opts['idle-seconds']) * 1000;
const MAX_RATE = Number(opts['max-requests-per-second']);
const PAGE_SIZE = 50;
const PAGES = 8;
const timeout = 20000;

const run = `lists-${Date.now().toString(36)}`;
const T0 = Date.now() - WORKFLOWS * 1000;

/** One wire event (every field written, nulls included). */
function event(id, name, state, at, extra = {}) {
  return JSON.stringify({
    task_id: id,
    name,
    state,
    timestamp: new Date(at).toISOString(),
    parent_id: null,
    root_id: null,
    group_id: null,
    chord_id: null,
    chord_callback_id: null,
    trace_id: null,
    retries: 0,
    args: [],
    kwargs: {},
    result: null,
    exception: state === 'FAILURE' ? 'ValueError: boom' : null,
    traceback: null,
    ...extra,
  });
}

async function inject(lines) {
  const res = await fetch(injectUrl, { method: 'POST', body: lines.join('\n') });
  if (!res.ok) throw new Error(`inject: ${res.status}`);
}

async function api(path) {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

/** Every id of a list, newest first, by cursor. */
async function allIds(path, field, id) {
  const ids = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const row of page[field]) ids.push(row[id]);
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The preloaded history: workflows of a root and a child, every fifth root failed, names in three
// kinds (one rare, for the name filter), one a second apart ending now.
const workflowName = (i) => (i % 29 === 0 ? `${run}.special` : i % 2 === 0 ? `${run}.even` : `${run}.odd`);
const workflowAt = (i) => T0 + i * 1000;
{
  const lines = [];
  for (let i = 0; i < WORKFLOWS; i++) {
    const root = `${run}-wf-${i}`;
    const at = workflowAt(i);
    lines.push(event(root, workflowName(i), i % 5 === 0 ? 'FAILURE' : 'SUCCESS', at));
    lines.push(event(`${root}-child`, `${run}.child`, 'SUCCESS', at + 5, { parent_id: root, root_id: root }));
  }
  await inject(lines);
}

// The live workload: new tasks every 250 ms (PENDING, then STARTED; some finish), as a busy system
// sends them, until stopped.
let liveCount = 0;
const liveIds = [];
let workload = null;
function startWorkload() {
  if (workload) return;
  workload = setInterval(() => {
    const lines = [];
    const now = Date.now();
    for (let k = 0; k < 2; k++) {
      const id = `${run}-live-${liveCount++}`;
      liveIds.push(id);
      lines.push(event(id, `${run}.live`, 'PENDING', now));
      lines.push(event(id, `${run}.live`, 'STARTED', now + 1));
    }
    if (liveIds.length > 6) lines.push(event(liveIds[liveIds.length - 6], `${run}.live`, 'SUCCESS', now + 2));
    inject(lines).catch(() => {});
  }, 250);
}
function stopWorkload() {
  clearInterval(workload);
  workload = null;
}

const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const requests = [];
page.on('request', (r) => {
  const url = new URL(r.url());
  if (url.pathname.includes('/api/')) requests.push({ at: Date.now(), path: url.pathname, search: url.search });
});

const rowIds = () => page.$$eval('[data-testid="task-row"]', (rows) => rows.map((r) => r.getAttribute('data-task-id')));
const graphRowIds = () => page.$$eval('[data-testid="graph-row"]', (rows) => rows.map((r) => r.getAttribute('data-root-id')));

try {
  await check(`infinite scroll through ${PAGES}+ pages while tasks arrive shows every row once`, async () => {
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ state: 'visible', timeout });
    await page.locator('[data-testid="task-row"]').first().waitFor({ state: 'visible', timeout });
    startWorkload();
    const cursorRequests = () => requests.filter((r) => r.path.endsWith('/api/tasks') && /[?&]cursor=/.test(r.search)).length;
    for (let i = 0; i < 40 && cursorRequests() < PAGES - 1; i++) {
      const before = (await rowIds()).length;
      await page.locator('.list-foot').scrollIntoViewIfNeeded();
      await until(async () => (await rowIds()).length > before || cursorRequests() >= PAGES - 1, 'the next page');
      await sleep(300); // tasks keep arriving between pages
    }
    const shown = await rowIds();
    assert(cursorRequests() >= PAGES - 1, `${cursorRequests() + 1} pages loaded`);
    assert(shown.length >= PAGES * PAGE_SIZE, `${shown.length} rows shown`);
    const duplicates = shown.length - new Set(shown).size;
    assert(duplicates === 0, `${duplicates} rows shown twice of ${shown.length}`);
    await page.screenshot({ path: join(shots, 'tasks-scrolled.png') });
    return `${shown.length} rows, ${cursorRequests() + 1} pages, ${liveCount} tasks arrived meanwhile`;
  });

  let idleRate = NaN;
  await check(`an idle tab with ${PAGES} pages loaded makes at most ${MAX_RATE} request/s while events arrive`, async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('[data-testid="task-row"]').first().scrollIntoViewIfNeeded();
    startWorkload();
    await sleep(1000);
    const from = Date.now();
    const injectedBefore = liveCount;
    await sleep(IDLE_MS);
    const to = Date.now();
    const during = requests.filter((r) => r.at >= from && r.at < to);
    idleRate = during.length / ((to - from) / 1000);
    console.log(`idle-requests-per-second: ${idleRate.toFixed(2)}`);
    const byPath = {};
    for (const r of during) byPath[r.path] = (byPath[r.path] ?? 0) + 1;
    assert(idleRate <= MAX_RATE, `${during.length} requests in ${to - from} ms: ${JSON.stringify(byPath)}`);
    return `${during.length} requests in ${((to - from) / 1000).toFixed(1)} s while ${liveCount - injectedBefore} tasks arrived: ${JSON.stringify(byPath)}`;
  });

  await check('live frames update the first page in place: new tasks on top, a state change shown', async () => {
    startWorkload();
    const probe = `${run}-probe`;
    await inject([event(probe, `${run}.probe`, 'STARTED', Date.now())]);
    const badge = page.locator(`[data-testid="task-row"][data-task-id="${probe}"] .badge`);
    await until(async () => (await badge.count()) === 1 && (await badge.textContent()) === 'STARTED', `${probe} shown as STARTED`);
    await sleep(1000); // more tasks arrive above it
    await inject([event(probe, `${run}.probe`, 'SUCCESS', Date.now() + 5)]);
    await until(async () => (await badge.textContent()) === 'SUCCESS', `${probe} shown as SUCCESS`);
    const top = await rowIds();
    const newer = top.indexOf(probe);
    stopWorkload();
    assert(newer > 0, `${probe} is row ${newer}`);
    return `${newer} tasks arrived above it`;
  });

  await check('after the arrivals stop, the rows shown are the head of the list exactly (none skipped, none twice)', async () => {
    stopWorkload();
    await inject([event(`${run}-last`, `${run}.live`, 'PENDING', Date.now())]);
    await until(async () => (await rowIds())[0] === `${run}-last`, 'the last task on top');
    await sleep(2500); // a trailing refresh of the first page may still be on its way
    const shown = await rowIds();
    const all = await allIds('/api/tasks', 'tasks', 'task_id');
    const head = all.slice(0, shown.length);
    const firstDiff = shown.findIndex((id, i) => id !== head[i]);
    assert(firstDiff === -1, `row ${firstDiff}: shown ${shown[firstDiff]}, list has ${head[firstDiff]}`);
    return `${shown.length} rows match GET /api/tasks`;
  });

  await check('the workflow list scrolls by cursor without a row twice', async () => {
    await page.goto(`${base}/graphs`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="graph-row"]').first().waitFor({ state: 'visible', timeout });
    startWorkload();
    for (let i = 0; i < 3; i++) {
      const before = (await graphRowIds()).length;
      await page.locator('.list-foot').scrollIntoViewIfNeeded();
      await until(async () => (await graphRowIds()).length > before, 'the next page of workflows');
      await sleep(300);
    }
    stopWorkload();
    const shown = await graphRowIds();
    assert(shown.length >= 3 * PAGE_SIZE, `${shown.length} workflows shown`);
    assert(new Set(shown).size === shown.length, `${shown.length - new Set(shown).size} shown twice`);
    return `${shown.length} workflows`;
  });

  await check('the Failed view shows only failed workflows, in the URL, and survives a reload', async () => {
    await page.goto(`${base}/graphs`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="graph-row"]').first().waitFor({ state: 'visible', timeout });
    await page.locator('[data-testid="failed-view"]').click();
    await page.waitForURL((url) => url.searchParams.get('state') === 'FAILURE', { timeout });
    const expected = await api('/api/graphs?state=FAILURE&limit=50');
    const states = async () => page.$$eval('[data-testid="graph-row"]', (rows) => rows.map((r) => r.getAttribute('data-state')));
    await until(async () => {
      const s = await states();
      return s.length >= Math.min(50, expected.total) && s.every((x) => x === 'FAILURE');
    }, 'only failed workflows');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="graph-row"]').first().waitFor({ state: 'visible', timeout });
    assert((await page.locator('[data-testid="failed-view"]').getAttribute('aria-selected')) === 'true', 'Failed not selected after reload');
    assert((await states()).every((x) => x === 'FAILURE'), 'a workflow that did not fail after reload');
    const total = await page.locator('[data-testid="graph-total"]').textContent();
    assert(total === `${expected.total} failed workflows`, `total shown: ${total}`);
    await page.screenshot({ path: join(shots, 'graphs-failed.png') });
    return `${expected.total} failed`;
  });

  await check('the workflow name filter and a state chip narrow the list and live in the URL', async () => {
    await page.goto(`${base}/graphs`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="graph-row"]').first().waitFor({ state: 'visible', timeout });
    await page.locator('[data-testid="graph-name-filter"]').fill(`${run}.special`);
    await page.waitForURL((url) => url.searchParams.get('name') === `${run}.special`, { timeout });
    await page.locator('[data-testid="graph-state-SUCCESS"]').click();
    await page.waitForURL((url) => url.searchParams.get('state') === 'SUCCESS', { timeout });
    const expected = await allIds(`/api/graphs?name=${encodeURIComponent(`${run}.special`)}&state=SUCCESS`, 'graphs', 'root_id');
    assert(expected.length > 0, 'nothing to filter for');
    await until(async () => JSON.stringify(await graphRowIds()) === JSON.stringify(expected), 'the filtered rows');
    const url = page.url();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await until(async () => JSON.stringify(await graphRowIds()) === JSON.stringify(expected), 'the same rows from the shared URL');
    assert((await page.locator('[data-testid="graph-name-filter"]').inputValue()) === `${run}.special`, 'name box empty after reload');
    await page.locator('[data-testid="graph-filters-clear"]').click();
    await page.waitForURL((u) => !u.searchParams.has('name') && !u.searchParams.has('state'), { timeout });
    return `${expected.length} workflows`;
  });

  await check('a date range in the URL shows the workflows first seen in it', async () => {
    const from = new Date(workflowAt(100)).toISOString();
    const to = new Date(workflowAt(139) + 500).toISOString();
    await page.goto(`${base}/graphs?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { waitUntil: 'domcontentloaded' });
    const expected = await allIds(`/api/graphs?from_date=${encodeURIComponent(from)}&to_date=${encodeURIComponent(to)}`, 'graphs', 'root_id');
    assert(expected.length === 40, `the API has ${expected.length} workflows in the range`);
    await until(async () => JSON.stringify(await graphRowIds()) === JSON.stringify(expected), 'the rows of the range');
    assert((await page.locator('[data-testid="graph-from"]').inputValue()) !== '', 'the From box is empty');
    await page.screenshot({ path: join(shots, 'graphs-range.png') });
    return `${expected.length} workflows`;
  });

  await check('no uncaught page error', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  stopWorkload();
  await browser.close();
}
finish();
