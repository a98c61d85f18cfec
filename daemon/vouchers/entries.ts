/**
 * The voucher book's lines and what they add up to, pure (no files, no clock): the line
 * kinds, voucher codes, folding lines into each voucher's balance (once per part, once per
 * part and refund), a voucher's state on a given day, and why a code cannot pay. The book
 * (book.ts) writes the lines and folds them through applyEntry.
 */
import { randomBytes } from 'node:crypto';
import type { Sale, VoucherInfo } from '../protocol.js';

export interface IssueEntry {
  e: 'issue';
  at: string;
  code: string;
  amount_cents: number;
  purpose: 'multi' | 'single';
  vat_rate: number;
  sale_id: string;
  /** Last day it can be redeemed (YYYY-MM-DD). */
  expires_on: string;
  /**
   * Issued by a refund instead of restoring an expired voucher: the old code and
   * `<part id>/<refund id>` (so healing never issues it twice).
   */
  replaces?: string;
  refund_part?: string;
}

export interface MoveEntry {
  e: 'redeem' | 'restore';
  at: string;
  code: string;
  amount_cents: number;
  sale_id: string;
  part_id: string;
  /** A restore by a refund (part of what the part paid); absent: an abandoned part, in full. */
  refund_id?: string;
}

export type VoucherEntry = IssueEntry | MoveEntry;

export function isVoucherEntry(v: unknown): v is VoucherEntry {
  const e = (v as { e?: unknown } | null)?.e;
  return e === 'issue' || e === 'redeem' || e === 'restore';
}

/** One voucher as the book holds it. */
export interface Held {
  issue: IssueEntry;
  balance: number;
  redeemed: Map<string, number>;
  restored: Set<string>;
  /** From the sales journal: the selling sale's state (undefined = not known yet). */
  sold?: Sale['state'];
  /** From the sales journal's refund lines: the voucher line of its sale was refunded. */
  refunded?: boolean;
  /** A refund of its sale is running: no redemption until it is written or given up. */
  held?: boolean;
}

export interface BookState {
  /** code → voucher, in the order issued. */
  held: Map<string, Held>;
  /** `<part id>/<refund id>` → the voucher a refund put the part's money back on. */
  refundRestores: Map<string, string>;
}

/** Voucher codes: "GS" and 10 characters without look-alikes (0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const VOUCHER_CODE_RE = /^GS[A-HJ-KM-NP-Z2-9]{10}$/;

export function newVoucherCode(): string {
  return 'GS' + [...randomBytes(10)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/**
 * Last day a voucher issued on `today` (YYYY-MM-DD) can be redeemed: the regular limitation
 * period, three years from the end of the year of sale.
 */
export function expiresOn(today: string): string {
  return `${Number(today.slice(0, 4)) + 3}-12-31`;
}

/** Why a code cannot pay: stable codes the till translates (err.voucher_*). */
export type VoucherRefusal =
  'voucher_unknown' | 'voucher_inactive' | 'voucher_expired' | 'voucher_used_up' | 'voucher_voided';

/**
 * Folds one line into the book. Balance = amount − redeemed + restored; a second issue of a
 * code, a second redeem by the same part and a second restore of the same part (or part and
 * refund) change nothing; moves on unknown codes are ignored.
 */
export function applyEntry(book: BookState, line: VoucherEntry): void {
  if (line.e === 'issue') {
    if (line.refund_part) book.refundRestores.set(line.refund_part, line.code);
    if (!book.held.has(line.code))
      book.held.set(line.code, {
        issue: line,
        balance: line.amount_cents,
        redeemed: new Map(),
        restored: new Set(),
      });
    return;
  }
  const h = book.held.get(line.code);
  if (!h) return;
  if (line.e === 'redeem' && !h.redeemed.has(line.part_id)) {
    h.redeemed.set(line.part_id, line.amount_cents);
    h.balance -= line.amount_cents;
  } else if (line.e === 'restore') {
    const key = line.refund_id ? `${line.part_id}/${line.refund_id}` : line.part_id;
    if (h.restored.has(key)) return;
    h.restored.add(key);
    if (line.refund_id) book.refundRestores.set(key, line.code);
    h.balance += line.amount_cents;
  }
}

/** A voucher's state on `today`: its selling sale first, then refund, expiry and balance. */
export function voucherState(h: Held, today: string): VoucherInfo['state'] {
  if (h.sold === 'failed' || h.sold === 'cancelled') return 'void';
  if (h.refunded) return 'voided';
  if (h.sold !== 'succeeded') return 'pending';
  if (today > h.issue.expires_on) return 'expired';
  return h.balance <= 0 ? 'used_up' : 'active';
}

export function voucherInfo(h: Held, today: string): VoucherInfo {
  return {
    code: h.issue.code,
    purpose: h.issue.purpose,
    vat_rate: h.issue.vat_rate,
    amount_cents: h.issue.amount_cents,
    balance_cents: h.balance,
    state: voucherState(h, today),
    sale_id: h.issue.sale_id,
    issued_at: h.issue.at,
    expires_on: h.issue.expires_on,
  };
}

/**
 * Why a voucher cannot pay now, or null when it can (its balance is then > 0); `heldForRefund`:
 * a refund of its sale is running.
 */
export function refusalOf(
  v: VoucherInfo | undefined,
  heldForRefund: boolean,
): VoucherRefusal | null {
  if (!v || v.state === 'void') return 'voucher_unknown';
  if (v.state === 'voided' || heldForRefund) return 'voucher_voided';
  if (v.state === 'pending') return 'voucher_inactive';
  if (v.state === 'expired') return 'voucher_expired';
  if (v.state === 'used_up') return 'voucher_used_up';
  return null;
}
