// Browser checks of anomaly triage against a running test server whose clock the checks move: anomalies grouped by
// type and task name with their counts, the navigation badge counting open groups, a row expanding to its
// anomalies, acknowledge and mute moving groups between the status tabs, a group resolving live when its task
// finishes and leaving the list once the retention has passed, an inline error when the server refuses, and the
// page at 800 px and in dark mode.
//
// node e2e/anomalies.mjs --base http://127.0.0.1:PORT[/prefix] --inject-url URL --clock-url URL
//                        --other-task ID [--stuck-after-seconds 60] [--retention-minutes 10] [--screenshots DIR]
//
// The server holds, before the script starts, one worker registering e2e.slow and e2e.other, three e2e.slow
// tasks and one e2e.other task (--other-task) STARTED and nothing more, with its clock before the threshold.
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
    'other-task': { type: 'string' },
    'stuck-after-seconds': { type: 'string', default: '60' },
    'retention-minutes': { type: 'string', default: '10' },
    screenshots: { type: 'string', default: 'e2e/screenshots' },
  },
});
if (!opts.base || !opts['inject-url'] || !opts['clock-url'] || !opts['other-task']) {
  console.error('usage: node e2e/anomalies.mjs --base URL --inject-url URL --clock-url URL --other-task ID');
  process.exit(2);
}
const base = opts.base.replace(/\/+$/, '');
const shots = resolve(opts.screenshots);
mkdirSync(shots, { recursive: true });
const otherTask = opts['other-task'];
const stuckAfter = Number(opts['stuck-after-seconds']);
const retentionMinutes = Number(opts['retention-minutes']);
// longer than the page's own refresh (10 s), so that a change that no frame announces must show without a reload
const timeout = 25000;

const cssString = (s) => JSON.stringify(s);
const testId = (id) => `[data-testid=${cssString(id)}]`;

const until = (probe, what) => untilWithin(probe, what, timeout);
const advanceClock = (iso) => advanceServerClock(opts['clock-url'], iso);
const inject = (events) => injectEvents(opts['inject-url'], events);

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

const group = (name) => page.locator(`${testId('anomaly-group-row')}[data-name=${cssString(name)}]`);
const badgeCount = async () => {
  const badge = page.locator(testId('anomaly-count'));
  return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
};
const tabCount = async (tab) => Number(await page.locator(testId(`anomaly-tab-${tab}`)).getAttribute('data-count'));
const openTab = async (tab) => {
  await page.locator(testId(`anomaly-tab-${tab}`)).click();
  await until(async () => (await page.locator(testId(`anomaly-tab-${tab}`)).getAttribute('aria-selected')) === 'true', `the ${tab} tab`);
};

