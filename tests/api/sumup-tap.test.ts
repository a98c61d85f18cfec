/**
 * sumup_tap (app switch) through the real daemon: the URL and QR code on the sale, the SumUp
 * app's callback (success, failure, invalid state), forged callbacks, and the transactions
 * cross-check when an API key exists (fake SumUp server).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fillCart, pay, startRig, waitForSale } from '../helpers/sumup.js';
import type { Sale } from '../../daemon/protocol.js';

const TAP_ENV = {
  SUMUP_AFFILIATE_KEY: 'aff-7ca84f17-84a5',
  SUMUP_APP_ID: 'com.example.counterpos',
  SHOP_NAME: 'Café Bar',
};

function callbackPath(sale: Sale): string {
  const url = new URL(sale.payment.app_switch_url as string);
  return new URL(url.searchParams.get('callback')!).pathname;
}

async function tapSale(d: TestDaemon, terminal = 'kiosk'): Promise<Sale> {
  await fillCart(d, terminal);
  const res = await pay(d, terminal, 'sumup_tap');
  assert.equal(res.status, 201, res.text);
  return res.body;
}

test('sumup_tap: the sale carries the exact app-switch URL and a server-made SVG QR code', async () => {
  const d = await startDaemon({ env: TAP_ENV });
  try {
    const providers = await d.get('/api/v1/payments/providers/available');
    assert.equal(providers.body.find((p: { id: string }) => p.id === 'sumup_tap').available, true);
    const total = await fillCart(d, 'kiosk', 3);
    const res = await pay(d, 'kiosk', 'sumup_tap');
    assert.equal(res.status, 201, res.text);
    const sale: Sale = res.body;
    assert.equal(sale.state, 'pending');
    const raw = sale.payment.app_switch_url as string;
    assert.ok(raw.startsWith('sumupmerchant://pay/1.0?amount='));
    const amount = `${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`;
    const u = new URL(raw);
    assert.deepEqual(
      [...u.searchParams.keys()],
      [
        'amount',
        'total',
        'currency',
        'affiliate-key',
        'app-id',
        'title',
        'foreign-tx-id',
        'callback',
        'callbacksuccess',
        'callbackfail',
      ],
    );
    assert.equal(u.searchParams.get('amount'), amount);
    assert.equal(u.searchParams.get('total'), amount);
    assert.equal(u.searchParams.get('currency'), 'EUR');
    assert.equal(u.searchParams.get('affiliate-key'), TAP_ENV.SUMUP_AFFILIATE_KEY);
    assert.equal(u.searchParams.get('app-id'), TAP_ENV.SUMUP_APP_ID);
    assert.equal(u.searchParams.get('title'), `Café Bar #${sale.number}`);
    assert.ok(
      raw.includes(`&title=Caf%C3%A9%20Bar%20%23${sale.number}&`),
      'spaces as %20, # escaped',
    );
    assert.equal(u.searchParams.get('foreign-tx-id'), sale.id);
    const cb = u.searchParams.get('callback')!;
    assert.match(
      cb,
      new RegExp(`^${d.url}/api/v1/payments/sumup_tap/callback/${sale.id}/[A-Za-z0-9_-]{32}$`),
    );
    assert.equal(u.searchParams.get('callbacksuccess'), cb);
    assert.equal(u.searchParams.get('callbackfail'), cb);
    assert.match(sale.payment.qr_svg as string, /^<svg [^>]*viewBox/);
    assert.match(
      sale.payment.warning as string,
      /PUBLIC_URL/,
      'the test reaches the till at 127.0.0.1',
    );
  } finally {
    await d.stop();
  }
});

test('sumup_tap: success callback settles the sale and tells the phone user to go back to the till', async () => {
  const d = await startDaemon({ env: TAP_ENV });
  try {
    const sale = await tapSale(d);
    const page = await d.get(
      `${callbackPath(sale)}?smp-status=success&smp-tx-code=TEENSK4W2K&foreign-tx-id=${sale.id}`,
    );
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.text, /return to the till/);
    const after = await waitForSale(d, sale.id, (s) => s.state !== 'pending');
    assert.equal(after.state, 'succeeded');
    assert.equal(after.payment.transaction_code, 'TEENSK4W2K');
    // The app may open the link twice; nothing changes the second time.
    const again = await d.get(`${callbackPath(sale)}?smp-status=failed`);
    assert.equal(again.status, 200);
    assert.equal((await d.get(`/api/v1/sales/${sale.id}`)).body.state, 'succeeded');
  } finally {
    await d.stop();
  }
});

test('sumup_tap: failed and invalidstate callbacks fail the sale with plain reasons', async () => {
  const d = await startDaemon({ env: TAP_ENV });
  try {
    const a = await tapSale(d, 'kiosk');
    const b = await tapSale(d, 'till2');
    assert.equal((await d.get(`${callbackPath(a)}?smp-status=failed`)).status, 200);
    const pageB = await d.get(`${callbackPath(b)}?smp-status=invalidstate&foreign-tx-id=${b.id}`);
    assert.match(pageB.text, /not ready/);
    const [sa, sb] = await Promise.all([
      waitForSale(d, a.id, (s) => s.state !== 'pending'),
      waitForSale(d, b.id, (s) => s.state !== 'pending'),
    ]);
    assert.equal(sa.state, 'failed');
    assert.match(sa.reason!, /failed/);
    assert.equal(sb.state, 'failed');
    assert.match(sb.reason!, /Open it, log in/);
  } finally {
    await d.stop();
  }
});

test('sumup_tap: forged callbacks (wrong token, other sale, other foreign-tx-id, no status) change nothing', async () => {
  const d = await startDaemon({ env: TAP_ENV });
  try {
    const a = await tapSale(d, 'kiosk');
    const b = await tapSale(d, 'till2');
    const tokenA = callbackPath(a).split('/').pop();
    const base = '/api/v1/payments/sumup_tap/callback';
    const tries = [
      [`${base}/${a.id}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?smp-status=success`, 403],
      [`${base}/${b.id}/${tokenA}?smp-status=success`, 403],
      [`${base}/${a.id}/${tokenA}?smp-status=success&foreign-tx-id=${b.id}`, 400],
      [`${base}/${a.id}/${tokenA}?smp-status=paid`, 400],
      [`${base}/${a.id}/${tokenA}?smp-status=success&smp-status=failed`, 400],
      [`${base}/..%2F..%2Fetc/${tokenA}?smp-status=success`, 403],
    ] as const;
    for (const [path, status] of tries) {
      const res = await d.get(path);
      assert.equal(res.status, status, path);
      assert.match(res.text, /Nothing was changed|did not say/);
    }
    assert.equal((await d.get(`/api/v1/sales/${a.id}`)).body.state, 'pending');
    assert.equal((await d.get(`/api/v1/sales/${b.id}`)).body.state, 'pending');
  } finally {
    await d.stop();
  }
});

test('sumup_tap: with an API key a reported success counts only once the transactions API confirms it', async () => {
  const rig = await startRig({ env: { ...TAP_ENV, SUMUP_POLL_MS: '30' } });
  try {
    const total = await fillCart(rig.d, 'kiosk');
    const sale: Sale = (await pay(rig.d, 'kiosk', 'sumup_tap')).body;
    const page = await rig.d.get(`${callbackPath(sale)}?smp-status=success&smp-tx-code=TUNKNOWN01`);
    assert.equal(page.status, 200);
    assert.match(page.text, /confirming/);
    assert.equal(
      (await rig.d.get(`/api/v1/sales/${sale.id}`)).body.state,
      'pending',
      'not paid on the word of a URL',
    );

    // SumUp records the payment (as the app does); the poller finds it by foreign_transaction_id.
    const tx = rig.fake.recordAppPayment({ foreign_transaction_id: sale.id, value: total });
    tx.transaction_code = 'TUNKNOWN01';
    const after = await waitForSale(rig.d, sale.id, (s) => s.state !== 'pending');
    assert.equal(after.state, 'succeeded');
    assert.equal(after.payment.confirmed_by, 'transactions');
  } finally {
    await rig.stop();
  }
});

test('sumup_tap: a success whose SumUp amount differs from the sale fails it', async () => {
  const rig = await startRig({ env: TAP_ENV });
  try {
    const total = await fillCart(rig.d, 'kiosk');
    const sale: Sale = (await pay(rig.d, 'kiosk', 'sumup_tap')).body;
    const tx = rig.fake.recordAppPayment({ foreign_transaction_id: sale.id, value: total - 1 });
    await rig.d.get(`${callbackPath(sale)}?smp-status=success&smp-tx-code=${tx.transaction_code}`);
    const after = await waitForSale(rig.d, sale.id, (s) => s.state !== 'pending');
    assert.equal(after.state, 'failed');
    assert.match(after.reason!, /different amount/);
  } finally {
    await rig.stop();
  }
});

test('sumup_tap: a success arriving after the cashier cancelled keeps the sale cancelled and says refund', async () => {
  const d = await startDaemon({ env: TAP_ENV });
  try {
    const sale = await tapSale(d);
    const cancel = await d.post(`/api/v1/sales/${sale.id}/cancel`);
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.state, 'cancelled');
    const page = await d.get(`${callbackPath(sale)}?smp-status=success&smp-tx-code=TLATE00001`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Refund it in the SumUp app/);
    assert.equal((await d.get(`/api/v1/sales/${sale.id}`)).body.state, 'cancelled');
    assert.ok(d.logs.some((l) => /refund it in the SumUp app/.test(l)));
  } finally {
    await d.stop();
  }
});

test('sumup_tap: unavailable without an affiliate key; PAYMENT_MINIMUM_SUMUP_TAP_CENTS applies', async () => {
  const plain = await startDaemon();
  try {
    const list = await plain.get('/api/v1/payments/providers/available');
    const tap = list.body.find((p: { id: string }) => p.id === 'sumup_tap');
    assert.equal(tap.available, false);
    assert.match(tap.reason, /SUMUP_AFFILIATE_KEY/);
  } finally {
    await plain.stop();
  }
  const d = await startDaemon({ env: { ...TAP_ENV, PAYMENT_MINIMUM_SUMUP_TAP_CENTS: '100000' } });
  try {
    await fillCart(d, 'kiosk');
    const res = await pay(d, 'kiosk', 'sumup_tap');
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'below_minimum');
  } finally {
    await d.stop();
  }
});
