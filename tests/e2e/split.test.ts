/**
 * Split payment, tips and vouchers at the till in real Chromium (800x480, German) against the
 * real daemon: a voucher part, a demo-card part with a 10 % tip, the rest in cash with
 * "Stimmt so"; then a partly paid sale abandoned with the cash to pay back shown.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';
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

async function openPos(terminal: string) {
  const { context, page } = await openPage(
    browser,
    `${d.url}/pos?terminal=${encodeURIComponent(terminal)}`,
    SIZES.small,
  );
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  return { context, page };
}

describe('/pos split payment', () => {
  test('voucher part, card part with a tip, cash rest with "Stimmt so"', async () => {
    // A 10,00 € voucher sold (and paid) earlier at another till.
    await addItem(d, 'e2e-vsell', { voucher: { amount_cents: 1000 } });
    const sold = await d.post('/api/v1/terminals/e2e-vsell/checkout', {
      provider: 'cash',
      idempotency_key: newKey(),
    });
    const code: string = sold.body.lines[0].voucher_code;
    const p = await makeProduct(d, { name: 'Festmenü', price_cents: 2500 });

    const { context, page } = await openPos('e2e-split');
    await addItem(d, 'e2e-split', { product_id: p.id });
    await page.getByTestId('cart-total').filter({ hasText: '25,00' }).waitFor();

    // 1. Voucher: the pay bar's "Gutschein" asks for the code; the voucher pays its 10,00.
    await page.locator('pos-pay-bar button[data-provider="voucher"]').click();
    const dialog = page.locator('pos-split-dialog');
    await dialog.getByText('Teilbetrag bezahlen').waitFor();
    await dialog.getByTestId('split-amount').fill('10,00');
    await dialog.getByTestId('split-code').fill(code);
    await dialog.getByTestId('split-confirm').click();
    const open = page.locator('pos-payment-screen [data-state="open"]');
    await open.waitFor();
    await page.getByTestId('sale-paid').filter({ hasText: '10,00' }).waitFor();
    await page.getByTestId('sale-remaining').filter({ hasText: '15,00' }).waitFor();

    // 2. Demo card, 10,00 with a 10 % tip: the card is charged 11,00.
    await page.getByTestId('pay-more').click();
    await dialog.locator('button[data-method="fake_card"]').click();
    await dialog.getByTestId('split-amount').fill('10,00');
    await dialog.locator('button[data-tip="10"]').click();
    await dialog.getByTestId('split-charge').filter({ hasText: '11,00' }).waitFor();
    await screenshot(page, 'pos-split-tip-800x480');
    await dialog.getByTestId('split-confirm').click();
    await page.getByTestId('sale-remaining').filter({ hasText: '5,00' }).waitFor();
    await screenshot(page, 'pos-split-open-800x480');

    // 3. Cash: 5,50 given for 5,00, "Stimmt so": 0,50 tip, no change.
    await page.getByTestId('pay-more').click();
    await dialog.locator('button[data-method="cash"]').click();
    await dialog.getByTestId('split-given').fill('5,50');
    await dialog.getByTestId('split-keep').check();
    await dialog.getByTestId('split-charge').filter({ hasText: '5,50' }).waitFor();
    await dialog.getByTestId('split-confirm').click();
    await page.locator('pos-payment-screen [data-state="succeeded"]').waitFor();
    await page
      .getByTestId('sale-parts')
      .getByText(/Gutschein/)
      .waitFor();
    await page.getByTestId('receipt-qr').waitFor();
    await screenshot(page, 'pos-split-succeeded-800x480');

    const sales = (await d.get('/api/v1/sales', { admin: true })).body.sales;
    const sale = sales.find((s: any) => s.terminal_id === 'e2e-split');
    assert.deepEqual(
      sale.payments.map((x: any) => [x.provider, x.amount_cents, x.tip_cents, x.state]),
      [
        ['voucher', 1000, 0, 'succeeded'],
        ['fake_card', 1000, 100, 'succeeded'],
        ['cash', 500, 50, 'succeeded'],
      ],
    );
    assert.deepEqual([sale.state, sale.tip_cents, sale.total_cents], ['succeeded', 150, 2500]);
    assert.equal((await d.get(`/api/v1/vouchers/${code}`)).body.state, 'used_up');
    assert.deepEqual(pageErrors(page), []);
    await context.close();

    // The admin's voucher list: the voucher used up, nothing outstanding.
    const admin = await openPage(browser, `${d.url}/admin#vouchers`, SIZES.small);
    await admin.page.getByLabel('Admin-Token').fill(ADMIN);
    await admin.page.getByRole('button', { name: 'Anmelden' }).click();
    const row = admin.page.locator(`admin-vouchers tr[data-code="${code}"]`);
    await row.getByText('Aufgebraucht').waitFor();
    await admin.page.getByTestId('vouchers-outstanding').getByText('0,00').waitFor();
    await screenshot(admin.page, 'admin-vouchers-800x480');
    await admin.context.close();
  });

  test('a partly paid sale abandoned: the cash part is shown as to pay back, the cart stays', async () => {
    const p = await makeProduct(d, { name: 'Abbruch-Artikel', price_cents: 800 });
    const { context, page } = await openPos('e2e-abandon');
    await addItem(d, 'e2e-abandon', { product_id: p.id });
    await page.getByTestId('cart-total').filter({ hasText: '8,00' }).waitFor();
    await page.getByTestId('split-open').click();
    const dialog = page.locator('pos-split-dialog');
    await dialog.locator('button[data-method="cash"]').click();
    await dialog.getByTestId('split-amount').fill('3,00');
    await dialog.getByTestId('split-confirm').click();
    await page.getByTestId('sale-remaining').filter({ hasText: '5,00' }).waitFor();
    await page.getByTestId('abandon').click();
    await page.locator('pos-payment-screen [data-state="cancelled"]').waitFor();
    await page.getByTestId('pay-back-cash').filter({ hasText: '3,00' }).waitFor();
    await page.getByText('Verkauf abgebrochen, Teilbeträge zurückgezahlt.').waitFor();
    await screenshot(page, 'pos-split-abandoned-800x480');
    await page.locator('pos-payment-screen').getByRole('button', { name: 'OK' }).click();
    await page.getByTestId('cart-total').filter({ hasText: '8,00' }).waitFor();
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
