/**
 * Refunds of sales paid in several parts (issue 16, pay3 point 2), on the real daemon with the
 * fake SumUp server: each part goes back through its provider — the card through SumUp's
 * refund API, the voucher onto its balance (a new voucher when it has expired), cash from the
 * drawer — in the documented order (cash, then cards, then vouchers) for a partial refund;
 * the refund lists each part, the TSE's process data and the X report see the parts; a card
 * part SumUp refuses after another went back answers `refund_part_failed` with what was
 * refunded and what remains, writes no refund, and refunding again carries on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../daemon/clock.js';
import { startRig, waitForSale, until, type SumUpRig } from '../helpers/sumup.js';
import { dsfinvkTables } from '../helpers/dsfinvk-tables.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ADMIN_TOKEN as ShopAdmin, product, startShop } from '../helpers/shop-ops.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { rm } from 'node:fs/promises';

const pay = (d: TestDaemon, terminal: string, body: object) =>
  d.post<any>(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });

const refund = (d: TestDaemon, saleId: string, body: object = {}) =>
  d.post<any>(
    `/api/v1/sales/${saleId}/refunds`,
    { reason: 'zurückgegeben', idempotency_key: randomUUID(), ...body },
    { admin: true },
  );

const parts = (r: any) =>
  r.payments.map((p: any) => [
    p.provider,
    p.amount_cents,
    p.method,
    p.payment.voucher_code ?? null,
  ]);

async function sellVoucher(d: TestDaemon, cents: number): Promise<string> {
  const cart = await addItem(d, 'vs', { voucher: { amount_cents: cents } });
  const code = (cart.body as any).lines.at(-1).voucher_code;
  assert.equal((await pay(d, 'vs', { provider: 'cash' })).body.state, 'succeeded');
  return code;
}

/** Pays the kiosk's cart by SumUp (amount, tip) and waits until the part is decided. */
async function sumupPart(rig: SumUpRig, body: object): Promise<any> {
  const r = await pay(rig.d, 'kiosk', { provider: 'sumup_solo', ...body });
  assert.equal(r.status, 201, r.text);
  await until(() => rig.fake.liveCheckout(rig.readerId) !== undefined, 'a reader checkout');
  await rig.fake.present(rig.readerId, 'approve');
  return waitForSale(rig.d, r.body.id, (s) => s.state !== 'pending');
}

test('voucher + card with tip + cash: a partial refund takes cash first, then the card; the rest goes back to the card and onto the voucher; TSE and X report per part', async () => {
  const rig = await startRig();
  const d = rig.d;
  try {
    const voucher = await sellVoucher(d, 2000);
    const p = await makeProduct(d, { price_cents: 1000 });
    for (let i = 0; i < 4; i++) await addItem(d, 'kiosk', { product_id: p.id });
    const v = await pay(d, 'kiosk', { provider: 'voucher', voucher_code: voucher });
    assert.deepEqual([v.body.state, v.body.paid_cents], ['open', 2000], v.text);
    const card = await sumupPart(rig, { amount_cents: 1500, tip_cents: 200 });
    assert.equal(card.state, 'open');
    const cash = await pay(d, 'kiosk', { provider: 'cash', tendered_cents: 500 });
    assert.equal(cash.body.state, 'succeeded', cash.text);
    const sale = cash.body;
    assert.equal((await d.get<any>(`/api/v1/vouchers/${voucher}`)).body.state, 'used_up');
    const line = sale.lines.findIndex((l: any) => l.product_id === p.id);
    assert.equal(sale.lines[line].quantity, 4);

    // One piece (10,00 €): cash 5,00 first, then 5,00 from the card; the voucher untouched.
    const one = await refund(d, sale.id, { parts: [{ line_index: line, quantity: 1 }] });
    assert.equal(one.status, 201, one.text);
    assert.equal(one.body.refund.method, 'split');
    assert.deepEqual(parts(one.body.refund), [
      ['cash', 500, 'cash', null],
      ['sumup_solo', 500, 'provider', null],
    ]);
    assert.deepEqual(
      rig.fake.refunds.map((r) => r.value),
      [500],
    );
    assert.equal(
      one.body.refund.tse.process_data,
      'Beleg^-10.00_0.00_0.00_0.00_0.00^-5.00:Bar_-5.00:Unbar',
    );

    // The other three (30,00 €): the card's remaining 10,00 (never its tip), the voucher 20,00.
    const rest = await refund(d, sale.id);
    assert.equal(rest.status, 201, rest.text);
    assert.deepEqual(parts(rest.body.refund), [
      ['sumup_solo', 1000, 'provider', null],
      ['voucher', 2000, 'provider', voucher],
    ]);
    assert.deepEqual(
      rig.fake.refunds.map((r) => r.value),
      [500, 1000],
    );
    const back = (await d.get<any>(`/api/v1/vouchers/${voucher}`)).body;
    assert.deepEqual([back.state, back.balance_cents], ['active', 2000]);
    // The voucher redemption comes back as a positive line in the 0 % slot; only the card is money.
    assert.equal(
      rest.body.refund.tse.process_data,
      'Beleg^-30.00_0.00_0.00_0.00_20.00^-10.00:Unbar',
    );
    // Everything is back: nothing more to refund.
    assert.equal((await refund(d, sale.id)).status, 409);

    // The X report books each part with its provider; only the cash part left the drawer.
    const x = (await d.get<any>('/api/v1/closing/x', { admin: true })).body;
    const byProvider = new Map(x.by_provider.map((t: any) => [t.provider, t.refunds_cents]));
    assert.deepEqual(
      [byProvider.get('cash'), byProvider.get('sumup_solo'), byProvider.get('voucher')],
      [500, 1500, 2000],
    );
    assert.equal(x.cash.cash_refunds_cents, 500);
    assert.equal(x.refunds_total_cents, 4000);
    // The cash-up per cashier: only the 5,00 cash part came out of the drawer.
    const shifts = (await d.get<any>('/api/v1/closing/shifts', { admin: true })).body;
    const cashier = shifts.cashiers.find((c: any) => c.refund_count === 2);
    assert.deepEqual(
      [cashier?.refunds_cents, cashier?.cash_refunds_cents],
      [4000, 500],
      JSON.stringify(shifts.cashiers),
    );

    // The refund receipt lists the parts.
    const receipt = await d.get<any>(`/api/v1/refunds/${rest.body.refund.id}/receipt`);
    assert.equal(receipt.status, 200, receipt.text);
    assert.deepEqual(
      receipt.body.receipt.payments.map((x: any) => [x.provider, x.amount_cents, x.reference]),
      [
        ['sumup_solo', -1000, receipt.body.receipt.payments[0].reference],
        ['voucher', -2000, voucher],
      ],
    );
  } finally {
    await rig.stop();
  }
});

