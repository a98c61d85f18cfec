/**
 * Which parts of a split sale a refund goes back through, and how much each, without storage.
 *
 * A refund pays back goods (its lines), never tips. A part can give back at most what it paid
 * towards the sale (`amount_cents`, without its tip) less what earlier refunds of the sale
 * already took through it. A refund of everything left gives every part its remainder; a
 * smaller one (lines, or pieces of a line) is taken from the parts in this order:
 *
 *   1. cash parts   — paid out of the drawer at once, no fees, nothing can fail;
 *   2. card parts (and any other provider), in the order they were paid;
 *   3. voucher parts — the shop's own credit, back onto the voucher last.
 *
 * So a customer who paid 20 € by voucher, 15 € by card and 5 € cash and returns goods worth
 * 10 € gets 5 € cash and 5 € on the card; the voucher is touched only when the money parts are
 * used up.
 */
import type { Refund, Sale, SalePayment } from '../protocol.js';
import { isCash, paidParts } from '../sale-payments.js';

/** The rank of a part in the refund order (lower first). */
function rank(p: SalePayment): number {
  if (isCash(p.provider)) return 0;
  return p.provider === 'voucher' ? 2 : 1;
}

/** A sale paid in several parts, or by voucher: refunded part by part. */
export function refundsPerPart(sale: Sale): boolean {
  const parts = paidParts(sale);
  return parts.length > 1 || parts.some((p) => p.provider === 'voucher');
}

/** What earlier refunds took back through each part of the sale. */
export function refundedPerPart(earlier: Refund[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of earlier)
    for (const p of r.payments ?? [])
      out.set(p.part_id, (out.get(p.part_id) ?? 0) + p.amount_cents);
  return out;
}

/** The parts and amounts for a refund of `total` cents (see the module comment). */
export function planRefundPayments(
  sale: Sale,
  total: number,
  earlier: Refund[],
): Array<{ part: SalePayment; amount_cents: number }> {
  const done = refundedPerPart(earlier);
  const parts = paidParts(sale)
    .map((p, i) => ({ p, i, left: Math.max(0, p.amount_cents - (done.get(p.id) ?? 0)) }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i);
  let rest = total;
  const out: Array<{ part: SalePayment; amount_cents: number }> = [];
  for (const { p, left } of parts) {
    const take = Math.min(left, rest);
    if (take <= 0) continue;
    out.push({ part: p, amount_cents: take });
    rest -= take;
  }
  // Earlier refunds recorded by hand (before refunds per part) left no trace per part: what is
  // more than the parts hold goes to the last part, so the record always adds up.
  if (rest > 0) {
    if (out.length) out[out.length - 1].amount_cents += rest;
    else if (parts.length) out.push({ part: parts[parts.length - 1].p, amount_cents: rest });
  }
  return out;
}
