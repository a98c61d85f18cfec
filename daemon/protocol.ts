/**
 * The wire contract: every HTTP body and WebSocket message type, shared by the daemon and the
 * kiosk UI (kiosk-ui imports this file; it must stay free of Node imports).
 *
 * Conventions: snake_case fields, money as integer cents (`*_cents`), time as ISO 8601 UTC.
 */

// ---------------------------------------------------------------------------------- errors
export interface ApiError {
  /**
   * `code` is stable and what clients translate; `params` carries the numbers and names a
   * translated sentence needs; `message` is English for logs and developers, never for the UI.
   */
  error: { code: string; message: string; field?: string; params?: Record<string, unknown> };
}

// --------------------------------------------------------------------------------- catalog
/** The VAT rates (percent) a product may have; the admin form offers exactly these. */
export const VAT_RATES_DEFAULT: readonly number[] = [19, 7, 0];

export interface Product {
  id: string;
  barcode: string | null;
  name: string;
  price_cents: number;
  /** The category's id (GET /api/v1/categories), or null. */
  category_id: string | null;
  /** The category's name (follows a rename; kept for CSV and older clients), or null. */
  category: string | null;
  /** A deposit product (Pfand) that follows this product into the cart, or null. */
  deposit_product_id: string | null;
  /** VAT rate in percent (e.g. 19, 7, 0). */
  vat_rate: number;
  active: boolean;
  /** URL path of the normalised image, or null. */
  image_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProductInput {
  barcode?: string | null;
  name?: string;
  price_cents?: number;
  /** By id; or `category` by name (an unknown name creates the category). */
  category_id?: string | null;
  category?: string | null;
  deposit_product_id?: string | null;
  vat_rate?: number;
  active?: boolean;
}

/** A product category as the till shows it: a tab with a colour, in the owner's order. */
export interface Category {
  id: string;
  name: string;
  /** `#rrggbb`: the tab's and its tiles' accent colour. */
  color: string;
  /** 0-based place in the owner's order (tabs left to right). */
  position: number;
  /** An optional short symbol (an emoji or up to 4 characters) shown on the tab. */
  icon: string | null;
  created_at: string;
  updated_at: string;
}

export interface CategoryInput {
  name?: string;
  color?: string;
  icon?: string | null;
}

/** A quick-keys page: up to QUICK_KEYS_PER_PAGE product tiles in the owner's fixed order. */
export interface QuickKeyPage {
  name: string;
  product_ids: string[];
}

/** GET/PUT /api/v1/quick-keys */
export interface QuickKeys {
  pages: QuickKeyPage[];
}

/** A price- or weight-embedded EAN-13 layout for one prefix (docs/SELLING.md). */
export interface EmbeddedScheme {
  /** Two digits, 20-29. */
  prefix: string;
  kind: 'price' | 'weight';
  /** Digits of the article number after the prefix (3-6); the value takes the rest. */
  item_digits: number;
}

/** GET/PUT /api/v1/admin/settings/selling */
export interface SellingSettings {
  embedded_barcodes: EmbeddedScheme[];
}

export const QUICK_KEYS_PER_PAGE = 24;
export const QUICK_KEY_PAGES_MAX = 6;

export interface CsvImportReport {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused, by spreadsheet row number; `code` is stable (the UI translates by it). */
  errors: Array<{ row: number; field?: string; code?: string; message: string }>;
}

// ----------------------------------------------------------------------------------- carts
/** A cart line is a sale line (below) with the id the cart edits it by. */
export interface CartLine extends SaleLine {
  line_id: string;
}

export interface Cart {
  terminal_id: string;
  lines: CartLine[];
  total_cents: number;
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
export type PaymentState = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'refunded';

export interface ProviderInfo {
  id: string;
  label: string;
  available: boolean;
  reason?: string;
  minimum_payment_cents: number;
  minimum_topup_barcode?: string;
}

export interface CheckoutBody {
  provider: string;
  idempotency_key: string;
  tendered_cents?: number;
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
}

export interface Sale {
  id: string;
  /** Gap-free sequential number per appliance. */
  number: number;
  terminal_id: string;
  provider: string;
  state: PaymentState;
  lines: SaleLine[];
  total_cents: number;
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

// -------------------------------------------------------------------------------- scanners
export interface ScannerInfo {
  id: string;
  name: string;
  kind: 'hid_pos' | 'keyboard' | 'network';
  layout: 'us' | 'de' | 'fr' | 'uk' | 'ch';
  enabled: boolean;
  connected: boolean;
  terminal_id: string | null;
  vendor_id?: number;
  product_id?: number;
  last_seen_at: string | null;
  /**
   * Attached keyboard-class devices: whether their VID:PID is on scanners.list, which makes
   * udev hide them from the kiosk (a keyboard-mode scanner not on it still types there).
   */
  on_list?: boolean;
  /** Unread keyboards: it typed a burst like a scanner (timing only); offer to adopt it. */
  looks_like_scanner?: boolean;
}

export interface PairingSecret {
  secret: string;
  barcode_format: string;
  barcode_svg: string;
  expires_at: string;
}

// ------------------------------------------------------------------------------ WebSocket
/** Server → browser messages. */
export type ServerMessage =
  | {
      type: 'snapshot';
      terminal_id: string | null;
      cart: Cart | null;
      providers: ProviderInfo[];
      scanners: ScannerInfo[];
      pending_sale: Sale | null;
      server_time: string;
      timezone: string;
      currency: string;
      /** DEFAULT_TERMINAL_ID: the kiosk screen's till (loopback browsers use it). */
      default_terminal_id: string;
      /** The till's name as people read it ("Kasse 1"); null without a terminal. */
      terminal_name?: string | null;
      /** The shop's language: a till that has not chosen one shows this. */
      language?: 'de' | 'en';
    }
  | { type: 'cart.updated'; cart: Cart }
  | {
      type: 'scan.unknown_barcode';
      terminal_id: string;
      barcode: string;
      scanner_id: string | null;
    }
  | {
      type: 'scan.refused';
      terminal_id: string;
      /** Stable, what the UI translates; `params` fills its sentence; `reason` is English. */
      code: string;
      params?: Record<string, unknown>;
      reason: string;
      scanner_id: string | null;
    }
  | { type: 'payment.updated'; sale: Sale }
  | { type: 'scanner.paired'; scanner_id: string; terminal_id: string }
  | { type: 'scanner.unpaired'; scanner_id: string; terminal_id: string }
  | {
      type: 'scanner.pairing_refused';
      terminal_id: string;
      scanner_id: string;
      code: string;
      reason: string;
    }
  | { type: 'scanners.changed'; scanners: ScannerInfo[] }
  | { type: 'products.changed'; product_ids: string[] }
  | { type: 'settings.changed'; keys: string[] }
  | { type: 'providers.changed'; providers: ProviderInfo[] }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong'; t: number };

/** Browser → server messages. */
export type ClientMessage = { type: 'ping'; t: number } | { type: 'watch'; terminal_id: string };

// ------------------------------------------------------------------------- in-process bus
/** Events on the daemon's in-process bus (daemon/events.ts). */
export interface DomainEvents {
  'products.changed': { product_ids: string[] };
  'cart.updated': { cart: Cart };
  'scan.unknown_barcode': { terminal_id: string; barcode: string; scanner_id: string | null };
  'scan.refused': {
    terminal_id: string;
    code: string;
    params?: Record<string, unknown>;
    reason: string;
    scanner_id: string | null;
  };
  'payment.updated': { sale: Sale };
  'scanner.paired': {
    scanner_id: string;
    terminal_id: string;
    previous_terminal_id: string | null;
  };
  'scanner.pairing_refused': {
    terminal_id: string;
    scanner_id: string;
    code: string;
    reason: string;
  };
  'scanners.changed': { scanners: ScannerInfo[] };
  'settings.changed': { keys: string[] };
  'providers.changed': { providers: ProviderInfo[] };
  /** A barcode read by any scanner (HID or network), before routing. */
  'scan.received': {
    scanner_id: string;
    barcode: string;
    /** AIM symbology identifier (`]E0`, `]C1`, `]Q1`, ...) the scanner sent, if any. */
    symbology?: string | null;
    at: number;
  };
}

// ------------------------------------------------------------------------------- health
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  app_env: string;
  uptime_s: number;
  storage: Record<
    string,
    { state: 'ok' | 'corrupt' | 'unreadable' | 'write_failed'; message?: string }
  >;
  scanners: { attached: number; hid_available: boolean; message?: string };
  [key: string]: unknown;
}

// --------------------------------------------------- receipts, refunds, day closing (shop ops)
export interface ReceiptLine {
  quantity: number;
  name: string;
  unit_price_cents: number;
  line_total_cents: number;
  vat_rate: number;
  /** Letter of the line's VAT row (A = highest rate). */
  vat_code: string;
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
  cashier: string | null;
  /** Public receipt page (GET /r/:token); absolute when PUBLIC_URL or the request says how. */
  url: string;
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
}

export interface Refund {
  id: string;
  /** Gap-free refund number per appliance. */
  number: number;
  sale_id: string;
  sale_number: number;
  provider: string;
  /** cash: paid from the drawer; provider: back through the provider's refund API; manual. */
  method: 'cash' | 'provider' | 'manual';
  lines: RefundLine[];
  total_cents: number;
  reason: string;
  by: string | null;
  created_at: string;
  payment: Record<string, unknown>;
}

/** POST /api/v1/sales/:id/refunds — no `line_indexes` = every line not refunded yet. */
export interface RefundBody {
  line_indexes?: number[];
  reason: string;
  idempotency_key: string;
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
  /** opening float + cash sales − cash refunds − payouts + pay-ins. */
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
  cash: CashSummary;
  movements: CashMovement[];
  /** Sales still pending payment: the period should not be closed over them. */
  pending_count: number;
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

// ------------------------------------------------------------------ POS security (security/)
/** GET/PUT /api/v1/admin/settings/pos-security. PUT takes any subset of the first four. */
export interface PosSecurityView {
  enabled: boolean;
  allowed_ips: Array<{ ip: string; name: string }>;
  pin_login_enabled: boolean;
  /** null = PIN_IDLE_LOGOUT_MINUTES. */
  pin_idle_logout_minutes: number | null;
  /** Extra host names browsers may use (DNS-rebinding guard); see docs/SECURITY.md. */
  allowed_hosts: string[];
  effective: {
    source: 'settings' | 'ALLOWED_POS_IPS';
    /** Clients are actually restricted (enabled with at least one entry). */
    restricted: boolean;
    entries: string[];
    /** Plain-words note for the admin page (no restriction, env fallback...), or null. */
    message: string | null;
    pin_login_in_force: boolean;
    pin_idle_logout_minutes: number;
  };
  your_ip: string;
  your_ip_allowed: boolean;
}

/** GET /api/v1/admin/current-ip */
export interface CurrentIp {
  ip: string;
  loopback: boolean;
  via_proxy: boolean;
  listed: boolean;
  allowed: boolean;
}

/** /api/v1/admin/employees (the PIN goes in, never out). */
export interface EmployeeInfo {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  active: boolean;
  pin_set_at: string;
  pin_age_days: number;
  pin_rotation_due: boolean;
  created_at: string;
  updated_at: string;
}

export interface CashierInfo {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  terminal_id: string;
}

/** GET /api/v1/terminals/:terminal_id/cashier */
export interface CashierStatus {
  terminal_id: string;
  required: boolean;
  cashier: CashierInfo | null;
  logged_in_elsewhere: boolean;
  idle_logout_minutes: number;
  locked_for_s: number;
  /** Names for a tap-your-name PIN pad (empty when login is not required). */
  employees: Array<{ id: string; name: string }>;
}

/** POST /api/v1/terminals/:terminal_id/cashier/login → (also sets the pos_cashier cookie) */
export interface CashierLogin {
  cashier: CashierInfo;
  /** Send as X-Cashier-Session when a client drives several terminals. */
  session: string;
  idle_logout_minutes: number;
}

/** GET /api/v1/admin/audit */
export interface AuditEntryWire {
  time: string;
  actor: string;
  ip: string | null;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  from: string;
  to: string;
  total: number;
  truncated: boolean;
  entries: AuditEntryWire[];
}
