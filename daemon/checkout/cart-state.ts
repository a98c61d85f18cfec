/**
 * A cart's states as pure functions: a till's empty cart, the next version of a cart from its
 * lines and discounts (totals, item count, lock), the cart put back after a failed write, and
 * the discount edits (an added discount must take something off; at most MAX_DISCOUNTS).
 * carts.ts applies them in memory, broadcasts and writes carts.json.
 */
import type { Cart, CartDiscount, CartLine } from '../protocol.js';
import type { LinesEdit } from './cart-lines.js';
import { applyDiscounts } from './discounts.js';
import { CheckoutError } from './errors.js';

export const MAX_DISCOUNTS = 20;

export type CartEdit = LinesEdit & { discounts?: CartDiscount[] };

export function emptyCart(terminalId: string, at: string): Cart {
  return {
    terminal_id: terminalId,
    lines: [],
    total_cents: 0,
    item_count: 0,
    last_line_id: null,
    version: 0,
    pending_sale_id: null,
    updated_at: at,
  };
}

/** The cart's next version: priced with its discounts (an emptied cart drops them). */
export function nextCart(
  cart: Cart,
  lines: CartLine[],
  last: string | null,
  pendingSaleId: string | null,
  discounts: CartDiscount[],
  at: string,
): Cart {
  const priced = applyDiscounts(lines, lines.length ? discounts : []);
  return {
    terminal_id: cart.terminal_id,
    lines: priced.lines,
    total_cents: priced.total_cents,
    ...(priced.discounts.length
      ? { discounts: priced.discounts, discount_cents: priced.discount_cents }
      : {}),
    item_count: lines.reduce((s, l) => s + (l.kind === 'deposit' ? 0 : l.quantity), 0),
    last_line_id: last,
    version: cart.version + 1,
    pending_sale_id: pendingSaleId,
    updated_at: at,
  };
}

/**
 * After a failed write: the last saved cart, keeping the current lock (whose truth is the
 * journal), with a newer version than the one shown so every screen takes it.
 */
export function restoredCart(saved: Cart, current: Cart, at: string): Cart {
  return {
    ...saved,
    version: current.version + 1,
    pending_sale_id: current.pending_sale_id,
    updated_at: at,
  };
}

/** Adds a discount (its amount computed with the cart); `check` may refuse the result. */
export function withDiscount(
  cart: Cart,
  discount: CartDiscount,
  check: (d: CartDiscount, cart: Cart) => void,
): CartEdit {
  if ((cart.discounts?.length ?? 0) >= MAX_DISCOUNTS)
    throw new CheckoutError(409, 'too_many_discounts', `At most ${MAX_DISCOUNTS} discounts`);
  const discounts = [...(cart.discounts ?? []), discount];
  const priced = applyDiscounts(cart.lines, discounts);
  const added = priced.discounts.find((d) => d.id === discount.id);
  if (!added || added.amount_cents <= 0)
    throw new CheckoutError(
      409,
      'nothing_to_discount',
      'There is nothing left to discount in this cart',
    );
  check(added, cart);
  return { lines: cart.lines, last: cart.last_line_id, discounts };
}

export function withoutDiscount(cart: Cart, discountId: string): CartEdit {
  const discounts = cart.discounts ?? [];
  if (!discounts.some((d) => d.id === discountId))
    throw new CheckoutError(404, 'not_found', `No discount ${discountId} in this cart`);
  return {
    lines: cart.lines,
    last: cart.last_line_id,
    discounts: discounts.filter((d) => d.id !== discountId),
  };
}
