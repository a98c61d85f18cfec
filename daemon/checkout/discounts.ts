/**
 * Discounts on a cart: per line or on the whole cart, by percent or by amount. Pure arithmetic
 * in integer cents, recomputed on every cart change (a quantity change changes a percent's
 * amount):
 *
 * 1. Line discounts, in the order given, each on what is left of its line:
 *    percent → round(left × percent / 100) half up; amount → at most what is left.
 * 2. Cart discounts, in the order given, each on what is left of all product lines; the amount
 *    is spread over those lines in proportion to what is left of each (largest remainder, ties
 *    to the earlier line), so the parts add up to the cent and the same cart always splits the
 *    same way.
 *
 * Deposit lines (`deposit`, `deposit_return`) and voucher lines are never discounted. A line's
 * `discount_cents` is its part of every discount; VAT is on line_total_cents − discount_cents.
 */
import type { CartDiscount, CartLine, SaleLine } from '../protocol.js';

/** Lines a discount may touch: products (catalog, label, open price). */
export function discountable(l: Pick<SaleLine, 'kind'>): boolean {
  return !l.kind || l.kind === 'product';
}

/** What a line comes to after its discounts. */
export function netOf(l: Pick<SaleLine, 'line_total_cents' | 'discount_cents'>): number {
  return l.line_total_cents - (l.discount_cents ?? 0);
}

/** `percent` (up to two decimals) of `base` cents, rounded half up to a cent. */
export function percentOf(base: number, percent: number): number {
  const bp = Math.round(percent * 100);
  return Math.floor((2 * base * bp + 10000) / 20000);
}

/** Splits `amount` over `weights` in proportion, to the cent, sum exact (largest remainder). */
export function spread(amount: number, weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || amount <= 0) return weights.map(() => 0);
  const parts = weights.map((w) => Math.floor((amount * w) / total));
  let left = amount - parts.reduce((s, p) => s + p, 0);
  const order = weights
    .map((w, i) => ({ i, rem: (amount * w) % total }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (weights[i] <= 0) continue;
    parts[i]++;
    left--;
  }
  return parts;
}

/** A discount's amount from what it applies to (`left` cents). */
function amountOf(d: CartDiscount, left: number): number {
  if (left <= 0) return 0;
  const want =
    d.percent !== null ? percentOf(left, d.percent) : (d.requested_cents ?? d.amount_cents);
  return Math.max(0, Math.min(want, left));
}

export interface Priced {
  lines: CartLine[];
  discounts: CartDiscount[];
  discount_cents: number;
  total_cents: number;
}

/**
 * The lines with their `discount_cents`, the discounts with their computed amounts (a line
 * discount whose line is gone is dropped), and the total after discounts.
 */
export function applyDiscounts(lines: CartLine[], discounts: CartDiscount[]): Priced {
  const off = new Map<string, number>(lines.map((l) => [l.line_id, 0]));
  const kept: CartDiscount[] = [];
  const left = (l: CartLine) => l.line_total_cents - off.get(l.line_id)!;
  for (const d of discounts) {
    if (d.line_id === null) continue;
    const line = lines.find((l) => l.line_id === d.line_id);
    if (!line || !discountable(line)) continue;
    const amount = amountOf(d, left(line));
    off.set(line.line_id, off.get(line.line_id)! + amount);
    kept.push({ ...d, amount_cents: amount });
  }
  for (const d of discounts) {
    if (d.line_id !== null) continue;
    const targets = lines.filter(discountable);
    const weights = targets.map(left);
    const amount = amountOf(
      d,
      weights.reduce((s, w) => s + w, 0),
    );
    spread(amount, weights).forEach((part, i) =>
      off.set(targets[i].line_id, off.get(targets[i].line_id)! + part),
    );
    kept.push({ ...d, amount_cents: amount });
  }
  // Keep the order given (line and cart discounts interleaved as the cashier added them).
  const order = new Map(discounts.map((d, i) => [d.id, i]));
  kept.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const priced = lines.map((l) => {
    const d = off.get(l.line_id)!;
    if (d > 0) return { ...l, discount_cents: d };
    if (l.discount_cents === undefined) return l;
    const { discount_cents: _, ...rest } = l;
    return rest;
  });
  const discountCents = kept.reduce((s, d) => s + d.amount_cents, 0);
  return {
    lines: priced,
    discounts: kept,
    discount_cents: discountCents,
    total_cents: lines.reduce((s, l) => s + l.line_total_cents, 0) - discountCents,
  };
}
