/**
 * A cart's states as pure functions (daemon/checkout/cart-state.ts): the next version priced
 * with its discounts, item count without deposit lines, an emptied cart without discounts, the
 * cart put back after a failed write keeping the lock, and the discount edits' refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyCart,
  MAX_DISCOUNTS,
  nextCart,
  restoredCart,
  withDiscount,
  withoutDiscount,
} from '../../daemon/checkout/cart-state.js';
import { addProductLine } from '../../daemon/checkout/cart-lines.js';
import { CheckoutError } from '../../daemon/checkout/errors.js';
import { testProduct } from '../helpers/products.js';
import type { Cart, CartDiscount, Product } from '../../daemon/protocol.js';

const T0 = '2026-05-04T10:00:00.000Z';
const T1 = '2026-05-04T10:00:01.000Z';

function product(id: string, price_cents: number, extra: Partial<Product> = {}): Product {
  return testProduct(id, { price_cents, created_at: T0, updated_at: T0, ...extra });
}

const percent = (id: string, p: number): CartDiscount => ({
  id,
  line_id: null,
  percent: p,
  amount_cents: 0,
  preset: null,
  reason: null,
});

/** A cart with 2 × bottle (100) plus 2 deposit lines (25), discounted 10 %. */
function filled(): Cart {
  const edit = addProductLine([], product('b', 100), 2, product('d', 25, { vat_rate: 0 }));
  return nextCart(emptyCart('kiosk', T0), edit.lines, edit.last, null, [percent('d1', 10)], T0);
}

test('the next version is priced with its discounts; deposit lines are no items', () => {
  const cart = filled();
  assert.equal(cart.version, 1);
  assert.equal(cart.lines.length, 2);
  assert.equal(cart.item_count, 2, 'two bottles; their deposit is not counted');
  assert.equal(cart.discount_cents, 20, '10 % of the bottles only, never of the deposit');
  assert.equal(cart.total_cents, 230, '200 − 20 + 2 × 25 deposit');
  assert.equal(cart.discounts?.[0].amount_cents, 20);
  assert.equal(cart.updated_at, T0);
});

test('an emptied cart drops its discounts; the lock and the version move on', () => {
  const cart = filled();
  const locked = nextCart(cart, cart.lines, cart.last_line_id, 's_1', cart.discounts ?? [], T1);
  assert.deepEqual([locked.version, locked.pending_sale_id], [2, 's_1']);
  const emptied = nextCart(locked, [], null, null, locked.discounts ?? [], T1);
  assert.deepEqual(
    [emptied.version, emptied.total_cents, emptied.item_count, emptied.pending_sale_id],
    [3, 0, 0, null],
  );
  assert.equal('discounts' in emptied, false);
  assert.equal('discount_cents' in emptied, false);
});

test('a cart put back after a failed write is the saved one with a newer version and the current lock', () => {
  const saved = filled();
  const shown = { ...emptyCart('kiosk', T0), version: 7, pending_sale_id: 's_9' };
  const restored = restoredCart(saved, shown, T1);
  assert.deepEqual(restored.lines, saved.lines);
  assert.equal(restored.total_cents, saved.total_cents);
  assert.deepEqual(
    [restored.version, restored.pending_sale_id, restored.updated_at],
    [8, 's_9', T1],
  );
});

test('adding a discount: checked with its computed amount; refused when nothing is left or too many', () => {
  const cart = filled();
  let seen: number | null = null;
  const edit = withDiscount(cart, percent('d2', 50), (d) => (seen = d.amount_cents));
  assert.equal(seen, 90, '50 % of what the first discount left (180)');
  assert.deepEqual(
    edit.discounts?.map((d) => d.id),
    ['d1', 'd2'],
  );
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof CheckoutError);
      return err.code;
    }
    assert.fail('not refused');
  };
  const full = nextCart(cart, cart.lines, cart.last_line_id, null, [percent('all', 100)], T0);
  assert.equal(
    code(() => withDiscount(full, percent('x', 10), () => {})),
    'nothing_to_discount',
  );
  const many = {
    ...cart,
    discounts: Array.from({ length: MAX_DISCOUNTS }, (_, i) => percent(`m${i}`, 0)),
  };
  assert.equal(
    code(() => withDiscount(many, percent('x', 10), () => {})),
    'too_many_discounts',
  );
  assert.equal(
    code(() =>
      withDiscount(cart, percent('x', 10), () => {
        throw new CheckoutError(409, 'discount_limit', 'no');
      }),
    ),
    'discount_limit',
    "the caller's check refuses",
  );
  assert.deepEqual(withoutDiscount(cart, 'd1').discounts, []);
  assert.equal(
    code(() => withoutDiscount(cart, 'nope')),
    'not_found',
  );
});
