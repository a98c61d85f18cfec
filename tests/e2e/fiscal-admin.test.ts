/**
 * The admin page's TSE section (issue 22.6) in real Chromium at 800x480, in German, against
 * the real daemon signing with fiskaly's API (the local fake fiskaly server): the TSE state,
 * the registration data for the tax office, an outage with start, end and unsigned count, and
 * the two audit exports downloaded with one click each (TAR log, DSFinV-K ZIP).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { FakeFiskaly } from '../helpers/fake-fiskaly.js';
import { stableUuid } from '../../daemon/fiscal/providers/fiskaly.js';
import { VERSION } from '../../daemon/core/version.js';
import type { Sale } from '../../daemon/protocol.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

const TILL = 'TILL-E2E-01';
let f: FakeFiskaly;
let d: TestDaemon;
let browser: Browser;

before(async () => {
  f = new FakeFiskaly();
  await f.start();
  const tssId = randomUUID();
  f.addInitialisedTss(tssId, stableUuid(`client:${TILL}`), TILL);
  d = await startDaemon({
    env: {
      APP_ENV: 'demo',
      FISCAL_PROVIDER: 'fiskaly',
      FISKALY_API_URL: f.url,
      FISKALY_API_KEY: f.apiKey,
      FISKALY_API_SECRET: f.apiSecret,
      FISKALY_TSS_ID: tssId,
      FISKALY_ADMIN_PIN: '654321',
      FISCAL_TILL_SERIAL: TILL,
      // Longer than signing takes on a busy machine (two suites and an image build beside it
      // took over 400 ms once); the one sale sent while the fake TSE hangs waits this long.
      FISCAL_TIMEOUT_MS: '5000',
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await d?.stop();
  await f?.stop();
});

async function cashSale(): Promise<Sale> {
  const a = await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: 'T19', quantity: 1 });
  assert.equal(a.status, 200, a.text);
  const r = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
    provider: 'cash',
    idempotency_key: randomUUID(),
    tendered_cents: 1000,
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function download(page: Page, testId: string): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const file = await dl.path();
  assert.ok(file, `${testId} downloaded`);
  return readFile(file);
}

test('TSE page at 800x480 in German: state, registration data, an outage, one-click TAR and DSFinV-K exports', async () => {
  const p = await d.post(
    '/api/v1/products',
    { barcode: 'T19', name: 'Kaffee', price_cents: 250, vat_rate: 19 },
    { admin: true },
  );
  assert.equal(p.status, 201, p.text);
  assert.equal((await cashSale()).tse?.failed, false);
  // An outage: the TSE hangs for one sale (unsigned, marked), then answers again.
  f.hang();
  assert.equal((await cashSale()).tse?.failed, true);
  f.release();
  assert.equal((await cashSale()).tse?.failed, false);
  const info = (await d.get('/api/v1/admin/fiscal', { admin: true })).body;
  assert.equal(info.outages.length, 1);
  assert.ok(info.outages[0].end, 'the outage has ended');

  const { page } = await openPage(browser, `${d.url}/admin#fiscal`, SIZES.small);
  await page.getByLabel('Admin-Token').fill(ADMIN);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('link', { name: 'TSE', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'TSE und Finanzamt' }).waitFor();
  const text = async (id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();

  assert.equal(await text('fiscal-provider'), 'fiskaly Cloud-TSE');
  assert.equal(await text('fiscal-state-text'), 'Bereit – signiert jeden Beleg');
  assert.equal(await text('fiscal-counter'), String(info.tse.signature_counter));
  assert.equal(await text('fiscal-tse-serial'), f.serial);
  assert.equal(await text('fiscal-bsi'), 'BSI-K-TR-0000-2099');
  assert.equal(await text('fiscal-till-serial'), TILL);
  assert.equal(await text('fiscal-till-model'), 'Counter POS – Raspberry Pi appliance');
  assert.equal(await text('fiscal-software'), `Counter POS ${VERSION}`);
  // "In Betrieb seit" as a German date and time (dd.mm.yyyy, hh:mm).
  assert.match(await text('fiscal-since'), /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);

  const row = page.getByTestId('fiscal-outage');
  assert.equal(await row.count(), 1);
  const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
  assert.match(cells[0], /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/, 'start');
  assert.match(cells[1], /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/, 'end');
  assert.deepEqual(cells.slice(2), ['1', 'TSE antwortete nicht rechtzeitig']);

  // German only: no English words of this page, no daemon sentence.
  const all = (await page.locator('admin-fiscal').innerText()).replace(/\s+/g, ' ');
  for (const english of ['Ready', 'outage', 'Download', 'Start', 'End', 'did not answer'])
    assert.ok(!all.includes(english), `"${english}" on the German page: ${all}`);
  // 800 px wide: nothing runs off the side (long serials and keys wrap).
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.equal(overflow, 0, 'no horizontal scrolling at 800x480');
  await screenshot(page, 'admin-fiscal-800x480');
  await screenshot(page, 'admin-fiscal-800x480-full', { fullPage: true });

  // One click each: the TSE's TAR log and the DSFinV-K ZIP of this month.
  const tar = await download(page, 'fiscal-tar');
  assert.equal(tar.subarray(257, 262).toString(), 'ustar', 'a tar archive');
  const from = await page.getByTestId('dsfinvk-from').inputValue();
  const to = await page.getByTestId('dsfinvk-to').inputValue();
  assert.match(from, /^\d{4}-\d{2}-01$/);
  assert.ok(from <= to);
  const zip = await download(page, 'fiscal-dsfinvk');
  assert.equal(zip.subarray(0, 2).toString(), 'PK', 'a ZIP archive');
  // A range the wrong way round offers no export.
  await page.getByTestId('dsfinvk-from').fill('2099-01-01');
  await page.getByTestId('dsfinvk-from').dispatchEvent('change');
  await page.getByText('„Von“ darf nicht nach „Bis“ liegen.').waitFor();
  assert.equal(await page.getByTestId('fiscal-dsfinvk').count(), 0);
  assert.deepEqual(pageErrors(page), []);
});
