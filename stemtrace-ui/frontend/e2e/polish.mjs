// Browser checks of the small things a user notices: tab titles, the favicon, times with their zone,
// counts in the singular, the lifecycle legend's colours, importing a workflow file, and (with form
// login) the sign-out button.
//
// node e2e/polish.mjs --base http://127.0.0.1:PORT[/prefix] [--screenshots DIR]
// node e2e/polish.mjs --base ... --user U --password P     (form login: the sign-out checks only)
//
// Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots/polish' },
  },
});
if (!opts.base) {
  console.error('usage: node e2e/polish.mjs --base URL [--user U --password P] [--screenshots DIR]');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const basePath = new URL(base).pathname.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });

async function api(path) {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
  assert(res.ok, `${path}: ${res.status}`);
  return res.json();
}

const browser = await launchChromium();
// a zone without summer time, away from UTC, so the zone shown is known whatever the date
const ZONE = { id: 'Asia/Kolkata', label: 'UTC+5:30' };
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: ZONE.id })).newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

/** Opens a page of the dashboard and waits until its main content has rendered. */
async function open(path, ready = '.page-head h1, .page h1') {
  await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 15000 });
}

async function titleBecomes(expected) {
  await page.waitForFunction((t) => document.title === t, expected, { timeout: 5000 }).catch(() => {});
  return page.title();
}

