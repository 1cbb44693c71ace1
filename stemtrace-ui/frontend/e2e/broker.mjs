// Browser checks of what the dashboard says about its broker and about failed requests, against a
// running server whose broker the caller can take down and bring back:
// - the banner on every page while the broker is down (its URL, since when, the last error), gone
//   once it is back; the header indicator never the green "Live" meanwhile;
// - a 4xx (a bad filter) shows the server's detail at once, without retries or a Retry button;
// - a From after the To is caught in the form, before any request;
// - a 404 (an unknown task) offers no Retry.
//
// node e2e/broker.mjs --base http://127.0.0.1:PORT --control http://127.0.0.1:CPORT --broker HOST:PORT
//                     [--screenshots DIR]
//   POST {control}/down kills the broker, POST {control}/up starts it again (both return when done).
//
// Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assert, check, finish, launchChromium } from './checks.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    control: { type: 'string' },
    broker: { type: 'string' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
  },
});
if (!opts.base || !opts.control || !opts.broker) {
  console.error('usage: node e2e/broker.mjs --base URL --control URL --broker HOST:PORT [--screenshots DIR]');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });

const api = async (path) => (await fetch(`${base}${path}`)).json();
const control = async (what) => {
  const res = await fetch(`${opts.control}/${what}`, { method: 'POST' });
  assert(res.ok, `control ${what}: ${res.status}`);
};

const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const banner = page.locator('[data-testid="broker-banner"]');
const indicator = page.locator('[data-testid="connection-state"]');

/** The indicator's dot colour and text, to tell the green "Live" from anything else. */
const indicatorLook = () =>
  indicator.evaluate((el) => ({
    state: el.getAttribute('data-state'),
    text: el.textContent.trim(),
    dot: getComputedStyle(el.querySelector('.connection-dot')).backgroundColor,
  }));

