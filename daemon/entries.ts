/**
 * Ground floor: the kinds of entry in the sales journal (DATA_DIR/sales/YYYY-MM-DD.jsonl), one
 * JSON line each, `e` first. Checkout writes the sale lines, refunds and day closing their
 * own; exports, fiscal export and fleet shipping read them all. Every entry read back also
 * carries the journal's sequence number `q` (daemon/store/journal.ts).
 *
 *   {"e":"created","at":…,"key":…,"cart_version":…,"sale":{…Sale}}   a sale, pending
 *   {"e":"update","at":…,"id":…,"state":…}                            its payment moved on
 *   {"e":"refund","at":…,"key":…,"refund":{…Refund}}                  a refund (own receipt)
 *   {"e":"cash","at":…,"key":…,"movement":{…CashMovement}}            payout / pay-in
 *   {"e":"z","at":…,"key":…,"z":{…ZReport}}                           a closed period
 *   {"e":"shift","at":…,"key":…,"count":{…ShiftCount}}                a cashier's drawer count
 *
 * `key` is the idempotency key of the request that wrote the line. A sale's later lines go
 * into the file of the day it was created; the other kinds into the day they happened.
 */
import type {
  CashMovement,
  PaymentState,
  Refund,
  Sale,
  ShiftCount,
  SalePayment,
  TseRecord,
  ZReport,
} from './protocol.js';

export interface CreatedLine {
  e: 'created';
  at: string;
  /** Idempotency key of the checkout request (not part of the public Sale). */
  key: string;
  /** The cart's version when it became this sale (heals the cart after a crash). */
  cart_version: number;
  sale: Sale;
}

export interface UpdateLine {
  e: 'update';
  at: string;
  id: string;
  state: PaymentState;
  reason?: string | null;
  reason_code?: string | null;
  payment?: Record<string, unknown>;
  tendered_cents?: number | null;
  change_cents?: number | null;
  /** The TSE's answer, on the line that settles the sale (signed before it is written). */
  tse?: TseRecord;
  /**
   * Split payment: the sale's payments after this line (the whole list, replacing the one
   * before) and the sums that follow from it. The line that settles a sale carries them all.
   */
  payments?: SalePayment[];
  paid_cents?: number;
  remaining_cents?: number;
  tip_cents?: number;
  /** A new part started: its provider (the sale's `provider` follows the running part). */
  provider?: string;
  /** A new part started: the idempotency key of its checkout request. */
  key?: string;
}

export interface RefundEntry {
  e: 'refund';
  at: string;
  key: string;
  refund: Refund;
}

export interface CashEntry {
  e: 'cash';
  at: string;
  key: string;
  movement: CashMovement;
}

export interface ZEntry {
  e: 'z';
  at: string;
  key: string;
  z: ZReport;
}

/** A cashier's drawer count at shift end (cash-up per cashier): counted vs expected. */
export interface ShiftEntry {
  e: 'shift';
  at: string;
  key: string;
  count: ShiftCount;
}

/** Entries of the shop operations (refunds, cash movements, Z reports, shift counts). */
export type ShopEntry = RefundEntry | CashEntry | ZEntry | ShiftEntry;

export type SalesEntry = CreatedLine | UpdateLine | ShopEntry;

export const SHOP_KINDS = [
  'refund',
  'cash',
  'z',
  'shift',
] as const satisfies readonly ShopEntry['e'][];
export const ENTRY_KINDS = ['created', 'update', ...SHOP_KINDS] as const;

export function isSalesEntry(v: unknown): v is SalesEntry {
  const e = (v as { e?: unknown } | null)?.e;
  return typeof e === 'string' && (ENTRY_KINDS as readonly string[]).includes(e);
}
