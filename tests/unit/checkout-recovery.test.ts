/**
 * Checkout after a restart (daemon/checkout/recovery.ts): pending sales reconciled with their
 * providers, carts healed from the journal. Each case runs checkout on a temp DATA_DIR, stops
 * it (or puts back an older carts.json, as a power cut before the lazy cart write would leave
 * it), and starts a new checkout on the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { base, manualProvider, openShop } from '../helpers/checkout-unit.js';
import { fakeCardProvider } from '../../daemon/payments/providers/fake_card.js';
import { reconcilePending } from '../../daemon/checkout/recovery.js';
import { DomainError } from '../../daemon/core/errors.js';
import { memoryLogger } from '../../daemon/log.js';
import type { Carts } from '../../daemon/checkout/carts.js';
import type { Ledger } from '../../daemon/checkout/ledger.js';
import type { Payments } from '../../daemon/payments/index.js';
import type { ProviderOutcome } from '../../daemon/payments/provider.js';
import type { Sale } from '../../daemon/protocol.js';

test('a demo card sale pending at stop is failed at the next start (interrupted_by_restart) and its cart unlocked with its lines', async () => {
  const first = await openShop();
  await first.checkout.addItem('t1', { product_id: first.products.cola.id });
  const { sale } = await first.checkout.checkout('t1', {
    ...base,
    provider: 'fake_card',
    idempotency_key: 'k',
  });
  assert.equal(sale.state, 'pending');
  await first.stop();

  const second = await openShop({ dir: first.dir });
  try {
    const after = await second.checkout.findSale(sale.id);
    assert.deepEqual([after?.state, after?.reason_code], ['failed', 'interrupted_by_restart']);
    assert.equal(second.checkout.pendingSale('t1'), null);
    const cart = second.checkout.getCart('t1');
    assert.deepEqual([cart.pending_sale_id, cart.item_count], [null, 1]);
    assert.ok(
      second.log.lines.some((l) => l.includes('WARN') && l.includes('pending at restart → failed')),
    );
  } finally {
    await second.stop();
  }
});

test('a pending sale whose provider is gone after the restart is failed with provider_missing', async () => {
  const manual = manualProvider();
  const first = await openShop({ extra: [manual.factory] });
  await first.checkout.addItem('t1', { product_id: first.products.cola.id });
  const { sale } = await first.checkout.checkout('t1', {
    ...base,
    provider: 'manual',
    idempotency_key: 'k',
  });
  await first.stop();
  const second = await openShop({ dir: first.dir });
  try {
    const after = await second.checkout.findSale(sale.id);
    assert.deepEqual([after?.state, after?.reason_code], ['failed', 'provider_missing']);
    assert.equal(second.checkout.getCart('t1').pending_sale_id, null);
  } finally {
    await second.stop();
  }
});

test('a provider that cannot answer at start leaves the sale pending and its cart locked (never dropped, never guessed)', async () => {
  const manual = manualProvider();
  const first = await openShop({ extra: [manual.factory] });
  await first.checkout.addItem('t1', { product_id: first.products.cola.id });
  const { sale } = await first.checkout.checkout('t1', {
    ...base,
    provider: 'manual',
    idempotency_key: 'k',
  });
  await first.stop();
  const again = manualProvider();
  again.onReconcile = async () => {
    throw new Error('reader offline');
  };
  const second = await openShop({ dir: first.dir, extra: [again.factory] });
  try {
    assert.equal(second.checkout.pendingSale('t1')?.id, sale.id);
    assert.equal(second.checkout.getCart('t1').pending_sale_id, sale.id);
    assert.ok(
      second.log.lines.some((l) => l.includes('stays pending') && l.includes('reader offline')),
    );
    // Later the provider settles it the usual way.
    await again.deps!.settle(sale.id, { state: 'succeeded' });
    assert.equal(second.checkout.getCart('t1').item_count, 0);
  } finally {
    await second.stop();
  }
});

test('a power cut before the lazy cart write: a paid cart still holding its lines is emptied from the journal at start', async () => {
  const first = await openShop();
  const { checkout, products } = first;
  await checkout.addItem('t1', { product_id: products.cola.id, quantity: 2 });
  // carts.json as it was on disk when the sale was made (lines, no lock).
  const carts = path.join(first.dir, 'carts.json');
  await copyFile(carts, `${carts}.before`);
  const { sale } = await checkout.checkout('t1', {
    ...base,
    provider: 'cash',
    idempotency_key: 'k',
  });
  assert.equal(sale.state, 'succeeded');
  await first.stop();
  await copyFile(`${carts}.before`, carts);

  const second = await openShop({ dir: first.dir });
  try {
    const cart = second.checkout.getCart('t1');
    assert.deepEqual([cart.item_count, cart.pending_sale_id], [0, null]);
    // The paid lines are not offered for payment again.
    await assert.rejects(
      second.checkout.checkout('t1', { ...base, provider: 'cash', idempotency_key: 'k2' }),
      /cart is empty/,
    );
  } finally {
    await second.stop();
  }
});

test('a power cut before the lock reached carts.json: the cart of a sale still pending is locked again; a cart edited after its last sale is left alone', async () => {
  const manual = manualProvider();
  const first = await openShop({ extra: [manual.factory] });
  const { checkout, products } = first;
  await checkout.addItem('t1', { product_id: products.cola.id });
  await checkout.addItem('t2', { product_id: products.chips.id });
  const carts = path.join(first.dir, 'carts.json');
  await copyFile(carts, `${carts}.before`);
  const { sale } = await checkout.checkout('t1', {
    ...base,
    provider: 'manual',
    idempotency_key: 'k',
  });
  // t2 pays cash, then scans again: its cart is newer than its sale.
  await checkout.checkout('t2', { ...base, provider: 'cash', idempotency_key: 'k2' });
  await checkout.addItem('t2', { product_id: products.cola.id });
  await first.stop();
  // t1's lock is lost (old carts.json for t1), t2's cart is as last written.
  const old = JSON.parse(await readFile(`${carts}.before`, 'utf8'));
  const now = JSON.parse(await readFile(carts, 'utf8'));
  now.data.carts.t1 = old.data.carts.t1;
  await writeFile(carts, JSON.stringify(now));

  const again = manualProvider(); // reconcile: still pending
  const second = await openShop({ dir: first.dir, extra: [again.factory] });
  try {
    assert.equal(second.checkout.getCart('t1').pending_sale_id, sale.id);
    const t2 = second.checkout.getCart('t2');
    assert.deepEqual([t2.item_count, t2.lines[0]?.name, t2.pending_sale_id], [1, 'Cola', null]);
  } finally {
    await second.stop();
  }
});

test('a cash sale interrupted between its created line and its payment is failed at start (whether money changed hands is unknown)', async () => {
  const manual = manualProvider('cash');
  // A "cash" provider that never answers stands in for a daemon killed mid-sale.
  const first = await openShop({ only: [manual.factory, fakeCardProvider] });
  await first.checkout.addItem('t1', { product_id: first.products.cola.id });
  const { sale } = await first.checkout.checkout('t1', {
    ...base,
    provider: 'cash',
    idempotency_key: 'k',
  });
  assert.equal(sale.state, 'pending');
  await first.stop();
  const second = await openShop({ dir: first.dir }); // the real cash provider again
  try {
    const after = await second.checkout.findSale(sale.id);
    assert.deepEqual([after?.state, after?.reason_code], ['failed', 'interrupted_by_restart']);
    assert.equal(second.checkout.getCart('t1').item_count, 1);
  } finally {
    await second.stop();
  }
});

test('power cut after the TSE signed a sale as paid but before its line: recovery journals it paid as the TSE has it, and the daemon starts (no crash on fiscal_conflict)', async () => {
  const pending = { id: 's_20261207_7', number: 7, provider: 'cash', state: 'pending' } as Sale;
  const asked: ProviderOutcome[] = [];
  const log = memoryLogger();
  await reconcilePending({
    log,
    ledger: { pending: () => [pending] } as unknown as Ledger,
    carts: {} as Carts,
    payments: {
      get: () => ({
        reconcile: async () => ({ state: 'failed', reason_code: 'interrupted_by_restart' }),
      }),
    } as unknown as Payments,
    // The TSE (as daemon/fiscal refuses a second ending) holds this sale finished as paid.
    settle: async (_id, outcome) => {
      asked.push(outcome);
      if (outcome.state !== 'succeeded')
        throw new DomainError(409, 'fiscal_conflict', 'signed as Beleg, asked AVBelegabbruch');
      return { ...pending, state: 'succeeded' };
    },
  });
  assert.deepEqual(
    asked.map((o) => o.state),
    ['failed', 'succeeded'],
  );
  // Anything else than fiscal_conflict still fails loudly.
  await assert.rejects(
    reconcilePending({
      log,
      ledger: { pending: () => [pending] } as unknown as Ledger,
      carts: {} as Carts,
      payments: { get: () => undefined } as unknown as Payments,
      settle: async () => {
        throw new Error('disk gone');
      },
    }),
    /disk gone/,
  );
});
