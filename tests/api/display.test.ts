/**
 * The customer display over the real daemon: /ws?display=T gets only a customer-safe
 * projection (never the cashier, PINs, sessions, provider data or admin settings), live as the
 * till rings up and pays; after a cash payment it shows given, change and the receipt QR, then
 * the idle screen; it follows the IP whitelist; the shop's logo is uploaded like product images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { connectWs, upgradeStatus, wsUrl, type WsClient } from '../helpers/ws.js';
import { makeProduct, newKey } from '../helpers/shop.js';
import type { DisplayState, ServerMessage } from '../../daemon/protocol.js';

const SECURITY = '/api/v1/admin/settings/pos-security';
const DISPLAY_KEYS = [
  'currency',
  'discount_cents',
  'discounts',
  'item_count',
  'language',
  'lines',
  'logo_url',
  'mode',
  'paid',
  'paid_so_far_cents',
  'remaining_cents',
  'shop_name',
  'terminal_id',
  'total_cents',
];
const LINE_KEYS = [
  'discount_cents',
  'kind',
  'line_total_cents',
  'name',
  'quantity',
  'unit_price_cents',
];
const PAID_KEYS = [
  'change_cents',
  'payments',
  'receipt_qr_svg',
  'receipt_url',
  'sale_number',
  'tendered_cents',
  'tip_cents',
  'total_cents',
];

/** Every display state carries exactly the fields of the projection, nothing else. */
function assertCustomerSafe(s: DisplayState): void {
  assert.deepEqual(Object.keys(s).sort(), DISPLAY_KEYS);
  for (const l of s.lines) assert.deepEqual(Object.keys(l).sort(), LINE_KEYS);
  if (s.paid) {
    assert.deepEqual(Object.keys(s.paid).sort(), PAID_KEYS);
    for (const p of s.paid.payments)
      assert.deepEqual(Object.keys(p).sort(), ['amount_cents', 'provider']);
  }
}

async function nextDisplay(
  ws: WsClient,
  pred: (s: DisplayState) => boolean,
): Promise<DisplayState> {
  const m = await ws.next('display', (msg) => pred(msg.display));
  return m.display;
}

async function setUpCashier(d: TestDaemon, terminal: string) {
  await d.request('PUT', SECURITY, { admin: true, body: { pin_login_enabled: true } });
  const emp = await d.post(
    '/api/v1/admin/employees',
    { name: 'Kassiererin Zora Quell', pin: '4711', role: 'cashier' },
    { admin: true },
  );
  assert.equal(emp.status, 201, emp.text);
  const login = await d.post(`/api/v1/terminals/${terminal}/cashier/login`, { pin: '4711' });
  assert.equal(login.status, 200, login.text);
  return { headers: { 'x-cashier-session': login.body.session as string } };
}

