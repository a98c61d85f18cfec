/**
 * The customer display and the cash-up per cashier in real Chromium (800x480, German) against
 * the real daemon: the display beside the till follows every item live, shows the amount given
 * and the change after a cash payment with the receipt QR, then its idle screen with the
 * shop's name and logo; the admin page lists each cashier's shift to the cent (a business
 * tip shown apart as "davon für den Betrieb") and records a drawer count.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { launchBrowser, openPage, pageErrors, screenshot, SIZES } from './support.js';

let d: TestDaemon;
let browser: Browser;

before(async () => {
  d = await startDaemon({ env: { SHOP_NAME: 'Kiosk am See' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

describe('customer display', () => {
  test('live beside the till: items, change after cash, receipt QR, then the idle screen', async () => {
    const logo = await sharp({
      create: { width: 600, height: 240, channels: 3, background: '#d97706' },
    })
      .png()
      .toBuffer();
    const up = await d.request('PUT', '/api/v1/admin/settings/logo', {
      admin: true,
      raw: logo,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(up.status, 200, up.text);
    await d.request('PUT', '/api/v1/admin/settings/display', {
      admin: true,
      // Long enough that a busy machine (two test suites and an image build side by side) still
      // reads the paid screen before the hold ends: at 2 s the screen was idle again once.
      body: { paid_hold_seconds: 20 },
    });

    const till = await openPage(browser, `${d.url}/pos?terminal=disp-e2e`, SIZES.small);
    await till.page.locator('pos-status-dot [data-state="connected"]').waitFor();
    const disp = await openPage(browser, `${d.url}/display/disp-e2e`, SIZES.small);
    const screen = disp.page.locator('pos-display .screen');
    await disp.page.getByTestId('display-idle').waitFor();
    await disp.page.getByTestId('display-shop').filter({ hasText: 'Kiosk am See' }).waitFor();
    const img = disp.page.locator('pos-display .idle img');
    await img.waitFor();
    assert.equal(await img.getAttribute('alt'), 'Logo von Kiosk am See');
    assert.ok(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0));
    assert.equal(await disp.page.evaluate(() => document.documentElement.lang), 'de');
    await screenshot(disp.page, 'display-idle-800x480');

    // The till adds items; the display follows.
    await till.page.getByRole('button', { name: /Bier 0,5 l/ }).click();
    await disp.page.getByTestId('display-total').filter({ hasText: '3,50' }).waitFor();
    await till.page.getByRole('button', { name: /Brezel/ }).click();
    await disp.page.getByTestId('display-total').filter({ hasText: '4,70' }).waitFor();
    const lines = disp.page.getByTestId('display-lines');
    await lines.locator('li', { hasText: 'Bier 0,5 l' }).waitFor();
    await lines.locator('li', { hasText: 'Brezel' }).waitFor();
    assert.match(await disp.page.locator('pos-display header').innerText(), /Ihr Einkauf/);
    await screenshot(disp.page, 'display-cart-800x480');
    await screenshot(till.page, 'display-till-cart-800x480');

    // Cash: a 10 € note → change 5,30, on both screens.
    await till.page.locator('pos-pay-bar button[data-provider="cash"]').click();
    await till.page.locator('pos-cash-dialog button[data-note="1000"]').click();
    await till.page.getByTestId('cash-confirm').click();
    await till.page.getByTestId('result-change').filter({ hasText: '5,30' }).waitFor();
    await disp.page.getByTestId('display-paid').waitFor();
    await disp.page.getByTestId('display-given').filter({ hasText: '10,00' }).waitFor();
    await disp.page.getByTestId('display-change').filter({ hasText: '5,30' }).waitFor();
    const qr = disp.page.getByTestId('display-qr');
    assert.match(decodeURIComponent((await qr.getAttribute('src')) ?? ''), /<svg/);
    const paidText = await screen.innerText();
    assert.match(paidText, /Vielen Dank!/);
    assert.match(paidText, /Rückgeld/);
    assert.match(paidText, /Bezahlt mit Bar/);
    await screenshot(disp.page, 'display-paid-800x480');

    // After the hold the display returns to its idle screen by itself.
    await disp.page.getByTestId('display-idle').waitFor({ timeout: 120_000 });
    assert.equal(await screen.getAttribute('data-mode'), 'idle');
    await screenshot(disp.page, 'display-idle-after-800x480');
    assert.deepEqual(pageErrors(disp.page), []);
    assert.deepEqual(pageErrors(till.page), []);
    await till.context.close();
    await disp.context.close();
  });
});

describe('admin cash-up per cashier', () => {
  test('cards per cashier to the cent, and a drawer count with its difference', async () => {
    for (const [name, pin] of [
      ['Anna', '1111'],
      ['Ben', '2222'],
    ]) {
      const r = await d.post(
        '/api/v1/admin/employees',
        { name, pin, role: 'cashier' },
        { admin: true },
      );
      assert.equal(r.status, 201, r.text);
    }
    await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { pin_login_enabled: true },
    });
    const products = (await d.get('/api/v1/products?q=Brezel')).body.products;
    const brezel = products.find((p: { name: string }) => p.name === 'Brezel');
    const sell = async (
      pin: string,
      terminal: string,
      qty: number,
      tendered: number,
      tip_cents = 0,
    ) => {
      const s = await d.post(`/api/v1/terminals/${terminal}/cashier/login`, { pin });
      const h = { headers: { 'x-cashier-session': s.body.session as string } };
      const add = await d.request('POST', `/api/v1/terminals/${terminal}/cart/items`, {
        body: { product_id: brezel.id, quantity: qty },
        ...h,
      });
      assert.equal(add.status, 200, add.text);
      const pay = await d.request('POST', `/api/v1/terminals/${terminal}/checkout`, {
        body: {
          provider: 'cash',
          idempotency_key: randomUUID(),
          tendered_cents: tendered,
          ...(tip_cents ? { tip_cents } : {}),
        },
        ...h,
      });
      assert.equal(pay.body.state, 'succeeded', pay.text);
    };
    await sell('1111', 'shift-a', 3, 500); // 3,60
    // Tips belong to the business from here on: Ben keeps 0,30 of 1,50 given for 1,20.
    const biz = await d.request('PUT', '/api/v1/admin/settings/tips', {
      admin: true,
      body: { tips_recipient: 'business' },
    });
    assert.equal(biz.status, 200, biz.text);
    await sell('2222', 'shift-b', 1, 150, 30); // 1,20 + 0,30 tip

    const { context, page } = await openPage(browser, `${d.url}/admin#shifts`, SIZES.small);
    await page.getByLabel('Admin-Token').fill(ADMIN);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Kassenabschluss je Kassierer' }).waitFor();
    const anna = page.locator('admin-shifts [data-testid="shift-cashier"][data-cashier="Anna"]');
    await anna.waitFor();
    assert.match(await anna.innerText(), /Umsatz \(Verkäufe: 1\)\s+3,60/);
    assert.match(await anna.getByTestId('shift-expected').innerText(), /3,60/);
    const ben = page.locator('admin-shifts [data-testid="shift-cashier"][data-cashier="Ben"]');
    // The business's tip is in Ben's drawer, and shown apart from the staff's tips.
    assert.match(await ben.getByTestId('shift-expected').innerText(), /1,50/);
    assert.match(await ben.innerText(), /Trinkgeld\s+0,30\s€\s+davon für den Betrieb\s+0,30\s€/);
    assert.equal(await anna.getByTestId('shift-tips-business').count(), 0, 'only when non-zero');
    const totals = page.locator('admin-shifts [data-testid="shift-totals"]');
    assert.match(await totals.getByTestId('shift-tips-business').innerText(), /0,30/);
    // The earlier display test's sale was made without a login.
    const none = page.locator('admin-shifts [data-testid="shift-cashier"][data-cashier=""]');
    assert.match(await none.innerText(), /Ohne Anmeldung/);
    await screenshot(page, 'admin-shifts-800x480');
    await totals.getByTestId('shift-tips-business').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-shifts-totals-800x480');

    // Anna counts: 50,00 float + 3,60 expected; 53,50 counted → −0,10.
    await anna.getByRole('button', { name: 'Kasse zählen' }).click();
    const form = anna.getByTestId('shift-count-form');
    await form.getByLabel('Anfangsbestand (€)').fill('50,00');
    await form.getByLabel('Gezählt (€)').fill('53,50');
    await form.getByRole('button', { name: 'Zählung speichern' }).click();
    await page
      .locator('admin-shifts [role="status"]')
      .filter({ hasText: 'Zählung für Anna gespeichert: Differenz -0,10' })
      .waitFor();
    const line = anna.getByTestId('shift-count');
    await line.waitFor();
    assert.match(await line.innerText(), /53,50\s€ \(Soll 53,60\s€\)/);
    assert.match(await line.innerText(), /Differenz -0,10/);
    await screenshot(page, 'admin-shifts-count-800x480');
    assert.deepEqual(pageErrors(page), []);
    await context.close();
  });
});