test('two card parts: SumUp refuses the second after the first went back → 502 refund_part_failed, no refund written; refunding again carries on without asking twice; by_hand finishes it', async () => {
  const rig = await startRig();
  const d = rig.d;
  try {
    const p = await makeProduct(d, { price_cents: 1000 });
    await addItem(d, 'kiosk', { product_id: p.id });
    await addItem(d, 'kiosk', { product_id: p.id });
    await sumupPart(rig, { amount_cents: 1200 });
    const sale = await sumupPart(rig, {});
    assert.equal(sale.state, 'succeeded');
    // SumUp will say the second payment is refunded already (refunded in the SumUp app).
    const second = [...rig.fake.checkouts.values()][1];
    second.refunded_value = second.total_amount.value;

    const failed = await refund(d, sale.id);
    assert.equal(failed.status, 502, failed.text);
    assert.equal(failed.body.error.code, 'refund_part_failed');
    const { reason, refunded_cents, remaining_cents } = failed.body.error.params;
    assert.deepEqual(
      [reason, refunded_cents, remaining_cents],
      ['sumup_not_refundable', 1200, 800],
    );
    assert.deepEqual(
      rig.fake.refunds.map((r) => r.value),
      [1200],
    );
    // No refund record, half or whole; a different refund of the sale waits for this one.
    const none = await d.get<any>(`/api/v1/sales/${sale.id}/refunds`, { admin: true });
    assert.deepEqual([none.body.refunds, none.body.refunded_quantities], [[], {}]);
    const other = await refund(d, sale.id, { parts: [{ line_index: 0, quantity: 1 }] });
    assert.deepEqual([other.status, other.body.error.code], [409, 'refund_in_progress']);
    assert.equal(other.body.error.params.refunded_cents, 1200);

    // The same refund again (a new click, a new key) skips the part that went back: SumUp is
    // not asked twice for it, and still refuses the second.
    const retry = await refund(d, sale.id);
    assert.deepEqual(
      [retry.status, retry.body.error.code, retry.body.error.params.refunded_cents],
      [502, 'refund_part_failed', 1200],
    );
    assert.deepEqual(
      rig.fake.refunds.map((r) => r.value),
      [1200],
    );
    // The way out: the rest by hand. One whole refund record lists both parts.
    const bad = await refund(d, sale.id, { by_hand: 'yes' });
    assert.deepEqual([bad.status, bad.body.error.field], [400, 'by_hand']);
    const done = await refund(d, sale.id, { by_hand: true });
    assert.equal(done.status, 201, done.text);
    assert.deepEqual(parts(done.body.refund), [
      ['sumup_solo', 1200, 'provider', null],
      ['sumup_solo', 800, 'manual', null],
    ]);
    assert.deepEqual(
      rig.fake.refunds.map((r) => r.value),
      [1200],
    );
    assert.equal(done.body.refund.total_cents, 2000);
    // Finished: the sale's other refunds are free again (nothing is left to refund).
    const after = await refund(d, sale.id, { parts: [{ line_index: 0, quantity: 1 }] });
    assert.deepEqual([after.status, after.body.error.code], [409, 'already_refunded']);
  } finally {
    await rig.stop();
  }
});

