/**
 * Discount arithmetic (daemon/checkout/discounts.ts): percent rounding, the spread of a cart
 * discount (largest remainder, sum exact, ties to the earlier line), deposits untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDiscounts, percentOf, spread } from '../../daemon/checkout/discounts.js';
import type { CartDiscount, CartLine } from '../../daemon/protocol.js';

const line = (id: string, total: number, kind?: CartLine['kind']): CartLine => ({
  line_id: id,
  product_id: id,
  barcode: null,
  name: id,
  unit_price_cents: total,
  vat_rate: 19,
  quantity: 1,
  line_total_cents: total,
  ...(kind ? { kind } : {}),
});

const disc = (d: Partial<CartDiscount>): CartDiscount => ({
  id: d.id ?? 'd1',
  line_id: null,
  percent: null,
  amount_cents: 0,
  preset: null,
  reason: null,
  ...d,
});

test('percentOf rounds half up to a cent, two decimals of percent', () => {
  assert.equal(percentOf(350, 15), 53); // 52.5
  assert.equal(percentOf(1046, 10), 105); // 104.6
  assert.equal(percentOf(999, 12.5), 125); // 124.875
  assert.equal(percentOf(1, 49.99), 0);
});

test('spread: proportional, sum exact, largest remainder, ties to the earlier line', () => {
  assert.deepEqual(spread(105, [297, 399, 350]), [30, 40, 35]);
  assert.deepEqual(spread(1, [100, 100, 100]), [1, 0, 0]);
  assert.deepEqual(spread(2, [100, 100, 100]), [1, 1, 0]);
  for (let amount = 0; amount <= 500; amount += 7) {
    const w = [333, 1, 250, 17, 999];
    const parts = spread(amount, w);
    assert.equal(
      parts.reduce((s, p) => s + p, 0),
      amount,
    );
    parts.forEach((p, i) => assert.ok(Math.abs(p - (amount * w[i]) / 1600) < 1, `${amount}`));
  }
});

test('cart discount skips deposit lines; a line discount on a removed line is dropped', () => {
  const lines = [
    line('a', 350),
    line('p', 25, 'deposit'),
    line('b', 200),
    line('r', -25, 'deposit_return'),
  ];
  const r = applyDiscounts(lines, [
    disc({ id: 'x', line_id: 'gone', percent: 50 }),
    disc({ id: 'c', percent: 10 }),
  ]);
  assert.deepEqual(
    r.discounts.map((d) => [d.id, d.amount_cents]),
    [['c', 55]],
  );
  assert.deepEqual(
    r.lines.map((l) => l.discount_cents ?? 0),
    [35, 0, 20, 0],
  );
  assert.equal(r.total_cents, 550 - 55);
  // An amount is capped at what is left.
  const big = applyDiscounts(
    [line('a', 300)],
    [disc({ requested_cents: 1000, amount_cents: 1000 })],
  );
  assert.equal(big.total_cents, 0);
  assert.equal(big.discounts[0].amount_cents, 300);
});
