/** Wire types (daemon/protocol.ts): receipts, printer, refunds, cash movements, X and Z reports. */
import type { LineKind, ReceiptTse, TseRecord } from './sales.js';

// --------------------------------------------------- receipts, refunds, day closing (shop ops)
export interface ReceiptLine {
  quantity: number;
  name: string;
  unit_price_cents: number;
  line_total_cents: number;
  vat_rate: number;
  /** Letter of the line's VAT row (A = highest rate). */
  vat_code: string;
  /** Absent = product; deposit lines say so on the receipt. */
  kind?: LineKind;
  /** The line's discount (positive): line_total_cents is before it, the new price after. */
  discount_cents?: number;
}

export interface ReceiptVatRow {
  code: string;
  rate: number;
  gross_cents: number;
  net_cents: number;
  vat_cents: number;
}

/** What a receipt shows; rendered as ESC/POS bytes and as the public HTML page. */
export interface Receipt {
  kind: 'sale' | 'refund';
  /** Language the receipt is printed and shown in (the shop's). */
  language: 'de' | 'en';
  /** The till's name as customers read it ("Kasse 1"). */
  terminal_name: string;
  shop: { name: string; address_lines: string[]; tax_id: string; footer: string };
  /** Sale number (sale receipts) or refund number (refund receipts). */
  number: number;
  /** Refund receipts: the original sale's number. */
  refers_to_sale_number: number | null;
  terminal_id: string;
  started_at: string;
  ended_at: string;
  timezone: string;
  currency: string;
  lines: ReceiptLine[];
  /** Negative for refunds. */
  total_cents: number;
  vat: ReceiptVatRow[];
  payment: {
    provider: string;
    label: string;
    tendered_cents: number | null;
    change_cents: number | null;
    reference: string | null;
  };
  /** Every payment of the sale (split payment: several), each with its tip. */
  payments?: Array<{
    provider: string;
    label: string;
    amount_cents: number;
    tip_cents: number;
    tendered_cents: number | null;
    change_cents: number | null;
    reference: string | null;
    /** Voucher payments: the code and what is left on it. */
    voucher_code?: string;
    voucher_balance_cents?: number;
  }>;
  /** Tips of all payments (on top of total_cents). */
  tip_cents?: number;
  /** Vouchers sold with this sale: their codes are printed as barcodes. */
  vouchers?: Array<{ code: string; amount_cents: number }>;
  cashier: string | null;
  /** Public receipt page (GET /r/:token); absolute when PUBLIC_URL or the request says how. */
  url: string;
  /** TSE data (KassenSichV); null when fiscal signing is off or the sale predates it. */
  tse: ReceiptTse | null;
  /** Serial number of the till (printed on every receipt when a TSE is in use). */
  till_serial: string | null;
  /** Software name and version ("Counter POS 0.1.0"). */
  software: string;
}

/** GET/PUT /api/v1/admin/settings/receipts */
export interface ReceiptSettings {
  /** Empty = SHOP_NAME from the configuration. */
  shop_name: string;
  address_lines: string[];
  tax_id: string;
  footer: string;
  /** Print the receipt automatically after every succeeded sale. */
  auto_print: boolean;
  /** The shop's language: receipts, reports, and the tills' default (each till can switch). */
  language: 'de' | 'en';
  /** Names of the tills by terminal id ("kiosk" → "Kasse 1" unless named here). */
  terminal_names: Record<string, string>;
}

/** GET /api/v1/sales/:id/receipt */
export interface ReceiptInfo {
  receipt: Receipt;
  token: string;
  url: string;
  /** QR code of `url` as SVG (bwip-js). */
  qr_svg: string;
}

export interface RefundLine {
  /** Index of the line in the original sale's `lines`. */
  line_index: number;
  product_id: string;
  name: string;
  quantity: number;
  unit_price_cents: number;
  line_total_cents: number;
  vat_rate: number;
  /** The refunded line was an open price. */
  open_price?: true;
  /** The refunded line's kind (deposit, deposit_return); absent = product. */
  kind?: LineKind;
  /**
   * The refunded part of the sale line's discount: line_total_cents is what was paid for the
   * refunded pieces (after it).
   */
  discount_cents?: number;
  /**
   * The sale line's quantity (`quantity` may be a part of it). Absent in refunds written
   * before parts existed: those refunded the whole line.
   */
  line_quantity?: number;
  /** A voucher line: the code it sold (voided by this refund) and its purpose. */
  voucher_code?: string;
  voucher_purpose?: 'multi' | 'single';
}

export interface Refund {
  id: string;
  /** Gap-free refund number per appliance. */
  number: number;
  sale_id: string;
  sale_number: number;
  /**
   * The till (terminal) of the refunded sale: a refund is a document of that till (DSFinV-K
   * TERMINAL_ID / slaves.csv). Absent in refunds written before it was recorded.
   */
  terminal_id?: string;
  provider: string;
  /**
   * cash: paid from the drawer; provider: back through the provider's refund API; manual;
   * split: a sale paid in several parts (or by voucher), refunded part by part (`payments`).
   */
  method: 'cash' | 'provider' | 'manual' | 'split';
  /** Split refunds: each part of the sale and what went back through it (absent otherwise). */
  payments?: RefundPayment[];
  lines: RefundLine[];
  total_cents: number;
  reason: string;
  by: string | null;
  created_at: string;
  payment: Record<string, unknown>;
  /** The TSE's answer for this refund (its own Kassenbeleg-V1 transaction); absent = off. */
  tse?: TseRecord | null;
}

