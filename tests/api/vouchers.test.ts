/**
 * Vouchers over HTTP (real daemon, real port): selling a multi-purpose voucher (no VAT) and a
 * single-purpose one (VAT), redeeming as a payment part with a balance left, the refusals
 * (unknown, not paid yet, used up, expired) with stable codes, the admin list, a restart
 * (the book is read back from disk), and an abandoned sale giving the amount back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../daemon/clock.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';

function pay(d: TestDaemon, terminal: string, body: object) {
  return d.post(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });
}

async function sellVoucher(d: TestDaemon, cents: number, extra: object = {}): Promise<any> {
  const cart = await addItem(d, 'vs', { voucher: { amount_cents: cents, ...extra } });
  assert.equal(cart.status, 200, cart.text);
  const line = cart.body.lines.at(-1);
  const sale = await pay(d, 'vs', { provider: 'cash' });
  assert.equal(sale.body.state, 'succeeded', sale.text);
  return { line, sale: sale.body };
}

test(
  'sell a voucher, redeem part of it in a split sale, the balance is kept across a restart; refusals are 4xx with stable codes',
  { timeout: 90_000 },
  async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 10, 0));
    // The demo card never answers here: a sale paid by card stays pending.
    let d = await startDaemon({ clock, keepData: true, env: { FAKE_CARD_DELAY_MS: '600000' } });
    try {
      const { line, sale } = await sellVoucher(d, 3000);
      assert.match(line.voucher_code, /^GS[A-Z2-9]{10}$/);
      assert.deepEqual(
        [line.kind, line.voucher_purpose, line.vat_rate, sale.total_cents],
        ['voucher', 'multi', 0, 3000],
      );
      const code = line.voucher_code;
      const info = (await d.get(`/api/v1/vouchers/${code}`)).body;
      assert.deepEqual(
        [info.state, info.balance_cents, info.expires_on],
        ['active', 3000, '2029-12-31'],
      );

      const p = await makeProduct(d, { price_cents: 4500 });
      await addItem(d, 'vr', { product_id: p.id });
      // No amount: the voucher pays what it holds (30.00 of 45.00); no tip on vouchers.
      const tip = await pay(d, 'vr', { provider: 'voucher', voucher_code: code, tip_cents: 100 });
      assert.deepEqual([tip.status, tip.body.error.code], [422, 'voucher_no_tip']);
      const part = await pay(d, 'vr', { provider: 'voucher', voucher_code: code.toLowerCase() });
      assert.equal(part.status, 201, part.text);
      assert.deepEqual(
        [part.body.state, part.body.paid_cents, part.body.remaining_cents],
        ['open', 3000, 1500],
      );
      assert.equal(part.body.payments[0].payment.voucher_code, code);
      const used = await pay(d, 'vr', { provider: 'voucher', voucher_code: code });
      assert.deepEqual([used.status, used.body.error.code], [409, 'voucher_used_up']);
      const rest = await pay(d, 'vr', { provider: 'cash' });
      assert.equal(rest.body.state, 'succeeded');

      // A second voucher, partly redeemed: a balance is left.
      const second = (await sellVoucher(d, 2000)).line.voucher_code;
      await addItem(d, 'vr', { product_id: p.id });
      const partial = await pay(d, 'vr', {
        provider: 'voucher',
        voucher_code: second,
        amount_cents: 1200,
      });
      assert.equal(partial.body.payments[0].payment.balance_after_cents, 800);
      const low = await pay(d, 'vr', {
        provider: 'voucher',
        voucher_code: second,
        amount_cents: 900,
      });
      assert.deepEqual(
        [low.status, low.body.error.code, low.body.error.params.balance_cents],
        [422, 'voucher_balance_low', 800],
      );
      const unknown = await pay(d, 'vr', { provider: 'voucher', voucher_code: 'GS2222222222' });
      assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'voucher_unknown']);
      const missing = await pay(d, 'vr', { provider: 'voucher' });
      assert.deepEqual([missing.status, missing.body.error.code], [400, 'voucher_code_missing']);
      // Abandoning gives the redeemed 12.00 back to the voucher.
      const out = await d.post(`/api/v1/sales/${partial.body.id}/abandon`, {});
      assert.equal(out.status, 200, out.text);
      assert.equal(out.body.pay_back_cash_cents, 0);
      assert.equal((await d.get(`/api/v1/vouchers/${second}`)).body.balance_cents, 2000);
      await d.request('DELETE', '/api/v1/terminals/vr/cart');

      // Bought in a sale that is still waiting for its card: not usable yet.
      await addItem(d, 'vp', { voucher: { amount_cents: 500 } });
      const waiting = await pay(d, 'vp', { provider: 'fake_card' });
      const pendingCode = waiting.body.lines[0].voucher_code;
      await addItem(d, 'vr2', { product_id: p.id });
      const early = await pay(d, 'vr2', { provider: 'voucher', voucher_code: pendingCode });
      assert.deepEqual([early.status, early.body.error.code], [409, 'voucher_inactive']);

      // Single-purpose: taxed at sale with its rate.
      const single = await sellVoucher(d, 1190, { purpose: 'single', vat_rate: 19 });
      assert.deepEqual([single.line.voucher_purpose, single.line.vat_rate], ['single', 19]);
      const noRate = await addItem(d, 'vs', { voucher: { amount_cents: 100, purpose: 'single' } });
      assert.deepEqual([noRate.status, noRate.body.error.field], [400, 'vat_rate']);

      const list = (await d.get('/api/v1/admin/vouchers', { admin: true })).body;
      const byCode = new Map(list.vouchers.map((v: any) => [v.code, v]));
      assert.deepEqual(
        [(byCode.get(code) as any).state, (byCode.get(code) as any).balance_cents],
        ['used_up', 0],
      );
      assert.equal((byCode.get(second) as any).balance_cents, 2000);
      assert.equal(list.outstanding_cents, 2000 + 1190);
      assert.equal((await d.get('/api/v1/admin/vouchers')).status, 401);

      // After a restart the book is read back: same balances.
      d = await d.restart();
      assert.equal((await d.get(`/api/v1/vouchers/${second}`)).body.balance_cents, 2000);
      assert.equal((await d.get(`/api/v1/vouchers/${code}`)).body.state, 'used_up');

      // Four years on the voucher has expired.
      clock.advance(4 * 366 * 86_400_000);
      await addItem(d, 'vx', { product_id: p.id });
      const expired = await pay(d, 'vx', { provider: 'voucher', voucher_code: second });
      assert.deepEqual([expired.status, expired.body.error.code], [409, 'voucher_expired']);
    } finally {
      await d.stop();
    }
  },
);
