/**
 * The appliance's own screen in real Chromium at 800x480 (what pos-kiosk-session opens):
 * /pos?kiosk=1 draws no cursor and swallows zoom (Ctrl+wheel, Ctrl+plus), a normal browser
 * keeps both; the first-boot token page goes on to /pos?kiosk=1 by itself once the first admin
 * login consumed the token. (The same on the image, with cage and a screen, in
 * tests/image/kiosk-test.mjs.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let d: TestDaemon;
let browser: Browser;
let dataDir: string;

before(async () => {
  dataDir = await tempDir();
  await writeFile(path.join(dataDir, 'first-boot-token'), `${ADMIN}\n`);
  d = await startDaemon({ dataDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

/** The computed cursor over the first product tile, and whether Ctrl+wheel was swallowed. */
async function probe(page: Page): Promise<{ cursor: string; wheelBlocked: boolean }> {
  const tile = page.locator('pos-picker button.tile').first();
  await tile.waitFor();
  const cursor = await tile.evaluate((el) => getComputedStyle(el).cursor);
  const wheelBlocked = await page.evaluate(() => {
    const e = new WheelEvent('wheel', { ctrlKey: true, deltaY: -100, cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  });
  return { cursor, wheelBlocked };
}

test('the first-boot token page goes on to /pos?kiosk=1 after the first admin login', async () => {
  const { context, page } = await openPage(
    browser,
    `${d.url}/api/internal/first-boot-token/page?kiosk=1`,
    SIZES.small,
  );
  try {
    assert.ok((await page.locator('code').textContent())?.includes(ADMIN));
    await screenshot(page, 'kiosk-first-boot-token-800x480');
    // The whole page fits the 7" screen: a kiosk cannot scroll to a button below the fold.
    const fit = await page.evaluate(() => ({
      scroll: document.documentElement.scrollHeight,
      height: innerHeight,
      pos: document.getElementById('pos')!.getBoundingClientRect().bottom,
    }));
    assert.ok(fit.scroll <= fit.height && fit.pos <= fit.height, JSON.stringify(fit));
    const historyBefore = await page.evaluate(() => history.length);
    assert.equal((await d.post('/api/v1/admin/login', { token: ADMIN })).status, 200);
    await page.waitForURL(/\/pos\?kiosk=1$/, { timeout: 20_000 });
    await page.locator('pos-status-dot [data-state="connected"]').waitFor();
    // Left with location.replace: no history entry, Back cannot return to the token page.
    assert.equal(await page.evaluate(() => history.length), historyBefore);
    assert.deepEqual(pageErrors(page), []);
  } finally {
    await context.close();
  }
});

test('kiosk mode: no cursor, no zoom; a normal browser keeps both', async () => {
  const kiosk = await openPage(browser, `${d.url}/pos?kiosk=1`, SIZES.small);
  try {
    const k = await probe(kiosk.page);
    assert.equal(k.cursor, 'none');
    assert.equal(k.wheelBlocked, true);
    await screenshot(kiosk.page, 'kiosk-mode-pos-800x480');
    // Kept for the kiosk profile's later pages (the URL without the query).
    await kiosk.page.goto(`${d.url}/pos`);
    assert.equal((await probe(kiosk.page)).cursor, 'none');
  } finally {
    await kiosk.context.close();
  }
  const normal = await openPage(browser, `${d.url}/pos`, SIZES.small);
  try {
    const n = await probe(normal.page);
    assert.equal(n.cursor, 'pointer');
    assert.equal(n.wheelBlocked, false);
  } finally {
    await normal.context.close();
  }
});
