/**
 * The till's state and how it changes: pure functions from (state, what happened) to the next
 * state plus the follow-up work (effects) the controller runs. No fetch, no timers, no DOM:
 * tests/unit/ui-pos-store.test.ts drives it directly.
 *
 * What happens: WebSocket messages from the daemon (snapshot first, then events), answers to
 * the till's own requests, and the cashier's taps. The daemon is the source of truth; a newer
 * cart (by version) or sale (by updated_at, and never back from a final state) wins over an
 * older one arriving late. The state's shape and start: pos-state.ts.
 */
import type { Cart, PairingSecret, Sale, ServerMessage } from '../../../daemon/protocol.js';
import type { CashierInfo, ReceiptWithPrint } from '../lib/api.js';
import { ApiRequestError } from '../lib/api.js';
import { errorNotice, refusalNotice } from '../lib/errors.js';
import type { Notice } from '../lib/i18n.js';
import { isFinal } from '../lib/sale.js';
import { withDefaultTerminal } from '../lib/terminal.js';
import { dropToast, pushToast, type Toast } from '../lib/toasts.js';
import { step, terminalOf, type PosState, type Step } from './pos-state.js';

// ---------------------------------------------------------------------------- toasts
export function toast(s: PosState, notice: Notice, kind: Toast['kind'] = 'info'): Step {
  const id = s.toastSeq + 1;
  const toasts = pushToast(s.toasts, { id, notice, kind });
  if (toasts === s.toasts) return step(s);
  return step({ ...s, toasts, toastSeq: id }, { type: 'expire_toast', id });
}

export function dismissToast(s: PosState, id: number): PosState {
  const toasts = dropToast(s.toasts, id);
  return toasts === s.toasts ? s : { ...s, toasts };
}

// ------------------------------------------------------------------------ cart, sale
/** A cart for this terminal, unless an older version than the one shown. */
export function applyCart(s: PosState, cart: Cart): PosState {
  if (cart.terminal_id !== terminalOf(s)) return s;
  const cur = s.cart;
  if (cur && cur.terminal_id === cart.terminal_id && cart.version < cur.version) return s;
  return { ...s, cart };
}

/**
 * Shows a sale unless it is older than the one on screen: HTTP responses and WebSocket events
 * race, and a payment never goes back from a final state to pending.
 */
export function applySale(s: PosState, sale: Sale): Step {
  const cur = s.sale;
  if (cur && cur.id === sale.id) {
    if (sale.updated_at < cur.updated_at) return step(s);
    if (isFinal(cur.state) && !isFinal(sale.state)) return step(s);
  }
  const wasPaid = cur?.id === sale.id && cur.state === 'succeeded';
  const next: PosState = {
    ...s,
    sale,
    receipt: cur?.id === sale.id ? s.receipt : null,
    // The event may beat the HTTP answer: once the payment exists, the keypad is done.
    cashOpen: false,
  };
  if (sale.state === 'succeeded' && !wasPaid)
    return step(next, { type: 'load_receipt', sale_id: sale.id });
  return step(next);
}

/** The receipt arrived; kept only while its sale is still on screen. */
export function applyReceipt(s: PosState, saleId: string, receipt: ReceiptWithPrint): PosState {
  return s.sale?.id === saleId ? { ...s, receipt } : s;
}

/** The cashier acknowledged the result screen. */
export function paymentDone(s: PosState): PosState {
  return { ...s, sale: null, receipt: null };
}

// ------------------------------------------------------------------------- failures
/**
 * A request failed. An ended PIN session (idle logout, or PIN login just switched on) brings
 * the PIN pad back; anything else is one translated toast.
 */
export function failed(s: PosState, err: unknown): Step {
  if (err instanceof ApiRequestError && err.code === 'cashier_login_required') {
    return step(
      { ...s, pin: { ...s.pin, cashier: null, required: true } },
      { type: 'check_cashier' },
    );
  }
  return toast(s, errorNotice(err, undefined, s.currency), 'error');
}

