/** Wire types (daemon/protocol.ts): vouchers, carts, payments and sales (catalog: ./catalog.ts). */

// -------------------------------------------------------------------------------- vouchers
/** A voucher as admin and the till see it. */
export interface VoucherInfo {
  code: string;
  purpose: 'multi' | 'single';
  vat_rate: number;
  amount_cents: number;
  balance_cents: number;
  /**
   * active, pending (its sale is not paid yet), void (its sale failed), voided (its sale's
   * voucher line was refunded: "Storniert"), used_up, expired.
   */
  state: 'active' | 'pending' | 'void' | 'voided' | 'used_up' | 'expired';
  sale_id: string;
  issued_at: string;
  expires_on: string;
}

// ----------------------------------------------------------------------------------- carts
/** A cart line is a sale line (below) with the id the cart edits it by. */
export interface CartLine extends SaleLine {
  line_id: string;
  /** A deposit line: the line of the product it follows (quantity and removal follow it). */
  deposit_for_line_id?: string;
}

/** What a line is: a product (absent), a deposit following a product, a returned deposit. */
export type LineKind = 'product' | 'deposit' | 'deposit_return' | 'voucher';

/**
 * A discount in a cart or sale: on one line (`line_id`) or on the whole cart (null; spread over
 * the product lines in proportion to their amounts). `amount_cents` is what it takes off,
 * computed from `percent` or from the amount asked for (`requested_cents`, at most what the
 * lines are worth). Deposit lines are never discounted.
 */
export interface CartDiscount {
  id: string;
  line_id: string | null;
  percent: number | null;
  /** Positive: what the discount takes off, computed. */
  amount_cents: number;
  /** Id of the preset (settings) it came from, or null. */
  preset: string | null;
  reason: string | null;
  /** An amount discount: the amount asked for (amount_cents may be less). */
  requested_cents?: number;
}

/** POST /api/v1/terminals/:t/cart/discounts — `percent` or `amount_cents`, or a `preset`. */
export interface DiscountBody {
  percent?: number;
  amount_cents?: number;
  line_id?: string;
  reason?: string;
  preset?: string;
}

/** A named discount the owner sets up (staff, happy hour). */
export interface DiscountPreset {
  id: string;
  name: string;
  percent: number | null;
  amount_cents: number | null;
  /** For the whole cart (true) or one line (false). */
  cart: boolean;
}

/** GET/PUT /api/v1/admin/settings/discounts (GET /api/v1/discounts for the till). */
export interface DiscountSettings {
  presets: DiscountPreset[];
  /** Above this percent of what it applies to a manager must be logged in; null = no limit. */
  manager_above_percent: number | null;
}

export interface Cart {
  terminal_id: string;
  lines: CartLine[];
  /** What the customer pays: the lines less every discount. */
  total_cents: number;
  /** Discounts in the order given. */
  discounts?: CartDiscount[];
  /** The sum of the discounts (positive). */
  discount_cents?: number;
  item_count: number;
  /** line_id of the line the last scan/add touched (the UI highlights it). */
  last_line_id: string | null;
  /** Increments on every change; lets clients drop stale updates. */
  version: number;
  /** Sale id while a payment for this cart is pending; cart edits are refused then. */
  pending_sale_id: string | null;
  updated_at: string;
}

export interface AddItemBody {
  barcode?: string;
  product_id?: string;
  quantity?: number;
  /** A line with an amount typed at the till ("Freier Betrag"), no product behind it. */
  open_price?: OpenPriceInput;
  /** A deposit product's id: a returned deposit (a negative line, "Pfand zurück"). */
  deposit_return?: string;
}

export interface OpenPriceInput {
  /** Gross unit price in cents. */
  price_cents: number;
  /** One of the configured VAT rates. */
  vat_rate: number;
  /** What the receipt says; the till sends its own "Freier Betrag" when left empty. */
  name?: string;
}

/** `product_id` of open-price lines (no catalog product behind them). */
export const OPEN_PRICE_PRODUCT_ID = 'open_price';

// -------------------------------------------------------------------------------- payments
/** `open`: partly paid (split payment), no part running; the cart stays with the sale. */
export type PaymentState = 'pending' | 'open' | 'succeeded' | 'failed' | 'cancelled' | 'refunded';

/**
 * One payment towards a sale (split payment: several). `amount_cents` counts towards the sale,
 * `tip_cents` was charged on top (not revenue). The first part's id is the sale's id (what
 * providers know it by); later parts are `<sale id>-<n>`.
 */
export interface SalePayment {
  id: string;
  provider: string;
  amount_cents: number;
  tip_cents: number;
  /** pending (running), succeeded, failed/cancelled (the sale's only attempt), refunded. */
  state: PaymentState;
  tendered_cents: number | null;
  change_cents: number | null;
  /** Provider data (transaction code, voucher code, refund data...). */
  payment: Record<string, unknown>;
  created_at: string;
  /**
   * Who the tip belongs to, fixed when the part was paid (settings `tips.tips_recipient`):
   * `business` = the owner's revenue (DSFinV-K TrinkgeldAG, taxed); absent = the staff's
   * (TrinkgeldAN, not revenue).
   */
  tip_recipient?: 'business';
}

/**
 * Settings section `tips` (admin PUT /api/v1/admin/settings/tips, till GET /api/v1/tips): the
 * till's tip step and its presets, and who the tips belong to.
 */
export interface TipSettings {
  /** The tip step at the till (and tips on checkout at all). */
  enabled: boolean;
  /** Percent presets of the part (0-6, each above 0 and at most 100). */
  percents: number[];
  /** Fixed amount presets (0-6, cents, 1-100000). */
  amounts_cents: number[];
  /** staff: TrinkgeldAN (not revenue); business: TrinkgeldAG (revenue, taxed at 19 %). */
  tips_recipient: 'staff' | 'business';
}

