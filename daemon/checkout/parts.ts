/**
 * Split payment: a sale is paid in parts (SalePayment), one running at a time. The ledger
 * journals each step; this file holds the pure rules it follows:
 *
 *   pending (a part runs) ─ part succeeded, rest remains ─→ open ─ next part ─→ pending
 *                         ─ part succeeded, nothing remains ─→ succeeded (one line, all parts)
 *                         ─ part failed/cancelled, earlier parts paid ─→ open (what was paid stays)
 *                         ─ part failed/cancelled, nothing paid yet ─→ failed/cancelled (as ever)
 *   open ─ abandon: every paid part refunded (journalled one by one) ─→ cancelled
 *
 * Providers know a part by its id: the first part's id is the sale's id (so a one-payment sale
 * looks to them exactly as before), later parts are `<sale id>-<n>`. providerView() is the
 * sale as a provider sees its part: that id, and the part's amount plus tip as the total.
 */
import type { Sale, SalePayment } from '../protocol.js';
import type { ProviderOutcome } from '../payments/provider.js';
import type { UpdateLine } from '../entries.js';

const PART_REF = /^(s_\d{8}_\d{1,12})-(\d{1,4})$/;

/** The sale a part id belongs to (a sale id is its own first part). */
export function saleIdOfRef(ref: string): string {
  return PART_REF.exec(ref)?.[1] ?? ref;
}

/** The sale's payments; a sale journalled before split payment has none. */
export function paymentsOf(s: Sale): SalePayment[] {
  return s.payments ?? [];
}

/** The part being paid right now, if any. */
export function runningPart(s: Sale): SalePayment | undefined {
  return s.state === 'pending' ? paymentsOf(s).find((p) => p.state === 'pending') : undefined;
}

export function sums(
  total: number,
  parts: SalePayment[],
): { paid_cents: number; remaining_cents: number; tip_cents: number } {
  let paid = 0;
  let tip = 0;
  for (const p of parts) {
    if (p.state !== 'succeeded') continue;
    paid += p.amount_cents;
    tip += p.tip_cents;
  }
  return { paid_cents: paid, remaining_cents: Math.max(0, total - paid), tip_cents: tip };
}

/** Id of the next part of a sale: the sale's own id first, then `<id>-2`, `<id>-3`... */
export function nextPartId(s: Sale): string {
  const n = paymentsOf(s).length + 1;
  return n === 1 ? s.id : `${s.id}-${n}`;
}

export function newPart(
  id: string,
  p: {
    provider: string;
    amount_cents: number;
    tip_cents: number;
    tendered_cents: number | null;
    tip_recipient?: 'business';
  },
  at: string,
): SalePayment {
  return {
    ...(p.tip_recipient && p.tip_cents > 0 ? { tip_recipient: p.tip_recipient } : {}),
    id,
    provider: p.provider,
    amount_cents: p.amount_cents,
    tip_cents: p.tip_cents,
    state: 'pending',
    tendered_cents: p.tendered_cents,
    change_cents: null,
    payment: {},
    created_at: at,
  };
}

/** The sale as a provider sees one of its parts (what it charges, what it calls it). */
export function providerView(s: Sale, part: SalePayment | undefined): Sale {
  if (!part) return s;
  return {
    ...s,
    id: part.id,
    provider: part.provider,
    state: part.state,
    total_cents: part.amount_cents + part.tip_cents,
    tendered_cents: part.tendered_cents,
    change_cents: part.change_cents,
    payment: part.state === 'pending' ? s.payment : part.payment,
  };
}

/** The part a provider's id names, and its sale's id. */
export function findPart(s: Sale, ref: string): SalePayment | undefined {
  return paymentsOf(s).find((p) => p.id === ref);
}

type Moves = Pick<
  UpdateLine,
  'state' | 'payments' | 'paid_cents' | 'remaining_cents' | 'tip_cents' | 'change_cents'
>;

/**
 * What a provider's final outcome for the running part does to the sale: the sale's next
 * state and its payments. A sale without parts (journalled before split payment) simply
 * takes the outcome's state.
 */
export function partOutcome(s: Sale, o: ProviderOutcome): Moves {
  const parts = paymentsOf(s);
  const run = runningPart(s);
  if (!run || o.state === 'pending') return { state: o.state };
  const payment = { ...s.payment, ...(o.payment ?? {}) };
  if (o.state === 'succeeded') {
    const done: SalePayment = {
      ...run,
      state: 'succeeded',
      payment,
      tendered_cents: o.tendered_cents ?? run.tendered_cents,
      change_cents: o.change_cents ?? null,
    };
    const next = parts.map((p) => (p === run ? done : p));
    const total = sums(s.total_cents, next);
    return {
      state: total.remaining_cents === 0 ? 'succeeded' : 'open',
      payments: next,
      ...total,
      change_cents: done.change_cents,
    };
  }
  const paidBefore = parts.some((p) => p.state === 'succeeded');
  if (!paidBefore) {
    const next = parts.map((p) => (p === run ? { ...run, state: o.state, payment } : p));
    return { state: o.state, payments: next, ...sums(s.total_cents, next) };
  }
  // A part that did not go through leaves the sale as it was before it: open, paid parts kept.
  const next = parts.filter((p) => p !== run);
  return { state: 'open', payments: next, ...sums(s.total_cents, next) };
}