/** A barcode nobody knows: a toast, and the offer to sell it as an open price. */
/** Voucher codes as the daemon makes them (daemon/vouchers/entries.ts). */
const VOUCHER_CODE = /^GS[A-HJ-KM-NP-Z2-9]{10}$/;

export function unknownBarcode(s: PosState, code: string): Step {
  // A voucher's barcode scanned while there is something to pay: it pays (the dialog asks how much).
  if (VOUCHER_CODE.test(code) && ((s.cart?.item_count ?? 0) > 0 || s.sale?.state === 'open'))
    return step({ ...s, split: { mode: 'pay', initial: 'voucher', code } });
  return toast({ ...s, unknownBarcode: code }, { key: 'scan.unknown', vars: { code } }, 'error');
}

/** A cart command failed; a typed barcode the daemon does not know names the barcode. */
export function cartCommandFailed(s: PosState, err: unknown, barcode?: string): Step {
  if (barcode && err instanceof ApiRequestError && err.status === 404)
    return unknownBarcode(s, barcode);
  return failed(s, err);
}

// --------------------------------------------------------------------------- pairing
export function pairingOpened(s: PosState): PosState {
  return { ...s, pairing: { open: true, secret: null, error: null, paired: '', refused: null } };
}

export function pairingSecret(s: PosState, secret: PairingSecret): PosState {
  return { ...s, pairing: { ...s.pairing, secret } };
}

export function pairingFailed(s: PosState, err: unknown): PosState {
  return { ...s, pairing: { ...s.pairing, error: errorNotice(err) } };
}

export function pairingClosed(s: PosState): PosState {
  return { ...s, pairing: { ...s.pairing, open: false } };
}

function scannerName(s: PosState, id: string): string {
  return s.scanners.find((x) => x.id === id)?.name || id;
}

/**
 * A scan or pairing refusal from a WebSocket event: translated by its code when it carries one
 * (the English `reason` is for the log), else the plain fallback.
 */
function eventRefusal(m: object, fallback: Notice): Notice {
  const code = (m as { code?: unknown }).code;
  if (typeof code !== 'string' || !code) return fallback;
  const n = refusalNotice({ code, status: 422 });
  return n.key === 'err.status.422' ? fallback : n;
}

// --------------------------------------------------------------------------- cashier
export function cashierStatus(
  s: PosState,
  st: {
    required: boolean;
    cashier: CashierInfo | null;
    employees: Array<{ id: string; name: string }>;
    locked_for_s: number;
  },
): PosState {
  return {
    ...s,
    pin: {
      ...s.pin,
      required: st.required,
      cashier: st.cashier,
      employees: st.employees,
      error:
        st.locked_for_s > 0 ? { key: 'pin.locked', vars: { s: st.locked_for_s } } : s.pin.error,
    },
  };
}

/** Why a PIN was not taken: wrong, locked for a while, or another refusal. */
export function pinRefusal(err: unknown): Notice {
  if (err instanceof ApiRequestError) {
    const wait = err.params?.retry_after_s;
    if (err.code === 'pin_locked' && typeof wait === 'number' && wait > 0)
      return { key: 'pin.locked', vars: { s: wait } };
    if (err.code === 'wrong_pin') return { key: 'pin.wrong' };
  }
  return errorNotice(err);
}

