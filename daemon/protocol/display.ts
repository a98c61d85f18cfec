/**
 * Wire types (daemon/protocol.ts): the customer display (/display/:terminal_id) and the
 * per-cashier cash-up (shift report).
 *
 * The display gets a projection built for customers' eyes: line names, quantities, amounts,
 * discounts, the total, what was given and the change, the receipt's QR code, the shop's name
 * and logo. Never the cashier, PINs, provider data (reader ids, transaction codes), scanners,
 * other tills or any admin setting.
 */

// ----------------------------------------------------------------------- customer display
export interface DisplayLine {
  name: string;
  quantity: number;
  unit_price_cents: number;
  line_total_cents: number;
  /** The part of any discount on this line (positive), 0 without one. */
  discount_cents: number;
  kind: 'product' | 'deposit' | 'deposit_return' | 'voucher';
}

export interface DisplayDiscount {
  /** Name of the discounted line, null for a discount on the whole cart. */
  line_name: string | null;
  percent: number | null;
  /** What it takes off (positive). */
  amount_cents: number;
}

export interface DisplayPayment {
  /** Provider id (cash, fake_card, sumup_solo, ...); the display names it in its language. */
  provider: string;
  amount_cents: number;
}

/** What the customer sees after a payment succeeded (until the next customer or the hold ends). */
export interface DisplayPaid {
  sale_number: number;
  total_cents: number;
  payments: DisplayPayment[];
  /** Cash given (sum over cash parts), null without cash. */
  tendered_cents: number | null;
  change_cents: number | null;
  tip_cents: number;
  /** The digital receipt (the same page the till's QR code opens). */
  receipt_url: string;
  receipt_qr_svg: string;
}

export interface DisplayState {
  terminal_id: string;
  /** idle: no customer; cart: items being rung up; paying: payment under way; paid: done. */
  mode: 'idle' | 'cart' | 'paying' | 'paid';
  shop_name: string;
  /** URL of the shop's logo (GET /api/v1/shop/logo?v=…), or null. */
  logo_url: string | null;
  /** The shop's language: the display shows it unless its browser chose another. */
  language: 'de' | 'en';
  currency: string;
  lines: DisplayLine[];
  discounts: DisplayDiscount[];
  discount_cents: number;
  total_cents: number;
  item_count: number;
  /** Split payments under way: what is paid so far and what remains (paying mode). */
  paid_so_far_cents: number;
  remaining_cents: number;
  paid: DisplayPaid | null;
}

/** GET/PUT /api/v1/admin/settings/display */
export interface DisplaySettings {
  /** How long the display shows the change and the receipt QR code after a payment. */
  paid_hold_seconds: number;
  /** URL of the uploaded logo (set by PUT /api/v1/admin/settings/logo), or null. */
  logo_url: string | null;
}

// ----------------------------------------------------------------- cash-up per cashier
export interface ShiftProductLine {
  name: string;
  quantity: number;
  total_cents: number;
}

export interface ShiftCashierTotals {
  /** The name sales and refunds record; null = sold without a cashier login. */
  cashier: string | null;
  sale_count: number;
  /** Revenue (sales' totals, tips not included). */
  sales_cents: number;
  by_provider: Array<{ provider: string; count: number; amount_cents: number }>;
  /** Cash taken for sales (cash payment parts towards sales). */
  cash_cents: number;
  /** Tips, kept apart from revenue; cash tips stay in the drawer. All tips, the business's too. */
  tips_cents: number;
  /**
   * Of tips_cents, what belongs to the business (parts paid with `tip_recipient: 'business'`,
   * TrinkgeldAG): not the cashier's to take. Optional: absent in reports of older daemons.
   */
  tips_business_cents?: number;
  /** Tips paid in cash (the business's too: they are in the drawer). */
  cash_tips_cents: number;
  discount_cents: number;
  refund_count: number;
  refunds_cents: number;
  /** Refunds paid out of the drawer. */
  cash_refunds_cents: number;
  /** cash taken + cash tips − cash refunds (what this cashier's sales left in the drawer). */
  expected_cash_cents: number;
  products: ShiftProductLine[];
  /** Drawer counts recorded for this cashier in the range. */
  counts: ShiftCount[];
}

/** GET /api/v1/closing/shifts?from=&to= */
export interface ShiftReport {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  cashiers: ShiftCashierTotals[];
  totals: {
    sale_count: number;
    sales_cents: number;
    cash_cents: number;
    tips_cents: number;
    /** Of tips_cents, the business's (see ShiftCashierTotals). */
    tips_business_cents?: number;
    discount_cents: number;
    refunds_cents: number;
  };
}

/** A cashier's drawer count at shift end, journalled ({"e":"shift"}). */
export interface ShiftCount {
  id: string;
  cashier: string | null;
  /** The shift counted: from (ISO) to the count. */
  from: string;
  at: string;
  /** Cash in the drawer when the shift began (added to the expected amount). */
  float_cents: number;
  expected_cents: number;
  counted_cents: number;
  denominations: Record<string, number> | null;
  /** counted − expected (negative = cash missing). */
  difference_cents: number;
  by: string | null;
}

/** POST /api/v1/closing/shifts/count */
export interface ShiftCountBody {
  cashier: string | null;
  from: string;
  float_cents?: number;
  counted_cents?: number;
  denominations?: Record<string, number>;
  idempotency_key: string;
}
