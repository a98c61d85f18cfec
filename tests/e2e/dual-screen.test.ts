/**
 * The till and its customer display on the Pi's two outputs, in real Chromium: the kiosk
 * scripts decide the layout from a fake /sys/class/drm with an 800x480 till and a 1024x600
 * customer screen (systemd/libexec/pos-kiosk → pos-kiosk-session, as on the appliance), and the
 * URL the session would start Chromium on is opened in a 1824x600 window — what cage's
 * `-m extend` gives Chromium over both outputs. The till starts on the first-boot token page,
 * goes on to /pos?kiosk=1 after the first admin login and reports its paint (kiosk_painted);
 * the customer display follows the till's terminal and shows a product tapped on the till.
 * The framing headers hold in the browser: a foreign page cannot frame /pos, nothing frames
 * the API.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { ADMIN, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { fakeDrm, runPosKiosk, runSession } from '../helpers/kiosk-scripts.js';
import { until } from '../helpers/update.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './support.js';

let d: TestDaemon;
let browser: Browser;

before(async () => {
  const dataDir = await tempDir();
  await writeFile(path.join(dataDir, 'first-boot-token'), `${ADMIN}\n`);
  d = await startDaemon({ dataDir, env: { SHOP_NAME: 'Kiosk am See' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

/** The URL pos-kiosk-session starts Chromium on for this daemon, given two connected outputs. */
async function sessionUrl(): Promise<string> {
  const drm = await fakeDrm({
    'card1-HDMI-A-1': { status: 'connected', modes: ['800x480'] },
    'card1-HDMI-A-2': { status: 'connected', modes: ['1024x600', '800x600'] },
  });
  const kiosk = await runPosKiosk({ POS_DRM_SYSFS: drm });
  assert.ok(kiosk.args.includes('extend'), kiosk.stdout);
  const session = await runSession({ ...kiosk.env, POS_DAEMON_PORT: String(d.port) });
  return session.url;
}

function frameNamed(page: Page, name: string): Frame {
  const f = page.frame({ name });
  assert.ok(f, `frame ${name}`);
  return f;
}

test('two outputs: the till and the live customer display side by side', async () => {
  assert.equal((await d.get('/api/v1/health')).body.kiosk_painted, false);
  const url = await sessionUrl();
  assert.equal(
    url,
    `http://localhost:${d.port}/kiosk/dual?till=800x480&display=1024x600&order=till,display` +
      '&url=/api/internal/first-boot-token/page%3Fkiosk%3D1',
  );
  const { context, page } = await openPage(browser, url, { width: 1824, height: 600 });
  try {
    // The till frame at the till output's place, the display frame at the other's.
    const box = async (name: string) => page.locator(`iframe[name="${name}"]`).boundingBox();
    assert.deepEqual(await box('till'), { x: 0, y: 0, width: 800, height: 480 });
    assert.deepEqual(await box('display'), { x: 800, y: 0, width: 1024, height: 600 });

    // A new appliance: the till shows the first-boot token inside the dual page.
    const till = frameNamed(page, 'till');
    await till.locator('code').filter({ hasText: ADMIN }).waitFor();
    await screenshot(page, 'dual-screen-first-boot-1824x600');
    assert.equal((await d.post('/api/v1/admin/login', { token: ADMIN })).status, 200);
    await till.waitForURL(/\/pos\?kiosk=1$/, { timeout: 20_000 });
    await till.locator('pos-status-dot [data-state="connected"]').waitFor();

    // The till said which terminal it is on; the customer display shows that till.
    await page.waitForFunction(() => document.documentElement.dataset.terminal === 'kiosk');
    const display = frameNamed(page, 'display');
    await display.waitForURL(/\/display\/kiosk$/);
    await display.getByTestId('display-shop').filter({ hasText: 'Kiosk am See' }).waitFor();

    // The till in the frame counts as the kiosk's paint (the update's mark-good check).
    const painted = await until(
      async () => ((await d.get('/api/v1/health')).body.kiosk_painted === true ? true : undefined),
      'kiosk_painted',
      30_000,
    );
    assert.equal(painted, true);

    // A tap on the till shows on the customer's screen, live.
    await till.getByRole('button', { name: /Bier 0,5 l/ }).click();
    await display.getByTestId('display-total').filter({ hasText: '3,50' }).waitFor();
    await display.getByTestId('display-lines').locator('li', { hasText: 'Bier 0,5 l' }).waitFor();
    await screenshot(page, 'dual-screen-cart-1824x600');

    // The customer's side: no controls, no scrollbars; the window does not scroll either.
    assert.equal(await display.locator('button, input, a[href]').count(), 0);
    const overflow = await page.evaluate(() => ({
      w: document.documentElement.scrollWidth - innerWidth,
      h: document.documentElement.scrollHeight - innerHeight,
      bg: getComputedStyle(document.body).backgroundColor,
      cursor: document.documentElement.classList.contains('pos-kiosk'),
    }));
    assert.deepEqual(overflow, { w: 0, h: 0, bg: 'rgb(0, 0, 0)', cursor: true });
    for (const f of [till, display]) {
      const s = await f.evaluate(() => ({
        w: document.documentElement.scrollWidth - innerWidth,
        h: document.documentElement.scrollHeight - innerHeight,
      }));
      assert.deepEqual(s, { w: 0, h: 0 });
    }
    assert.deepEqual(pageErrors(page), []);
  } finally {
    await context.close();
  }
});

