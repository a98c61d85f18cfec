/**
 * Refunds of SumUp sales through SumUp's refund API: the real daemon and the official SDK
 * against the fake SumUp server. Full and per-line refunds of a Solo sale reach SumUp with the
 * right amounts (the transaction looked up first) and are journalled as provider refunds; a
 * refusal by SumUp or an unreachable SumUp journals nothing; a line refunded once never goes
 * to SumUp again; Tap to Pay refunds through SumUp with an API key and by hand without one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Refund, Sale } from '../../daemon/protocol.js';
import type { FakeSumUp } from '../../daemon/payments/sumup/fake-server.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { pay, startRig, waitForSale, type SumUpRig } from '../helpers/sumup.js';

const TAP_ENV = {
  SUMUP_AFFILIATE_KEY: 'aff-7ca84f17-84a5',
  SUMUP_APP_ID: 'com.example.counterpos',
};

const refund = (d: TestDaemon, saleId: string, body: Record<string, unknown> = {}) =>
  d.post(
    `/api/v1/sales/${saleId}/refunds`,
    { reason: 'customer returned it', idempotency_key: randomUUID(), ...body },
    { admin: true },
  );

/** Refund lines in the journal (all days the daemon wrote today). */
async function journalRefunds(d: TestDaemon): Promise<Refund[]> {
  const day = d.app.checkout.calendar.day(d.app.clock.now());
  const text = await readFile(path.join(d.dataDir, 'sales', `${day}.jsonl`), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => l.e === 'refund')
    .map((l) => l.refund as Refund);
}

const sumupRefundCalls = (fake: FakeSumUp) =>
  fake.requests.filter((r) => r.startsWith('POST /v1.0/') && r.endsWith('/refunds')).length;

/** Two lines: 2 × Cola 2.50 (line 0) and 1 × Brezel 1.20 (line 1), in `terminal`'s cart. */
async function fillTwoLines(d: TestDaemon, terminal = 'kiosk'): Promise<void> {
  const tag = randomUUID().slice(0, 8);
  for (const [barcode, name, price_cents, quantity] of [
    [`COLA-${tag}`, 'Cola', 250, 2],
    [`BREZEL-${tag}`, 'Brezel', 120, 1],
  ] as const) {
    const p = await d.post(
      '/api/v1/products',
      { barcode, name, price_cents, vat_rate: 19, category: 'Test' },
      { admin: true },
    );
    assert.equal(p.status, 201, p.text);
    const r = await d.post(`/api/v1/terminals/${terminal}/cart/items`, { barcode, quantity });
    assert.equal(r.status, 200, r.text);
  }
}

/** A Solo sale of fillTwoLines() (6.20 EUR), approved on the reader, settled by callback. */
async function paidSoloSale(rig: SumUpRig): Promise<Sale> {
  await fillTwoLines(rig.d);
  const res = await pay(rig.d, 'kiosk', 'sumup_solo');
  assert.equal(res.status, 201, res.text);
  await rig.fake.present(rig.readerId, 'approve');
  const sale = await waitForSale(rig.d, res.body.id, (s) => s.state !== 'pending');
  assert.equal(sale.state, 'succeeded');
  assert.equal(sale.total_cents, 620);
  return sale;
}

