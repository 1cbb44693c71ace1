// Browser checks of the header's search box and of node aliases, against a running server with the
// public capture replayed and the node alias `capp.add=0` (the first argument names capp.add tasks).
//
// node e2e/search.mjs --base http://127.0.0.1:PORT[/prefix] --task-id ID --prefix P --prefix-count N
//                     --alias-root ID [--screenshots DIR]
//
// Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    'task-id': { type: 'string' },
    prefix: { type: 'string' },
    'prefix-count': { type: 'string' },
    'alias-root': { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
  },
});
if (!opts.base || !opts['task-id'] || !opts.prefix || !opts['prefix-count'] || !opts['alias-root']) {
  console.error('usage: node e2e/search.mjs --base URL --task-id ID --prefix P --prefix-count N --alias-root ID');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const basePath = new URL(base).pathname.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });

const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const box = page.locator('[data-testid="header-search"]');
const rows = page.locator('[data-testid="task-row"]');

async function searchFor(text) {
  await box.fill(text);
  await box.press('Enter');
}

/** The row ids once the list shows `count` rows for the search `q`. */
async function rowsFor(q, count) {
  await page.waitForURL((url) => url.pathname === `${basePath}/` && url.searchParams.get('q') === q, { timeout: 15000 });
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="task-row"]').length === n,
    count,
    { timeout: 15000 },
  );
  return rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-task-id')));
}

try {
  await page.goto(`${base}/graphs`, { waitUntil: 'domcontentloaded' });
  await box.waitFor({ state: 'visible', timeout: 15000 });

  await check('typing a whole task id jumps to that task', async () => {
    await searchFor(opts['task-id']);
    await page.waitForURL((url) => url.pathname === `${basePath}/task` && url.searchParams.get('id') === opts['task-id'], {
      timeout: 15000,
    });
    await page.locator('h1').first().waitFor({ state: 'visible', timeout: 15000 });
    await page.screenshot({ path: join(shots, 'search-id.png') });
  });

  await check('typing an id prefix lists the tasks it starts', async () => {
    const count = Number(opts['prefix-count']);
    await searchFor(opts.prefix);
    const ids = await rowsFor(`id:"${opts.prefix}"`, count);
    assert(ids.every((id) => id.startsWith(opts.prefix)), `rows ${ids.join(', ')}`);
    await page.screenshot({ path: join(shots, 'search-prefix.png') });
    return `${ids.length} rows`;
  });

  await check('a Flower-syntax query filters the task list', async () => {
    await searchFor('state:FAILURE name:capp.*');
    await rowsFor('state:FAILURE name:capp.*', 1);
    const text = await rows.first().innerText();
    assert(text.includes('capp.boom') && text.includes('FAILURE'), `row: ${text}`);
    await page.screenshot({ path: join(shots, 'search-query.png') });
  });

  await check('a glob over names with a state lists every match, aliased names with the full name as tooltip', async () => {
    await searchFor('name:capp.a* state:SUCCESS');
    const ids = await rowsFor('name:capp.a* state:SUCCESS', 13);
    const titles = await page
      .locator('[data-testid="task-row-name"]')
      .evaluateAll((els) => els.map((el) => [el.getAttribute('title'), el.textContent ?? '']));
    assert(
      titles.every(([title, text]) => title === 'capp.add' && !text.startsWith('capp.add')),
      `names ${JSON.stringify(titles.slice(0, 3))}`,
    );
    return `${ids.length} rows`;
  });

  await check('a query the server cannot parse shows its reason', async () => {
    await searchFor('colour:red state:FAILURE');
    await page.getByText("unknown search key 'colour'").first().waitFor({ state: 'visible', timeout: 15000 });
    await page.screenshot({ path: join(shots, 'search-error.png') });
  });

  await check('graph nodes show the alias, with the full name in their tooltip', async () => {
    const root = opts['alias-root'];
    await page.goto(`${base}/graph?id=${encodeURIComponent(root)}`, { waitUntil: 'domcontentloaded' });
    const node = page.locator(`[data-testid="graph-node-${root}"]`);
    await node.waitFor({ state: 'visible', timeout: 20000 });
    const shown = (await node.locator('.gnode-name').innerText()).trim();
    const title = (await node.getAttribute('title')) ?? '';
    assert(shown === '1', `node shows '${shown}'`);
    assert(title.startsWith('capp.add'), `tooltip '${title}'`);
    await page.screenshot({ path: join(shots, 'search-alias-graph.png') });
    return `shows '${shown}'`;
  });

  await check('no uncaught errors in the pages', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}

finish();