// ---------------------------------------------------------------------- server events
export function onServerMessage(s: PosState, m: ServerMessage): Step {
  const mine = (tid: string | null | undefined) => !!tid && tid === terminalOf(s);
  switch (m.type) {
    case 'snapshot': {
      const kioskId = m.default_terminal_id || s.kioskId;
      const adopted = withDefaultTerminal(s.choice, m.default_terminal_id);
      // The kiosk's till is not the built-in id: watch the configured one instead.
      if (adopted)
        return step({ ...s, kioskId, choice: adopted, cart: null }, { type: 'reconnect' });
      let next: Step = step({
        ...s,
        // Back: "no connection" notices are old news.
        toasts: s.toasts.filter((x) => x.notice.key !== 'offline.blocked'),
        kioskId,
        cart: m.cart,
        providers: m.providers,
        scanners: m.scanners,
        timezone: m.timezone,
        currency: m.currency || 'EUR',
        terminalName: m.terminal_name ?? null,
        shopLanguage: m.language ?? null,
      });
      if (m.pending_sale && mine(m.pending_sale.terminal_id))
        next = applySale(next.state, m.pending_sale);
      else if (s.sale?.state === 'pending')
        next.effects.push({ type: 'refresh_sale', sale_id: s.sale.id });
      if (!m.cart) next.effects.push({ type: 'refresh_cart' });
      next.effects.push({ type: 'check_cashier' }, { type: 'check_printer' });
      // Back after a lost "complete payment": ask whether that sale was booked.
      if (s.unsure) next.effects.push({ type: 'verify_checkout', key: s.unsure.key });
      return next;
    }
    case 'cart.updated':
      return step(mine(m.cart.terminal_id) ? applyCart(s, m.cart) : s);
    case 'scan.unknown_barcode':
      return mine(m.terminal_id) ? unknownBarcode(s, m.barcode) : step(s);
    case 'scan.refused':
      return mine(m.terminal_id)
        ? toast(s, eventRefusal(m, { key: 'scan.refused' }), 'error')
        : step(s);
    case 'payment.updated':
      if (!mine(m.sale.terminal_id)) return step(s);
      // While a lost checkout is unclear this till starts no other: this sale is that one.
      if (s.unsure) s = { ...s, unsure: null };
      // Another sale of this till only takes over the screen when it starts.
      if (!s.sale || s.sale.id === m.sale.id || m.sale.state === 'pending')
        return applySale(s, m.sale);
      return step(s);
    case 'scanner.paired': {
      if (!mine(m.terminal_id)) return step(s);
      const name = scannerName(s, m.scanner_id);
      if (s.pairing.open) return step({ ...s, pairing: { ...s.pairing, paired: name } });
      return toast(s, { key: 'pairing.paired', vars: { name } }, 'success');
    }
    case 'scanner.unpaired':
      return mine(m.terminal_id)
        ? toast(s, { key: 'pairing.unpaired', vars: { name: scannerName(s, m.scanner_id) } })
        : step(s);
    case 'scanner.pairing_refused': {
      if (!mine(m.terminal_id)) return step(s);
      const why = eventRefusal(m, { key: 'err.pairing_refused' });
      if (s.pairing.open) return step({ ...s, pairing: { ...s.pairing, refused: why } });
      return toast(s, why, 'error');
    }
    case 'scanners.changed':
      return step({ ...s, scanners: m.scanners });
    case 'providers.changed':
      return step({ ...s, providers: m.providers });
    case 'products.changed':
      return step(s, { type: 'load_products' });
    case 'settings.changed':
      return step(s, { type: 'check_cashier' }, { type: 'check_printer' });
    case 'error':
      return toast(s, refusalNotice({ code: m.code }), 'error');
    default:
      return step(s);
  }
}

// ------------------------------------------------------------------- away and back
/** The daemon cannot be reached: adding and paying wait (the banner says why). */
export function isOffline(s: PosState): boolean {
  return s.conn !== 'connected';
}

/** A tap on something locked while offline is answered, never ignored. */
export function blockedTap(s: PosState): Step {
  return toast(s, { key: 'offline.blocked' }, 'info');
}

/** The checkout request got no answer: whether the sale exists is unknown for now. */
export function checkoutLost(s: PosState, key: string, provider: string): PosState {
  return { ...s, unsure: { key, provider }, cashOpen: false };
}

/**
 * The daemon answered which sale that lost checkout made (null: none). A booked sale takes
 * the payment screen, which shows how it ended; otherwise the cart is still there to pay.
 */
export function checkoutVerified(s: PosState, key: string, sale: Sale | null): Step {
  if (s.unsure?.key !== key) return step(s);
  const cleared = { ...s, unsure: null };
  if (!sale) return toast(cleared, { key: 'unsure.not_booked' }, 'error');
  const shown = applySale(cleared, sale);
  const said = toast(shown.state, { key: 'unsure.booked' }, 'success');
  return { state: said.state, effects: [...shown.effects, ...said.effects] };
}

export * from './pos-state.js';
export * from './pos-derived.js';
