/**
 * /admin in real Chromium against the real daemon: login (cookie, nothing in localStorage),
 * products with validation messages, the product then found in /pos search, the POS security
 * page's "Add my IP" + "Save changes" with a per-row error, and the other pages rendered.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import {
  launchBrowser,
  nativeFileButtons,
  openPage,
  pageErrors,
  screenshotBoth,
  SIZES,
} from './support.js';

let d: TestDaemon;
let browser: Browser;
let context: BrowserContext;
let page: Page;

before(async () => {
  d = await startDaemon();
  browser = await launchBrowser();
  ({ context, page } = await openPage(browser, `${d.url}/admin`, SIZES.large));
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

describe('/admin', () => {
  test('login with the token sets a session cookie; the token is not stored', async () => {
    const token = page.getByLabel('Admin-Token');
    await token.fill('wrong-token-123');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('alert').filter({ hasText: 'Anmeldung fehlgeschlagen' }).waitFor();
    await screenshotBoth(page, 'admin-login');
    await token.fill(ADMIN);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('link', { name: 'Artikel' }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.httpOnly);
    assert.ok(session, 'an HttpOnly session cookie');
    assert.equal(session.sameSite, 'Strict');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes(ADMIN), 'the token is not in localStorage');
    // A reload keeps the session (cookie), no second login.
    await page.reload();
    await page.getByRole('link', { name: 'Artikel' }).waitFor();
  });

  test('create a product (with a validation message first); it appears in /pos search', async () => {
    await page.getByRole('button', { name: 'Neuer Artikel' }).click();
    const form = page.locator('admin-product-form dialog');
    await form.waitFor();
    await form.getByLabel('Preis (€)').fill('2,40');
    await form.getByRole('button', { name: 'Speichern' }).click();
    // The daemon refuses the missing name; the message sits next to the name field.
    await form.locator('#err-name').waitFor();
    assert.equal(
      await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
    await screenshotBoth(page, 'admin-product-form-error');
    await form.getByLabel('Name', { exact: true }).fill('Limo Holunder');
    await form.getByLabel('Barcode').fill('4000000000006');
    await form.getByLabel('Kategorie').selectOption({ label: 'Getränke' });
    await form.getByRole('button', { name: 'Speichern' }).click();
    await form.waitFor({ state: 'hidden' });
    const row = page.locator('admin-products tr', { hasText: 'Limo Holunder' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /2,40/);
    const api = await d.get('/api/v1/products?q=Holunder');
    assert.equal(api.body.products.length, 1);
    assert.equal(api.body.products[0].price_cents, 240);
    await screenshotBoth(page, 'admin-products', { fullPage: true });

    const pos = await openPage(browser, `${d.url}/pos?terminal=e2e-admin`, SIZES.small);
    await pos.page.getByLabel('Artikel suchen').first().fill('holunder');
    const tile = pos.page.getByRole('button', { name: /^Limo Holunder hinzufügen/ });
    await tile.waitFor();
    // The search narrowed the grid to the one match.
    await pos.page
      .getByRole('button', { name: /^Bier 0,5 l hinzufügen/ })
      .waitFor({ state: 'detached' });
    await tile.click();
    await pos.page.locator('pos-cart li', { hasText: 'Limo Holunder' }).waitFor();
    assert.deepEqual(pageErrors(pos.page), []);
    await pos.context.close();
  });

  test('edit a product: image upload with preview; CSV import with row errors; export', async () => {
    await page.getByRole('button', { name: 'Bearbeiten: Limo Holunder' }).click();
    const form = page.locator('admin-product-form dialog');
    await form.waitFor();
    const png = await sharp({
      create: { width: 64, height: 64, channels: 3, background: '#cc2200' },
    })
      .png()
      .toBuffer();
    assert.deepEqual(await nativeFileButtons(form), [], 'no browser-language file button');
    await form.getByText('Keine Datei gewählt').waitFor();
    await form
      .locator('input[type="file"]')
      .setInputFiles({ name: 'limo.png', mimeType: 'image/png', buffer: png });
    await form.getByText('limo.png').waitFor();
    const preview = form.getByTestId('preview');
    await preview.waitFor();
    assert.match((await preview.getAttribute('src')) ?? '', /^blob:/);
    await screenshotBoth(page, 'admin-product-image-picked');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await form.waitFor({ state: 'hidden' });
    const img = page.locator('admin-products tr', { hasText: 'Limo Holunder' }).locator('img');
    await img.waitFor();
    assert.match((await img.getAttribute('src')) ?? '', /^\/api\/v1\/products\/.+\/image/);
    const p = (await d.get('/api/v1/products?q=Holunder')).body.products[0];
    assert.ok(p.image_url, 'the image is stored');

    const csv =
      'barcode,name,price,category,vat_rate,active\n,Kakao,2.20,Heißgetränke,19,yes\n,Kaputt,abc,Snacks,7,yes\n';
    await page
      .getByTestId('csv-import')
      .setInputFiles({ name: 'import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    await report.getByText('Zeile 3').waitFor();
    const direct = await d.request('POST', '/api/v1/products/import', {
      raw: csv,
      headers: { 'content-type': 'text/csv' },
      admin: true,
    });
    // The page shows the rows the daemon reports for the same file, translated: the column's
    // German name, never the daemon's English sentence.
    assert.deepEqual(
      direct.body.errors.map((e: { row: number; field?: string }) => [e.row, e.field]),
      [[3, 'price']],
    );
    await report.getByText('Ungültige Eingabe: Preis.').waitFor();
    for (const e of direct.body.errors)
      assert.equal(await report.getByText(e.message).count(), 0, e.message);
    await screenshotBoth(page, 'admin-products-import', { fullPage: true });

    // A German Excel file (Windows-1252: ä = 0xE4, € = 0x80). Read as UTF-8, its rows are
    // refused by row, in German; read with the owner's choice, it imports as it is.
    const excel = Buffer.concat([
      Buffer.from('Artikel;Preis;Kategorie\r\nHeiße Schokolade ', 'latin1'),
      Buffer.from([0x80]),
      Buffer.from(';2,80;Getränke\r\n', 'latin1'),
    ]);
    const pick = () =>
      page
        .getByTestId('csv-import')
        .setInputFiles({ name: 'excel.csv', mimeType: 'text/csv', buffer: excel });
    await pick();
    await report.getByText('Diese Zeile ist kein UTF-8-Text').waitFor();
    await screenshotBoth(page, 'admin-products-import-not-utf8', { fullPage: true });
    await page.getByTestId('csv-encoding').selectOption('windows-1252');
    await pick();
    await report.getByText('1 neu, 0 geändert').waitFor();
    await page.locator('admin-products tr', { hasText: 'Heiße Schokolade €' }).waitFor();
    await screenshotBoth(page, 'admin-products-import-cp1252', { fullPage: true });
    await page.getByTestId('csv-encoding').selectOption('utf-8');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV exportieren' }).click(),
    ]);
    const chunks: Buffer[] = [];
    for await (const c of (await download.createReadStream()) as AsyncIterable<Buffer>)
      chunks.push(c);
    assert.match(Buffer.concat(chunks).toString('utf8'), /Limo Holunder/);
  });

  test('POS security: "Add my IP", save, and a per-row validation error', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'POS-Sicherheit' }).click();
    await page.getByTestId('current-ip').filter({ hasText: '127.0.0.1' }).waitFor();
    await page.getByTestId('whitelist-empty').waitFor();
    await page.getByRole('button', { name: 'Meine IP hinzufügen' }).click();
    await page.getByLabel('IP-Adresse 1').waitFor();
    assert.equal(await page.getByLabel('IP-Adresse 1').inputValue(), '127.0.0.1');
    await page.getByLabel('Standort / Name 1').fill('Tresen');
    // A second row with a bad address: the daemon's error lands on that row.
    await page.getByRole('button', { name: 'Zeile hinzufügen' }).click();
    await page.getByLabel('IP-Adresse 2').fill('300.1.2.3');
    await page.getByLabel('Standort / Name 2').fill('Tippfehler');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    const rowError = page.locator('admin-security [data-row="1"] [data-testid="row-error"]');
    await rowError.waitFor();
    assert.equal(await page.getByLabel('IP-Adresse 2').getAttribute('aria-invalid'), 'true');
    await screenshotBoth(page, 'admin-security-row-error');
    let saved = await d.get('/api/v1/admin/settings/pos-security', { admin: true });
    assert.deepEqual(saved.body.allowed_ips, [], 'nothing saved while a row is invalid');

    await page.getByRole('button', { name: 'Zeile 2 entfernen' }).click();
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await page.locator('admin-security [role="status"]', { hasText: 'Gespeichert' }).waitFor();
    saved = await d.get('/api/v1/admin/settings/pos-security', { admin: true });
    assert.deepEqual(saved.body.allowed_ips, [{ ip: '127.0.0.1', name: 'Tresen' }]);

    // The toggle saves on its own.
    await page.getByTestId('whitelist-toggle').check();
    await page.locator('admin-security [role="status"]', { hasText: 'Gespeichert' }).waitFor();
    saved = await d.get('/api/v1/admin/settings/pos-security', { admin: true });
    assert.equal(saved.body.enabled, true);
    await screenshotBoth(page, 'admin-security', { fullPage: true });
    await page.getByTestId('whitelist-toggle').uncheck();
    await page.waitForFunction(async () => {
      const r = await fetch('/api/v1/admin/settings/pos-security');
      return (await r.json()).enabled === false;
    });
  });

  test('employees: add one with a PIN (field error first), then switch PIN login on', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Mitarbeiter' }).click();
    const form = page.locator('admin-employees form.add');
    await form.getByLabel('Name').fill('Ben');
    await form.getByLabel('PIN (4–8 Ziffern)').fill('12');
    await form.getByRole('button', { name: 'Mitarbeiter anlegen' }).click();
    await form.locator('#emp-err-pin').waitFor();
    await form.getByLabel('PIN (4–8 Ziffern)').fill('2468');
    await form.getByRole('button', { name: 'Mitarbeiter anlegen' }).click();
    await page.locator('admin-employees tr', { hasText: 'PIN seit 0 Tagen' }).waitFor();
    const list = await d.get('/api/v1/admin/employees', { admin: true });
    assert.deepEqual(
      list.body.employees.map((e: { name: string }) => e.name),
      ['Ben'],
    );
    assert.ok(!JSON.stringify(list.body).includes('2468'), 'the PIN never comes back');
    await screenshotBoth(page, 'admin-employees', { fullPage: true });

    await page.getByRole('navigation').getByRole('link', { name: 'POS-Sicherheit' }).click();
    await page.getByTestId('pin-toggle').check();
    await page.getByText('PIN-Anmeldung ist in Kraft.').waitFor();
    const cashier = await d.get('/api/v1/terminals/e2e-any/cashier');
    assert.equal(cashier.body.required, true);
    await page.getByTestId('pin-toggle').uncheck();
    await page.getByText('PIN-Anmeldung ist nicht in Kraft', { exact: false }).waitFor();
    assert.equal((await d.get('/api/v1/terminals/e2e-any/cashier')).body.required, false);
  });

  test('sales page: a sale in the list, its detail and the day report chart', async () => {
    const cart = await d.post('/api/v1/terminals/e2e-report/cart/items', {
      barcode: (await d.get('/api/v1/products?q=Kaffee')).body.products[0].barcode,
    });
    assert.equal(cart.status, 200);
    const sale = await d.post('/api/v1/terminals/e2e-report/checkout', {
      provider: 'cash',
      idempotency_key: 'e2e-report-1',
      tendered_cents: 500,
    });
    assert.ok(sale.status < 300, sale.text);
    await page.getByRole('navigation').getByRole('link', { name: 'Verkäufe' }).click();
    const row = page.locator('admin-sales tbody tr', { hasText: 'e2e-report' });
    await row.waitFor();
    await row.getByRole('button').click();
    await page.getByTestId('sale-detail').filter({ hasText: 'Kaffee' }).waitFor();
    await page.getByTestId('hour-chart').locator('rect').first().waitFor();
    await page.getByTestId('report-total').filter({ hasText: '2,00' }).waitFor();
    await screenshotBoth(page, 'admin-sales', { fullPage: true });
  });

  test('providers page: availability and minimums', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Zahlungsarten' }).click();
    const card = page.locator('admin-providers tr[data-provider="fake_card"]');
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Verfügbar/);
    assert.match((await card.textContent()) ?? '', /1,00/);
    // SumUp is not set up here: the reason is translated by its code, not the daemon's words.
    const solo =
      (await page.locator('admin-providers tr[data-provider="sumup_solo"]').textContent()) ?? '';
    assert.match(solo, /Nicht verfügbar: SumUp-API-Schlüssel fehlt \(SUMUP_API_KEY\)/);
    assert.doesNotMatch(solo, /missing|Checking/);
    await screenshotBoth(page, 'admin-providers', { fullPage: true });
  });

  test('scanners page: a paired network scanner, renamed and unpaired', async () => {
    const secret = await d.get('/api/v1/scanner/pairing-secret?terminal_id=till-x');
    assert.equal(secret.status, 200, secret.text);
    const paired = await d.request('POST', '/api/v1/scanner/scan', {
      body: { barcode: secret.body.secret },
      headers: { 'x-scanner-secret': 'demo-scanner-secret', 'x-scanner-id': 'e2e-net-9' },
    });
    assert.ok(paired.status < 300, paired.text);
    await page.getByRole('navigation').getByRole('link', { name: 'Scanner' }).click();
    const row = page.locator('admin-scanners tr[data-scanner-id="e2e-net-9"]');
    await row.filter({ hasText: 'till-x' }).waitFor();
    await row.getByLabel('Name e2e-net-9').fill('Tresen links');
    await row.getByLabel('Name e2e-net-9').press('Tab');
    await page.locator('admin-scanners [role="status"]', { hasText: 'Tresen links' }).waitFor();
    await screenshotBoth(page, 'admin-scanners', { fullPage: true });
    await row.getByRole('button', { name: /Kopplung lösen/ }).click();
    await row.filter({ hasText: 'Standardkasse' }).waitFor();
    const list = await d.get('/api/v1/scanners', { admin: true });
    const s = list.body.scanners.find((x: { id: string }) => x.id === 'e2e-net-9');
    assert.equal(s.name, 'Tresen links');
    assert.equal(s.terminal_id, null);
    assert.deepEqual(pageErrors(page), []);
  });
});
