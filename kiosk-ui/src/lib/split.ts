/**
 * Split payment at the till: one part's request from what the cashier entered (amount, tip,
 * cash given, "keep the change", voucher code), or null while it is not payable.
 */

import type { TipSettings } from '../../../daemon/protocol.js';

/**
 * The tip step until the owner's settings arrive (settings section `tips`, GET /api/v1/tips):
 * the daemon's defaults, percent presets of the part (rounded to whole cents).
 */
export const DEFAULT_TIPS: TipSettings = {
  enabled: true,
  percents: [5, 10, 15],
  amounts_cents: [],
  tips_recipient: 'staff',
};

export function tipOf(amountCents: number, percent: number): number {
  return Math.round((amountCents * percent) / 100);
}

export interface PartRequest {
  provider: string;
  /** Absent for a voucher left at "all that remains": it pays what it holds, at most that. */
  amount_cents?: number;
  tip_cents?: number;
  tendered_cents?: number;
  voucher_code?: string;
}

export function partRequest(f: {
  provider: string;
  amount: number | null;
  remaining: number;
  tip: number | null;
  given: number | null;
  keep: boolean;
  code: string;
}): PartRequest | null {
  if (!f.provider || f.amount === null || f.amount < 1 || f.amount > f.remaining) return null;
  const req: PartRequest = { provider: f.provider, amount_cents: f.amount };
  if (f.provider === 'voucher') {
    const code = f.code.trim().toUpperCase();
    if (!code) return null;
    if (f.amount === f.remaining) return { provider: f.provider, voucher_code: code };
    return { ...req, voucher_code: code };
  }
  if (f.provider === 'cash') {
    if (f.given === null) return req;
    if (f.given < f.amount) return null;
    req.tendered_cents = f.given;
    // "Stimmt so": what was given over the amount stays as a tip, no change.
    if (f.keep && f.given > f.amount) req.tip_cents = f.given - f.amount;
    return req;
  }
  if (f.tip === null || f.tip < 0) return null;
  if (f.tip > 0) req.tip_cents = f.tip;
  return req;
}
