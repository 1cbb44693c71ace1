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