try {
  await check('before the threshold nothing is open: the badge is quiet and the Open tab says why', async () => {
    await page.goto(`${base}/anomalies`, { waitUntil: 'domcontentloaded' });
    const empty = page.locator('.status-empty');
    await empty.waitFor({ state: 'visible', timeout });
    const text = (await empty.innerText()).trim();
    assert(/every task looks healthy/.test(text), `empty state reads "${text}"`);
    assert((await badgeCount()) === 0, `badge ${await badgeCount()}`);
  });

  await check(`past ${stuckAfter} s the stuck tasks show as two open groups, counted in the badge without a reload`, async () => {
    await advanceClock(`PT${stuckAfter + 1}S`);
    await until(async () => (await group('e2e.slow').count()) === 1 && (await group('e2e.other').count()) === 1, 'both groups');
    const slow = group('e2e.slow');
    assert((await slow.getAttribute('data-anomaly-type')) === 'STUCK_STARTED', `type ${await slow.getAttribute('data-anomaly-type')}`);
    assert((await slow.getAttribute('data-status')) === 'open', `status ${await slow.getAttribute('data-status')}`);
    const open = Number(await slow.locator(testId('anomaly-group-open')).getAttribute('data-value'));
    const seen = Number(await slow.locator(testId('anomaly-group-occurrences')).getAttribute('data-value'));
    assert(open === 3 && seen === 3, `e2e.slow open ${open}, seen ${seen}`);
    await until(async () => (await badgeCount()) === 2, 'the badge to count 2 open groups');
    const title = await page.locator(testId('anomaly-count')).getAttribute('title');
    assert(title === '2 open anomaly groups', `badge title "${title}"`);
    assert((await tabCount('open')) === 2, `Open tab counts ${await tabCount('open')}`);
    await page.screenshot({ path: join(shots, 'anomaly-groups-open.png') });
    return 'badge 2';
  });

  await check('a group row expands to its anomalies, each linking to its task', async () => {
    const toggle = group('e2e.slow').locator(testId('anomaly-group-expand'));
    assert((await toggle.getAttribute('aria-expanded')) === 'false', 'starts expanded');
    await toggle.click();
    assert((await toggle.getAttribute('aria-expanded')) === 'true', 'does not say expanded');
    const rows = page.locator(`${testId('anomaly-members')} ${testId('anomaly-row')}`);
    await until(async () => (await rows.count()) === 3, 'three anomalies');
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-task-id')));
    assert(ids.every((id) => id.startsWith('e2e-slow-')), `ids ${ids.join(', ')}`);
    const href = await rows.first().locator('a').getAttribute('href');
    assert(href && href.includes('/task?id='), `link ${href}`);
    await page.screenshot({ path: join(shots, 'anomaly-group-expanded.png') });
    await toggle.click();
    assert((await rows.count()) === 0, 'collapsing leaves the anomalies shown');
    return ids.join(', ');
  });

  await check('the type filter lives in the URL', async () => {
    await page.locator(`${testId('anomaly-filter')}[data-anomaly-type="STUCK_STARTED"]`).click();
    await page.waitForURL((url) => url.searchParams.get('type') === 'STUCK_STARTED', { timeout });
    await until(async () => (await group('e2e.slow').count()) === 1, 'the filtered list');
    await page.locator(`${testId('anomaly-filter')}[data-anomaly-type="UNREGISTERED"]`).click();
    await page.locator(`${testId('anomaly-filter')}[data-anomaly-type="STUCK_STARTED"]`).click();
    await until(async () => (await page.locator('.status-empty').count()) === 1, 'an empty list for UNREGISTERED');
    const text = (await page.locator('.status-empty').innerText()).trim();
    assert(/of these types/.test(text), `empty state reads "${text}"`);
    await page.goto(`${base}/anomalies`, { waitUntil: 'domcontentloaded' });
    await group('e2e.slow').waitFor({ state: 'visible', timeout });
  });

  await check('acknowledging a group moves it to the Acknowledged tab and lowers the badge', async () => {
    await group('e2e.other').locator(testId('anomaly-group-acknowledge')).click();
    await until(async () => (await group('e2e.other').count()) === 0, 'the group to leave the Open tab');
    await until(async () => (await badgeCount()) === 1, 'the badge to say 1');
    assert((await tabCount('acknowledged')) === 1, `Acknowledged tab counts ${await tabCount('acknowledged')}`);
    await openTab('acknowledged');
    const row = group('e2e.other');
    await row.waitFor({ state: 'visible', timeout });
    assert((await row.getAttribute('data-status')) === 'acknowledged', `status ${await row.getAttribute('data-status')}`);
    await page.waitForURL((url) => url.searchParams.get('status') === 'acknowledged', { timeout });
  });

  await check('muting a group for an hour lowers the badge to nothing and says until when', async () => {
    await openTab('open');
    await group('e2e.slow').locator(testId('anomaly-group-mute')).selectOption({ label: 'for 1 hour' });
    await until(async () => (await group('e2e.slow').count()) === 0, 'the group to leave the Open tab');
    await until(async () => (await badgeCount()) === 0, 'the badge to go quiet');
    const text = (await page.locator('.status-empty').innerText()).trim();
    assert(/acknowledged or muted/.test(text), `empty Open tab reads "${text}"`);
    await openTab('muted');
    const status = group('e2e.slow').locator(testId('anomaly-group-status'));
    await status.waitFor({ state: 'visible', timeout });
    const shown = (await status.innerText()).replace(/\s+/g, ' ');
    assert(/muted/.test(shown) && /until /.test(shown) && !/until unmuted/.test(shown), `status reads "${shown}"`);
    await page.screenshot({ path: join(shots, 'anomaly-groups-muted.png') });
  });

  await check('a refused triage call shows the server’s reason next to the row', async () => {
    await page.route('**/api/anomalies/groups/unmute', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ detail: 'store unavailable' }) }),
    );
    await group('e2e.slow').locator(testId('anomaly-group-unmute')).click();
    const error = page.locator(testId('anomaly-group-error'));
    await error.waitFor({ state: 'visible', timeout });
    const text = (await error.innerText()).trim();
    assert(/unmute/.test(text) && /store unavailable/.test(text), `error reads "${text}"`);
    await page.unroute('**/api/anomalies/groups/unmute');
    assert((await group('e2e.slow').getAttribute('data-status')) === 'muted', 'the row changed although the call failed');
    return text;
  });

  await check('when its task finishes, the acknowledged group turns resolved live', async () => {
    await openTab('resolved');
    const now = await advanceClock('PT0S');
    await inject([{ task_id: otherTask, name: 'e2e.other', state: 'SUCCESS', timestamp: wireTime(now), retries: 0 }]);
    const row = group('e2e.other');
    // well under the page's 10 s refresh: the pushed frame brings it
    await row.waitFor({ state: 'visible', timeout: 8000 });
    assert((await row.getAttribute('data-status')) === 'resolved', `status ${await row.getAttribute('data-status')}`);
    assert(Number(await row.locator(testId('anomaly-group-open')).getAttribute('data-value')) === 0, 'still counts an open anomaly');
    await row.locator(testId('anomaly-group-expand')).click();
    const none = page.locator('.group-members-row .status-empty');
    await none.waitFor({ state: 'visible', timeout });
    assert(/None raised now/.test(await none.innerText()), `expanded reads "${await none.innerText()}"`);
    await page.screenshot({ path: join(shots, 'anomaly-groups-resolved.png') });
  });

  await check(`a resolved group leaves the list ${retentionMinutes} min after it resolved, without a reload`, async () => {
    await advanceClock(`PT${retentionMinutes + 1}M`);
    await until(async () => (await group('e2e.other').count()) === 0, 'the resolved group to go');
    const text = (await page.locator('.status-empty').innerText()).trim();
    assert(/retention/.test(text), `empty Resolved tab reads "${text}"`);
    assert((await tabCount('muted')) === 1, `the muted group went too (${await tabCount('muted')})`);
  });

  await check('at 800 px and in dark mode the table fits the page and scrolls inside it', async () => {
    await page.goto(`${base}/anomalies?status=all`, { waitUntil: 'domcontentloaded' });
    await group('e2e.slow').waitFor({ state: 'visible', timeout });
    await page.setViewportSize({ width: 800, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(shots, 'anomaly-groups-800-dark.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const widest = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > limit + 1)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .join(', ');
    });
    assert(overflow <= 0, `the page scrolls sideways by ${overflow} px (${widest})`);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    assert(r + g + b < 200, `dark background is ${background}`);
    await group('e2e.slow').locator(testId('anomaly-group-expand')).click();
    await page.locator(`${testId('anomaly-members')} ${testId('anomaly-row')}`).first().waitFor({ state: 'visible', timeout });
    await page.screenshot({ path: join(shots, 'anomaly-groups-800-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(shots, 'anomaly-groups-800-light.png'), fullPage: true });
  });

  await check('no page error was thrown', async () => {
    assert(pageErrors.length === 0, pageErrors.join(' | '));
  });
} finally {
  await browser.close();
}
finish();