test('display socket: live projection of cart, cash payment with change and QR, then idle; nothing private', async () => {
  const d = await startDaemon();
  const T = 'till-disp';
  let display: WsClient | undefined;
  let till: WsClient | undefined;
  try {
    const hold = await d.request('PUT', '/api/v1/admin/settings/display', {
      admin: true,
      body: { paid_hold_seconds: 1 },
    });
    assert.equal(hold.status, 200, hold.text);
    const cashier = await setUpCashier(d, T);
    const water = await makeProduct(d, { name: 'Wasser still', price_cents: 180 });
    const cake = await makeProduct(d, { name: 'Kuchen', price_cents: 320 });

    display = await connectWs(wsUrl(d.url, `display=${T}`));
    till = await connectWs(wsUrl(d.url, `terminal_id=${T}`));
    const first = await nextDisplay(display, () => true);
    assert.equal(first.mode, 'idle');
    assert.equal(first.shop_name, 'Counter POS');
    assert.equal(first.language, 'de');
    assert.equal(first.logo_url, null);

    const add = (body: object) =>
      d.request('POST', `/api/v1/terminals/${T}/cart/items`, { body, ...cashier });
    assert.equal((await add({ product_id: water.id, quantity: 2 })).status, 200);
    let s = await nextDisplay(display, (x) => x.mode === 'cart' && x.item_count === 2);
    assert.deepEqual(
      s.lines.map((l) => [l.name, l.quantity, l.unit_price_cents, l.line_total_cents]),
      [['Wasser still', 2, 180, 360]],
    );
    assert.equal(s.total_cents, 360);
    assert.equal((await add({ product_id: cake.id })).status, 200);
    s = await nextDisplay(display, (x) => x.item_count === 3);
    assert.equal(s.total_cents, 680);
    // The same over HTTP (the display's state without a socket).
    const view = await d.get(`/api/v1/terminals/${T}/display`);
    assert.equal(view.status, 200);
    assert.equal(view.body.total_cents, 680);
    assertCustomerSafe(view.body);

    const pay = await d.request('POST', `/api/v1/terminals/${T}/checkout`, {
      body: { provider: 'cash', idempotency_key: newKey(), tendered_cents: 1000 },
      ...cashier,
    });
    assert.ok(pay.status < 300, pay.text);
    assert.equal(pay.body.cashier, 'Kassiererin Zora Quell');
    const paid = await nextDisplay(display, (x) => x.mode === 'paid');
    assert.equal(paid.paid!.total_cents, 680);
    assert.equal(paid.paid!.tendered_cents, 1000);
    assert.equal(paid.paid!.change_cents, 320);
    assert.deepEqual(paid.paid!.payments, [{ provider: 'cash', amount_cents: 680 }]);
    assert.match(paid.paid!.receipt_qr_svg, /<svg/);
    // The QR code opens the same public receipt page the till's QR code opens.
    const receipt = await d.get(`/api/v1/sales/${pay.body.id}/receipt`);
    assert.equal(
      new URL(paid.paid!.receipt_url).pathname,
      new URL(receipt.body.url as string).pathname,
    );
    // After the hold the display falls back to the idle screen by itself.
    await nextDisplay(display, (x) => x.mode === 'idle');

    // A new customer's first item ends a "paid" screen at once (no hold wait).
    await d.request('PUT', '/api/v1/admin/settings/display', {
      admin: true,
      body: { paid_hold_seconds: 600 },
    });
    assert.equal((await add({ product_id: cake.id })).status, 200);
    await d.request('POST', `/api/v1/terminals/${T}/checkout`, {
      body: { provider: 'cash', idempotency_key: newKey(), tendered_cents: 500 },
      ...cashier,
    });
    await nextDisplay(display, (x) => x.mode === 'paid' && x.paid!.change_cents === 180);
    assert.equal((await add({ product_id: water.id })).status, 200);
    s = await nextDisplay(
      display,
      (x) => x.mode === 'cart' && x.lines[0]?.name === 'Wasser still' && x.item_count === 1,
    );
    assert.equal(s.paid, null);
    assert.equal(s.total_cents, 180);

    // The till's socket saw the cashier's name; the display never did, nor any other private
    // field: every message the display got is a `display` message of the projection's shape.
    const tillText = JSON.stringify(till.messages);
    assert.match(tillText, /Kassiererin Zora Quell/);
    assert.ok(display.messages.length >= 6);
    for (const m of display.messages as ServerMessage[]) {
      assert.equal(m.type, 'display');
      assertCustomerSafe((m as Extract<ServerMessage, { type: 'display' }>).display);
    }
    const text = JSON.stringify(display.messages);
    for (const secret of [
      'Zora',
      '4711',
      cashier.headers['x-cashier-session'],
      'cashier',
      'pending_sale_id',
      'barcode',
      'vat_rate',
      'scanners',
      'providers',
      'pos_allowed_ips',
      'default_terminal_id',
    ])
      assert.ok(!text.includes(secret), `display messages must not contain ${secret}`);
    // A display cannot switch to watching a till's full state.
    display.send({ type: 'watch', terminal_id: T });
    const err = await display.next('error');
    assert.equal(err.code, 'bad_message');
  } finally {
    await display?.close();
    await till?.close();
    await d.stop();
  }
});