try {
  let liveDot = '';
  await check('broker up: no banner, the indicator says Live', async () => {
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 15000 });
    const health = await api('/api/health');
    assert(health.status === 'ok', `health ${health.status}`);
    assert((await banner.count()) === 0, 'banner shown while connected');
    liveDot = (await indicatorLook()).dot;
  });

  await control('down');
  await check('broker down: the banner names the broker, since when and the last error', async () => {
    await banner.waitFor({ state: 'visible', timeout: 20000 });
    const text = await banner.innerText();
    assert(text.includes(opts.broker), `banner without ${opts.broker}: ${text}`);
    assert(/retrying/.test(text), `banner without "retrying": ${text}`);
    const health = await api('/api/health');
    assert(health.status === 'degraded', `health ${health.status}`);
    const since = await page.locator('[data-testid="broker-since"]').innerText();
    assert(/^\d\d:\d\d:\d\d$/.test(since), `since "${since}"`);
    const expected = await page.evaluate((iso) => {
      const d = new Date(iso);
      const p = (n) => String(n).padStart(2, '0');
      return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    }, health.disconnected_since);
    assert(since === expected, `since ${since}, health says ${health.disconnected_since} (${expected})`);
    const error = await page.locator('[data-testid="broker-error"]').innerText();
    assert(error.includes(health.last_error), `error "${error}" vs "${health.last_error}"`);
    assert(!/\n\s*at |Exception/.test(error), `stack trace in "${error}"`);
    await page.screenshot({ path: join(shots, 'broker-down.png') });
    return `since ${since}`;
  });

  await check('broker down: the indicator is not the green Live', async () => {
    await page.locator('[data-testid="connection-state"][data-state="broker-down"]').waitFor({ timeout: 10000 });
    const look = await indicatorLook();
    assert(look.text !== 'Live', `indicator says ${look.text}`);
    assert(look.dot !== liveDot, `indicator dot ${look.dot} is the live colour`);
    return look.text;
  });

  await check('broker down: the empty task list does not claim there are no tasks yet', async () => {
    const empty = page.locator('.status-empty');
    await empty.waitFor({ state: 'visible', timeout: 10000 });
    const text = await empty.innerText();
    assert(/not connected to its broker/.test(text) && !/No tasks yet/.test(text), text);
  });

  await check('broker down: the banner is on every page', async () => {
    for (const path of ['/workers', '/graphs', '/stats']) {
      await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
      await banner.waitFor({ state: 'visible', timeout: 10000 });
    }
  });

  await control('up');
  await check('broker back: the banner goes and the indicator says Live again', async () => {
    await banner.waitFor({ state: 'detached', timeout: 30000 });
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 10000 });
    assert((await api('/api/health')).status === 'ok', 'health not ok');
    await page.screenshot({ path: join(shots, 'broker-back.png') });
  });

  await check('a bad filter shows the server detail at once, without Retry', async () => {
    const { detail } = await api('/api/tasks?state=BOGUS');
    assert(detail, 'the API gave no detail');
    let requests = 0;
    const count = (req) => {
      if (new URL(req.url()).pathname.endsWith('/api/tasks')) requests++;
    };
    page.on('request', count);
    const started = Date.now();
    await page.goto(`${base}/?state=BOGUS`, { waitUntil: 'domcontentloaded' });
    const alert = page.locator('.status-error[role="alert"]');
    await alert.waitFor({ state: 'visible', timeout: 5000 });
    const shownAfter = Date.now() - started;
    const text = await alert.innerText();
    assert(text.includes(detail), `"${text}" lacks "${detail}"`);
    assert((await alert.locator('button', { hasText: 'Retry' }).count()) === 0, 'Retry offered for a 400');
    await page.waitForTimeout(1500); // a retry would have gone out by now
    page.off('request', count);
    assert(requests === 1, `${requests} requests to /api/tasks`);
    return `shown after ${shownAfter} ms, ${requests} request`;
  });

  await check('From after To is caught in the form, before any request', async () => {
    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="connection-state"]').waitFor();
    // a valid filter alone: its request answered, then nothing more may go out for the bad range
    // (the page polls health and live lists, so the network is never idle for long)
    const filtered = page.waitForResponse(
      (res) => new URL(res.url()).pathname.endsWith('/api/tasks') && res.url().includes('to_date'),
      { timeout: 10000 },
    );
    await page.locator('[data-testid="to-filter"]').fill('2026-01-01T10:00');
    await filtered;
    let requests = 0;
    const count = (req) => {
      if (new URL(req.url()).pathname.endsWith('/api/tasks')) requests++;
    };
    page.on('request', count);
    await page.locator('[data-testid="from-filter"]').fill('2026-01-02T10:00');
    const message = page.locator('[data-testid="range-error"]');
    await message.waitFor({ state: 'visible', timeout: 5000 });
    const text = await message.innerText();
    await page.waitForTimeout(1000);
    page.off('request', count);
    assert(/From is after To/.test(text), text);
    assert(requests === 0, `${requests} requests to /api/tasks`);
    const lastUrl = page.url();
    assert(lastUrl.includes('from='), `the URL keeps the range: ${lastUrl}`);
    await page.screenshot({ path: join(shots, 'range-error.png') });
    return 'no request';
  });

  await check('an unknown task (404) shows the detail without Retry', async () => {
    await page.goto(`${base}/task?id=no-such-task-e2e`, { waitUntil: 'domcontentloaded' });
    const alert = page.locator('.status-error[role="alert"]');
    await alert.waitFor({ state: 'visible', timeout: 5000 });
    assert((await alert.locator('button', { hasText: 'Retry' }).count()) === 0, 'Retry offered for a 404');
    await page.screenshot({ path: join(shots, 'not-found.png') });
  });

  await check('no page error', async () => {
    assert(pageErrors.length === 0, pageErrors.join('; '));
  });
} finally {
  await browser.close();
}
finish();
