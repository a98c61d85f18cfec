/**
 * Issue 16 (pay3) in real Chromium at 800x480, German, against the real daemon: a split sale
 * (voucher + cash) refunded on the admin sale page shows what went back per part; a voucher
 * whose sale was refunded shows as "Storniert" in the voucher list; the owner's tip presets
 * (admin settings) are the buttons of the till's tip step, and switching the step off hides it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
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

const pay = (terminal: string, body: object) =>
  d.post<any>(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });

async function sellVoucher(cents: number): Promise<{ code: string; saleId: string }> {
  const cart = await addItem(d, 'e2e-vsell', { voucher: { amount_cents: cents } });
  const code = (cart.body as any).lines.at(-1).voucher_code;
  const sale = await pay('e2e-vsell', { provider: 'cash' });
  assert.equal(sale.body.state, 'succeeded', sale.text);
  return { code, saleId: sale.body.id };
}

async function adminAt(hash: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const { context, page } = await openPage(browser, `${d.url}/admin#${hash}`, SIZES.small);
  await page.getByLabel('Admin-Token').fill('demo-admin-token');
  await page.getByLabel('Admin-Token').press('Enter');
  return { page, close: () => context.close() };
}

describe('refunds per part and voided vouchers (admin, 800x480)', () => {
  test('a voucher + cash sale refunded on the sale page: cash and voucher parts listed; a refunded voucher is "Storniert"', async () => {
    const unused = await sellVoucher(1500);
    const paying = await sellVoucher(2000);
    const p = await makeProduct(d, { name: 'Festmenü', price_cents: 3000 });
    await addItem(d, 'e2e-refund', { product_id: p.id });
    await pay('e2e-refund', { provider: 'voucher', voucher_code: paying.code });
    const sale = await pay('e2e-refund', { provider: 'cash' });
    assert.equal(sale.body.state, 'succeeded', sale.text);
    // The voucher sold alone is taken back (through the API; the page shows its state).
    const back = await d.post(
      `/api/v1/sales/${unused.saleId}/refunds`,
      { reason: 'Gutschein zurückgegeben', idempotency_key: randomUUID() },
      { admin: true },
    );
    assert.equal(back.status, 201, back.text);

    const { page, close } = await adminAt('sales');
    try {
      const row = page.locator('admin-sales tbody tr', { hasText: 'e2e-refund' });
      await row.waitFor();
      await row.getByRole('button').click();
      const box = page.getByTestId('refund-box');
      await box.getByLabel('Grund der Erstattung').fill('Reklamation');
      await box.getByRole('button', { name: 'Ganzen Verkauf erstatten' }).click();
      const result = page.getByTestId('refund-result');
      await result.filter({ hasText: 'Je Zahlung zurück' }).waitFor();
      const text = (await result.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /bar 10,00 €/, text);
      assert.match(text, new RegExp(`auf Gutschein ${paying.code} 20,00 €`), text);
      await screenshot(page, 'admin-refund-split-800x480', { fullPage: true });

      await page.getByRole('navigation').getByRole('link', { name: 'Gutscheine' }).click();
      const voided = page.locator('admin-vouchers tr', { hasText: unused.code });
      await voided.filter({ hasText: 'Storniert' }).waitFor();
      // The voucher that paid is back to its full 20,00 and redeemable again.
      const restored = page.locator('admin-vouchers tr', { hasText: paying.code });
      await restored.filter({ hasText: 'Einlösbar' }).waitFor();
      assert.match((await restored.innerText()).replace(/\s+/g, ' '), /20,00/);
      await screenshot(page, 'admin-vouchers-voided-800x480', { fullPage: true });
      assert.deepEqual(pageErrors(page), []);
    } finally {
      await close();
    }
  });
});

describe('tip presets from the settings (admin and till, 800x480)', () => {
  test('owner sets 12,5 % and 2,00 €; the till offers them; switched off, no tip step', async () => {
    const owner = await adminAt('settings');
    try {
      const tips = owner.page.locator('admin-tips');
      await tips.getByTestId('tips-percents').fill('12,5; 20');
      await tips.getByTestId('tips-amounts').fill('2,00');
      await tips.getByTestId('tips-save').click();
      await tips
        .getByRole('status')
        .filter({ hasText: 'Trinkgeld-Einstellungen gespeichert' })
        .waitFor();
      await screenshot(owner.page, 'admin-tips-800x480', { fullPage: true });
      // A bad preset is refused in German, nothing stored.
      await tips.getByTestId('tips-percents').fill('0');
      await tips.getByTestId('tips-save').click();
      await tips.getByRole('alert').filter({ hasText: 'Trinkgeld-Vorschläge' }).waitFor();
      assert.deepEqual((await d.get<any>('/api/v1/tips')).body.percents, [12.5, 20]);
    } finally {
      await owner.close();
    }

    const p = await makeProduct(d, { name: 'Kuchen', price_cents: 1000 });
    await addItem(d, 'e2e-tips', { product_id: p.id });
    const { context, page } = await openPage(
      browser,
      `${d.url}/pos?terminal=e2e-tips`,
      SIZES.small,
    );
    try {
      await page.locator('pos-status-dot [data-state="connected"]').waitFor();
      await page.getByTestId('cart-total').filter({ hasText: '10,00' }).waitFor();
      await page.getByTestId('split-open').click();
      const dialog = page.locator('pos-split-dialog');
      await dialog.locator('button[data-method="fake_card"]').click();
      await dialog
        .locator('button[data-tip="12.5"]')
        .filter({ hasText: '12,5 % · 1,25 €' })
        .waitFor();
      await dialog.locator('button[data-tip="20"]').waitFor();
      assert.equal(await dialog.locator('button[data-tip="10"]').count(), 0, 'old preset gone');
      await dialog.locator('button[data-tip-amount="200"]').click();
      await dialog.getByTestId('split-charge').filter({ hasText: '12,00' }).waitFor();
      await screenshot(page, 'pos-tip-presets-800x480');
      await dialog.getByRole('button', { name: 'Abbrechen' }).click();
      await context.close();

      // Switched off in the settings: a freshly opened till offers no tip step.
      const off = await d.request('PUT', '/api/v1/admin/settings/tips', {
        admin: true,
        body: { enabled: false },
      });
      assert.equal(off.status, 200, off.text);
      const again = await openPage(browser, `${d.url}/pos?terminal=e2e-tips`, SIZES.small);
      await again.page.locator('pos-status-dot [data-state="connected"]').waitFor();
      await again.page.getByTestId('split-open').click();
      const d2 = again.page.locator('pos-split-dialog');
      await d2.locator('button[data-method="fake_card"]').click();
      await d2.getByTestId('split-amount').waitFor();
      assert.equal(await d2.locator('.tips').count(), 0, 'no tip step');
      await d2.locator('button[data-method="cash"]').click();
      await d2.getByTestId('split-given').waitFor();
      assert.equal(await d2.getByTestId('split-keep').count(), 0, 'no "Stimmt so"');
      await screenshot(again.page, 'pos-tips-off-800x480');
      await again.context.close();
    } finally {
      await context.close().catch(() => {});
    }
  });
});