test('the display follows the terminal the till is pinned to, and the order display,till', async () => {
  const url =
    `${d.url}/kiosk/dual?till=800x480&display=800x480&order=display,till` +
    `&url=${encodeURIComponent('/pos?kiosk=1&terminal=dual-e2e')}`;
  const { context, page } = await openPage(browser, url, { width: 1600, height: 480 });
  try {
    assert.deepEqual(await page.locator('iframe[name="till"]').boundingBox(), {
      x: 800,
      y: 0,
      width: 800,
      height: 480,
    });
    const display = frameNamed(page, 'display');
    await display.waitForURL(/\/display\/dual-e2e$/);
    const till = frameNamed(page, 'till');
    await till.getByRole('button', { name: /Brezel/ }).click();
    await display.getByTestId('display-total').filter({ hasText: '1,20' }).waitFor();
    await screenshot(page, 'dual-screen-pinned-1600x480');
  } finally {
    await context.close();
  }
});

test('a page of another site cannot frame the till; nothing frames the API or /kiosk/dual', async () => {
  const { context, page } = await openPage(browser, `${d.url}/pos`, { width: 800, height: 480 });
  try {
    // Same origin: /display/<till> may be framed; the API and /kiosk/dual may not.
    const loaded = async (src: string) =>
      page.evaluate(async (s) => {
        const f = document.createElement('iframe');
        f.src = s;
        const done = new Promise((r) => f.addEventListener('load', r, { once: true }));
        document.body.append(f);
        await done;
        let readable: boolean;
        try {
          readable = f.contentDocument?.location.pathname === new URL(s, location.href).pathname;
        } catch {
          readable = false; // an error page of another origin
        }
        f.remove();
        return readable;
      }, src);
    assert.equal(await loaded('/display/kiosk'), true);
    assert.equal(await loaded('/api/v1/health'), false);
    assert.equal(await loaded('/kiosk/dual?till=800x480&display=800x480'), false);
    // Another origin (an opaque about:blank document) framing /pos: refused by the browser.
    const foreign = await context.newPage();
    await foreign.setContent(`<iframe name="x" src="${d.url}/pos"></iframe>`);
    const x = foreign.frame({ name: 'x' });
    assert.ok(x);
    assert.match(x.url(), /^chrome-error:/);
  } finally {
    await context.close();
  }
});
