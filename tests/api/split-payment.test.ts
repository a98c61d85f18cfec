/**
 * Split payment and tips over HTTP (real daemon, real port): parts with `amount_cents`, the
 * open sale, a declined card part, tips on card and "keep the change" on cash, abandoning an
 * open sale (POST /api/v1/sales/:id/abandon), to the cent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';

function pay(d: TestDaemon, terminal: string, body: object) {
  return d.post(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });
}

async function settled(d: TestDaemon, id: string): Promise<any> {
  for (let i = 0; i < 1000; i++) {
    const s = (await d.get(`/api/v1/sales/${id}`)).body;
    if (s.state !== 'pending') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`sale ${id} stayed pending`);
}

const parts = (s: any) =>
  s.payments.map((p: any) => `${p.provider}:${p.amount_cents}+${p.tip_cents}:${p.state}`);

test(
  'cash part, declined card part, card part with a tip, cash rest with "keep the change": open in between, succeeded at the end',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 1250 });
      await addItem(d, 'sp', { product_id: p.id, quantity: 2 }); // 25.00
      const a = await pay(d, 'sp', { provider: 'cash', amount_cents: 500, tendered_cents: 1000 });
      assert.equal(a.status, 201, a.text);
      assert.deepEqual(
        [a.body.state, a.body.paid_cents, a.body.remaining_cents, a.body.change_cents],
        ['open', 500, 2000, 500],
      );
      // The cart waits on the open sale: no edits.
      const edit = await addItem(d, 'sp', { product_id: p.id });
      assert.equal(edit.status, 409);
      assert.equal(edit.body.error.code, 'payment_pending');
      const tooMuch = await pay(d, 'sp', { provider: 'fake_card', amount_cents: 2001 });
      assert.equal(tooMuch.status, 422);
      assert.deepEqual(
        [tooMuch.body.error.code, tooMuch.body.error.params.remaining_cents],
        ['amount_too_high', 2000],
      );
      // 10.00 + 0.13 tip: the demo card declines totals ending in .13 — the sale stays open.
      const b = await pay(d, 'sp', { provider: 'fake_card', amount_cents: 1000, tip_cents: 13 });
      assert.equal(b.status, 201, b.text);
      const declined = await settled(d, a.body.id);
      assert.deepEqual(
        [declined.state, declined.reason_code, declined.paid_cents],
        ['open', 'card_declined', 500],
      );
      const c = await pay(d, 'sp', { provider: 'fake_card', amount_cents: 1000, tip_cents: 150 });
      assert.equal(c.status, 201, c.text);
      const afterCard = await settled(d, a.body.id);
      assert.deepEqual(
        [afterCard.state, afterCard.paid_cents, afterCard.remaining_cents, afterCard.tip_cents],
        ['open', 1500, 1000, 150],
      );
      // Keep the change: 20.00 handed over for 10.00, the 10.00 over it is a tip.
      const last = await pay(d, 'sp', {
        provider: 'cash',
        tendered_cents: 2000,
        tip_cents: 1000,
      });
      assert.equal(last.status, 201, last.text);
      assert.deepEqual(
        [last.body.state, last.body.paid_cents, last.body.remaining_cents, last.body.tip_cents],
        ['succeeded', 2500, 0, 1150],
      );
      assert.deepEqual(parts(last.body), [
        'cash:500+0:succeeded',
        'fake_card:1000+150:succeeded',
        'cash:1000+1000:succeeded',
      ]);
      assert.equal(last.body.payments[2].change_cents, 0);
      assert.equal(last.body.total_cents, 2500, 'tips are not part of the sale total');
      assert.equal((await d.get('/api/v1/terminals/sp/cart')).body.item_count, 0);
      // A refund of a split sale goes back per part: cash first (both cash parts), then the
      // card — the demo card has no refund API, so that part is paid back by hand.
      const rf = await d.post(
        `/api/v1/sales/${last.body.id}/refunds`,
        { reason: 'zurück', idempotency_key: newKey(), line_indexes: [0] },
        { admin: true },
      );
      assert.equal(rf.status, 201, rf.text);
      assert.equal(rf.body.refund.method, 'split');
      assert.deepEqual(
        rf.body.refund.payments.map((x: any) => `${x.provider}:${x.amount_cents}:${x.method}`),
        ['cash:500:cash', 'cash:1000:cash', 'fake_card:1000:manual'],
      );
    } finally {
      await d.stop();
    }
  },
);

test(
  'abandoning an open sale: cash shown as to pay back, the sale cancelled, the cart unlocked; a settled sale is refused',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 800 });
      await addItem(d, 'ab', { product_id: p.id });
      const a = await pay(d, 'ab', { provider: 'cash', amount_cents: 300 });
      const b = await pay(d, 'ab', { provider: 'fake_card', amount_cents: 200 });
      assert.equal((await settled(d, b.body.id)).paid_cents, 500);
      const out = await d.post(`/api/v1/sales/${a.body.id}/abandon`, {});
      assert.equal(out.status, 200, out.text);
      assert.deepEqual(
        [out.body.sale.state, out.body.sale.reason_code, out.body.pay_back_cash_cents],
        ['cancelled', 'abandoned', 300],
      );
      // The demo card has no refund API: paid back by hand.
      assert.equal(out.body.pay_back_manual_cents, 200);
      assert.deepEqual(parts(out.body.sale), ['cash:300+0:refunded', 'fake_card:200+0:refunded']);
      const again = await d.post(`/api/v1/sales/${a.body.id}/abandon`, {});
      assert.deepEqual([again.status, again.body.error.code], [409, 'not_open']);
      const cart = (await d.get('/api/v1/terminals/ab/cart')).body;
      assert.deepEqual([cart.pending_sale_id, cart.item_count], [null, 1]);
      const whole = await pay(d, 'ab', { provider: 'cash' });
      assert.deepEqual([whole.body.state, whole.body.paid_cents], ['succeeded', 800]);
    } finally {
      await d.stop();
    }
  },
);
