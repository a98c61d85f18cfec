/**
 * The club-kiosk sale of issue 15 ("done when"), in real Chromium at 800x480 in German: a beer
 * with its deposit and a sausage from the quick keys, an open-price item, the 10 % staff
 * discount (a preset the owner set up in admin), a deposit return; paid in cash. Receipt (JSON and page), X report (API
 * and the admin page) and the sales CSV are checked to the cent; every tap is counted. Then a
 * pure deposit return is paid out in cash. Screenshots: test-artifacts/club-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import type { Product, Sale } from '../../daemon/protocol.js';
import { parseCsv } from '../../daemon/core/csv.js';
import { SALES_COLUMNS } from '../../daemon/exports/index.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let d: TestDaemon;
let browser: Browser;

before(async () => {
  d = await startDaemon();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

const product = async (q: string) =>
  (await d.get<{ products: Product[] }>(`/api/v1/products?q=${encodeURIComponent(q)}`)).body
    .products[0];

const cartLine = (page: Page, name: string) => page.locator('pos-cart li', { hasText: name });

test('club kiosk: beer with deposit, sausage, open price, 10 % staff, deposit return — to the cent', async () => {
  // The owner's set-up (admin API): a deposit product on the beer, the staff preset.
  const pfand = await d.post<Product>(
    '/api/v1/products',
    { name: 'Pfand 0,25', price_cents: 25, vat_rate: 19 },
    { admin: true },
  );
  assert.equal(pfand.status, 201, pfand.text);
  const beer = await product('Bier 0,5 l');
  const set = await d.request('PATCH', `/api/v1/products/${beer.id}`, {
    admin: true,
    body: { deposit_product_id: pfand.body.id },
  });
  assert.equal(set.status, 200, set.text);
  // The staff preset, set up in admin (Kategorien & Schnelltasten → Rabatt-Vorlagen).
  const owner = await openPage(browser, `${d.url}/admin#categories`, SIZES.large);
  await owner.page.getByLabel('Admin-Token').fill('demo-admin-token');
  await owner.page.getByLabel('Admin-Token').press('Enter');
  await owner.page.getByRole('button', { name: 'Vorlage hinzufügen' }).click();
  await owner.page
    .locator('admin-discounts li[data-preset="0"]')
    .getByLabel('Name')
    .fill('Personal');
  await owner.page.getByTestId('discounts-save').click();
  await owner.page.getByRole('status').filter({ hasText: 'Rabatte gespeichert' }).waitFor();
  await screenshot(owner.page, 'club-admin-discounts-1280x800', { fullPage: true });
  await owner.context.close();
  assert.deepEqual((await d.get('/api/v1/admin/settings/discounts', { admin: true })).body, {
    presets: [{ id: 'personal', name: 'Personal', percent: 10, amount_cents: null, cart: true }],
    manager_above_percent: null,
  });

  const { context, page } = await openPage(browser, `${d.url}/pos?terminal=club`, SIZES.small);
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  await page.locator('pos-picker button.tile').first().waitFor();
  await page.getByTestId('deposit-return').waitFor();
  let taps = 0;
  const tap = async (l: Locator) => {
    taps++;
    await l.click();
  };
  const tile = (name: string) =>
    page.locator('pos-picker button.tile', { has: page.locator('.n', { hasText: name }) });

  // Quick keys (shown at start): one tap each; the beer brings its deposit.
  await tap(tile('Bratwurst im Brötchen'));
  await cartLine(page, 'Bratwurst').waitFor();
  await tap(tile('Bier 0,5 l'));
  await cartLine(page, 'Pfand 0,25').filter({ hasText: 'Pfand' }).waitFor();

  // Open price: 2,50 € at 7 %.
  await tap(page.getByTestId('open-price'));
  const open = page.locator('pos-open-price-dialog dialog[open]');
  await open.waitFor();
  for (const k of ['2', '5', '0']) await tap(open.locator(`button[data-key="${k}"]`));
  await tap(open.locator('button[data-rate="7"]'));
  await tap(page.getByTestId('open-confirm'));
  await cartLine(page, 'Freier Betrag').waitFor();

  // 10 % staff discount on the whole purchase: the preset.
  await tap(page.getByTestId('discount-open'));
  const disc = page.locator('pos-discount-dialog dialog[open]');
  await disc.waitFor();
  await screenshot(page, 'club-discount-dialog-800x480');
  await tap(disc.locator('button[data-preset="personal"]'));
  await page.getByTestId('cart-total').filter({ hasText: '9,07' }).waitFor();

  // One tap: a bottle comes back.
  await tap(page.getByTestId('deposit-return'));
  await page.getByTestId('cart-total').filter({ hasText: '8,82' }).waitFor();
  await cartLine(page, 'Pfand zurück').waitFor();
  await screenshot(page, 'club-cart-800x480');

  // Cash, exact.
  await tap(page.locator('pos-pay-bar button[data-provider="cash"]'));
  const cash = page.locator('pos-cash-dialog dialog[open]');
  await cash.waitFor();
  await tap(cash.locator('button[data-note="exact"]'));
  await tap(page.getByTestId('cash-confirm'));
  await page.getByTestId('receipt-qr').waitFor();
  await screenshot(page, 'club-paid-800x480');
  const saleTaps = taps;
  assert.ok(saleTaps <= 14, `the sale took ${saleTaps} taps`);

  // The sale: 380+350+25+250-25 = 980, less 10 % of 980 (products and open price) = 98.
  const sales = (await d.get<{ sales: Sale[] }>('/api/v1/sales?terminal_id=club', { admin: true }))
    .body;
  const list: Sale[] = Array.isArray(sales) ? sales : sales.sales;
  const sale = list.find((s) => s.terminal_id === 'club' && s.state === 'succeeded')!;
  assert.ok(sale, 'the sale is booked');
  assert.equal(sale.total_cents, 882);
  assert.equal(sale.discount_cents, 98);
  assert.deepEqual(
    sale.lines.map((l) => [l.name, l.kind ?? 'product', l.line_total_cents, l.discount_cents ?? 0]),
    [
      ['Bratwurst im Brötchen', 'product', 380, 38],
      ['Bier 0,5 l', 'product', 350, 35],
      ['Pfand 0,25', 'deposit', 25, 0],
      ['Freier Betrag', 'product', 250, 25],
      ['Pfand 0,25', 'deposit_return', -25, 0],
    ],
  );
  // VAT on discounted amounts: 19 % on 315+25-25 = 315 → 50; 7 % on 342+225 = 567 → 37.
  const receipt = (await d.get(`/api/v1/sales/${sale.id}/receipt`)).body.receipt;
  assert.deepEqual(
    receipt.vat.map((v: any) => [v.rate, v.gross_cents, v.net_cents, v.vat_cents]),
    [
      [19, 315, 265, 50],
      [7, 567, 530, 37],
    ],
  );
  assert.equal(receipt.total_cents, 882);
  // The receipt page (the QR code's target) at the till's size.
  await page.goto(`${d.url}${new URL(receipt.url, d.url).pathname}`);
  const text = await page.locator('body').innerText();
  for (const want of ['Bratwurst im Brötchen', 'Rabatt', '-0,38', '3,42', 'Pfand zurück', '8,82'])
    assert.ok(text.includes(want), `receipt page shows ${want}`);
  await screenshot(page, 'club-receipt-page-800x480', { fullPage: true });

  // X report: API and the admin page.
  const x = (await d.get('/api/v1/closing/x', { admin: true })).body;
  assert.equal(x.sales_total_cents, 882);
  assert.equal(x.discounts_cents, 98);
  assert.deepEqual(x.deposits, {
    sold_count: 1,
    sold_cents: 25,
    returned_count: 1,
    returned_cents: 25,
  });
  assert.deepEqual(
    x.vat.map((v: any) => [v.rate, v.gross_cents, v.net_cents, v.vat_cents]),
    [
      [19, 315, 265, 50],
      [7, 567, 530, 37],
    ],
  );
  const adminPage = await openPage(browser, `${d.url}/admin#closing`, SIZES.small);
  await adminPage.page.getByLabel('Admin-Token').fill('demo-admin-token');
  await adminPage.page.getByLabel('Admin-Token').press('Enter');
  await adminPage.page.getByTestId('x-discounts').filter({ hasText: '-0,98' }).waitFor();
  await screenshot(adminPage.page, 'club-x-report-800x480', { fullPage: true });
  const xText = (await adminPage.page.locator('admin-closing table').allInnerTexts()).join('\n');
  for (const want of [
    '8,82',
    '2,65',
    '0,50',
    '3,15',
    '5,30',
    '0,37',
    '5,67',
    'Pfand ausgegeben (1)',
  ])
    assert.ok(xText.includes(want), `X report page shows ${want}`);
  await screenshot(adminPage.page, 'club-x-report-800x480', { fullPage: true });
  await adminPage.context.close();

  // Sales CSV.
  const day = d.shopDay(sale.created_at);
  const csv = await d.get(`/api/v1/admin/exports/sales.csv?from=${day}&to=${day}`, {
    admin: true,
  });
  const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
  const col = (row: string[], name: (typeof SALES_COLUMNS)[number]) =>
    row[SALES_COLUMNS.indexOf(name)];
  assert.deepEqual(
    rows
      .slice(1)
      .filter((r) => r.length > 1)
      .map((r) => [
        col(r, 'name'),
        col(r, 'line_total_cents'),
        col(r, 'discount_cents'),
        col(r, 'paid_cents'),
        col(r, 'vat_rate'),
        col(r, 'line_kind'),
        col(r, 'document_total_cents'),
      ]),
    [
      ['Bratwurst im Brötchen', '380', '38', '342', '7', 'product', '882'],
      ['Bier 0,5 l', '350', '35', '315', '19', 'product', '882'],
      ['Pfand 0,25', '25', '0', '25', '19', 'deposit', '882'],
      ['Freier Betrag', '250', '25', '225', '7', 'open_price', '882'],
      ['Pfand 0,25', '-25', '0', '-25', '19', 'deposit_return', '882'],
    ],
  );
  assert.deepEqual(pageErrors(page), []);
  await context.close();
  console.log(`# club-kiosk sale: ${saleTaps} taps`);
});

test('a pure deposit return is paid out in cash at the till', async () => {
  const { context, page } = await openPage(browser, `${d.url}/pos?terminal=club2`, SIZES.small);
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  const ret = page.getByTestId('deposit-return');
  await ret.click();
  await ret.click();
  await page.getByTestId('cart-total').filter({ hasText: '-0,50' }).waitFor();
  // Card cannot pay out; cash says "Auszahlen".
  await page.getByTestId('payout-hint').waitFor();
  assert.equal(
    await page.locator('pos-pay-bar button[data-provider="fake_card"]').isDisabled(),
    true,
  );
  await screenshot(page, 'club-payout-800x480');
  await page.locator('pos-pay-bar button[data-provider="cash"]').click();
  await page.getByTestId('result-change').filter({ hasText: '0,50' }).waitFor();
  await screenshot(page, 'club-payout-done-800x480');
  const x = (await d.get('/api/v1/closing/x', { admin: true })).body;
  assert.equal(x.sales_total_cents, 882 - 50);
  assert.equal(x.deposits.returned_count, 3);
  assert.deepEqual(pageErrors(page), []);
  await context.close();
});

test('a manager voids the last sale at the till and sees its receipt again', async () => {
  const { context, page } = await openPage(browser, `${d.url}/pos?terminal=club`, SIZES.small);
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  await page.getByTestId('till-sales').click();
  const dialog = page.locator('pos-sales-dialog dialog[open]');
  await dialog.waitFor();
  const first = dialog.locator('li').first();
  await first.filter({ hasText: '8,82' }).waitFor();
  // No printer here: the receipt comes back as its QR code.
  await first.getByTestId('till-receipt-again').click();
  await page.getByTestId('till-receipt').filter({ hasText: 'Beleg Nr. 1' }).waitFor();
  await first.getByTestId('till-void').click();
  await first.getByTestId('till-void').filter({ hasText: 'Wirklich stornieren?' }).waitFor();
  await screenshot(page, 'club-void-confirm-800x480');
  await first.getByTestId('till-void').click();
  await page.getByTestId('till-notice').filter({ hasText: 'storniert' }).waitFor();
  await screenshot(page, 'club-voided-800x480');
  const sale = (await d.get('/api/v1/terminals/club/sales')).body.sales[0] as Sale;
  const refunds = (await d.get(`/api/v1/sales/${sale.id}/refunds`)).body;
  assert.equal(refunds.refunds.length, 1);
  assert.equal(refunds.refunds[0].total_cents, 882);
  assert.equal(refunds.refunds[0].method, 'cash');
  const x = (await d.get('/api/v1/closing/x', { admin: true })).body;
  assert.equal(x.refunds_total_cents, 882);
  // VAT goes back with the refund: the sale's rows minus themselves, the payout's -0,50 left.
  assert.deepEqual(
    x.vat.map((v: any) => [v.rate, v.gross_cents]),
    [
      [19, -50],
      [7, 0],
    ],
  );
  assert.deepEqual(pageErrors(page), []);
  await context.close();
});

test('a manager (PIN login) refunds 2 of 6 beers at the till; their deposits come back too', async () => {
  // The sale: 6 × beer with deposit and a sausage, paid in cash (before PIN login is in force).
  const beer = await product('Bier 0,5 l');
  const wurst = await product('Bratwurst im Brötchen');
  const cart = '/api/v1/terminals/club4/cart/items';
  assert.equal((await d.post(cart, { product_id: beer.id, quantity: 6 })).status, 200);
  assert.equal((await d.post(cart, { product_id: wurst.id })).status, 200);
  const paid = await d.post<Sale>('/api/v1/terminals/club4/checkout', {
    provider: 'cash',
    idempotency_key: 'club4-sale-0001',
    tendered_cents: 3000,
  });
  assert.equal(paid.status, 201, paid.text);
  assert.deepEqual(
    paid.body.lines.map((l) => [l.name, l.quantity, l.line_total_cents]),
    [
      ['Bier 0,5 l', 6, 2100],
      ['Pfand 0,25', 6, 150],
      ['Bratwurst im Brötchen', 1, 380],
    ],
  );
  const mo = await d.post(
    '/api/v1/admin/employees',
    { name: 'Mo', pin: '5813', role: 'manager' },
    { admin: true },
  );
  assert.equal(mo.status, 201, mo.text);
  const pinLogin = (on: boolean) =>
    d.request('PUT', '/api/v1/admin/settings/pos-security', {
      body: { pin_login_enabled: on },
      admin: true,
    });
  assert.equal((await pinLogin(true)).status, 200);
  try {
    const { context, page } = await openPage(browser, `${d.url}/pos?terminal=club4`, SIZES.small);
    const pad = page.locator('pos-pin-login');
    await pad.getByRole('button', { name: 'Mo' }).click();
    for (const k of '5813') await pad.locator(`[data-digit="${k}"]`).click();
    await pad.getByRole('button', { name: 'Anmelden' }).click();
    await pad.waitFor({ state: 'detached' });
    await page.getByTestId('till-sales').click();
    const dialog = page.locator('pos-sales-dialog dialog[open]');
    const row = dialog.locator('li[data-sale]').first();
    await row.filter({ hasText: '26,30' }).waitFor();
    await row.getByTestId('till-partial').click();
    const beerRow = row.locator('pos-refund-lines li', { hasText: 'Bier 0,5 l' });
    await beerRow.filter({ hasText: '0 von 6 erstattet' }).waitFor();
    // The deposit is not offered on its own: it follows the beer.
    assert.equal(await row.locator('pos-refund-lines li', { hasText: 'Pfand' }).count(), 0);
    await beerRow.getByRole('button', { name: 'Einen mehr erstatten: Bier 0,5 l' }).click();
    await beerRow.getByTestId('refund-qty').filter({ hasText: '2' }).waitFor();
    await screenshot(page, 'club-refund-part-800x480');
    await beerRow.getByTestId('refund-part').click();
    await page
      .getByTestId('till-notice')
      .filter({ hasText: '2 × Bier 0,5 l erstattet: 7,50 € zurück wie bezahlt.' })
      .waitFor();
    await beerRow.filter({ hasText: '2 von 6 erstattet' }).waitFor();
    await screenshot(page, 'club-refund-part-done-800x480');
    const refunds = (await d.get(`/api/v1/sales/${paid.body.id}/refunds`, { admin: true })).body;
    assert.deepEqual(
      refunds.refunds.map((r: any) => [
        r.by,
        r.method,
        r.total_cents,
        r.lines.map((l: any) => [l.name, l.quantity, l.line_total_cents]),
      ]),
      [
        [
          'Mo',
          'cash',
          750,
          [
            ['Bier 0,5 l', 2, 700],
            ['Pfand 0,25', 2, 50],
          ],
        ],
      ],
    );
    assert.deepEqual(refunds.refunded_quantities, { 0: 2, 1: 2 });
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  } finally {
    await pinLogin(false);
  }
});

test('an unknown barcode: "Artikel anlegen" opens the product form with the barcode filled in', async () => {
  const { context, page } = await openPage(browser, `${d.url}/pos?terminal=club3`, SIZES.small);
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  const entry = page.getByLabel('Artikel suchen oder Barcode eingeben');
  await entry.fill('4006381333931');
  await entry.press('Enter');
  await page.getByTestId('unknown-banner').waitFor();
  await screenshot(page, 'club-unknown-create-800x480');
  await page.getByTestId('create-product').click();
  await page.getByLabel('Admin-Token').fill('demo-admin-token');
  await page.getByLabel('Admin-Token').press('Enter');
  const form = page.locator('admin-product-form');
  await form.getByLabel('Barcode').waitFor();
  assert.equal(await form.getByLabel('Barcode').inputValue(), '4006381333931');
  await screenshot(page, 'club-create-product-800x480');
  await context.close();
});
