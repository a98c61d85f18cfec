/**
 * sumup_solo against the fake SumUp server through the real daemon and the official SDK:
 * callback, polling, decline, cancel (in time and too late), busy/offline readers, bad key,
 * rate limit, network down, forged callbacks, idempotency, minimums, the day report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../daemon/clock.js';
import { API_KEY, MERCHANT, fillCart, pay, startRig, waitForSale } from '../helpers/sumup.js';
import { startDaemon } from '../helpers/daemon.js';
import { FakeSumUp } from '../../daemon/payments/sumup/fake-server.js';

const checkoutCalls = (fake: FakeSumUp) =>
  fake.requests.filter((r) => r.startsWith('POST') && r.endsWith('/checkout')).length;

test('sumup_solo: success via the return_url callback (no polling), shown in the day report', async () => {
  const rig = await startRig();
  try {
    const total = await fillCart(rig.d, 'kiosk', 2);
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'pending');
    assert.equal(res.body.payment.reader_id, rig.readerId);
    const [checkout] = [...rig.fake.checkouts.values()];
    assert.deepEqual(checkout.total_amount, { value: total, currency: 'EUR', minor_unit: 2 });
    assert.match(
      checkout.return_url!,
      new RegExp(`/api/v1/payments/sumup_solo/callback/${res.body.id}/[A-Za-z0-9_-]{32}$`),
    );
    assert.equal(res.body.payment.client_transaction_id, checkout.client_transaction_id);

    await rig.fake.present(rig.readerId, 'approve');
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
    assert.equal(sale.payment.woken_by, 'callback');
    assert.equal(sale.payment.confirmed_by, 'status', "settled on SumUp's answer");
    assert.equal(rig.fake.callbacks.at(-1)!.status, 200);
    // Polling is off (SUMUP_POLL_MS=600000): the callback woke the daemon, which asked SumUp.
    assert.equal(rig.fake.requests.filter((r) => /\/checkout\/[^/]+$/.test(r)).length, 1);

    const report = await rig.d.get(`/api/v1/reports/daily`, { admin: true });
    assert.equal(report.status, 200, report.text);
    const row = report.body.by_provider.find(
      (p: { provider: string }) => p.provider === 'sumup_solo',
    );
    assert.deepEqual(row, { provider: 'sumup_solo', count: 1, total_cents: total });
    const cart = await rig.d.get('/api/v1/terminals/kiosk/cart');
    assert.equal(cart.body.lines.length, 0, 'a paid cart is emptied');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: success via polling when the callback never reaches the Pi', async () => {
  const rig = await startRig({ switches: { callbacks: false }, env: { SUMUP_POLL_MS: '30' } });
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 201, res.text);
    await rig.fake.present(rig.readerId, 'approve');
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
    assert.equal(sale.payment.confirmed_by, 'status');
    assert.equal(rig.fake.callbacks.length, 0);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a declined card fails the sale with a plain reason; the cart stays for another try', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    await rig.fake.present(rig.readerId, 'decline');
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'failed');
    assert.match(sale.reason!, /declined/);
    const cart = await rig.d.get('/api/v1/terminals/kiosk/cart');
    assert.equal(cart.body.lines.length, 1);
    assert.equal(cart.body.pending_sale_id, null);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: cancel while the reader waits for the card ends cancelled once SumUp confirms', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    const cancel = await rig.d.post(`/api/v1/sales/${res.body.id}/cancel`);
    assert.ok([200, 202].includes(cancel.status), cancel.text);
    assert.ok(rig.fake.requests.some((r) => r.endsWith('/terminate')));
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'cancelled');
    const checkout = [...rig.fake.checkouts.values()][0];
    assert.equal(checkout.status, 'failed', 'SumUp terminated the checkout');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a cancel that comes too late (card already approved) ends succeeded', async () => {
  const rig = await startRig({ switches: { terminateTooLate: true } });
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    const cancel = await rig.d.post(`/api/v1/sales/${res.body.id}/cancel`);
    assert.ok([200, 202].includes(cancel.status), cancel.text);
    assert.notEqual(cancel.body.state, 'cancelled', 'never cancelled before SumUp confirms');
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
    assert.equal([...rig.fake.checkouts.values()][0].status, 'successful');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: cancel after the card was approved but the callback was lost ends succeeded', async () => {
  const rig = await startRig({ switches: { callbacks: false } });
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    await rig.fake.present(rig.readerId, 'approve');
    const cancel = await rig.d.post(`/api/v1/sales/${res.body.id}/cancel`);
    assert.ok([200, 202].includes(cancel.status), cancel.text);
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a reader busy at SumUp (READER_BUSY) is refused in plain words', async () => {
  const rig = await startRig();
  try {
    // Another app started a checkout on the same reader.
    const other = await fetch(
      `${rig.fake.url}/v0.1/merchants/${MERCHANT}/readers/${rig.readerId}/checkout`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ total_amount: { value: 100, currency: 'EUR', minor_unit: 2 } }),
      },
    );
    assert.equal(other.status, 201);
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'reader_busy');
    assert.match(res.body.error.message, /busy/);
    const sale = await rig.d.get(`/api/v1/sales/${res.body.error.params.sale_id}`);
    assert.equal(sale.body.state, 'failed');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: never two live checkouts on one reader (second till refused without asking SumUp)', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    await fillCart(rig.d, 'till2');
    const first = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(first.status, 201);
    const second = await pay(rig.d, 'till2', 'sumup_solo');
    assert.equal(second.status, 409, second.text);
    assert.equal(second.body.error.code, 'reader_busy');
    assert.match(second.body.error.message, new RegExp(`#${first.body.number}`));
    assert.equal(checkoutCalls(rig.fake), 1);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: replaying the idempotency key never creates a second checkout', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    const body = { provider: 'sumup_solo', idempotency_key: 'same-key-0001' };
    const a = await rig.d.post('/api/v1/terminals/kiosk/checkout', body);
    const b = await rig.d.post('/api/v1/terminals/kiosk/checkout', body);
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(a.body.id, b.body.id);
    assert.equal(checkoutCalls(rig.fake), 1);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: an offline reader (READER_OFFLINE) is refused in plain words', async () => {
  const rig = await startRig();
  try {
    rig.fake.readers.get(rig.readerId)!.online = false;
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error.code, 'reader_offline');
    assert.match(res.body.error.message, /offline/);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a bad API key makes the provider unavailable with the reason, and checkout is refused', async () => {
  const rig = await startRig({ env: { SUMUP_API_KEY: 'sup_sk_wrong_key_000000' } });
  try {
    const list = await rig.d.get('/api/v1/payments/providers/available');
    const solo = list.body.find((p: { id: string }) => p.id === 'sumup_solo');
    assert.equal(solo.available, false);
    assert.match(solo.reason, /API key/);
    assert.equal(solo.reason_code, 'sumup_unauthorized');
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'provider_unavailable');
    assert.match(res.body.error.message, /API key/);
    assert.equal(checkoutCalls(rig.fake), 0);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: not configured → unavailable with a plain reason', async () => {
  const d = await startDaemon();
  try {
    const list = await d.get('/api/v1/payments/providers/available');
    const solo = list.body.find((p: { id: string }) => p.id === 'sumup_solo');
    assert.equal(solo.available, false);
    assert.match(solo.reason, /SUMUP_API_KEY/);
    assert.equal(solo.reason_code, 'sumup_api_key_missing');
  } finally {
    await d.stop();
  }
});

test('sumup_solo: rate limiting and a network outage are told in plain words, nothing is charged', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    rig.fake.switches.rateLimited = true;
    const limited = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(limited.status, 503, limited.text);
    assert.equal(limited.body.error.code, 'sumup_rate_limited');
    assert.match(limited.body.error.message, /limiting/);
    rig.fake.switches.rateLimited = false;

    await rig.fake.stop();
    const down = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.error.code, 'sumup_unreachable');
    assert.match(down.body.error.message, /internet connection/);
    assert.equal(rig.fake.checkouts.size, 0);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: SumUp not answering in time never leads to a second charge; the sale ends failed once the reader is idle', async () => {
  const clock = new ManualClock(Date.now());
  const rig = await startRig({
    clock,
    env: { SUMUP_TIMEOUT_MS: '200', SUMUP_POLL_MS: '30' },
  });
  try {
    await fillCart(rig.d, 'kiosk');
    rig.fake.switches.hang = true;
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'pending', 'unknown outcome: not failed while SumUp may have it');
    assert.equal(res.body.payment.unconfirmed, true);
    rig.fake.switches.hang = false;
    // A retry of the same sale never sends a second createCheckout.
    const again = await rig.d.post(`/api/v1/terminals/kiosk/checkout`, {
      provider: 'sumup_solo',
      idempotency_key: 'other-key-9999',
    });
    assert.equal(again.status, 409, again.text);
    assert.equal(again.body.error.code, 'payment_pending');
    // SumUp's 60 s start window passes with the reader idle: nothing can be charged anymore.
    clock.advance(61_000);
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'failed');
    assert.match(sale.reason!, /nothing was charged/);
    assert.equal(checkoutCalls(rig.fake), 1);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: forged callbacks (wrong token, token of another sale, other checkout) change nothing', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    await fillCart(rig.d, 'till2');
    rig.fake.addReader('Second Solo');
    const a = await pay(rig.d, 'kiosk', 'sumup_solo');
    const [checkoutA] = [...rig.fake.checkouts.values()];
    const tokenA = checkoutA.return_url!.split('/').pop()!;
    const body = (ctid: string) => ({
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      event_type: 'solo.transaction.updated',
      payload: { client_transaction_id: ctid, merchant_code: MERCHANT, status: 'successful' },
      timestamp: new Date().toISOString(),
    });
    const base = `/api/v1/payments/sumup_solo/callback`;
    const wrong = await rig.d.post(
      `${base}/${a.body.id}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      body(checkoutA.client_transaction_id),
    );
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'invalid_token');
    const otherSale = await rig.d.post(
      `${base}/s_19990101_1/${tokenA}`,
      body(checkoutA.client_transaction_id),
    );
    assert.equal(otherSale.status, 403);
    const otherCheckout = await rig.d.post(
      `${base}/${a.body.id}/${tokenA}`,
      body('9b9b9b9b-0000-4000-8000-000000000000'),
    );
    assert.equal(otherCheckout.status, 409);
    const malformed = await rig.d.post(`${base}/${a.body.id}/${tokenA}`, {
      payload: { status: 'paid' },
    });
    assert.equal(malformed.status, 400);
    const notJson = await rig.d.request('POST', `${base}/${a.body.id}/${tokenA}`, {
      raw: 'status=successful',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(notJson.status, 415);
    assert.equal((await rig.d.get(`/api/v1/sales/${a.body.id}`)).body.state, 'pending');

    await rig.fake.present(rig.readerId, 'decline');
    const sale = await waitForSale(rig.d, a.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'failed', 'the real outcome still wins');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a forged "successful" callback with the right token settles nothing while SumUp says pending', async () => {
  // The attack: the callback URL (with its token) leaked, e.g. through a forged Host header;
  // SumUp does not sign callbacks, so the body alone must never settle a sale.
  const rig = await startRig({ switches: { callbacks: false } });
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    const [checkout] = [...rig.fake.checkouts.values()];
    const forged = {
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      event_type: 'solo.transaction.updated',
      payload: {
        client_transaction_id: checkout.client_transaction_id,
        merchant_code: MERCHANT,
        status: 'successful',
      },
      timestamp: new Date().toISOString(),
    };
    const path = new URL(checkout.return_url!).pathname;
    const cb = await rig.d.post(path, forged);
    assert.equal(cb.status, 200, cb.text);
    assert.equal(cb.body.result, 'pending');
    assert.equal((await rig.d.get(`/api/v1/sales/${res.body.id}`)).body.state, 'pending');
    // The card is declined on the reader; a second forged "successful" changes nothing.
    await rig.fake.present(rig.readerId, 'decline');
    const again = await rig.d.post(path, forged);
    assert.equal(again.body.result, 'settled');
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'failed', "SumUp's answer, not the callback body, decided");
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: PAYMENT_MINIMUM_SUMUP_SOLO_CENTS refuses smaller totals before SumUp is asked', async () => {
  const rig = await startRig({ env: { PAYMENT_MINIMUM_SUMUP_SOLO_CENTS: '100000' } });
  try {
    const providers = await rig.d.get('/api/v1/payments/providers/available');
    assert.equal(
      providers.body.find((p: { id: string }) => p.id === 'sumup_solo').minimum_payment_cents,
      100000,
    );
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'below_minimum');
    assert.equal(checkoutCalls(rig.fake), 0);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: the callback needs no admin login and passes the IP whitelist (SumUp calls from outside)', async () => {
  const rig = await startRig({ switches: { callbacks: false }, env: { TRUST_PROXY: '127.0.0.1' } });
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    const put = await rig.d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { enabled: true, allowed_ips: [{ ip: '10.9.9.9', name: 'elsewhere' }] },
    });
    assert.equal(put.status, 200, put.text);
    // A request from the internet (through the trusted proxy) is refused on POS routes…
    const outside = { 'x-forwarded-for': '203.0.113.7' };
    const pos = await rig.d.get(`/api/v1/sales/${res.body.id}`, { headers: outside });
    assert.equal(pos.status, 403, pos.text);
    // …but SumUp's callback from there is heard.
    await rig.fake.present(rig.readerId, 'approve');
    const [checkout] = [...rig.fake.checkouts.values()];
    const cb = await rig.d.post(
      new URL(checkout.return_url!).pathname,
      {
        id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        event_type: 'solo.transaction.updated',
        payload: {
          client_transaction_id: checkout.client_transaction_id,
          merchant_code: MERCHANT,
          status: 'successful',
        },
        timestamp: new Date().toISOString(),
      },
      { headers: outside },
    );
    assert.equal(cb.status, 200, cb.text);
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
    assert.equal(sale.payment.woken_by, 'callback');
    assert.equal(sale.payment.confirmed_by, 'status', "settled on SumUp's answer");
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: with an affiliate key the sale id travels as foreign_transaction_id; a checkout whose answer was lost is found by it', async () => {
  const rig = await startRig({
    switches: { loseCheckoutAnswer: true, terminateTooLate: true, callbacks: false },
    env: {
      SUMUP_AFFILIATE_KEY: 'aff-key-solo',
      SUMUP_APP_ID: 'com.example.pos',
      SUMUP_TIMEOUT_MS: '200',
      SUMUP_POLL_MS: '30',
    },
  });
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.state, 'pending');
    const [checkout] = [...rig.fake.checkouts.values()];
    assert.equal(checkout.foreign_transaction_id, res.body.id);
    // The terminate sent after the lost answer came too late: the card was approved.
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
    assert.equal(sale.payment.confirmed_by, 'transactions');
    assert.equal(checkoutCalls(rig.fake), 1);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: availability is cached for 30 s, then re-checked and explained', async () => {
  const clock = new ManualClock(Date.now());
  const rig = await startRig({ clock });
  const solo = async () =>
    (await rig.d.get('/api/v1/payments/providers/available')).body.find(
      (p: { id: string }) => p.id === 'sumup_solo',
    );
  const listCalls = () => rig.fake.requests.filter((r) => r.endsWith('/readers')).length;
  try {
    assert.equal((await solo()).available, true);
    const calls = listCalls();
    rig.fake.switches.rateLimited = true;
    assert.equal((await solo()).available, true, 'within 30 s the cached answer stands');
    assert.equal(listCalls(), calls, 'SumUp was not asked again');
    clock.advance(31_000);
    const now = await solo();
    assert.equal(now.available, false);
    assert.match(now.reason, /limiting requests/);
    rig.fake.switches.rateLimited = false;
    clock.advance(11_000);
    assert.equal((await solo()).available, true, 'a failure is re-checked after 10 s');
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: slow SumUp answers within SUMUP_TIMEOUT_MS still complete the payment', async () => {
  const rig = await startRig({ env: { SUMUP_TIMEOUT_MS: '3000' } });
  try {
    await fillCart(rig.d, 'kiosk');
    rig.fake.switches.responseDelayMs = 300;
    const res = await pay(rig.d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.payment.unconfirmed, undefined);
    await rig.fake.present(rig.readerId, 'approve');
    const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');
  } finally {
    await rig.stop();
  }
});
