// Browser checks of worker liveness against a running test server whose clock the checks move: a worker's card
// with its counts and restart history, the card turning offline on its own once the worker's heartbeats stop and
// the server's clock passes the threshold, and back online with the next heartbeat; the worker's host name in the
// task list and on the task page.
//
// node e2e/workers.mjs --base http://127.0.0.1:PORT[/prefix] --inject-url URL --clock-url URL --host NAME
//                      --task-id ID [--offline-after-seconds 90] [--screenshots DIR]
//
// Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { advanceServerClock, assert, check, finish, injectEvents, launchChromium, until as untilWithin, wireTime } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    'inject-url': { type: 'string' },
    'clock-url': { type: 'string' },
    host: { type: 'string' },
    'task-id': { type: 'string' },
    'offline-after-seconds': { type: 'string', default: '90' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
  },
});
if (!opts.base || !opts['inject-url'] || !opts['clock-url'] || !opts.host || !opts['task-id']) {
  console.error('usage: node e2e/workers.mjs --base URL --inject-url URL --clock-url URL --host NAME --task-id ID');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });
const host = opts.host;
const taskId = opts['task-id'];
const offlineAfter = Number(opts['offline-after-seconds']);
// longer than the page's own refresh (5 s), so that a card must change without a reload
const timeout = 20000;

const cssString = (s) => JSON.stringify(s);
const testId = (id) => `[data-testid=${cssString(id)}]`;

const until = (probe, what) => untilWithin(probe, what, timeout);
const advanceClock = (iso) => advanceServerClock(opts['clock-url'], iso);
const inject = (events) => injectEvents(opts['inject-url'], events);

const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const card = page.locator(`${testId('worker-card')}[data-hostname=${cssString(host)}]`);
const liveness = () => card.locator(testId('worker-liveness')).getAttribute('data-liveness');
const count = async (name) => Number(await card.locator(testId(`worker-${name}`)).getAttribute('data-value'));

try {
  await check('the workers page shows the worker online with its counts', async () => {
    await page.goto(`${base}/workers`, { waitUntil: 'domcontentloaded' });
    await card.waitFor({ state: 'visible', timeout });
    assert((await liveness()) === 'online', `liveness ${await liveness()}`);
    const counts = {
      processed: await count('processed'),
      succeeded: await count('succeeded'),
      failed: await count('failed'),
      active: await count('active'),
    };
    assert(counts.processed === 3 && counts.succeeded === 2 && counts.failed === 1 && counts.active === 1, JSON.stringify(counts));
    const shown = (await card.locator(testId('worker-counts')).innerText()).replace(/\s+/g, ' ');
    assert(/3 processed/.test(shown) && /1 failed/.test(shown) && /1 active/.test(shown), `counts read "${shown}"`);
    assert((await card.locator(testId('worker-last-seen')).innerText()).trim() !== '', 'no last seen');
    await page.screenshot({ path: join(shots, 'workers-online.png') });
    return JSON.stringify(counts);
  });

  await check('the restart history lists each run, newest first, with its pid', async () => {
    const restarts = Number(await card.locator(testId('worker-restarts')).getAttribute('data-value'));
    assert(restarts === 1, `restarts ${restarts}`);
    const pids = await card.locator(testId('worker-start')).evaluateAll((items) => items.map((li) => li.getAttribute('data-pid')));
    assert(JSON.stringify(pids) === JSON.stringify(['200', '100']), `pids ${JSON.stringify(pids)}`);
    const older = (await card.locator(testId('worker-start')).nth(1).innerText()).replace(/\s+/g, ' ');
    assert(/shut down/.test(older), `the first run reads "${older}"`);
    return `pids ${pids.join(', ')}`;
  });

  await check(`the card turns offline by itself once no heartbeat came for ${offlineAfter} s of server time`, async () => {
    await advanceClock(`PT${offlineAfter + 1}S`);
    // no reload: the page asks again on its own
    await until(async () => (await liveness()) === 'offline', 'the card to say offline');
    const label = (await card.locator(testId('worker-liveness')).innerText()).trim();
    assert(label === 'offline', `badge reads "${label}"`);
    await page.screenshot({ path: join(shots, 'workers-offline.png') });
  });

  await check('the next heartbeat brings it back online, and is no restart', async () => {
    const now = await advanceClock('PT0S');
    await inject([
      {
        event_type: 'worker_ready',
        hostname: host,
        pid: 200,
        timestamp: wireTime(now),
        registered_tasks: ['e2e.add'],
        task_definitions: {},
        shutdown_time: null,
      },
    ]);
    await until(async () => (await liveness()) === 'online', 'the card to say online again');
    const restarts = Number(await card.locator(testId('worker-restarts')).getAttribute('data-value'));
    assert(restarts === 1, `restarts ${restarts} after a heartbeat`);
  });

  await check('the task list shows the worker of each task', async () => {
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    const row = page.locator(`${testId('task-row')}[data-task-id=${cssString(taskId)}]`);
    await row.waitFor({ state: 'visible', timeout });
    const worker = (await row.locator(testId('task-row-worker')).innerText()).trim();
    assert(worker === host, `the row shows worker "${worker}"`);
    const header = (await page.locator('.task-table .thead').innerText()).toLowerCase();
    assert(header.includes('worker'), `header reads "${header}"`);
    await page.screenshot({ path: join(shots, 'tasks-with-worker.png') });
  });

  await check('the task page names the worker, linking to the workers page', async () => {
    await page.goto(`${base}/task?id=${encodeURIComponent(taskId)}`, { waitUntil: 'domcontentloaded' });
    const worker = page.locator(testId('task-worker'));
    await worker.waitFor({ state: 'visible', timeout });
    assert((await worker.innerText()).trim() === host, `task page shows "${await worker.innerText()}"`);
    await page.screenshot({ path: join(shots, 'task-worker.png') });
    await worker.locator('a').click();
    await page.waitForURL((url) => url.pathname.endsWith('/workers'), { timeout });
    await card.waitFor({ state: 'visible', timeout });
  });

  await check('no page error was thrown', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}
finish();
