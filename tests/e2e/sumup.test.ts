/**
 * SumUp in real Chromium: the till pays on a Solo (fake SumUp server, manual card holder),
 * cancels one, and shows the Tap to Pay QR code and app-switch button whose callback the
 * "phone" (this test) then opens.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ADMIN } from '../helpers/daemon.js';
import { startRig, type SumUpRig } from '../helpers/sumup.js';
import { launchBrowser, openPage, pageErrors, screenshotBoth, SIZES } from './support.js';

let rig: SumUpRig;
let browser: Browser;

before(async () => {
  rig = await startRig({
    env: {
      SUMUP_AFFILIATE_KEY: 'aff-key-e2e',
      SUMUP_APP_ID: 'com.example.pos',
      SUMUP_POLL_MS: '200',
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

async function openPos(terminal: string) {
  const { context, page } = await openPage(
    browser,
    `${rig.d.url}/pos?terminal=${terminal}`,
    SIZES.small,
  );
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  await page.locator('pos-pay-bar button[data-provider="sumup_solo"]').waitFor();
  return { context, page };
}

describe('/pos with SumUp', () => {
  test('Solo: waiting screen, the card is approved on the reader, success shown', async () => {
    const { context, page } = await openPos('e2e-solo');
    await page
      .getByRole('button', { name: /Bier 0,5 l/ })
      .first()
      .click();
    await page.locator('pos-pay-bar button[data-provider="sumup_solo"]').click();
    await page.locator('pos-payment-screen [data-state="pending"]').waitFor();
    await screenshotBoth(page, 'pos-sumup-solo-waiting');
    await rig.fake.present(rig.readerId, 'approve');
    await page.locator('pos-payment-screen [data-state="succeeded"]').waitFor();
    await screenshotBoth(page, 'pos-sumup-solo-paid');
    const report = await rig.d.get('/api/v1/reports/daily', { admin: true });
    const row = report.body.by_provider.find(
      (p: { provider: string }) => p.provider === 'sumup_solo',
    );
    assert.equal(row.count, 1);
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('Solo: cancel on the till ends cancelled once the reader confirms', async () => {
    const { context, page } = await openPos('e2e-solo-cancel');
    await page
      .getByRole('button', { name: /Brezel/ })
      .first()
      .click();
    await page.locator('pos-pay-bar button[data-provider="sumup_solo"]').click();
    await page.locator('pos-payment-screen [data-state="pending"]').waitFor();
    await page.locator('pos-payment-screen button.danger').click();
    await page.locator('pos-payment-screen [data-state="cancelled"]').waitFor();
    assert.equal([...rig.fake.checkouts.values()].at(-1)!.status, 'failed');
    await context.close();
  });

  test('Tap to Pay: QR code and app-switch button; the phone callback settles the sale', async () => {
    const { context, page } = await openPos('e2e-tap');
    await page
      .getByRole('button', { name: /Bier 0,5 l/ })
      .first()
      .click();
    await page.locator('pos-pay-bar button[data-provider="sumup_tap"]').click();
    const screen = page.locator('pos-payment-screen [data-state="pending"]');
    await screen.locator('img.qr').waitFor();
    // The till is on 127.0.0.1: the daemon warns that a phone cannot call that back.
    await screen
      .locator('[data-testid="payment-warning"]')
      .filter({ hasText: 'PUBLIC_URL' })
      .waitFor();
    const href = await screen.locator('a.btn').getAttribute('href');
    assert.ok(href?.startsWith('sumupmerchant://pay/1.0?amount='), href ?? '');
    await screenshotBoth(page, 'pos-sumup-tap-qr');
    const url = new URL(href!);
    const callback = new URL(url.searchParams.get('callback')!);
    const sale = url.searchParams.get('foreign-tx-id')!;
    // The payment as SumUp records it (the cross-check finds it), then the app's callback.
    const total = (await rig.d.get(`/api/v1/sales/${sale}`)).body.total_cents;
    const tx = rig.fake.recordAppPayment({ foreign_transaction_id: sale, value: total });
    const phone = await rig.d.get(
      `${callback.pathname}?smp-status=success&smp-tx-code=${tx.transaction_code}&foreign-tx-id=${sale}`,
    );
    assert.equal(phone.status, 200);
    await page.locator('pos-payment-screen [data-state="succeeded"]').waitFor();
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });

  test('admin pairs a Solo by its code and gives it to a till', async () => {
    const { context, page } = await openPage(browser, `${rig.d.url}/admin`, SIZES.large);
    await page.getByLabel('Admin-Token').fill(ADMIN);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('link', { name: 'Zahlungsarten' }).click();
    const panel = page.locator('admin-sumup-readers');
    await panel.locator(`tr[data-reader="${rig.readerId}"]`).waitFor();
    await panel.getByLabel('Kopplungscode').fill('TERR4C3E1');
    await panel.getByLabel('Name', { exact: true }).last().fill('Terrasse');
    await panel.getByRole('button', { name: 'Koppeln' }).click();
    await panel.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
    const paired = [...rig.fake.readers.values()].find((r) => r.name === 'Terrasse');
    assert.ok(paired, 'paired at SumUp');
    await panel.locator(`tr[data-reader="${paired.id}"]`).waitFor();
    await panel.getByLabel('Kasse').fill('e2e-terrace');
    await panel.locator('select[name="reader"]').selectOption(paired.id);
    await panel.getByRole('button', { name: 'Zuweisen' }).click();
    await panel.locator(`tr[data-reader="${paired.id}"] td`, { hasText: 'e2e-terrace' }).waitFor();
    await screenshotBoth(page, 'admin-sumup-readers');
    const list = await rig.d.get('/api/v1/admin/sumup/readers', { admin: true });
    assert.equal(list.body.terminal_readers['e2e-terrace'], paired.id);
    // A bad code shows SumUp's refusal in plain (German) words, next to nothing changed.
    await panel.getByLabel('Kopplungscode').fill('XNOTSHOWN');
    await panel.getByLabel('Name', { exact: true }).last().fill('Nope');
    await panel.getByRole('button', { name: 'Koppeln' }).click();
    await panel
      .getByRole('alert')
      .filter({ hasText: 'SumUp kennt diesen Kopplungscode nicht' })
      .waitFor();
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
