/**
 * Refunding a sale that sold a voucher (issue 16, pay3 point 1), on the real daemon: an unused
 * voucher is voided with the refund (state "voided", redeeming it is refused with
 * `voucher_voided`), a voucher that paid anything is not refunded (409
 * `voucher_already_used`, nothing written, the voucher keeps working), and the voided state
 * comes back after a restart — also when refunds.json is lost and rebuilt from the journal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';

const pay = (d: TestDaemon, terminal: string, body: object) =>
  d.post<any>(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });

const refund = (d: TestDaemon, saleId: string, body: object = {}) =>
  d.post<any>(
    `/api/v1/sales/${saleId}/refunds`,
    { reason: 'Gutschein zurückgegeben', idempotency_key: randomUUID(), ...body },
    { admin: true },
  );

async function sellVoucher(d: TestDaemon, cents: number): Promise<{ code: string; sale: any }> {
  const cart = await addItem(d, 'vs', { voucher: { amount_cents: cents } });
  assert.equal(cart.status, 200, cart.text);
  const code = (cart.body as any).lines.at(-1).voucher_code;
  const sale = await pay(d, 'vs', { provider: 'cash' });
  assert.equal(sale.body.state, 'succeeded', sale.text);
  return { code, sale: sale.body };
}

const voucher = async (d: TestDaemon, code: string) =>
  (await d.get<any>(`/api/v1/vouchers/${code}`)).body;

test('a refunded unused voucher is voided; a redeemed one refuses the refund; voided survives a restart and a lost refunds.json', async () => {
  let d = await startDaemon({ keepData: true });
  try {
    const p = await makeProduct(d, { price_cents: 1500 });
    // Sale 1: a 30,00 € voucher and a product, cash.
    await addItem(d, 'vs', { product_id: p.id });
    const unused = await sellVoucher(d, 3000);
    // Sale 2: a 20,00 € voucher that then pays 5,00 €.
    const used = await sellVoucher(d, 2000);
    await addItem(d, 'vr', { product_id: p.id });
    const part = await pay(d, 'vr', {
      provider: 'voucher',
      voucher_code: used.code,
      amount_cents: 500,
    });
    assert.equal(part.body.state, 'open', part.text);
    assert.equal((await pay(d, 'vr', { provider: 'cash' })).body.state, 'succeeded');

    // The redeemed voucher: the refund is refused with a stable code and changes nothing.
    const refused = await refund(d, used.sale.id);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'voucher_already_used');
    assert.deepEqual(refused.body.error.params, { voucher_code: used.code, redeemed_cents: 500 });
    const none = await d.get<any>(`/api/v1/sales/${used.sale.id}/refunds`, { admin: true });
    assert.deepEqual(none.body.refunds, []);
    assert.deepEqual(
      [(await voucher(d, used.code)).state, (await voucher(d, used.code)).balance_cents],
      ['active', 1500],
    );

    // Only the product line of sale 1 first: the voucher stays usable.
    const productOnly = await refund(d, unused.sale.id, { line_indexes: [0] });
    assert.equal(productOnly.status, 201, productOnly.text);
    assert.equal((await voucher(d, unused.code)).state, 'active');
    // Then its voucher line (a partial refund of the sale): voided.
    const voucherLine = await refund(d, unused.sale.id, { line_indexes: [1] });
    assert.equal(voucherLine.status, 201, voucherLine.text);
    assert.equal(voucherLine.body.refund.total_cents, 3000);
    assert.equal(voucherLine.body.refund.lines[0].voucher_code, unused.code);
    assert.equal((await voucher(d, unused.code)).state, 'voided');

    // Redeeming the voided code is refused.
    await addItem(d, 'vx', { product_id: p.id });
    const redeem = await pay(d, 'vx', { provider: 'voucher', voucher_code: unused.code });
    assert.deepEqual([redeem.status, redeem.body.error.code], [409, 'voucher_voided']);
    const list = (await d.get<any>('/api/v1/admin/vouchers', { admin: true })).body;
    const states = new Map(list.vouchers.map((v: any) => [v.code, v.state]));
    assert.equal(states.get(unused.code), 'voided');
    // The voided voucher is no longer owed.
    assert.equal(list.outstanding_cents, 1500);

    // After a restart, and after refunds.json is lost (rebuilt from the journal): still voided.
    d = await d.restart();
    assert.equal((await voucher(d, unused.code)).state, 'voided');
    await d.stop();
    await rm(path.join(d.dataDir, 'refunds.json'));
    d = await startDaemon({ dataDir: d.dataDir, keepData: true });
    assert.equal((await voucher(d, unused.code)).state, 'voided');
    assert.equal((await voucher(d, used.code)).state, 'active');
    const again = await pay(d, 'vx', { provider: 'voucher', voucher_code: unused.code });
    assert.deepEqual([again.status, again.body.error.code], [409, 'voucher_voided']);
  } finally {
    await d.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});