try {
  if (opts.user) await signOutChecks();
  else await pageChecks();
  await check('no uncaught errors in the pages', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}
finish();

async function pageChecks() {
  const graphs = (await api('/api/graphs?limit=200')).graphs;
  const single = graphs.find((g) => g.task_count === 1);
  const finished = (await api('/api/tasks?state=SUCCESS&limit=200')).tasks;

  await check('each page names itself in the tab title', async () => {
    const pages = [
      ['/', 'Tasks · stemtrace'],
      ['/graphs', 'Workflows · stemtrace'],
      ['/workers', 'Workers · stemtrace'],
      ['/registry', 'Registry · stemtrace'],
      ['/anomalies', 'Anomalies · stemtrace'],
      ['/stats', 'Statistics · stemtrace'],
    ];
    for (const [path, expected] of pages) {
      await open(path);
      const title = await titleBecomes(expected);
      assert(title === expected, `${path}: "${title}"`);
    }
    // the client-side navigation changes it too, not only a page load
    await page.locator('.nav a', { hasText: 'Workers' }).click();
    const title = await titleBecomes('Workers · stemtrace');
    assert(title === 'Workers · stemtrace', `after navigating: "${title}"`);
    assert((await page.locator('[data-testid="sign-out"]').count()) === 0, 'a sign-out button without form login');
  });

  await check('a workflow and a task put their id in the title', async () => {
    assert(single, 'no single-task workflow in the data');
    await open(`/graph?id=${encodeURIComponent(single.root_id)}`);
    const workflow = await titleBecomes(`Workflow ${single.root_id} · stemtrace`);
    assert(workflow === `Workflow ${single.root_id} · stemtrace`, `"${workflow}"`);
    await open(`/task?id=${encodeURIComponent(single.root_id)}`);
    const task = await titleBecomes(`Task ${single.root_id} · stemtrace`);
    assert(task === `Task ${single.root_id} · stemtrace`, `"${task}"`);
    return workflow;
  });

  await check('the favicon is linked from the page and served as SVG under the mount prefix', async () => {
    await open('/graphs');
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    assert(href === `${basePath}/favicon.svg`, `href=${href}`);
    const answer = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    }, href);
    assert(answer.status === 200, `status ${answer.status}`);
    assert(answer.type?.startsWith('image/svg+xml'), `content-type ${answer.type}`);
    assert(answer.body.includes('<svg'), 'not an SVG');
    // a deep link resolves it the same way
    await open(`/graph?id=${encodeURIComponent(single?.root_id ?? '')}`, 'body');
    const deep = await page.locator('link[rel="icon"]').getAttribute('href');
    assert(deep === href, `deep link href=${deep}`);
    return href;
  });

  await check('absolute times show their time zone, the relative time beside or in the tooltip', async () => {
    const task = finished[0];
    assert(task, 'no finished task');
    await open(`/task?id=${encodeURIComponent(task.task_id)}`, '[data-testid="date-time"]');
    const zoned = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC([+-]\d{1,2}(:\d\d)?)?$/;
    const texts = await page.locator('[data-testid="date-time"]').allTextContents();
    assert(texts.length >= 2, `${texts.length} absolute times`);
    for (const text of texts) assert(zoned.test(text.trim()) && text.trim().endsWith(ZONE.label), `"${text}" in ${ZONE.id}`);
    const tooltip = await page.locator('time[data-testid="date-time"]').first().getAttribute('title');
    assert(/ago$|^just now$|^in /.test(tooltip ?? ''), `tooltip "${tooltip}"`);
    // a relative time's tooltip is the absolute time with its zone
    await open('/');
    const relative = await page.locator('time').first().getAttribute('title');
    assert(zoned.test(relative ?? ''), `relative time's tooltip "${relative}"`);
    await page.screenshot({ path: join(shots, 'task-times.png') });
    return `${texts[0]}; tooltip ${tooltip}`;
  });

  await check('counts read "1 task", never "1 tasks"', async () => {
    assert(single, 'no single-task workflow in the data');
    await open(`/graph?id=${encodeURIComponent(single.root_id)}`);
    const head = await page.locator('.page-head').innerText();
    assert(/(^|\s)1 task ·/.test(head), `header "${head}"`);
    const wrong = /\b1 (tasks|workflows|workers|members|names|task names|events|anomalies|lanes)\b/;
    for (const path of ['/', '/graphs', '/workers', '/registry', '/stats', `/graph?id=${encodeURIComponent(single.root_id)}`]) {
      await open(path);
      const text = await page.locator('main').innerText();
      const match = text.match(wrong);
      assert(!match, `${path}: "${match?.[0]}"`);
    }
    return head.split('\n').find((l) => l.includes('1 task'));
  });

  await check("the lifecycle legend shows each segment in its bar's colour", async () => {
    let compared = 0;
    const colours = (els) =>
      els.map((el) => {
        const style = getComputedStyle(el);
        return `${style.backgroundColor} ${style.backgroundImage}`;
      });
    for (const task of finished.slice(0, 5)) {
      await open(`/task?id=${encodeURIComponent(task.task_id)}`, '[data-testid="task-timeline"]');
      const bars = await page.locator('[data-testid="task-timeline"] .segment').evaluateAll(colours);
      const keys = await page.locator('[data-testid="segment-key"]').evaluateAll(colours);
      assert(bars.length === keys.length, `${bars.length} bars, ${keys.length} keys`);
      for (let i = 0; i < bars.length; i++) assert(bars[i] === keys[i], `${task.task_id} segment ${i}: bar ${bars[i]}, key ${keys[i]}`);
      compared += bars.length;
    }
    assert(compared > 0, 'no segments compared');
    await page.screenshot({ path: join(shots, 'task-legend.png') });
    return `${compared} segments`;
  });

  await check('importing an exported workflow shows success with a link to it', async () => {
    const source = graphs.find((g) => g.task_count > 1) ?? graphs[0];
    const res = await fetch(`${base}/api/graph/export?id=${encodeURIComponent(source.root_id)}`);
    assert(res.ok, `export ${res.status}`);
    // fresh ids throughout, so the import makes a workflow the store has not seen
    const renamed = new Map();
    const text = (await res.text()).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!renamed.has(id)) renamed.set(id, randomUUID());
      return renamed.get(id);
    });
    const newRoot = source.root_id.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, (id) => renamed.get(id) ?? id);
    await open('/graphs');
    await page.locator('[data-testid="import-file"]').setInputFiles({ name: 'workflow.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    const result = page.locator('[data-testid="import-result"]');
    await result.waitFor({ state: 'visible', timeout: 15000 });
    const message = await result.innerText();
    assert(/^Imported \d+ events?/.test(message), `"${message}"`);
    await page.screenshot({ path: join(shots, 'import-done.png') });
    await page.locator('[data-testid="import-link"]').first().click();
    await page.waitForURL((url) => url.pathname === `${basePath}/graph`, { timeout: 10000 });
    const id = new URL(page.url()).searchParams.get('id');
    assert(id === newRoot, `at id ${id}, expected ${newRoot}`);
    await page.locator('.page-head h1').waitFor({ state: 'visible', timeout: 10000 });
    assert((await page.locator('.status-error').count()) === 0, 'the imported workflow did not load');
    return message;
  });

  await check("a file that is not an export shows the server's reason", async () => {
    const bad = '{"format":"something-else","events":[]}';
    const direct = await fetch(`${base}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bad });
    const detail = (await direct.json()).detail;
    assert(direct.status === 400 && detail, `the API answered ${direct.status}`);
    await open('/graphs');
    await page.locator('[data-testid="import-file"]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
    const result = page.locator('[data-testid="import-result"]');
    await result.waitFor({ state: 'visible', timeout: 15000 });
    const message = await result.innerText();
    assert(message === `Import failed: ${detail}`, `"${message}" (server: "${detail}")`);
    await page.screenshot({ path: join(shots, 'import-failed.png') });
    return message;
  });
}

async function signOutChecks() {
  const password = page.locator('input[name="password"]');

  await check('after signing in the header offers a sign-out button', async () => {
    await page.goto(`${base}/graphs`, { waitUntil: 'domcontentloaded' });
    await password.waitFor({ state: 'visible', timeout: 15000 });
    await page.locator('input[name="username"]').fill(opts.user);
    await password.fill(opts.password);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === `${basePath}/graphs`, { timeout: 15000 });
    const button = page.locator('header [data-testid="sign-out"] button');
    await button.waitFor({ state: 'visible', timeout: 15000 });
    await page.screenshot({ path: join(shots, 'signed-in-header.png') });
    return `"${(await button.innerText()).trim()}"`;
  });

  await check('sign-out ends the session and lands on the login page', async () => {
    await page.locator('header [data-testid="sign-out"] button').click();
    await password.waitFor({ state: 'visible', timeout: 15000 });
    assert(new URL(page.url()).pathname === `${basePath}/login`, `at ${page.url()}`);
    const status = await page.evaluate(async (url) => (await fetch(url)).status, `${base}/api/tasks`);
    assert(status === 401, `the API answers ${status} after signing out`);
    await page.goto(`${base}/workers`, { waitUntil: 'domcontentloaded' });
    await password.waitFor({ state: 'visible', timeout: 15000 });
    assert(new URL(page.url()).pathname === `${basePath}/login`, `a page opened after signing out: ${page.url()}`);
    await page.screenshot({ path: join(shots, 'signed-out.png') });
  });
}
