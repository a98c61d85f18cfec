/**
 * Refunds (daemon/refunds/index.ts) on the real checkout: sales made through the real sales
 * journal with the cash and demo card providers, a manual provider with refund() for the
 * provider path, refunds.json in the same temp DATA_DIR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Refunds, RefundError, REFUNDS_DOC, type RefundsData } from '../../daemon/refunds/index.js';
import { ProviderError } from '../../daemon/payments/provider.js';
import type { Refund } from '../../daemon/protocol.js';
import {
  DAY,
  base,
  manualProvider,
  openShop,
  type ManualProvider,
  type Shop,
} from '../helpers/checkout-unit.js';

async function withRefunds(
  shop: Shop,
  extra: { journal?: Shop['checkout']['journal']; sign?: (r: Refund) => Promise<null> } = {},
) {
  const refunds = new Refunds({
    doc: await shop.store.document<RefundsData>(REFUNDS_DOC),
    journal: extra.journal ?? shop.checkout.journal,
    sign: extra.sign,
    dayOf: (ms) => shop.checkout.calendar.day(ms),
    clock: shop.clock,
    log: shop.log,
    findSale: (id) => shop.checkout.findSale(id),
    provider: (id) => shop.checkout.payments.get(id),
  });
  await refunds.load();
  return refunds;
}

/** A paid sale of cola ×2 and chips on `provider`. */
async function paidSale(shop: Shop, provider: string, key: string) {
  await shop.checkout.addItem('t1', { product_id: shop.products.cola.id, quantity: 2 });
  await shop.checkout.addItem('t1', { product_id: shop.products.chips.id });
  const { sale } = await shop.checkout.checkout('t1', { ...base, provider, idempotency_key: key });
  if (sale.state === 'pending') return shop.checkout.settle(sale.id, { state: 'succeeded' });
  return sale;
}

async function refuses(p: Promise<unknown>, status: number, code: string) {
  let caught: RefundError | undefined;
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof RefundError, `expected RefundError, got ${String(err)}`);
    assert.deepEqual([err.status, err.code], [status, code], err.message);
    caught = err;
    return true;
  });
  return caught!;
}

const refundLines = async (shop: Shop) =>
  (await readFile(shop.checkout.journal.fileOf(DAY), 'utf8'))
    .split('\n')
    .filter((l) => l.startsWith('{"e":"refund"'))
    .map((l) => JSON.parse(l));

test('a cash sale refunded in full: one journal line with its own number, paid from the drawer; the same key answers the same refund; nothing is left to refund', async () => {
  const shop = await openShop();
  try {
    const refunds = await withRefunds(shop);
    const sale = await paidSale(shop, 'cash', 'k1');
    const input = { reason: 'broken', key: 'r1' };
    const { refund, created } = await refunds.refund(sale.id, input, 'anna');
    assert.equal(created, true);
    assert.deepEqual(
      [refund.id, refund.number, refund.method, refund.total_cents, refund.by, refund.sale_id],
      ['rf_20260504_1', 1, 'cash', 699, 'anna', sale.id],
    );
    assert.deepEqual(
      refund.lines.map((l) => [l.line_index, l.name, l.quantity, l.line_total_cents]),
      [
        [0, 'Cola', 2, 500],
        [1, 'Chips', 1, 199],
      ],
    );
    const lines = await refundLines(shop);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0].refund, refund);
    assert.equal(lines[0].key, 'r1');
    assert.deepEqual(refunds.refundedLines(sale.id), [0, 1]);
    assert.deepEqual(await refunds.forSale(sale.id), [refund]);
    assert.deepEqual(await refunds.find(refund.id), refund);
    // The sale itself stays succeeded: refunds reference it.
    assert.equal((await shop.checkout.findSale(sale.id))?.state, 'succeeded');
    const again = await refunds.refund(sale.id, input, 'anna');
    assert.deepEqual([again.created, again.refund], [false, refund]);
    await refuses(
      refunds.refund(sale.id, { reason: 'x', key: 'r2' }, null),
      409,
      'already_refunded',
    );
    assert.equal((await refundLines(shop)).length, 1);
  } finally {
    await shop.stop();
  }
});