/** One part of a split sale and what a refund paid back through it. */
export interface RefundPayment {
  /** The sale's payment part (SalePayment.id). */
  part_id: string;
  provider: string;
  /** Positive: what goes back through this part (never its tip). */
  amount_cents: number;
  /**
   * cash: from the drawer; provider: the provider's refund API (a voucher: back onto its
   * balance, or onto a new voucher when it has expired); manual: by hand.
   */
  method: 'cash' | 'provider' | 'manual';
  /** Provider data (refund transaction; voucher_code, new_voucher_code). */
  payment: Record<string, unknown>;
}

/**
 * POST /api/v1/sales/:id/refunds — `parts` refunds pieces of lines, `line_indexes` whole lines
 * (what is left of them), neither: everything not refunded yet. A product's deposit follows.
 */
export interface RefundBody {
  line_indexes?: number[];
  parts?: Array<{ line_index: number; quantity: number }>;
  reason: string;
  idempotency_key: string;
  /** Split sales: card parts not refunded yet go back by hand (`manual`), not via the provider. */
  by_hand?: boolean;
}

export interface CashMovement {
  id: string;
  /** payout: cash taken out (supplier paid, bank deposit); pay_in: cash put in (float top-up). */
  kind: 'payout' | 'pay_in';
  amount_cents: number;
  reason: string;
  by: string | null;
  at: string;
}

export interface CashSummary {
  opening_float_cents: number;
  cash_sales_cents: number;
  cash_refunds_cents: number;
  payouts_cents: number;
  pay_ins_cents: number;
  /** Tips paid in cash (they are in the drawer too). */
  cash_tips_cents?: number;
  /** opening float + cash sales + cash tips − cash refunds − payouts + pay-ins. */
  expected_cents: number;
}

/** X report: the open period so far (nothing is closed). */
export interface XReport {
  period_start: string;
  at: string;
  timezone: string;
  currency: string;
  sale_count: number;
  sales_total_cents: number;
  refund_count: number;
  refunds_total_cents: number;
  by_provider: Array<{
    provider: string;
    sale_count: number;
    sales_cents: number;
    refund_count: number;
    refunds_cents: number;
  }>;
  vat: ReceiptVatRow[];
  /** Deposits sold and returned (gross, both positive) and discounts given, in the period. */
  deposits?: DepositTotals;
  /** Positive: every discount of the period's sales. */
  discounts_cents?: number;
  cash: CashSummary;
  movements: CashMovement[];
  /** Sales still pending payment: the period should not be closed over them. */
  pending_count: number;
  /** Tips (Trinkgeld) taken on top of sales: not revenue, not in sales_total_cents or VAT. */
  tips_total_cents?: number;
  /** Tips that belong to the business (TrinkgeldAG): revenue, in sales_total_cents and VAT. */
  tips_business_cents?: number;
  /** Tips per cashier (null = no cashier logged in) and payment method. */
  tips?: Array<{ cashier: string | null; provider: string; count: number; tip_cents: number }>;
  /** Multi-purpose vouchers sold (in sales_total_cents, no VAT) and redeemed (payments). */
  vouchers_sold_cents?: number;
  vouchers_redeemed_cents?: number;
}

/** Deposit lines of a report (issue 15): sold with drinks, returned at the till. */
export interface DepositTotals {
  sold_count: number;
  sold_cents: number;
  returned_count: number;
  returned_cents: number;
}

/** Z report: a closed period; numbered and immutable. */
export interface ZReport extends XReport {
  number: number;
  counted_cents: number;
  /** Counted by denomination (value in cents → count), or null when a total was counted. */
  denominations: Record<string, number> | null;
  /** counted − expected (negative = cash missing). */
  difference_cents: number;
  /** Cash left in the drawer as the next period's opening float. */
  next_float_cents: number;
  closed_by: string | null;
}

export interface ZCloseBody {
  counted_cents?: number;
  denominations?: Record<string, number>;
  next_float_cents: number;
  idempotency_key: string;
}

/**
 * Why a print did not happen, for the UI to translate: switched off, no printer set up (the
 * till then says nothing about printers), set up but not reachable, or it stopped mid-job.
 */
export type PrintCode =
  | 'printer_off'
  | 'printer_not_configured'
  | 'printer_not_connected'
  | 'printer_failed'
  | 'no_receipt';

export interface PrinterStatus {
  /** A printer is set up (chosen in the settings, or a USB printer found automatically). */
  configured: boolean;
  connected: boolean;
  connection: 'usb' | 'network' | 'none';
  /** Printer profile (receipt-printer-encoder model id). */
  model: string;
  vendor_id: string | null;
  product_id: string | null;
  paper_width_mm: 58 | 80;
  name: string | null;
  /** Why printing is not possible now (translated by the UI), or null. */
  code: PrintCode | null;
  /** English detail for the log and the admin status ("Printer 04b8:0202 not connected"). */
  message: string | null;
  last_error: string | null;
  last_printed_at: string | null;
}

/** Result of a print attempt: the sale or action never fails because of the printer. */
export interface PrintResult {
  printed: boolean;
  /** Why not, for the UI to translate; null when printed. */
  code?: PrintCode | null;
  /** English detail for logs and the admin status; never shown on the till. */
  message: string | null;
}