test('display follows the IP whitelist: page, socket and API refused from a denied address', async () => {
  const d = await startDaemon({ env: { TRUST_PROXY: '127.0.0.1' } });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  try {
    await d.request('PUT', SECURITY, {
      admin: true,
      body: { enabled: true, allowed_ips: [{ ip: '192.168.7.0/24', name: 'Tablet' }] },
    });
    const denied = from('192.168.8.20');
    const page = await d.get('/display/kiosk', { headers: denied });
    assert.equal(page.status, 403);
    assert.match(page.text, /Access denied/);
    const api = await d.get('/api/v1/terminals/kiosk/display', { headers: denied });
    assert.equal(api.status, 403);
    assert.equal(api.body.error.code, 'ip_not_allowed');
    assert.equal(await upgradeStatus(wsUrl(d.url, 'display=kiosk'), denied), 403);
    assert.equal((await d.get('/api/v1/shop/logo', { headers: denied })).status, 403);
    // A listed tablet gets all of it.
    const ok = from('192.168.7.33');
    const allowed = await d.get('/display/kiosk', { headers: ok });
    assert.equal(allowed.status, 200);
    assert.match(allowed.text, /<pos-display>/);
    assert.equal((await d.get('/api/v1/terminals/kiosk/display', { headers: ok })).status, 200);
    assert.equal(await upgradeStatus(wsUrl(d.url, 'display=kiosk'), ok), 101);
    // Bad display queries are refused, not guessed.
    assert.equal(await upgradeStatus(wsUrl(d.url, 'display=a%20b')), 400);
    assert.equal(await upgradeStatus(wsUrl(d.url, 'display=kiosk&role=admin')), 400);
    assert.equal(await upgradeStatus(wsUrl(d.url, 'display=kiosk&display=x')), 400);
    assert.equal((await d.get('/display/a%20b')).status, 404);
  } finally {
    await d.stop();
  }
});

test('shop logo: uploaded in admin like product images, shown on the idle screen', async () => {
  const d = await startDaemon();
  let display: WsClient | undefined;
  try {
    const png = await sharp({
      create: { width: 900, height: 300, channels: 3, background: '#0b57d0' },
    })
      .png()
      .toBuffer();
    const anon = await d.request('PUT', '/api/v1/admin/settings/logo', {
      raw: png,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(anon.status, 401);
    const bad = await d.request('PUT', '/api/v1/admin/settings/logo', {
      admin: true,
      raw: 'not an image',
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_image');
    assert.equal((await d.get('/api/v1/shop/logo')).status, 404);

    display = await connectWs(wsUrl(d.url, 'display=kiosk'));
    await nextDisplay(display, (x) => x.logo_url === null);
    const put = await d.request('PUT', '/api/v1/admin/settings/logo', {
      admin: true,
      raw: png,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(put.status, 200, put.text);
    assert.match(put.body.logo_url, /^\/api\/v1\/shop\/logo\?v=[0-9a-f]{12}$/);
    // The open display learns the logo at once.
    const s = await nextDisplay(display, (x) => x.logo_url !== null);
    assert.equal(s.logo_url, put.body.logo_url);
    const img = await fetch(d.url + s.logo_url);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/webp');
    const meta = await sharp(Buffer.from(await img.arrayBuffer())).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 512);
    // Shop name from the receipts settings.
    await d.request('PUT', '/api/v1/admin/settings/receipts', {
      admin: true,
      body: { shop_name: 'Café Zeitlos' },
    });
    await nextDisplay(display, (x) => x.shop_name === 'Café Zeitlos' && x.language === 'de');
    // The display speaks the shop's language (German unless the owner chose English).
    await d.request('PUT', '/api/v1/admin/settings/receipts', {
      admin: true,
      body: { language: 'en' },
    });
    await nextDisplay(display, (x) => x.language === 'en');
    const del = await d.request('DELETE', '/api/v1/admin/settings/logo', { admin: true });
    assert.equal(del.status, 200);
    assert.equal(del.body.logo_url, null);
    assert.equal((await d.get('/api/v1/shop/logo')).status, 404);
    const badHold = await d.request('PUT', '/api/v1/admin/settings/display', {
      admin: true,
      body: { paid_hold_seconds: 0 },
    });
    assert.equal(badHold.status, 400);
    assert.equal(badHold.body.error.field, 'paid_hold_seconds');
  } finally {
    await display?.close();
    await d.stop();
  }
});
