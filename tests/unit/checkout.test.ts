/**
 * Checkout (daemon/checkout/index.ts, sale-flow.ts) built from real parts on a temp DATA_DIR:
 * store, catalog, sales journal, carts, the cash and demo card providers, and a manual test
 * provider for outcomes a test must time (tests/helpers/checkout-unit.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CheckoutError } from '../../daemon/checkout/index.js';
import { ProviderError } from '../../daemon/payments/provider.js';
import { DAY, base, manualProvider, openShop, type Shop } from '../helpers/checkout-unit.js';

async function refuses(p: Promise<unknown>, status: number, code: string) {
  let caught: unknown;
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CheckoutError, `expected CheckoutError, got ${String(err)}`);
    assert.deepEqual([err.status, err.code], [status, code], err.message);
    caught = err;
    return true;
  });
  return caught as CheckoutError;
}

const journalLines = async (shop: Shop) =>
  (await readFile(shop.checkout.journal.fileOf(DAY), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { e: string; state?: string; sale?: { state: string } });

test('a cash sale: journalled pending, then succeeded with change; broadcast in that order; the cart empties; the same key replays it', async () => {
  const shop = await openShop();
  const { checkout, products, rec } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.cola.id, quantity: 2 });
    await checkout.addItem('t1', { barcode: products.chips.barcode! });
    const input = { ...base, provider: 'cash', idempotency_key: 'k1', tendered_cents: 1000 };
    const { sale, replayed } = await checkout.checkout('t1', input);
    assert.equal(replayed, false);
    assert.deepEqual(
      [sale.number, sale.state, sale.total_cents, sale.tendered_cents, sale.change_cents],
      [1, 'succeeded', 699, 1000, 301],
    );
    assert.deepEqual(
      sale.lines.map((l) => [l.name, l.quantity]),
      [
        ['Cola', 2],
        ['Chips', 1],
      ],
    );
    const payments = rec.events.filter((e) => e.type === 'payment.updated');
    assert.deepEqual(
      payments.map((e) => (e.payload as { sale: { state: string } }).sale.state),
      ['pending', 'succeeded'],
    );
    assert.deepEqual(
      (await journalLines(shop)).map((l) => [l.e, l.state ?? l.sale?.state]),
      [
        ['created', 'pending'],
        ['update', 'succeeded'],
      ],
    );
    const cart = checkout.getCart('t1');
    assert.deepEqual([cart.lines.length, cart.pending_sale_id], [0, null]);
    // A till that lost the answer asks again with the same key: the same sale, nothing new.
    const again = await checkout.checkout('t1', input);
    assert.equal(again.replayed, true);
    assert.deepEqual(again.sale, sale);
    assert.equal((await journalLines(shop)).length, 2);
    assert.deepEqual(checkout.saleByKey('t1', 'k1'), sale);
    assert.equal(checkout.saleByKey('t2', 'k1'), undefined);
    await refuses(
      checkout.checkout('t1', { ...input, provider: 'fake_card' }),
      409,
      'idempotency_conflict',
    );
    assert.deepEqual(checkout.health(), {
      last_number: 1,
      pending: 0,
      journal_torn_lines: 0,
      journal_missing_numbers: 0,
    });
  } finally {
    await shop.stop();
  }
});

test('two requests with one idempotency key at once make one sale', async () => {
  const shop = await openShop();
  const { checkout, products } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.cola.id });
    const input = { ...base, provider: 'fake_card', idempotency_key: 'same' };
    const [a, b] = await Promise.all([
      checkout.checkout('t1', input),
      checkout.checkout('t1', input),
    ]);
    assert.equal(a.sale.id, b.sale.id);
    assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
    assert.equal(checkout.journal.lastNumber, 1);
    assert.equal(checkout.pendingSale('t1')?.id, a.sale.id);
  } finally {
    await shop.stop();
  }
});

test('refusals before a sale exists use no sale number: empty cart, unknown provider, tendered too low, below the minimum, a product no longer for sale', async () => {
  const shop = await openShop();
  const { checkout, catalog, products } = shop;
  try {
    const key = (k: string) => ({ ...base, idempotency_key: k });
    await refuses(checkout.checkout('t1', { ...key('a'), provider: 'cash' }), 409, 'cart_empty');
    await checkout.addItem('t1', { product_id: products.odd.id }); // 0.13
    const unknown = await refuses(
      checkout.checkout('t1', { ...key('b'), provider: 'bitcoin' }),
      400,
      'unknown_provider',
    );
    assert.equal(unknown.field, 'provider');
    await refuses(
      checkout.checkout('t1', { ...key('c'), provider: 'cash', tendered_cents: 10 }),
      422,
      'tendered_too_low',
    );
    const below = await refuses(
      checkout.checkout('t1', { ...key('d'), provider: 'fake_card' }),
      422,
      'below_minimum',
    );
    assert.deepEqual(below.params, {
      minimum_payment_cents: 100,
      missing_cents: 87,
      minimum_topup_barcode: 'VERSCHENKT-1C',
    });
    // The product is taken off sale while it sits in the cart.
    await checkout.addItem('t1', { product_id: products.cola.id });
    await catalog.update(products.cola.id, { active: false });
    const line = checkout.getCart('t1').lines.find((l) => l.product_id === products.cola.id)!;
    const gone = await refuses(
      checkout.checkout('t1', { ...key('e'), provider: 'cash' }),
      409,
      'product_unavailable',
    );
    assert.deepEqual(gone.params, { line_id: line.line_id });
    assert.equal(checkout.journal.lastNumber, 0);
    assert.equal(checkout.getCart('t1').pending_sale_id, null);
    await checkout.removeLine('t1', line.line_id);
    const { sale } = await checkout.checkout('t1', { ...key('f'), provider: 'cash' });
    assert.equal(sale.number, 1);
  } finally {
    await shop.stop();
  }
});

test('topup() adds the 1-cent product up to the provider minimum; then the demo card takes the payment', async () => {
  const shop = await openShop();
  const { checkout, products, rec } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.cola.id }); // 2.50
    const none = await checkout.topup('t1', 'fake_card');
    assert.equal(none.added_quantity, 0);
    await checkout.clearCart('t1');
    await checkout.addItem('t1', { product_id: products.odd.id, quantity: 2 }); // 0.26
    const { cart, added_quantity } = await checkout.topup('t1', 'fake_card');
    assert.equal(added_quantity, 74);
    assert.equal(cart.total_cents, 100);
    assert.equal(cart.lines.find((l) => l.product_id === products.topup.id)?.quantity, 74);
    await refuses(checkout.topup('t1', 'bitcoin'), 400, 'unknown_provider');
    await refuses(checkout.topup('t1', 'cash'), 409, 'no_topup_product');
    const { sale } = await checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'tk',
    });
    assert.deepEqual([sale.state, sale.payment], ['pending', { status: 'waiting_for_card' }]);
    // The cart is locked to the sale: edits, scans and top-ups are refused.
    await refuses(checkout.addItem('t1', { product_id: products.cola.id }), 409, 'payment_pending');
    await refuses(checkout.topup('t1', 'fake_card'), 409, 'payment_pending');
    const scan = await checkout.scan({
      terminal_id: 't1',
      barcode: products.cola.barcode!,
      scanner_id: 'sc1',
    });
    assert.equal(scan.result, 'refused');
    const refused = await rec.next('scan.refused');
    assert.deepEqual([refused.code, refused.params], ['payment_pending', { name: 'Cola' }]);
  } finally {
    await shop.stop();
  }
});

test('the demo card declines totals ending in .13 and approves others, through the journal and the bus', async () => {
  const shop = await openShop({
    env: { FAKE_CARD_DELAY_MS: '0', PAYMENT_MINIMUM_FAKE_CARD_CENTS: '0' },
  });
  const { checkout, products, rec } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.odd.id });
    const declined = await checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'd1',
    });
    const failed = await rec.next(
      'payment.updated',
      (p) => p.sale.id === declined.sale.id && p.sale.state !== 'pending',
    );
    assert.deepEqual([failed.sale.state, failed.sale.reason_code], ['failed', 'card_declined']);
    // A failed payment unlocks the cart with its lines.
    assert.deepEqual(
      [checkout.getCart('t1').pending_sale_id, checkout.getCart('t1').item_count],
      [null, 1],
    );
    await checkout.addItem('t1', { product_id: products.cola.id });
    const paid = await checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'd2',
    });
    const ok = await rec.next(
      'payment.updated',
      (p) => p.sale.id === paid.sale.id && p.sale.state !== 'pending',
    );
    assert.equal(ok.sale.state, 'succeeded');
    assert.match(String(ok.sale.payment.transaction_code), /^FAKE-2-/);
    assert.equal((await checkout.findSale(paid.sale.id))?.state, 'succeeded');
    assert.equal(checkout.getCart('t1').item_count, 0);
  } finally {
    await shop.stop();
  }
});

test('a provider refusal at start fails the sale with its code and unlocks the cart; an unexpected provider error becomes provider_error (502)', async () => {
  const manual = manualProvider();
  const shop = await openShop({ extra: [manual.factory] });
  const { checkout, products } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.cola.id });
    manual.onStart = async () => {
      throw new ProviderError(409, 'reader_busy', 'The reader is busy');
    };
    const busy = await refuses(
      checkout.checkout('t1', { ...base, provider: 'manual', idempotency_key: 'm1' }),
      409,
      'reader_busy',
    );
    const first = await checkout.findSale(String(busy.params?.sale_id));
    assert.deepEqual([first?.state, first?.reason_code], ['failed', 'reader_busy']);
    assert.equal(checkout.getCart('t1').pending_sale_id, null);
    manual.onStart = async () => {
      throw new Error('socket hang up');
    };
    const broken = await refuses(
      checkout.checkout('t1', { ...base, provider: 'manual', idempotency_key: 'm2' }),
      502,
      'provider_error',
    );
    const second = await checkout.findSale(String(broken.params?.sale_id));
    assert.deepEqual(
      [second?.number, second?.state, second?.reason_code],
      [2, 'failed', 'provider_error'],
    );
    assert.ok(shop.log.lines.some((l) => l.includes('ERROR') && l.includes('socket hang up')));
    assert.equal(checkout.getCart('t1').item_count, 1);
  } finally {
    await shop.stop();
  }
});

test('a provider that settles before start() returns (a fast callback): checkout answers with the settled sale', async () => {
  const manual = manualProvider();
  const shop = await openShop({ extra: [manual.factory] });
  const { checkout, products } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.cola.id });
    manual.onStart = async (sale, deps) => {
      await deps.settle(sale.id, { state: 'succeeded', payment: { by: 'callback' } });
      return { state: 'pending', payment: { checkout_id: 'c1' } };
    };
    const { sale } = await checkout.checkout('t1', {
      ...base,
      provider: 'manual',
      idempotency_key: 'fast',
    });
    assert.deepEqual([sale.state, sale.payment], ['succeeded', { by: 'callback' }]);
    assert.equal(checkout.getCart('t1').item_count, 0);
    // The callback's settlement is still being journalled when start() returns: checkout's
    // own update loses that race and answers without an error; the callback's outcome stands.
    await checkout.addItem('t1', { product_id: products.cola.id });
    let callback: Promise<unknown> | undefined;
    manual.onStart = async (s, deps) => {
      callback = deps.settle(s.id, { state: 'succeeded', payment: { by: 'callback' } });
      return { state: 'pending', payment: { checkout_id: 'c2' } };
    };
    const racing = await checkout.checkout('t1', {
      ...base,
      provider: 'manual',
      idempotency_key: 'racing',
    });
    await callback;
    const settled = await checkout.findSale(racing.sale.id);
    assert.deepEqual([settled?.state, settled?.payment], ['succeeded', { by: 'callback' }]);
  } finally {
    await shop.stop();
  }
});

test('cancel(): the provider decides; cancelled unlocks the cart with its lines, an unconfirmed cancel leaves the sale pending; settled sales and unknown ids are refused', async () => {
  const manual = manualProvider();
  const shop = await openShop({ extra: [manual.factory] });
  const { checkout, products } = shop;
  try {
    await checkout.addItem('t1', { product_id: products.cola.id });
    const { sale } = await checkout.checkout('t1', {
      ...base,
      provider: 'manual',
      idempotency_key: 'c1',
    });
    assert.equal(sale.state, 'pending');
    manual.onCancel = async () => ({ state: 'pending', reason: 'Cancelling on the reader' });
    const waiting = await checkout.cancel(sale.id);
    assert.deepEqual([waiting.settled, waiting.sale.state], [false, 'pending']);
    assert.equal(checkout.getCart('t1').pending_sale_id, sale.id);
    manual.onCancel = async () => ({
      state: 'cancelled',
      reason: 'Cancelled at the till',
      reason_code: 'cancelled_at_till',
    });
    const done = await checkout.cancel(sale.id);
    assert.deepEqual(
      [done.settled, done.sale.state, done.sale.reason_code],
      [true, 'cancelled', 'cancelled_at_till'],
    );
    assert.deepEqual(
      [checkout.getCart('t1').pending_sale_id, checkout.getCart('t1').item_count],
      [null, 1],
    );
    await refuses(checkout.cancel(sale.id), 409, 'not_pending');
    await refuses(checkout.cancel('s_20260504_42'), 404, 'not_found');
    // A late provider callback for the cancelled sale changes nothing.
    await refuses(manual.deps!.settle(sale.id, { state: 'succeeded' }), 409, 'not_pending');
    // The demo card's cancel stops its simulated card.
    const card = await checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'c2',
    });
    const stopped = await checkout.cancel(card.sale.id);
    assert.deepEqual([stopped.settled, stopped.sale.state], [true, 'cancelled']);
  } finally {
    await shop.stop();
  }
});

test('scan(): unknown codes and inactive products are announced, valid ones added; addItem() refuses unknown, missing and inactive products', async () => {
  const shop = await openShop();
  const { checkout, products, rec } = shop;
  try {
    const scan = (barcode: string, terminal_id = 't1') =>
      checkout.scan({ terminal_id, barcode, scanner_id: 'sc1' });
    assert.equal((await scan('999')).result, 'unknown');
    assert.deepEqual(await rec.next('scan.unknown_barcode'), {
      terminal_id: 't1',
      barcode: '999',
      scanner_id: 'sc1',
    });
    const inactive = await scan(products.gone.barcode!);
    assert.equal(inactive.result, 'refused');
    assert.equal((await rec.next('scan.refused')).code, 'product_inactive');
    assert.equal((await scan(products.cola.barcode!, 'bad terminal!')).result, 'refused');
    const added = await scan(products.cola.barcode!);
    assert.deepEqual([added.result, added.cart?.item_count], ['added', 1]);
    await refuses(checkout.addItem('t1', { barcode: '999' }), 404, 'unknown_barcode');
    await refuses(checkout.addItem('t1', { product_id: 'nope' }), 404, 'not_found');
    await refuses(
      checkout.addItem('t1', { product_id: products.gone.id }),
      409,
      'product_inactive',
    );
    const line = checkout.getCart('t1').lines[0].line_id;
    assert.equal((await checkout.setQuantity('t1', line, 3)).item_count, 3);
    assert.equal((await checkout.removeLine('t1', line)).item_count, 0);
  } finally {
    await shop.stop();
  }
});

test('report() and listSales() read the day from the journal', async () => {
  const shop = await openShop();
  const { checkout, products } = shop;
  try {
    for (const [i, tendered] of [
      [1, 250],
      [2, 500],
    ] as const) {
      await checkout.addItem('t1', { product_id: products.cola.id });
      await checkout.checkout('t1', {
        ...base,
        provider: 'cash',
        idempotency_key: `r${i}`,
        tendered_cents: tendered,
      });
    }
    assert.equal(checkout.today(), DAY);
    assert.deepEqual(
      (await checkout.listSales(DAY)).map((s) => [s.number, s.change_cents]),
      [
        [1, 0],
        [2, 250],
      ],
    );
    const report = await checkout.report(DAY);
    assert.deepEqual([report.sale_count, report.total_cents], [2, 500]);
  } finally {
    await shop.stop();
  }
});