test('refunds by line: each line once; bad line lists are refused and change nothing; the rest is refunded by a refund without lines', async () => {
  const shop = await openShop();
  try {
    const refunds = await withRefunds(shop);
    const sale = await paidSale(shop, 'cash', 'k1');
    const one = await refunds.refund(sale.id, { line_indexes: [1], reason: 'x', key: 'a' }, null);
    assert.deepEqual([one.refund.total_cents, one.refund.number], [199, 1]);
    const twice = await refuses(
      refunds.refund(sale.id, { line_indexes: [1], reason: 'x', key: 'b' }, null),
      409,
      'already_refunded',
    );
    assert.match(twice.message, /"Chips"/);
    const dup = await refuses(
      refunds.refund(sale.id, { line_indexes: [0, 0], reason: 'x', key: 'c' }, null),
      400,
      'invalid_field',
    );
    assert.equal(dup.field, 'line_indexes');
    for (const bad of [[2], [-1], [0.5]])
      await refuses(
        refunds.refund(sale.id, { line_indexes: bad, reason: 'x', key: 'd' }, null),
        400,
        'invalid_field',
      );
    const rest = await refunds.refund(sale.id, { reason: 'x', key: 'e' }, null);
    assert.deepEqual(
      [rest.refund.number, rest.refund.lines.map((l) => l.line_index), rest.refund.total_cents],
      [2, [0], 500],
    );
    assert.deepEqual(refunds.refundedLines(sale.id), [0, 1]);
    assert.equal((await refundLines(shop)).length, 2);
  } finally {
    await shop.stop();
  }
});

test('only paid sales are refunded; unknown sales are 404; a key used for another sale is refused', async () => {
  const shop = await openShop({
    env: { FAKE_CARD_DELAY_MS: '0', PAYMENT_MINIMUM_FAKE_CARD_CENTS: '0' },
  });
  try {
    const refunds = await withRefunds(shop);
    await shop.checkout.addItem('t1', { product_id: shop.products.odd.id });
    const { sale: declined } = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'k0',
    });
    await shop.rec.next(
      'payment.updated',
      (p) => p.sale.id === declined.id && p.sale.state === 'failed',
    );
    await shop.checkout.clearCart('t1');
    await refuses(
      refunds.refund(declined.id, { reason: 'x', key: 'a' }, null),
      409,
      'not_refundable',
    );
    await refuses(
      refunds.refund('s_20260504_99', { reason: 'x', key: 'a' }, null),
      404,
      'not_found',
    );
    const s1 = await paidSale(shop, 'cash', 'k1');
    const s2 = await paidSale(shop, 'cash', 'k2');
    await refunds.refund(s1.id, { line_indexes: [0], reason: 'x', key: 'same' }, null);
    await refuses(
      refunds.refund(s2.id, { reason: 'x', key: 'same' }, null),
      409,
      'idempotency_key_reused',
    );
    // A card sale without a refund API is recorded as manual (paid back by hand).
    await shop.checkout.addItem('t1', { product_id: shop.products.cola.id });
    const { sale: card } = await shop.checkout.checkout('t1', {
      ...base,
      provider: 'fake_card',
      idempotency_key: 'k3',
    });
    await shop.rec.next(
      'payment.updated',
      (p) => p.sale.id === card.id && p.sale.state === 'succeeded',
    );
    const manual = await refunds.refund(card.id, { reason: 'x', key: 'm' }, null);
    assert.equal(manual.refund.method, 'manual');
  } finally {
    await shop.stop();
  }
});

test('a provider with a refund API: refunded through it first (its data kept); a refusal or failure there writes nothing and uses no number', async () => {
  const manual: ManualProvider = manualProvider('card');
  const calls: number[] = [];
  let answer: () => Promise<{ payment?: Record<string, unknown> }> = async () => ({
    payment: { refund_tx: 'R-1' },
  });
  manual.refund = async (_sale, amount) => {
    calls.push(amount);
    return answer();
  };
  const shop = await openShop({ extra: [manual.factory] });
  try {
    const refunds = await withRefunds(shop);
    const sale = await paidSale(shop, 'card', 'k1');
    answer = async () => {
      throw new ProviderError(409, 'refund_too_late', 'Too late to refund');
    };
    const refused = await refuses(
      refunds.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'a' }, null),
      422,
      'refund_too_late',
    );
    assert.match(refused.message, /refused the refund/);
    answer = async () => {
      throw new ProviderError(503, 'provider_down', 'Service unavailable');
    };
    await refuses(
      refunds.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'b' }, null),
      502,
      'provider_down',
    );
    answer = async () => {
      throw new Error('socket hang up');
    };
    await refuses(
      refunds.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'c' }, null),
      502,
      'refund_failed',
    );
    assert.deepEqual(refunds.refundedLines(sale.id), []);
    assert.equal((await refundLines(shop).catch(() => [])).length, 0);
    answer = async () => ({ payment: { refund_tx: 'R-1' } });
    const ok = await refunds.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'd' }, null);
    assert.deepEqual(
      [ok.refund.method, ok.refund.payment, ok.refund.number],
      ['provider', { refund_tx: 'R-1' }, 1],
    );
    assert.deepEqual(calls, [500, 500, 500, 500]);
  } finally {
    await shop.stop();
  }
});

