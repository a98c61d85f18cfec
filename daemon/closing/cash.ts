/**
 * Day-closing arithmetic, pure and in integer cents.
 *
 *   expected = opening float + cash sales − cash refunds − payouts + pay-ins
 *   difference = counted − expected            (negative: cash is missing)
 *
 * The drawer is counted either as one total or by denomination (value in cents → count).
 */
import type { CashMovement, CashSummary } from '../protocol.js';

/** Euro notes and coins in cents (what a German/Euro-area drawer holds). */
export const EUR_DENOMINATIONS = [
  50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1,
] as const;

export const DENOMINATIONS: Record<string, readonly number[]> = {
  EUR: EUR_DENOMINATIONS,
  CHF: [100000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5],
  GBP: [5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
  USD: [10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1],
};

export class CountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CountError';
  }
}

/** Sum of a count by denomination; refuses unknown denominations and odd counts. */
export function countDenominations(
  counts: Record<string, unknown>,
  currency: string,
): { total_cents: number; counts: Record<string, number> } {
  const allowed = DENOMINATIONS[currency];
  if (!allowed)
    throw new CountError('denominations', `No denomination list for ${currency}; count a total`);
  let total = 0;
  const clean: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    const value = Number(key);
    if (!/^\d+$/.test(key) || !allowed.includes(value))
      throw new CountError(
        'denominations',
        `"${key}" is not a ${currency} denomination in cents (allowed: ${allowed.join(', ')})`,
      );
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100_000)
      throw new CountError('denominations', `count for ${key} must be a whole number 0-100000`);
    clean[key] = n;
    total += value * n;
  }
  return { total_cents: total, counts: clean };
}

export interface CashFlows {
  opening_float_cents: number;
  cash_sales_cents: number;
  cash_refunds_cents: number;
  /** Tips paid in cash (in the drawer, not revenue). */
  cash_tips_cents?: number;
  movements: Pick<CashMovement, 'kind' | 'amount_cents'>[];
}

export function cashSummary(f: CashFlows): CashSummary {
  let payouts = 0;
  let payIns = 0;
  for (const m of f.movements) {
    if (m.kind === 'payout') payouts += m.amount_cents;
    else payIns += m.amount_cents;
  }
  return {
    opening_float_cents: f.opening_float_cents,
    cash_sales_cents: f.cash_sales_cents,
    cash_refunds_cents: f.cash_refunds_cents,
    payouts_cents: payouts,
    pay_ins_cents: payIns,
    ...(f.cash_tips_cents ? { cash_tips_cents: f.cash_tips_cents } : {}),
    expected_cents:
      f.opening_float_cents +
      f.cash_sales_cents +
      (f.cash_tips_cents ?? 0) -
      f.cash_refunds_cents -
      payouts +
      payIns,
  };
}

export function difference(countedCents: number, expectedCents: number): number {
  return countedCents - expectedCents;
}
