/**
 * /pos in real Chromium against the real daemon: live cart in two browsers, cash with change,
 * a declined card keeps the cart, the below-minimum hint and top-up, scanner pairing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import {
  launchBrowser,
  openPage,
  pageErrors,
  screenshot,
  screenshotBoth,
  SIZES,
} from './support.js';

const SCANNER_SECRET = 'demo-scanner-secret';

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

/** Opens /pos for a terminal and waits until the live snapshot arrived. */
async function openPos(terminal: string, size: { width: number; height: number } = SIZES.large) {
  const { context, page } = await openPage(
    browser,
    `${d.url}/pos?terminal=${encodeURIComponent(terminal)}`,
    size,
  );
  await page.locator('pos-status-dot [data-state="connected"]').waitFor();
  return { context, page };
}

/** The picker's "all products" tab (the till starts on the quick keys). */
async function showAll(page: Page) {
  await page.getByRole('tab', { name: 'Alle', exact: true }).click();
}

function cartLine(page: Page, name: string) {
  return page.locator('pos-cart li', { hasText: name });
}

function scan(barcode: string, scannerId = 'e2e-net-1') {
  return d.request('POST', '/api/v1/scanner/scan', {
    body: { barcode },
    headers: { 'x-scanner-secret': SCANNER_SECRET, 'x-scanner-id': scannerId },
  });
}