test('two refunds of the same line at once: they run one after the other, the second is refused', async () => {
  const shop = await openShop();
  try {
    const refunds = await withRefunds(shop);
    const sale = await paidSale(shop, 'cash', 'k1');
    const results = await Promise.allSettled([
      refunds.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'a' }, null),
      refunds.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'b' }, null),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected'],
    );
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'already_refunded');
    assert.equal((await refundLines(shop)).length, 1);
  } finally {
    await shop.stop();
  }
});

test('refunds.json lost: the next start catches it up from the journal (refunded lines, numbers, keys)', async () => {
  const first = await openShop();
  const r1 = await withRefunds(first);
  const sale = await paidSale(first, 'cash', 'k1');
  const a = await r1.refund(sale.id, { line_indexes: [1], reason: 'x', key: 'a' }, null);
  await first.stop();
  await rm(path.join(first.dir, 'refunds.json'));

  const second = await openShop({ dir: first.dir });
  try {
    const r2 = await withRefunds(second);
    assert.ok(second.log.lines.some((l) => l.includes('caught up 1 refund')));
    assert.deepEqual(r2.refundedLines(sale.id), [1]);
    const replay = await r2.refund(sale.id, { line_indexes: [1], reason: 'x', key: 'a' }, null);
    assert.deepEqual([replay.created, replay.refund], [false, a.refund]);
    const next = await r2.refund(sale.id, { reason: 'x', key: 'b' }, null);
    assert.deepEqual([next.refund.number, next.refund.lines.map((l) => l.line_index)], [2, [0]]);
  } finally {
    await second.stop();
  }
});

test('a refund signed whose journal line failed burns its number: the next refund, in this run and after a restart, signs under a new id', async () => {
  const first = await openShop();
  let failNext = false;
  const signed: string[] = [];
  const real = first.checkout.journal;
  const journal = new Proxy(real, {
    get(target, key) {
      if (key === 'append')
        return async (...args: Parameters<typeof real.append>) => {
          if (failNext) {
            failNext = false;
            throw new Error('ENOSPC: no space left on device, write');
          }
          return target.append(...args);
        };
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const sign = async (r: Refund) => {
    signed.push(r.id);
    return null;
  };
  const r1 = await withRefunds(first, { journal, sign });
  const sale = await paidSale(first, 'cash', 'k1');
  failNext = true;
  await assert.rejects(r1.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'a' }, null));
  const second = await r1.refund(sale.id, { line_indexes: [0], reason: 'x', key: 'b' }, null);
  assert.equal(second.refund.number, 2);
  failNext = true;
  await assert.rejects(r1.refund(sale.id, { line_indexes: [1], reason: 'x', key: 'c' }, null));
  await first.stop();

  const restarted = await openShop({ dir: first.dir });
  try {
    const r2 = await withRefunds(restarted, { sign });
    const fourth = await r2.refund(sale.id, { line_indexes: [1], reason: 'x', key: 'd' }, null);
    assert.equal(fourth.refund.number, 4);
    assert.deepEqual(signed, ['rf_20260504_1', 'rf_20260504_2', 'rf_20260504_3', 'rf_20260504_4']);
    assert.deepEqual(
      (await refundLines(restarted)).map((l) => l.refund.number),
      [2, 4],
    );
  } finally {
    await restarted.stop();
  }
});

test('a corrupt refunds.json is kept for the operator and refunds are refused with refunds_unavailable', async () => {
  const shop = await openShop();
  try {
    const sale = await paidSale(shop, 'cash', 'k1');
    await writeFile(path.join(shop.dir, 'refunds.json'), 'not json');
    const refunds = await withRefunds(shop);
    await refuses(
      refunds.refund(sale.id, { reason: 'x', key: 'a' }, null),
      503,
      'refunds_unavailable',
    );
    assert.equal(await readFile(path.join(shop.dir, 'refunds.json'), 'utf8'), 'not json');
  } finally {
    await shop.stop();
  }
});
