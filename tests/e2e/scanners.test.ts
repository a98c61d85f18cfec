/**
 * Admin → Scanner in Chromium at 800x480, German (issue 13): what the shop owner sees for a
 * HID POS scanner, a factory keyboard-mode scanner on the shipped list, a network scanner, a
 * real keyboard someone typed on, and an unknown-vendor keyboard that typed like a scanner —
 * offered as "Sieht aus wie ein Scanner – als Scanner verwenden?". Adopting it reads it at
 * once; until the root helper has put it on scanners.list the page says it may still type into
 * the till, and the note goes as soon as the list has it (the daemon watches the file).
 * Screenshots: test-artifacts/admin-scanners-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, ROOT, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { keyReports } from '../helpers/scanner-fixtures.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let d: TestDaemon;
let browser: Browser;
let page: Page;
let list: string;

const simulate = (device: object, reports: string[], extra: object = {}) =>
  d.post('/api/v1/scanners/simulate', { ...device, reports, ...extra }, { admin: true });

const NEWLAND = { vendor_id: 0x1eab, product_id: 0x0d10, serial: 'NLS-7', kind: 'hid_pos' };
const HONEYWELL = { vendor_id: 0x0c2e, product_id: 0x0b61, serial: 'HW-19', kind: 'keyboard' };
const UNKNOWN = { vendor_id: 0x1a86, product_id: 0xe026, serial: 'KB-1', kind: 'keyboard' };
const PERSON = { vendor_id: 0x046d, product_id: 0xc31c, serial: 'LOGI-1', kind: 'keyboard' };

before(async () => {
  list = path.join(await tempDir(), 'scanners.list');
  await copyFile(path.join(ROOT, 'systemd/scanners.list'), list);
  d = await startDaemon({ env: { SCANNER_SIMULATOR: '1', SCANNER_LIST: list } });
  browser = await launchBrowser();
  ({ page } = await openPage(browser, `${d.url}/admin`, SIZES.small));
  await page.getByLabel('Admin-Token').fill(ADMIN);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Scanner' }).click();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

test('each kind of device as the admin sees it; the unknown keyboard that typed like a scanner is offered for adoption', async () => {
  const pos = Buffer.alloc(64);
  pos[0] = 2;
  pos[1] = 13;
  pos.write('2100000000036', 2, 'latin1');
  const newland = (
    await readFile(path.join(ROOT, 'tests/fixtures/hid-descriptors/newland-hidpos.hex'), 'utf8')
  )
    .replace(/#.*$/gm, '')
    .replace(/\s+/g, '');
  assert.equal(
    (await simulate(NEWLAND, [pos.toString('hex')], { descriptor: newland })).status,
    200,
  );
  assert.equal((await simulate(HONEYWELL, keyReports('2100000000029', 'us'))).status, 200);
  await d.request('POST', '/api/v1/scanner/scan', {
    body: { barcode: '2100000000012' },
    headers: { 'x-scanner-secret': 'demo-scanner-secret', 'x-scanner-id': 'handy-tresen' },
  });
  // A person types on a real keyboard (120 ms a report); the unknown keyboard bursts.
  await simulate(PERSON, keyReports('hallo123', 'de'), { interval_ms: 60 });
  await simulate(UNKNOWN, keyReports('4006381333931', 'us'));

  // Offered on top of the page, where the owner sees it first.
  const suspect = page.locator('admin-scanners .suggestion[data-keyboard-id="1a86:e026:KB-1"]');
  await suspect.getByText('Sieht aus wie ein Scanner – als Scanner verwenden?').waitFor();
  const person = page.locator('admin-scanners tr[data-keyboard-id="046d:c31c:LOGI-1"]');
  await person.getByRole('button', { name: 'Ist ein Scanner' }).waitFor();
  assert.equal(await person.getByText('Sieht aus wie ein Scanner').count(), 0);
  const row = (id: string) => page.locator(`admin-scanners tr[data-scanner-id="${id}"]`);
  await row('1eab:0d10:NLS-7').getByText('HID POS').waitFor();
  await row('0c2e:0b61:HW-19').getByText('Tastatur-Modus').waitFor();
  await row('handy-tresen').getByText('Netzwerk').waitFor();
  assert.equal(await row('0c2e:0b61:HW-19').getByText('Noch nicht in der Scannerliste').count(), 0);
  await screenshot(page, 'admin-scanners-suggested-800x480');
  await screenshot(page, 'admin-scanners-suggested-800x480-full', { fullPage: true });
  // Nothing the keyboards typed reached a cart.
  const cart = (await d.get('/api/v1/terminals/kiosk/cart')).body.lines.map(
    (l: { barcode: string }) => l.barcode,
  );
  assert.deepEqual(cart.sort(), ['2100000000012', '2100000000029', '2100000000036']);

  await suspect.getByRole('button', { name: 'Als Scanner verwenden' }).click();
  await page.getByRole('status').getByText('Als Scanner übernommen').waitFor();
  const adopted = row('1a86:e026:KB-1');
  await adopted.getByText('Tastatur-Modus').waitFor();
  await adopted
    .getByText('Noch nicht in der Scannerliste: Seine Eingaben können weiter in der Kasse landen.')
    .waitFor();
  await screenshot(page, 'admin-scanners-adopted-800x480', { fullPage: true });
  // Read at once, no re-plug: its next scan lands in the kiosk cart.
  assert.equal((await simulate(UNKNOWN, keyReports('2100000000043', 'us'))).status, 200);
  const after1 = (await d.get('/api/v1/terminals/kiosk/cart')).body.lines;
  assert.ok(after1.some((l: { barcode: string }) => l.barcode === '2100000000043'));
  // The daemon asked root (pos-scanner-rules) for the list entry …
  const request = await readFile(path.join(d.dataDir, 'scanners.adopt'), 'utf8');
  assert.match(request, /^1a86:e026 {3}# Simulated scanner, adopted in Admin - Scanners on /);
  // … which, once in the list, clears the note without a reload or restart.
  await appendFile(list, request);
  await adopted.getByText('Noch nicht in der Scannerliste').waitFor({ state: 'detached' });
  await screenshot(page, 'admin-scanners-listed-800x480', { fullPage: true });
  assert.deepEqual(pageErrors(page), []);
});
