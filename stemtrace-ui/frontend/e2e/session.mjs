// Browser checks of form login and of what the page does when its session ends, against a running server
// with form authentication and a short session lifetime.
//
// node e2e/session.mjs --base http://127.0.0.1:PORT[/prefix] --user U --password P [--screenshots DIR]
//                      [--session-seconds 5]
//
// Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
    'session-seconds': { type: 'string', default: '5' },
  },
});
if (!opts.base || !opts.user || !opts.password) {
  console.error('usage: node e2e/session.mjs --base URL --user U --password P [--screenshots DIR]');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const basePath = new URL(base).pathname.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });
const sessionMs = Number(opts['session-seconds']) * 1000;


const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const password = page.locator('input[name="password"]');

try {
  await check('without a session the dashboard sends the browser to its login page', async () => {
    await page.goto(`${base}/workers`, { waitUntil: 'domcontentloaded' });
    await password.waitFor({ state: 'visible', timeout: 15000 });
    const url = new URL(page.url());
    assert(url.pathname === `${basePath}/login`, `at ${url.pathname}`);
    assert(url.searchParams.get('next') === `${basePath}/workers`, `next=${url.searchParams.get('next')}`);
    await page.screenshot({ path: join(shots, 'login.png') });
  });

  let signedInAt = 0;
  await check('signing in leads back to the page asked for, live', async () => {
    await page.locator('input[name="username"]').fill(opts.user);
    await password.fill(opts.password);
    await page.locator('button[type="submit"]').click();
    signedInAt = Date.now();
    await page.waitForURL((url) => url.pathname === `${basePath}/workers`, { timeout: 15000 });
    // the connection indicator says live once the WebSocket is open
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ state: 'visible', timeout: 15000 });
    await page.screenshot({ path: join(shots, 'signed-in.png') });
  });

  await check('when the session expires the page goes back to the login page by itself', async () => {
    // nothing here navigates: the server closes the WebSocket, the page reloads, the server redirects
    await password.waitFor({ state: 'visible', timeout: sessionMs + 20000 });
    const after = Date.now() - signedInAt;
    const url = new URL(page.url());
    assert(url.pathname === `${basePath}/login`, `at ${url.pathname}`);
    assert(url.searchParams.get('next') === `${basePath}/workers`, `next=${url.searchParams.get('next')}`);
    await page.screenshot({ path: join(shots, 'session-ended.png') });
    return `after ${after} ms`;
  });

  await check('no uncaught errors in the pages', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}

finish();
