/**
 * Split payment in checkout (daemon/checkout/parts.ts, ledger.ts, sale-flow.ts, abandon.ts,
 * recovery.ts) on a real sales journal in a temp DATA_DIR: parts, the open state, what a
 * failed part leaves, the one settling line with every payment, a power cut with an open
 * sale and with a part running, and abandoning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { base, manualProvider, openShop, type Shop } from '../helpers/checkout-unit.js';
import type { Sale } from '../../daemon/protocol.js';

async function journal(shop: Shop): Promise<Array<Record<string, any>>> {
  const dir = path.join(shop.dir, 'sales');
  const out: Array<Record<string, any>> = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort())
    for (const l of (await readFile(path.join(dir, f), 'utf8')).split('\n'))
      if (l) out.push(JSON.parse(l));
  return out;
}

const parts = (s: Sale | undefined) =>
  (s?.payments ?? []).map((p) => `${p.provider}:${p.amount_cents}+${p.tip_cents}:${p.state}`);

test('a sale paid in parts is open in between and succeeds in one journal line carrying every payment', async () => {
  const shop = await openShop();
  try {
    await shop.checkout.addItem('t1', { product_id: shop.products.cola.id, quantity: 2 }); // 5.00
    const first = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'cash',
      idempotency_key: 'part-1',
      amount_cents: 120,
      tendered_cents: 200,
    });
    const s1 = first.sale;
    assert.deepEqual(
      [s1.state, s1.paid_cents, s1.remaining_cents, s1.change_cents],
      ['open', 120, 380, 80],
    );
    assert.deepEqual(parts(s1), ['cash:120+0:succeeded']);
    assert.equal(shop.checkout.getCart('t1').pending_sale_id, s1.id, 'the cart waits for the rest');
    // More than remains is refused and changes nothing.
    await assert.rejects(
      shop.checkout.checkout('t1', {
        ...base,
        provider: 'cash',
        idempotency_key: 'part-x',
        amount_cents: 381,
      }),
      (e: any) => e.code === 'amount_too_high' && e.params.remaining_cents === 380,
    );
    // The same key again is the same part, not a second payment.
    const again = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'cash',
      idempotency_key: 'part-1',
      amount_cents: 120,
      tendered_cents: 200,
    });
    assert.equal(again.replayed, true);
    assert.equal(again.sale.paid_cents, 120);
    const last = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'cash',
      idempotency_key: 'part-2',
      tip_cents: 20,
      tendered_cents: 400,
    });
    assert.deepEqual(
      [last.sale.state, last.sale.paid_cents, last.sale.remaining_cents, last.sale.tip_cents],
      ['succeeded', 500, 0, 20],
    );
    assert.deepEqual(parts(last.sale), ['cash:120+0:succeeded', 'cash:380+20:succeeded']);
    assert.equal(last.sale.payments![1].id, `${s1.id}-2`);
    assert.equal(last.sale.payments![1].change_cents, 0);
    const lines = await journal(shop);
    assert.deepEqual(
      lines.map((l) => `${l.e}:${l.sale?.state ?? l.state}`),
      ['created:pending', 'update:open', 'update:pending', 'update:succeeded'],
    );
    assert.equal(lines[3].payments.length, 2, 'the settling line carries every payment');
    assert.equal(shop.checkout.getCart('t1').item_count, 0);
  } finally {
    await shop.stop();
  }
});

test('a declined card part leaves the sale open with what was paid; the demo card sees only its part', async () => {
  const shop = await openShop({ env: { FAKE_CARD_DELAY_MS: '1' } });
  try {
    await shop.checkout.addItem('t1', { product_id: shop.products.cola.id, quantity: 2 });
    await shop.checkout.checkout('t1', {
      ...base,
      provider: 'cash',
      idempotency_key: 'cash-part',
      amount_cents: 100,
    });
    // 1.00 + 0.13 tip = 1.13: the demo card declines totals ending in .13.
    const card = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'card-part',
      amount_cents: 100,
      tip_cents: 13,
    });
    assert.equal(card.sale.state, 'pending');
    const settled = await waitFor(shop, card.sale.id, (s) => s.state !== 'pending');
    assert.deepEqual(
      [settled.state, settled.reason_code, settled.paid_cents, settled.remaining_cents],
      ['open', 'card_declined', 100, 400],
    );
    assert.deepEqual(parts(settled), ['cash:100+0:succeeded']);
    const ok = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'card-part-2',
      tip_cents: 50,
    });
    const done = await waitFor(shop, ok.sale.id, (s) => s.state !== 'pending');
    assert.deepEqual(parts(done), ['cash:100+0:succeeded', 'fake_card:400+50:succeeded']);
    assert.deepEqual([done.state, done.tip_cents, done.reason], ['succeeded', 50, null]);
  } finally {
    await shop.stop();
  }
});

test('power cut: an open sale comes back open with its paid parts and its cart; a part running at the cut is asked of its provider, and not paid leaves the sale open', async () => {
  const manual = manualProvider();
  const first = await openShop({ extra: [manual.factory] });
  await first.checkout.addItem('t1', { product_id: first.products.cola.id, quantity: 2 });
  const { sale } = await first.checkout.checkout('t1', {
    ...base,
    provider: 'cash',
    idempotency_key: 'p1',
    amount_cents: 200,
  });
  await first.stop();

  const second = await openShop({ dir: first.dir, extra: [manual.factory] });
  try {
    const back = await second.checkout.findSale(sale.id);
    assert.deepEqual([back?.state, back?.paid_cents, back?.remaining_cents], ['open', 200, 300]);
    assert.equal(second.checkout.pendingSale('t1')?.id, sale.id);
    assert.equal(second.checkout.getCart('t1').pending_sale_id, sale.id);
    const running = await second.checkout.checkout('t1', {
      ...base,
      provider: 'manual',
      idempotency_key: 'p2',
      amount_cents: 150,
    });
    assert.equal(running.sale.state, 'pending');
    assert.equal(manual.started.at(-1)?.id, `${sale.id}-2`, 'the provider knows the part');
    assert.equal(manual.started.at(-1)?.total_cents, 150);
  } finally {
    await second.stop();
  }

  let asked: Sale | undefined;
  manual.onReconcile = async (s) => {
    asked = s;
    return { state: 'failed', reason: 'gone', reason_code: 'interrupted_by_restart' };
  };
  const third = await openShop({ dir: first.dir, extra: [manual.factory] });
  try {
    assert.deepEqual([asked?.id, asked?.total_cents], [`${sale.id}-2`, 150]);
    const after = await third.checkout.findSale(sale.id);
    assert.deepEqual(
      [after?.state, after?.paid_cents, after?.reason_code],
      ['open', 200, 'interrupted_by_restart'],
    );
    assert.deepEqual(parts(after), ['cash:200+0:succeeded']);
    assert.equal(third.checkout.getCart('t1').pending_sale_id, sale.id);
    const rest = await third.checkout.checkout('t1', {
      ...base,
      provider: 'cash',
      idempotency_key: 'p3',
    });
    assert.deepEqual([rest.sale.state, rest.sale.paid_cents], ['succeeded', 500]);
  } finally {
    await third.stop();
  }
});

test('abandoning an open sale pays back each part through its provider, then cancels the sale and unlocks the cart', async () => {
  const manual = manualProvider();
  const refunded: Array<[string, number]> = [];
  manual.refund = async (s, cents) => {
    refunded.push([s.id, cents]);
    return { payment: { refund_id: 'R1' } };
  };
  manual.onStart = async () => ({ state: 'succeeded', payment: { tx: 'T1' } });
  const shop = await openShop({ extra: [manual.factory] });
  try {
    await shop.checkout.addItem('t1', { product_id: shop.products.cola.id, quantity: 2 });
    const a = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'cash',
      idempotency_key: 'a1',
      amount_cents: 150,
    });
    await shop.checkout.checkout('t1', {
      ...base,
      provider: 'manual',
      idempotency_key: 'a2',
      amount_cents: 100,
      tip_cents: 30,
    });
    // A sale that is not open cannot be abandoned.
    await assert.rejects(shop.checkout.abandon('s_20990101_1'), (e: any) => e.code === 'not_found');
    const out = await shop.checkout.abandon(a.sale.id);
    assert.deepEqual(refunded, [[`${a.sale.id}-2`, 130]]);
    assert.deepEqual(
      [out.sale.state, out.sale.reason_code, out.pay_back_cash_cents, out.pay_back_manual_cents],
      ['cancelled', 'abandoned', 150, 0],
    );
    assert.deepEqual(parts(out.sale), ['cash:150+0:refunded', 'manual:100+30:refunded']);
    assert.equal(out.sale.payments![1].payment.refund_method, 'provider');
    await assert.rejects(shop.checkout.abandon(a.sale.id), (e: any) => e.code === 'not_open');
    await waitCart(shop, 't1');
    assert.equal(shop.checkout.getCart('t1').item_count, 2, 'the lines stay in the cart');
  } finally {
    await shop.stop();
  }
});

async function waitFor(shop: Shop, id: string, ok: (s: Sale) => boolean): Promise<Sale> {
  for (let i = 0; i < 500; i++) {
    const s = await shop.checkout.findSale(id);
    if (s && ok(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`sale ${id} never reached the state`);
}

async function waitCart(shop: Shop, terminal: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (!shop.checkout.getCart(terminal).pending_sale_id) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('cart stayed locked');
}