describe('/pos', () => {
  test('a scan via the scanner API appears in two browsers on the same terminal', async () => {
    // Unpaired network scanners deliver to the default terminal: the kiosk. A browser on
    // loopback without ?terminal= is that kiosk.
    const a = await openPage(browser, `${d.url}/pos`, SIZES.small);
    // The kiosk's till has a friendly name (DEFAULT_TERMINAL_ID "kiosk" → "Kasse 1").
    await a.page.getByTestId('terminal-label').filter({ hasText: 'Kasse 1' }).waitFor();
    // The second browser is a till of its own ("till-b") that watches the kiosk's terminal.
    const b = await openPage(browser, `${d.url}/pos?terminal=till-b`, SIZES.large);
    await b.page.getByTestId('terminal-label').filter({ hasText: 'Kasse till-b' }).waitFor();
    await b.page.goto(`${d.url}/pos?watch=kiosk`);
    await b.page.getByTestId('terminal-label').filter({ hasText: 'Beobachte Kasse 1' }).waitFor();
    for (const { page } of [a, b])
      await page.locator('pos-status-dot [data-state="connected"]').waitFor();
    const cola = await d.get('/api/v1/products?q=Cola%20Zero');
    const barcode = cola.body.products[0].barcode as string;
    const res = await scan(barcode);
    assert.ok(res.status < 300, `scan accepted: ${res.status} ${res.text}`);
    for (const { page } of [a, b]) {
      const line = cartLine(page, 'Cola Zero 0,33 l');
      await line.waitFor();
      // The last scanned line is highlighted.
      assert.equal(await line.getAttribute('aria-current'), 'true');
      await page.getByTestId('cart-total').filter({ hasText: '2,50' }).waitFor();
    }
    // An unknown barcode shows as a toast with the code, in both browsers.
    await scan('2999999999994');
    for (const { page } of [a, b])
      await page.locator('pos-toasts .toast', { hasText: '2999999999994' }).waitFor();
    await screenshot(a.page, 'pos-kiosk-scan-800x480');
    await screenshot(b.page, 'pos-kiosk-scan-1280x800');
    assert.deepEqual(pageErrors(a.page), []);
    // Leaving the watch returns to the browser's own till, whose cart is empty.
    await b.page.getByRole('button', { name: 'Zurück zur eigenen Kasse' }).click();
    await b.page.getByTestId('terminal-label').filter({ hasText: 'Kasse till-b' }).waitFor();
    await b.page.locator('pos-cart .empty').waitFor();
    await a.context.close();
    await b.context.close();
  });

  test('cash: tendered amount with quick note, change shown large, cart emptied', async () => {
    const { context, page } = await openPos('e2e-cash');
    await page.getByRole('button', { name: /Bier 0,5 l/ }).click();
    await page.getByRole('button', { name: /Brezel/ }).click();
    await cartLine(page, 'Brezel').waitFor();
    // + on the beer line: 2 × 3,50 + 1,20 = 8,20
    await page.getByRole('button', { name: 'Bier 0,5 l: eins mehr' }).click();
    await page.getByTestId('cart-total').filter({ hasText: '8,20' }).waitFor();
    await screenshotBoth(page, 'pos-cart');

    await page.locator('pos-pay-bar button[data-provider="cash"]').click();
    const dialog = page.locator('pos-cash-dialog dialog');
    await dialog.waitFor();
    await page.locator('pos-cash-dialog button[data-note="1000"]').click();
    await page.getByTestId('cash-change').filter({ hasText: '1,80' }).waitFor();
    await screenshotBoth(page, 'pos-cash-keypad');
    // Typing on the keypad replaces the note: C, then 2 0 0 0 = 20,00 → change 11,80.
    await page.getByRole('button', { name: 'Betrag löschen' }).click();
    for (const k of ['2', '0', '00'])
      await page.locator(`pos-cash-dialog [data-key="${k}"]`).click();
    await page.getByTestId('cash-tendered').filter({ hasText: '20,00' }).waitFor();
    await page.getByTestId('cash-change').filter({ hasText: '11,80' }).waitFor();
    await page.getByTestId('cash-confirm').click();

    const result = page.locator('pos-payment-screen [data-state="succeeded"]');
    await result.waitFor();
    await page.getByTestId('result-change').filter({ hasText: '11,80' }).waitFor();
    // The digital receipt's QR code (rendered by the daemon) joins the success screen.
    const qr = page.getByTestId('receipt-qr');
    await qr.waitFor();
    assert.match(decodeURIComponent((await qr.getAttribute('src')) ?? ''), /<svg/);
    await screenshotBoth(page, 'pos-cash-success');
    await page.getByRole('button', { name: 'Neuer Verkauf' }).click();
    await page.locator('pos-cart .empty').waitFor();
    const cart = await d.get('/api/v1/terminals/e2e-cash/cart');
    assert.equal(cart.body.lines.length, 0);
    await context.close();
  });

  test('fake_card decline keeps the cart', async () => {
    // fake_card declines totals ending in 13 cents.
    const created = await d.post(
      '/api/v1/products',
      { name: 'Decline me', price_cents: 213, vat_rate: 19 },
      { admin: true },
    );
    assert.equal(created.status, 201);
    const { context, page } = await openPos('e2e-decline');
    await showAll(page);
    await page.getByRole('button', { name: /Decline me/ }).click();
    await page.getByTestId('cart-total').filter({ hasText: '2,13' }).waitFor();
    await page.locator('pos-pay-bar button[data-provider="fake_card"]').click();
    await page.locator('pos-payment-screen [data-state="failed"]').waitFor();
    await page.getByText('Der Warenkorb bleibt erhalten.').waitFor();
    await screenshotBoth(page, 'pos-card-declined');
    await page.locator('pos-payment-screen').getByRole('button', { name: 'OK' }).click();
    await page.locator('pos-payment-screen').waitFor({ state: 'detached' });
    await cartLine(page, 'Decline me').waitFor();
    await page.getByTestId('cart-total').filter({ hasText: '2,13' }).waitFor();
    const cart = await d.get('/api/v1/terminals/e2e-decline/cart');
    assert.equal(cart.body.total_cents, 213);

    // Clearing asks first; "no" keeps the cart, "clear" empties it.
    const confirm = page.locator('pos-confirm-dialog dialog');
    await page.locator('pos-pay-bar').getByRole('button', { name: 'Leeren' }).click();
    await confirm.getByText('Warenkorb wirklich leeren?').waitFor();
    await screenshot(page, 'pos-clear-confirm-1280x800');
    await confirm.getByRole('button', { name: 'Nein' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await cartLine(page, 'Decline me').waitFor();
    await page.locator('pos-pay-bar').getByRole('button', { name: 'Leeren' }).click();
    await confirm.getByRole('button', { name: 'Leeren' }).click();
    await page.locator('pos-cart .empty').waitFor();
    assert.equal((await d.get('/api/v1/terminals/e2e-decline/cart')).body.lines.length, 0);
    await context.close();
  });

  test('below the minimum: "(+x,xx €)" hint, and paying tops up first', async () => {
    const providers = await d.get('/api/v1/payments/providers/available');
    const list = Array.isArray(providers.body) ? providers.body : providers.body.providers;
    const card = list.find((p: { id: string }) => p.id === 'fake_card');
    assert.equal(card.minimum_payment_cents, 100);
    assert.ok(card.minimum_topup_barcode, 'fake_card has a top-up barcode');

    const { context, page } = await openPos('e2e-topup', SIZES.small);
    await showAll(page);
    await page.getByRole('button', { name: /Banane/ }).click();
    await page.getByTestId('cart-total').filter({ hasText: '0,50' }).waitFor();
    const hint = page.locator(
      'pos-pay-bar button[data-provider="fake_card"] [data-testid="min-hint"]',
    );
    await hint.waitFor();
    assert.equal((await hint.textContent())?.replace(/\s/g, ' '), '(+0,50 €)');
    // Cash has no minimum: no hint under it.
    assert.equal(
      await page
        .locator('pos-pay-bar button[data-provider="cash"] [data-testid="min-hint"]')
        .count(),
      0,
    );
    // A second item changes the difference: 0,50 + 0,60 = 1,10 → no hint any more.
    await page.getByRole('button', { name: /^Apfel hinzufügen/ }).click();
    await hint.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Apfel: eins weniger' }).click();
    await cartLine(page, 'Apfel').waitFor({ state: 'detached' });
    await hint.waitFor();
    await screenshotBoth(page, 'pos-minimum-hint');

    await page.locator('pos-pay-bar button[data-provider="fake_card"]').click();
    await page.locator('pos-payment-screen [data-state="succeeded"]').waitFor();
    const sales = await d.get(`/api/v1/sales?date=${today()}`, { admin: true });
    const sale = sales.body.sales.find(
      (s: { terminal_id: string }) => s.terminal_id === 'e2e-topup',
    );
    assert.ok(sale, 'the sale was recorded');
    assert.equal(sale.total_cents, 100);
    assert.equal(sale.provider, 'fake_card');
    const topup = sale.lines.find(
      (l: { barcode: string }) => l.barcode === card.minimum_topup_barcode,
    );
    assert.ok(topup, 'the top-up product is on the sale');
    assert.equal(topup.line_total_cents, 50);
    await context.close();
  });

  test('pairing: the screen shows the barcode and confirms the pairing', async () => {
    const { context, page } = await openPos('e2e-pair', SIZES.small);
    await page.getByTestId('pair-button').click();
    const img = page.getByTestId('pairing-barcode');
    await img.waitFor();
    const src = (await img.getAttribute('src')) ?? '';
    assert.match(src, /^data:image\/svg\+xml/);
    assert.match(decodeURIComponent(src), /<svg/);
    // The image really rendered (an SVG that failed to load has no natural width).
    await page.waitForFunction(
      () =>
        (
          document
            .querySelector('pos-app')
            ?.shadowRoot?.querySelector('pos-pairing-dialog')
            ?.shadowRoot?.querySelector('img') as HTMLImageElement | null
        )?.naturalWidth ?? 0 > 0,
    );
    await page.getByTestId('pairing-expiry').waitFor();
    await screenshotBoth(page, 'pos-pairing');
    const secret = (await img.getAttribute('alt')) ?? '';
    const res = await scan(secret, 'e2e-pair-scanner');
    assert.ok(res.status < 300, `pairing scan accepted: ${res.status} ${res.text}`);
    await page.getByTestId('pairing-confirmed').waitFor();
    await screenshot(page, 'pos-pairing-confirmed-800x480');
    // The paired scanner now delivers to this terminal.
    const brezel = await d.get('/api/v1/products?q=Brezel');
    await scan(brezel.body.products[0].barcode, 'e2e-pair-scanner');
    await page.getByRole('button', { name: 'Schließen' }).click();
    await cartLine(page, 'Brezel').waitFor();
    await context.close();
  });

  test('connection lost: the dot says so, it reconnects and re-renders from the snapshot', async () => {
    const context = await browser.newContext({ viewport: SIZES.large });
    const page = await context.newPage();
    // The WebSocket runs through a switchable relay: "down" refuses every connection, like a
    // daemon that is restarting.
    let down = false;
    const open: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/ws\?/, (ws) => {
      if (down) return void ws.close({ code: 1012, reason: 'restarting' });
      ws.connectToServer();
      open.push(ws);
    });
    await page.goto(`${d.url}/pos?terminal=e2e-reconnect`);
    const dot = page.locator('pos-status-dot [role="status"]');
    await page.locator('pos-status-dot [data-state="connected"]').waitFor();

    down = true;
    for (const ws of open.splice(0)) await ws.close();
    await page
      .locator('pos-status-dot [data-state="reconnecting"], pos-status-dot [data-state="offline"]')
      .waitFor();
    assert.match((await dot.textContent()) ?? '', /Verbindung wird wiederhergestellt|Offline/);
    // The cart changes while this browser is cut off: no event can reach it.
    const tee = (await d.get('/api/v1/products?q=Tee')).body.products.find(
      (p: { name: string }) => p.name === 'Tee',
    );
    const added = await d.post('/api/v1/terminals/e2e-reconnect/cart/items', {
      product_id: tee.id,
    });
    assert.equal(added.status, 200);
    await screenshot(page, 'pos-reconnecting-1280x800');
    assert.equal(await cartLine(page, 'Tee').count(), 0);

    down = false;
    await page.locator('pos-status-dot [data-state="connected"]').waitFor({ timeout: 30_000 });
    await cartLine(page, 'Tee').waitFor();
    await page.getByTestId('cart-total').filter({ hasText: '1,50' }).waitFor();
    await context.close();
  });

  test('cashier PIN login: the till asks for a PIN while PIN login is in force', async () => {
    const emp = await d.post(
      '/api/v1/admin/employees',
      { name: 'Anna', pin: '4711' },
      { admin: true },
    );
    assert.equal(emp.status, 201, emp.text);
    const on = await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      body: { pin_login_enabled: true },
      admin: true,
    });
    assert.equal(on.status, 200, on.text);
    try {
      const { context, page } = await openPos('e2e-pin', SIZES.small);
      const pad = page.locator('pos-pin-login');
      await pad.getByRole('heading', { name: 'Mit PIN anmelden' }).waitFor();
      for (const k of '1234') await pad.locator(`[data-digit="${k}"]`).click();
      await pad.getByRole('button', { name: 'Anmelden' }).click();
      await pad.getByRole('alert').filter({ hasText: 'Falsche PIN' }).waitFor();
      await screenshotBoth(page, 'pos-pin-login');
      await pad.getByRole('button', { name: 'Anna' }).click();
      for (const k of '4711') await pad.locator(`[data-digit="${k}"]`).click();
      await pad.getByRole('button', { name: 'Anmelden' }).click();
      await pad.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Abmelden (Anna)' }).waitFor();
      await page.getByRole('button', { name: /^Tee hinzufügen/ }).click();
      await cartLine(page, 'Tee').waitFor();
      await page.getByRole('button', { name: 'Abmelden (Anna)' }).click();
      await pad.waitFor();
      await context.close();
    } finally {
      await d.request('PUT', '/api/v1/admin/settings/pos-security', {
        body: { pin_login_enabled: false },
        admin: true,
      });
    }
  });

  test('keyboard only: manual barcode entry and a cash payment without a pointer', async () => {
    const { context, page } = await openPos('e2e-keys');
    const tee = (await d.get('/api/v1/products?q=Tee')).body.products.find(
      (p: { name: string }) => p.name === 'Tee',
    );
    await page.getByLabel('Barcode eingeben').focus();
    await page.keyboard.type(tee.barcode);
    await page.keyboard.press('Enter');
    await cartLine(page, 'Tee').waitFor();
    await page.getByLabel('Barcode eingeben').focus();
    await page.keyboard.type('0000000000000');
    await page.keyboard.press('Enter');
    await page.locator('pos-toasts .toast', { hasText: '0000000000000' }).waitFor();

    const cash = page.locator('pos-pay-bar button[data-provider="cash"]');
    await cash.click({ trial: true }); // waits until it is enabled, without a pointer event
    await cash.focus();
    await page.keyboard.press('Enter');
    await page.locator('pos-cash-dialog dialog[open]').waitFor();
    await page.keyboard.type('500');
    await page.getByTestId('cash-change').filter({ hasText: '3,50' }).waitFor();
    await page.getByTestId('cash-confirm').focus();
    await page.keyboard.press('Enter');
    await page.locator('pos-payment-screen [data-state="succeeded"]').waitFor();
    // Focus moved onto the result's button: Enter starts the next sale.
    await page.waitForFunction(() => {
      const screen = document
        .querySelector('pos-app')
        ?.shadowRoot?.querySelector('pos-payment-screen');
      return screen?.shadowRoot?.activeElement?.textContent?.includes('Neuer Verkauf') ?? false;
    });
    await page.keyboard.press('Enter');
    await page.locator('pos-payment-screen').waitFor({ state: 'detached' });
    await page.locator('pos-cart .empty').waitFor();
    await context.close();
  });

  test('a long cart scrolls inside its box; totals and pay bar do not move', async () => {
    const { context, page } = await openPos('e2e-long', SIZES.small);
    await showAll(page);
    const bar = page.locator('pos-pay-bar');
    const before = await bar.boundingBox();
    const names = [
      'Apfel',
      'Banane',
      'Brezel',
      'Kaffee',
      'Tee',
      'Cola 0,33 l',
      'Schokoriegel',
      'Radler 0,5 l',
    ];
    for (const n of names) {
      await page.getByRole('button', { name: new RegExp(`^${n} hinzufügen`) }).click();
      await cartLine(page, n).first().waitFor();
    }
    const after = await bar.boundingBox();
    assert.deepEqual(after, before);
    const list = page.locator('pos-cart');
    const scrolls = await list.evaluate((el) => el.scrollHeight > el.clientHeight);
    assert.ok(scrolls, 'the cart list scrolls');
    // The newest line was scrolled into view.
    await page.locator('pos-cart li[aria-current="true"]', { hasText: 'Radler' }).waitFor();
    assert.ok(await page.locator('pos-cart li', { hasText: 'Radler' }).isVisible());
    const box = await page.locator('pos-cart li', { hasText: 'Radler' }).boundingBox();
    assert.ok(box && after && box.y + box.height <= after.y, 'the last line is above the pay bar');
    await screenshot(page, 'pos-long-cart-800x480');
    await context.close();
  });

  test('English switch: strings and money format change, choice survives a reload', async () => {
    const { context, page } = await openPos('e2e-lang');
    await page.getByRole('button', { name: /Bier 0,5 l/ }).click();
    await page.getByTestId('cart-total').filter({ hasText: '3,50 €' }).waitFor();
    await page.getByRole('button', { name: /Sprache/ }).click();
    await page.getByTestId('cart-total').filter({ hasText: '€3.50' }).waitFor();
    await page.getByRole('button', { name: 'Pair scanner' }).waitFor();
    await page.reload();
    await page.getByTestId('cart-total').filter({ hasText: '€3.50' }).waitFor();
    await context.close();
  });
});

function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
}
