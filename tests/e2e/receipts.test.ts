/**
 * The public receipt page in real Chromium, as a customer's phone opens it from the QR code
 * printed on (and shown for) a cash sale: it renders the receipt, prints cleanly (the Print
 * button hides in print media), runs no blocked script, and shows no POS data besides it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { ADMIN_TOKEN, product, sell, startShop, type Shop } from '../helpers/shop-ops.js';
import { launchBrowser, openPage, pageErrors, screenshot } from './support.js';

let shop: Shop;
let browser: Browser;

before(async () => {
  shop = await startShop();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await shop?.d.stop();
});

test('the QR code of a printed cash receipt opens the receipt page in Chromium', async () => {
  const { d, dev } = shop;
  await d.request('PUT', '/api/v1/admin/settings/receipts', {
    admin: ADMIN_TOKEN,
    body: { shop_name: 'Kiosk Süd', address_lines: ['Hauptstr. 1', '12345 Berlin'] },
  });
  await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
  await product(d, { barcode: '4002', name: 'Brezel', price_cents: 120, vat_rate: 7 });
  const sale = await sell(
    d,
    [
      ['4001', 2],
      ['4002', 1],
    ],
    'cash',
    1000,
  );
  const qr = decodeEscPos(dev.bytes()).ops.find((o) => o.op === 'qr') as { data: string };
  const url = new URL(qr.data);
  const csp: string[] = [];
  const { context, page } = await openPage(browser, `${d.url}${url.pathname}`, {
    width: 390,
    height: 844,
  });
  try {
    page.on('console', (m) => m.text().includes('Content Security Policy') && csp.push(m.text()));
    await page.locator('h1').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Kiosk Süd');
    const body = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    // German, as the shop is: dd.mm.yyyy in TIMEZONE, money as 6,20 €, VAT per rate.
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    assert.match(body, new RegExp(`Beleg Nr\\. ${sale.number}`));
    assert.match(body, /\b\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}/);
    assert.match(body, /Kasse 1/);
    assert.match(body, /Apfelschorle/);
    assert.match(body, /Summe 6,20 €/);
    assert.match(body, /Bar 6,20/);
    assert.match(body, /Gegeben 10,00 Rückgeld 3,80/);
    assert.match(body, /Satz Netto MwSt\. Brutto/);
    assert.match(body, /19 % 4,20 0,80 5,00/);
    assert.match(body, /Vielen Dank für Ihren Besuch!/);
    for (const english of ['Receipt', 'Total', 'Change', 'Given', 'VAT', 'Till', 'Cash', 'Print'])
      assert.doesNotMatch(body, new RegExp(`\\b${english}\\b`), english);
    assert.equal(await page.locator('a').count(), 0, 'no links into the POS');
    assert.ok(await page.locator('button').isVisible());
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('button').isVisible(), false, 'Print button hidden on paper');
    await page.emulateMedia({ media: 'screen' });
    await screenshot(page, 'receipt-page-390x844');
    await page.setViewportSize({ width: 800, height: 480 });
    await screenshot(page, 'receipt-page-800x480');
    assert.deepEqual(pageErrors(page), []);
    assert.deepEqual(csp, []);
  } finally {
    await context.close();
  }
});
