/**
 * Split payment with SumUp Solo against the fake SumUp server: each SumUp part is a checkout
 * of its own (its own id in the callback, the part's amount plus tip as the reader's
 * total), settled by SumUp's callback; abandoning refunds the SumUp part through SumUp.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, waitForSale, until } from '../helpers/sumup.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';
import type { TestDaemon } from '../helpers/daemon.js';

function pay(d: TestDaemon, terminal: string, body: object) {
  return d.post(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });
}

test('sumup_solo parts: cash, then SumUp with a tip, then SumUp for the rest; the reader is charged each part with its tip', async () => {
  const rig = await startRig();
  try {
    const p = await makeProduct(rig.d, { price_cents: 4000 });
    await addItem(rig.d, 'kiosk', { product_id: p.id });
    const a = await pay(rig.d, 'kiosk', { provider: 'cash', amount_cents: 1000 });
    assert.equal(a.body.state, 'open', a.text);
    const id = a.body.id;

    const b = await pay(rig.d, 'kiosk', {
      provider: 'sumup_solo',
      amount_cents: 2000,
      tip_cents: 300,
    });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.body.state, 'pending');
    await until(() => rig.fake.liveCheckout(rig.readerId) !== undefined, 'a reader checkout');
    const first = rig.fake.liveCheckout(rig.readerId)!;
    assert.equal(first.total_amount.value, 2300, 'the reader shows the part plus its tip');
    // SumUp knows the part by its own id (its callback and state), not the sale's.
    assert.match(first.return_url!, new RegExp(`/callback/${id}-2/`));
    await rig.fake.present(rig.readerId, 'approve');
    const afterFirst = await waitForSale(rig.d, id, (s) => s.state !== 'pending');
    assert.deepEqual(
      [afterFirst.state, afterFirst.paid_cents, afterFirst.remaining_cents, afterFirst.tip_cents],
      ['open', 3000, 1000, 300],
    );

    const c = await pay(rig.d, 'kiosk', { provider: 'sumup_solo' });
    assert.equal(c.status, 201, c.text);
    await until(() => rig.fake.liveCheckout(rig.readerId) !== undefined, 'a second checkout');
    const second = rig.fake.liveCheckout(rig.readerId)!;
    assert.equal(second.total_amount.value, 1000);
    assert.match(second.return_url!, new RegExp(`/callback/${id}-3/`));
    await rig.fake.present(rig.readerId, 'approve');
    const done = await waitForSale(rig.d, id, (s) => s.state !== 'pending');
    assert.equal(done.state, 'succeeded');
    assert.deepEqual(
      done.payments!.map((x) => [x.provider, x.amount_cents, x.tip_cents, x.state]),
      [
        ['cash', 1000, 0, 'succeeded'],
        ['sumup_solo', 2000, 300, 'succeeded'],
        ['sumup_solo', 1000, 0, 'succeeded'],
      ],
    );
    assert.equal(rig.fake.checkouts.size, 2);
  } finally {
    await rig.stop();
  }
});

test('sumup_solo: a declined SumUp part leaves the sale open; abandoning refunds the approved SumUp part through SumUp', async () => {
  const rig = await startRig();
  try {
    const p = await makeProduct(rig.d, { price_cents: 3000 });
    await addItem(rig.d, 'kiosk', { product_id: p.id });
    const a = await pay(rig.d, 'kiosk', {
      provider: 'sumup_solo',
      amount_cents: 1500,
      tip_cents: 100,
    });
    const id = a.body.id;
    await until(() => rig.fake.liveCheckout(rig.readerId) !== undefined, 'a reader checkout');
    await rig.fake.present(rig.readerId, 'approve');
    assert.equal((await waitForSale(rig.d, id, (s) => s.state !== 'pending')).state, 'open');

    await pay(rig.d, 'kiosk', { provider: 'sumup_solo' });
    await until(() => rig.fake.liveCheckout(rig.readerId) !== undefined, 'a second checkout');
    await rig.fake.present(rig.readerId, 'decline');
    const declined = await waitForSale(rig.d, id, (s) => s.state !== 'pending');
    assert.deepEqual([declined.state, declined.paid_cents], ['open', 1500]);

    const out = await rig.d.post(`/api/v1/sales/${id}/abandon`, {});
    assert.equal(out.status, 200, out.text);
    assert.equal(out.body.sale.state, 'cancelled');
    assert.deepEqual(
      rig.fake.refunds.map((r) => r.value),
      [1600],
      'the part and its tip went back through SumUp',
    );
    assert.equal(out.body.sale.payments[0].payment.refund_method, 'provider');
  } finally {
    await rig.stop();
  }
});
