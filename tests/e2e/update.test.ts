/**
 * The admin page "Aktualisierung" in real Chromium at 800x480, in German, against the real
 * daemon and the real update agent (fake rauc): upload a bundle, watch it install (held at
 * 40 % so the progress is on screen), "installiert" and the wait for a quiet moment while a
 * till has a line, the reboot once the cart is empty, then — after the "reboot" into slot B —
 * the outcome "Aktualisiert auf 0.2.0".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import {
  agentHarness,
  bundleBytes,
  readFakeState,
  until,
  type AgentHarness,
  rebootLogged,
} from '../helpers/update.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let browser: Browser;
let agent: AgentHarness;
const daemons: TestDaemon[] = [];

before(async () => {
  browser = await launchBrowser();
  agent = await agentHarness();
  agent.watch();
});
after(async () => {
  await browser?.close();
  for (const d of daemons) await d.stop().catch(() => {});
  await agent?.stop();
});

async function daemon(version: string, dataDir: string): Promise<TestDaemon> {
  const d = await startDaemon({
    dataDir,
    version,
    env: { POS_UPDATE_DIR: agent.dir, POS_UPDATE_QUIET_CHECK_MS: '100' },
  });
  daemons.push(d);
  return d;
}

async function login(d: TestDaemon): Promise<Page> {
  const { page } = await openPage(browser, `${d.url}/admin`, SIZES.small);
  await page.getByLabel('Admin-Token').fill('demo-admin-token');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('link', { name: 'Aktualisierung' }).click();
  await page.getByTestId('update-version').waitFor();
  return page;
}

test('admin uploads a bundle at 800x480: progress, "installiert", quiet-moment wait, reboot, then "Aktualisiert auf 0.2.0"', async () => {
  assert.equal((await agent.run('report')).code, 0);
  const dataDir = await tempDir();
  const d = await daemon('0.1.0', dataDir);
  // A till has a line in its cart: the reboot must wait.
  const p = await d.post(
    '/api/v1/products',
    { barcode: 'UPE2E', name: 'Brezel', price_cents: 250, vat_rate: 7, category: 'Test' },
    { admin: true },
  );
  assert.equal(p.status, 201, p.text);
  const add = await d.post('/api/v1/terminals/till-2/cart/items', {
    barcode: 'UPE2E',
    quantity: 1,
  });
  assert.equal(add.status, 200, add.text);

  const page = await login(d);
  assert.match(
    await page.getByTestId('update-version').innerText(),
    /Installierte Version: 0\.1\.0/,
  );
  await page.getByTestId('slot-A').getByText('läuft gerade').waitFor();
  await page.getByTestId('slot-B').getByText('leer').waitFor();

  const file = path.join(await tempDir(), 'pos-0.2.0.raucb');
  // 20 MiB: the page sends it in two parts (16 MiB each at most).
  await writeFile(file, bundleBytes({ version: '0.2.0', size: 20 * 1024 * 1024 }));
  await writeFile(agent.env.FAKE_RAUC_HOLD, 'hold');
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByRole('button', { name: 'Hochladen und installieren' }).click();
  const job = page.getByTestId('update-job');
  await job.getByText('Wird installiert … 40 %').waitFor({ timeout: 30_000 });
  assert.equal(await job.locator('progress').getAttribute('max'), '100');
  await screenshot(page, 'admin-update-installing-800x480');
  await unlink(agent.env.FAKE_RAUC_HOLD);

  await job.getByText('Version 0.2.0 installiert.').waitFor({ timeout: 30_000 });
  await page.getByTestId('update-waiting').waitFor();
  await page.getByTestId('slot-B').getByText('0.2.0').waitFor();
  await page.getByTestId('slot-B').getByText('startet als Nächstes').waitFor();
  const text = await page.getByTestId('update').innerText();
  assert.doesNotMatch(
    text,
    /update_|\brauc\b|undefined|Restart|Choose|No file/,
    'German words only',
  );
  // Fits: nothing wider than the 800 px screen.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 800, `page is ${width}px wide`);
  await screenshot(page, 'admin-update-installed-800x480', { fullPage: true });
  assert.equal(existsSync(agent.rebootLog), false, 'no reboot with a line in a cart');

  const clear = await d.request('DELETE', '/api/v1/terminals/till-2/cart');
  assert.equal(clear.status, 200);
  await until(() => rebootLogged(agent.rebootLog), 'the reboot');
  await job.getByText('Die Kasse startet neu').waitFor();
  assert.deepEqual(pageErrors(page), []);
  await page.context().close();

  // The reboot: the firmware boots slot B, the boot runs `agent report`, the new version starts.
  await d.stop();
  const s = await readFakeState(agent.stateFile);
  await writeFile(agent.stateFile, JSON.stringify({ ...s, booted: 'B' }));
  assert.equal((await agent.run('report')).code, 0);
  const d2 = await daemon('0.2.0', dataDir);
  const page2 = await login(d2);
  const outcome = page2.getByTestId('update-outcome');
  await outcome.getByText('Aktualisiert auf 0.2.0.').waitFor();
  await page2.getByTestId('slot-B').getByText('läuft gerade').waitFor();
  assert.match(await page2.getByTestId('update-version').innerText(), /0\.2\.0/);
  assert.equal(await page2.getByTestId('update-job').count(), 0, 'the reboot is over');
  await screenshot(page2, 'admin-update-outcome-800x480', { fullPage: true });
  assert.deepEqual(pageErrors(page2), []);
});

test('the kiosk screen reports its first paint: health says kiosk_painted only after /pos has drawn', async () => {
  const d = await daemon('0.1.0', await tempDir());
  assert.equal((await d.get('/api/v1/health')).body.kiosk_painted, false);
  const { page, context } = await openPage(browser, `${d.url}/pos`, SIZES.small);
  const painted = await until(
    async () => ((await d.get('/api/v1/health')).body.kiosk_painted === true ? true : undefined),
    'kiosk_painted',
    30_000,
  );
  assert.equal(painted, true);
  assert.deepEqual(pageErrors(page), []);
  await context.close();
});
