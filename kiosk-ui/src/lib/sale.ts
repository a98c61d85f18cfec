/**
 * Reading provider-specific data out of a sale. App-switch providers (SumUp Tap-to-Pay) put
 * the link and a QR code for the merchant's phone into `sale.payment`; the names are read
 * leniently so the UI keeps working if a provider names them slightly differently.
 */
import type { Sale } from '../../../daemon/protocol.js';

export interface AppSwitch {
  url: string | null;
  qr_svg: string | null;
}

const URL_KEYS = ['app_switch_url', 'url', 'app_url', 'payment_url'];
const QR_KEYS = ['qr_svg', 'app_switch_qr_svg', 'qr_code_svg', 'qr'];

export function appSwitchOf(sale: Sale): AppSwitch | null {
  const p = sale.payment ?? {};
  const pick = (keys: string[], ok: (v: string) => boolean) => {
    for (const k of keys) {
      const v = p[k];
      if (typeof v === 'string' && ok(v)) return v;
    }
    return null;
  };
  // Only app links and web links: a "javascript:" URL must never become a link.
  const url = pick(URL_KEYS, (v) => /^(sumupmerchant|https?):/i.test(v));
  const qr_svg = pick(QR_KEYS, (v) => v.trimStart().startsWith('<svg') || v.startsWith('<?xml'));
  return url || qr_svg ? { url, qr_svg } : null;
}

/** Terminal states of a payment (the waiting screen ends); a partly paid sale goes on. */
export function isFinal(state: Sale['state']): boolean {
  return state !== 'pending' && state !== 'open';
}

/** Cash and by-hand amounts to pay back after a partly paid sale was abandoned. */
export function payBackOf(sale: Sale): { cash: number; manual: number } {
  let cash = 0;
  let manual = 0;
  for (const p of sale.payments ?? []) {
    if (p.state !== 'refunded') continue;
    if (p.payment.refund_method === 'cash') cash += p.amount_cents + p.tip_cents;
    if (p.payment.refund_method === 'manual') manual += p.amount_cents + p.tip_cents;
  }
  return { cash, manual };
}