export interface ProviderInfo {
  id: string;
  label: string;
  available: boolean;
  /** English, for the log; screens translate reason_code. */
  reason?: string;
  /** Why it is unavailable, as a stable code (messages `avail.<code>`). */
  reason_code?: string;
  minimum_payment_cents: number;
  minimum_topup_barcode?: string;
}

export interface CheckoutBody {
  provider: string;
  idempotency_key: string;
  tendered_cents?: number;
  /** Pay this much of the sale now (split payment); default: all that remains. */
  amount_cents?: number;
  /** Tip on top of this payment (Trinkgeld; not revenue). */
  tip_cents?: number;
  /** Voucher provider: the voucher's code. */
  voucher_code?: string;
}

export interface SaleLine {
  product_id: string;
  barcode: string | null;
  name: string;
  unit_price_cents: number;
  vat_rate: number;
  quantity: number;
  line_total_cents: number;
  /** An amount typed at the till, not a catalog product (product_id is "open_price"). */
  open_price?: true;
  /**
   * Read from a price- or weight-embedded EAN-13 (`barcode` is the label's code): the price
   * printed in it, or the weight in grams and the product's price per kilogram.
   */
  embedded?: { kind: 'price' | 'weight'; grams?: number; price_per_kg_cents?: number };
  /**
   * Absent = product. Deposit lines are positive, returned deposits negative; `voucher` is a
   * voucher sold.
   */
  kind?: LineKind;
  /** Positive: this line's part of every discount; VAT is on line_total_cents - discount_cents. */
  discount_cents?: number;
  /** kind voucher: the code printed on the receipt. */
  voucher_code?: string;
  /** kind voucher: multi-purpose (no VAT at sale) or single-purpose (VAT at sale). */
  voucher_purpose?: 'multi' | 'single';
}

export interface Sale {
  id: string;
  /** Gap-free sequential number per appliance. */
  number: number;
  terminal_id: string;
  provider: string;
  state: PaymentState;
  lines: SaleLine[];
  /** What was paid (lines less discounts); below zero for a pure deposit return (paid out). */
  total_cents: number;
  discounts?: CartDiscount[];
  discount_cents?: number;
  tendered_cents: number | null;
  change_cents: number | null;
  cashier: string | null;
  created_at: string;
  updated_at: string;
  /** Why a sale failed or was cancelled, in plain words for the cashier. */
  reason: string | null;
  /** Stable code of `reason` (failed or cancelled payments), what the till translates. */
  reason_code?: string | null;
  /** Provider-specific data the UI may show (e.g. app-switch URL, reader id, transaction code). */
  payment: Record<string, unknown>;
  /** The TSE's answer for this sale (KassenSichV), set when the sale settled; absent = off. */
  tse?: TseRecord | null;
  /** Every payment towards the sale (absent in sales older than split payment). */
  payments?: SalePayment[];
  /** Sum of the succeeded payments' amount_cents. */
  paid_cents?: number;
  /** total_cents - paid_cents. */
  remaining_cents?: number;
  /** Tips of the succeeded payments (not revenue). */
  tip_cents?: number;
}

/**
 * What the TSE answered for one transaction, as the receipt carries it (GET …/receipt `tse`).
 * Times are ISO 8601 UTC; in an outage `failed` is true and every other field null.
 */
export interface ReceiptTse {
  serial_number: string | null;
  signature_counter: number | null;
  transaction_number: number | null;
  time_start: string | null;
  time_end: string | null;
  signature: string | null;
  signature_algorithm: string | null;
  time_format: string | null;
  public_key: string | null;
  /** The DSFinV-K receipt QR code (`V0;…`). */
  qr_code_data: string | null;
  failed: boolean;
}

/** The TSE answer as journalled with a sale or refund: the receipt fields and what was signed. */
export interface TseRecord extends ReceiptTse {
  /** Provider that signed (fake, fiskaly). */
  provider: string;
  /** `Kassenbeleg-V1`. */
  process_type: string;
  /** `Beleg^…^…` / `AVBelegabbruch^…^…`. */
  process_data: string;
  /** Serial number of the till (the TSE client). */
  client_serial: string;
  /** Why signing failed (stable code: tse_timeout, tse_error, not_configured), else null. */
  error: string | null;
}

export interface DailyReport {
  date: string;
  timezone: string;
  sale_count: number;
  total_cents: number;
  by_provider: Array<{ provider: string; count: number; total_cents: number }>;
  by_hour: Array<{ hour: number; count: number; total_cents: number }>;
  top_products: Array<{ product_id: string; name: string; quantity: number; total_cents: number }>;
  failed_count: number;
  cancelled_count: number;
  /** Deposits sold / returned (positive amounts) and discounts given, over the day's sales. */
  deposits?: {
    sold_count: number;
    sold_cents: number;
    returned_count: number;
    returned_cents: number;
  };
  discounts_cents?: number;
}

/** A SumUp Solo reader as admin sees it (GET /api/v1/admin/sumup/readers). */
export interface SumUpReaderInfo {
  id: string;
  name: string;
  /** SumUp's pairing status: processing (waiting for the device), paired, expired, unknown. */
  status: 'unknown' | 'processing' | 'paired' | 'expired';
  model: string;
  serial: string;
  /** Terminals that chose this reader. */
  terminals: string[];
  is_default: boolean;
}

export interface SumUpReaders {
  readers: SumUpReaderInfo[];
  /** Chosen in admin; null = SUMUP_READER_ID. */
  default_reader_id: string | null;
  /** The default in force (admin choice, else SUMUP_READER_ID). */
  effective_default: string | null;
  /** terminal id → reader id. */
  terminal_readers: Record<string, string>;
}