test('voucher + cash, refunded after the voucher expired: cash back from the drawer, the voucher part onto a new voucher (kept over a restart); the DSFinV-K export books the parts', async () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 10, 0));
  let d = await startDaemon({ clock, keepData: true });
  try {
    const voucher = await sellVoucher(d, 2000);
    const p = await makeProduct(d, { price_cents: 3000 });
    await addItem(d, 'kiosk', { product_id: p.id });
    await pay(d, 'kiosk', { provider: 'voucher', voucher_code: voucher });
    const sale = (await pay(d, 'kiosk', { provider: 'cash' })).body;
    assert.equal(sale.state, 'succeeded');

    clock.advance(4 * 366 * 86_400_000);
    assert.equal((await d.get<any>(`/api/v1/vouchers/${voucher}`)).body.state, 'expired');
    const r = await refund(d, sale.id);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(parts(r.body.refund), [
      ['cash', 1000, 'cash', null],
      ['voucher', 2000, 'provider', voucher],
    ]);
    const fresh = r.body.refund.payments[1].payment.new_voucher_code;
    assert.match(fresh, /^GS[A-Z2-9]{10}$/);
    const check = async () => {
      const v = (await d.get<any>(`/api/v1/vouchers/${fresh}`)).body;
      assert.deepEqual([v.state, v.balance_cents, v.expires_on], ['active', 2000, '2033-12-31']);
      const old = (await d.get<any>(`/api/v1/vouchers/${voucher}`)).body;
      assert.deepEqual([old.state, old.balance_cents], ['expired', 0]);
    };
    await check();
    // The refund receipt prints the new voucher's code to scan.
    const receipt = (await d.get<any>(`/api/v1/refunds/${r.body.refund.id}/receipt`)).body;
    assert.deepEqual(receipt.receipt.vouchers, [{ code: fresh, amount_cents: 2000 }]);
    d = await d.restart();
    await check();

    clock.advance(60_000);
    const x = (await d.get<any>('/api/v1/closing/x', { admin: true })).body;
    const z = await d.post(
      '/api/v1/closing/z',
      { counted_cents: x.cash.expected_cents, next_float_cents: 0, idempotency_key: newKey() },
      { admin: true },
    );
    assert.ok(z.status < 300, z.text);
    const today = d.shopDay(r.body.refund.created_at);
    const csv = await dsfinvkTables(d.url, ADMIN, today);
    const id = r.body.refund.id;
    assert.deepEqual(
      csv('lines.csv')
        .filter((l) => l.BON_ID === id)
        .map((l) => l.GV_TYP),
      ['Umsatz', 'MehrzweckgutscheinEinloesung'],
    );
    assert.deepEqual(
      csv('datapayment.csv')
        .filter((l) => l.BON_ID === id)
        .map((l) => [l.ZAHLART_TYP, l.BASISWAEH_BETRAG]),
      [['Bar', '-10,00']],
    );
  } finally {
    await d.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});

test('printed: a split refund with a cash part opens the drawer and the refund receipt lists each part', async () => {
  const { d, dev } = await startShop();
  try {
    await product(d, { barcode: '7001', name: 'Schal', price_cents: 2000, vat_rate: 19 });
    await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: '7001' });
    const first = await d.post<any>(
      '/api/v1/terminals/kiosk/checkout',
      { provider: 'cash', amount_cents: 500, idempotency_key: newKey() },
      { admin: ShopAdmin },
    );
    assert.equal(first.body.state, 'open', first.text);
    const rest = await d.post<any>(
      '/api/v1/terminals/kiosk/checkout',
      { provider: 'fake_card', idempotency_key: newKey() },
      { admin: ShopAdmin },
    );
    const sale = await waitForSale(d, rest.body.id, (s) => s.state === 'succeeded');
    dev.clear();
    const r = await d.post<any>(
      `/api/v1/sales/${sale.id}/refunds`,
      { reason: 'zurück', idempotency_key: randomUUID() },
      { admin: ShopAdmin },
    );
    assert.equal(r.status, 201, r.text);
    // The demo card has no refund API: that part is paid back by hand.
    assert.deepEqual(parts(r.body.refund), [
      ['cash', 500, 'cash', null],
      ['fake_card', 1500, 'manual', null],
    ]);
    const printed = decodeEscPos(dev.bytes());
    assert.equal(printed.ops.filter((o) => o.op === 'drawer').length, 1, 'the drawer opens');
    const text = printed.lines.join('\n');
    assert.match(text, /^Bar +-5,00$/m, text);
    assert.match(text, /-15,00$/m, text);
  } finally {
    await d.stop();
  }
});