test('sumup_solo: a full refund goes to SumUp for the sale transaction and is journalled as a provider refund', async () => {
  const rig = await startRig();
  try {
    const sale = await paidSoloSale(rig);
    const [checkout] = [...rig.fake.checkouts.values()];
    // The sale knows checkout and client transaction ids, not the transaction id SumUp wants.
    assert.notEqual(checkout.transaction_id, sale.payment.client_transaction_id);
    assert.notEqual(checkout.transaction_id, sale.payment.checkout_id);

    const r = await refund(rig.d, sale.id);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.refund.method, 'provider');
    assert.equal(r.body.refund.provider, 'sumup_solo');
    assert.equal(r.body.refund.total_cents, 620);
    assert.deepEqual(r.body.refunded_line_indexes, [0, 1]);

    assert.equal(rig.fake.refunds.length, 1);
    assert.equal(rig.fake.refunds[0].transaction_id, checkout.transaction_id);
    assert.equal(rig.fake.refunds[0].amount, 6.2, 'SumUp takes major units');
    assert.equal(rig.fake.refunds[0].value, 620);

    const [entry] = await journalRefunds(rig.d);
    assert.equal(entry.sale_id, sale.id);
    assert.equal(entry.provider, 'sumup_solo');
    assert.equal(entry.method, 'provider');
    assert.equal(entry.total_cents, 620);
    assert.equal(entry.payment.transaction_id, checkout.transaction_id);
    assert.equal(entry.payment.transaction_code, checkout.transaction_code);

    // Refunded in full: refused here, SumUp is not asked again.
    const again = await refund(rig.d, sale.id);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_refunded');
    assert.equal(sumupRefundCalls(rig.fake), 1);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: per-line refunds send each line amount to SumUp; a line refunded once is refused without calling SumUp', async () => {
  const rig = await startRig();
  try {
    const sale = await paidSoloSale(rig);
    const brezel = await refund(rig.d, sale.id, { line_indexes: [1] });
    assert.equal(brezel.status, 201, brezel.text);
    assert.equal(brezel.body.refund.total_cents, 120);
    assert.equal(brezel.body.refund.method, 'provider');
    assert.deepEqual(
      rig.fake.refunds.map((x) => x.amount),
      [1.2],
    );

    const requestsBefore = rig.fake.requests.length;
    const twice = await refund(rig.d, sale.id, { line_indexes: [1] });
    assert.equal(twice.status, 409, twice.text);
    assert.equal(twice.body.error.code, 'already_refunded');
    assert.match(twice.body.error.message, /Already refunded: "Brezel"/);
    assert.equal(rig.fake.requests.length, requestsBefore, 'SumUp was not asked at all');

    const rest = await refund(rig.d, sale.id);
    assert.equal(rest.status, 201, rest.text);
    assert.deepEqual(
      rest.body.refund.lines.map((l: { line_index: number }) => l.line_index),
      [0],
    );
    assert.deepEqual(
      rig.fake.refunds.map((x) => x.amount),
      [1.2, 5],
    );
    const [checkout] = [...rig.fake.checkouts.values()];
    assert.equal(checkout.refunded_value, 620);

    const entries = await journalRefunds(rig.d);
    assert.deepEqual(
      entries.map((e) => [e.method, e.provider, e.total_cents]),
      [
        ['provider', 'sumup_solo', 120],
        ['provider', 'sumup_solo', 500],
      ],
    );
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a refund SumUp refuses or cannot receive is journalled nowhere and answered in plain words', async () => {
  const rig = await startRig();
  try {
    const sale = await paidSoloSale(rig);

    rig.fake.switches.refundFailure = 'declined';
    const declined = await refund(rig.d, sale.id, { line_indexes: [0] });
    assert.equal(declined.status, 422, declined.text);
    assert.equal(declined.body.error.code, 'sumup_refund_declined');
    assert.match(declined.body.error.message, /SumUp declined the refund/);
    assert.match(declined.body.error.message, /issuer declined/);
    assert.match(declined.body.error.message, /Nothing was refunded/);

    rig.fake.switches.refundFailure = 'not_refundable';
    const conflict = await refund(rig.d, sale.id, { line_indexes: [0] });
    assert.equal(conflict.status, 422, conflict.text);
    assert.equal(conflict.body.error.code, 'sumup_not_refundable');
    assert.match(conflict.body.error.message, /refunded already/);

    rig.fake.switches.refundFailure = 'server_error';
    const broken = await refund(rig.d, sale.id, { line_indexes: [0] });
    assert.equal(broken.status, 502, broken.text);
    assert.equal(broken.body.error.code, 'sumup_unavailable');
    assert.match(broken.body.error.message, /check the payment in the SumUp app/);

    // Network down: nothing reaches SumUp.
    const port = Number(new URL(rig.fake.url).port);
    await rig.fake.stop();
    const offline = await refund(rig.d, sale.id, { line_indexes: [0] });
    assert.equal(offline.status, 502, offline.text);
    assert.equal(offline.body.error.code, 'sumup_unreachable');
    assert.match(offline.body.error.message, /Cannot reach SumUp .*Nothing was refunded/);

    assert.equal(rig.fake.refunds.length, 0);
    assert.deepEqual(await journalRefunds(rig.d).catch(() => []), []);
    const listed = await rig.d.get(`/api/v1/sales/${sale.id}/refunds`, { admin: true });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(JSON.stringify(listed.body).includes('"rf_'), false, 'no refund exists');

    // Back online and willing: the same line can be refunded now (it was never marked).
    rig.fake.switches.refundFailure = 'none';
    await rig.fake.start(port);
    const ok = await refund(rig.d, sale.id, { line_indexes: [0] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.refund.number, 1);
    assert.deepEqual(
      rig.fake.refunds.map((x) => x.amount),
      [5],
    );
  } finally {
    await rig.stop();
  }
});

test('sumup_tap: with an API key a refund goes to SumUp for the app payment; without one it is recorded as manual', async () => {
  const rig = await startRig({ env: TAP_ENV });
  try {
    await fillTwoLines(rig.d);
    const sale: Sale = (await pay(rig.d, 'kiosk', 'sumup_tap')).body;
    const tx = rig.fake.recordAppPayment({ foreign_transaction_id: sale.id, value: 620 });
    const url = new URL(sale.payment.app_switch_url as string);
    const cb = new URL(url.searchParams.get('callback')!).pathname;
    await rig.d.get(`${cb}?smp-status=success&smp-tx-code=${tx.transaction_code}`);
    const paid = await waitForSale(rig.d, sale.id, (s) => s.state !== 'pending');
    assert.equal(paid.state, 'succeeded');
    const r = await refund(rig.d, sale.id, { line_indexes: [1] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.refund.method, 'provider');
    assert.equal(r.body.refund.provider, 'sumup_tap');
    assert.deepEqual(
      rig.fake.refunds.map((x) => [x.transaction_id, x.amount]),
      [[tx.transaction_id, 1.2]],
    );
  } finally {
    await rig.stop();
  }

  const d = await startDaemon({ env: TAP_ENV });
  try {
    await fillTwoLines(d);
    const sale: Sale = (await pay(d, 'kiosk', 'sumup_tap')).body;
    const url = new URL(sale.payment.app_switch_url as string);
    const cb = new URL(url.searchParams.get('callback')!).pathname;
    await d.get(`${cb}?smp-status=success&smp-tx-code=TNOAPI0001`);
    assert.equal((await waitForSale(d, sale.id, (s) => s.state !== 'pending')).state, 'succeeded');
    const r = await refund(d, sale.id);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.refund.method, 'manual');
  } finally {
    await d.stop();
  }
});
