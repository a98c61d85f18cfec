/**
 * The till's state: its shape, where a page starts, and the follow-up work (effects) a step
 * hands the controller. The transitions are in pos-store.ts, which re-exports this file.
 */
import type {
  TipSettings,
  Cart,
  DiscountSettings,
  Category,
  PairingSecret,
  Product,
  ProviderInfo,
  QuickKeyPage,
  Sale,
  ScannerInfo,
} from '../../../daemon/protocol.js';
import type { CashierInfo, ReceiptWithPrint } from '../lib/api.js';
import type { ConnectionState } from '../lib/backoff.js';
import type { Notice } from '../lib/i18n.js';
import { DEFAULT_TIPS } from '../lib/split.js';
import { KIOSK_TERMINAL_ID, type TerminalChoice } from '../lib/terminal.js';
import type { Toast } from '../lib/toasts.js';

export interface PairingState {
  open: boolean;
  secret: PairingSecret | null;
  /** Why no code could be shown. */
  error: Notice | null;
  /** Name of the scanner that paired while the dialog was open. */
  paired: string;
  refused: Notice | null;
}

export interface PinState {
  /** PIN login is in force on this appliance. */
  required: boolean;
  cashier: CashierInfo | null;
  employees: Array<{ id: string; name: string }>;
  error: Notice | null;
  busy: boolean;
}

export interface PosState {
  choice: TerminalChoice;
  /** DEFAULT_TERMINAL_ID from the snapshot: the kiosk's till ("watch kiosk"). */
  kioskId: string;
  conn: ConnectionState;
  cart: Cart | null;
  providers: ProviderInfo[];
  scanners: ScannerInfo[];
  products: Product[];
  /** The till's tabs and the owner's quick-keys pages. */
  categories: Category[];
  quickKeys: QuickKeyPage[];
  /** Deposit products ("Pfand zurück") and the owner's discount presets. */
  depositProducts: Product[];
  discountSettings: DiscountSettings;
  /** The tip step (settings section `tips`). */
  tipSettings: TipSettings;
  /** The discount dialog is showing. */
  discountOpen: boolean;
  timezone: string;
  currency: string;
  /** A cart or payment request runs: buttons wait. */
  busy: boolean;
  confirmClear: boolean;
  cashOpen: boolean;
  /** The part-payment dialog (split payment) or the voucher-selling dialog is showing. */
  split: { mode: 'pay' | 'sell'; initial: string; code?: string } | null;
  /** The open-price keypad is showing. */
  openPrice: boolean;
  /** The quantity keypad is showing for this line. */
  quantityFor: { line_id: string; name: string } | null;
  /** The last barcode the daemon did not know (offered to sell as an open price). */
  unknownBarcode: string | null;
  /** The sale on the payment screen (pending, or a result until acknowledged). */
  sale: Sale | null;
  receipt: ReceiptWithPrint | null;
  pairing: PairingState;
  pin: PinState;
  /** A receipt printer is set up: without one, nothing on the till speaks of printing. */
  printer: boolean;
  /** The till's name from the daemon ("Kasse 1"); null until the snapshot. */
  terminalName: string | null;
  /** The shop's language from the snapshot (the till's default). */
  shopLanguage: 'de' | 'en' | null;
  /**
   * A "complete payment" whose answer never came (connection lost, daemon restarting): the
   * till does not know whether the sale was booked until it asks by this key.
   */
  unsure: { key: string; provider: string } | null;
  toasts: readonly Toast[];
  toastSeq: number;
}

/** Work the controller does after a step (requests, reconnects, timers). */
export type Effect =
  | { type: 'reconnect' }
  | { type: 'refresh_sale'; sale_id: string }
  | { type: 'refresh_cart' }
  | { type: 'check_cashier' }
  | { type: 'check_printer' }
  | { type: 'verify_checkout'; key: string }
  | { type: 'load_products' }
  | { type: 'load_receipt'; sale_id: string }
  | { type: 'expire_toast'; id: number };

export interface Step {
  state: PosState;
  effects: Effect[];
}

export const step = (state: PosState, ...effects: Effect[]): Step => ({ state, effects });

export function initialState(choice: TerminalChoice): PosState {
  return {
    choice,
    kioskId: KIOSK_TERMINAL_ID,
    conn: 'connecting',
    cart: null,
    providers: [],
    scanners: [],
    products: [],
    categories: [],
    quickKeys: [],
    depositProducts: [],
    discountSettings: { presets: [], manager_above_percent: null },
    tipSettings: DEFAULT_TIPS,
    discountOpen: false,
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    busy: false,
    confirmClear: false,
    cashOpen: false,
    split: null,
    openPrice: false,
    quantityFor: null,
    unknownBarcode: null,
    sale: null,
    receipt: null,
    pairing: { open: false, secret: null, error: null, paired: '', refused: null },
    pin: { required: false, cashier: null, employees: [], error: null, busy: false },
    printer: false,
    terminalName: null,
    shopLanguage: null,
    unsure: null,
    toasts: [],
    toastSeq: 0,
  };
}

/** The terminal this page shows. */
export function terminalOf(s: PosState): string {
  return s.choice.id;
}
