// What the browser check scripts share: PASS/FAIL lines, assertions, the machine's Chromium, the summary.
import { chromium } from 'playwright-core';

export const results = { passed: 0, failed: 0 };

/** Runs one check; prints `PASS name (note)` or `FAIL name: first line of the error`; says whether it passed. */
export async function check(name, fn) {
  try {
    const note = await fn();
    results.passed++;
    console.log(`PASS ${name}${note ? ` (${note})` : ''}`);
    return true;
  } catch (e) {
    results.failed++;
    console.log(`FAIL ${name}: ${(e?.message ?? String(e)).split('\n')[0]}`);
    return false;
  }
}

export const skip = (name, why) => console.log(`SKIP ${name}: ${why}`);

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Debian's headless Chromium (or $CHROMIUM), with the flags this machine's closed network needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Prints `N passed, M failed` and exits 0 only when nothing failed. */
export function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

/** Polls `probe` every 100 ms until it answers something truthy, which it returns; throws after `limit` ms. */
export async function until(probe, what, limit) {
  const deadline = Date.now() + limit;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Moves a test server's clock (POST /__test/clock?advance=ISO, which also runs its deadline checks); returns its new now. */
export async function advanceServerClock(clockUrl, iso) {
  const response = await fetch(`${clockUrl}?advance=${encodeURIComponent(iso)}`, { method: 'POST' });
  assert(response.ok, `clock: HTTP ${response.status}`);
  return (await response.json()).now;
}

/** Hands wire events to a test server (POST /__test/inject, one JSON object per line). */
export async function injectEvents(injectUrl, events) {
  const response = await fetch(injectUrl, { method: 'POST', body: events.map((e) => JSON.stringify(e)).join('\n') });
  assert(response.ok, `inject: HTTP ${response.status}`);
}

/** A wire timestamp from an ISO instant: microseconds and Z. */
export const wireTime = (iso) => iso.replace(/(\.\d+)?Z$/, (m, frac) => `.${((frac ?? '.').slice(1) + '000000').slice(0, 6)}Z`);
