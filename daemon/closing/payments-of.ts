/**
 * Reading a sale's payments whatever version of the sale shape wrote it: split payments and
 * tips (`payments`, `tip_cents`) and discounts (`discount_cents`) are optional fields; a sale
 * written before them has one payment, its provider paid the whole total, no tip.
 */
import type { Sale } from '../protocol.js';

export interface PaymentPart {
  provider: string;
  /** Towards the sale (tips not included). */
  amount_cents: number;
  tip_cents: number;
  tendered_cents: number | null;
  change_cents: number | null;
  /** The part's state; a single-payment sale's parts share the sale's. */
  state: string;
  /** `business`: the tip is the owner's revenue (SalePayment.tip_recipient); else the staff's. */
  tip_recipient?: 'business';
}

/** The optional fields other parts of the sale path add (docs: SHAPES of issue 15/16). */
export type SaleWithExtras = Sale & {
  payments?: Array<Partial<PaymentPart> & { provider: string; amount_cents: number }>;
  tip_cents?: number;
  discount_cents?: number;
  paid_cents?: number;
  remaining_cents?: number;
};

const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function paymentsOf(sale: Sale): PaymentPart[] {
  const s = sale as SaleWithExtras;
  if (Array.isArray(s.payments) && s.payments.length > 0)
    return s.payments.map((p) => ({
      provider: p.provider,
      amount_cents: int(p.amount_cents),
      tip_cents: int(p.tip_cents),
      tendered_cents: p.tendered_cents ?? null,
      change_cents: p.change_cents ?? null,
      state: p.state ?? sale.state,
      ...(p.tip_recipient === 'business' ? { tip_recipient: 'business' as const } : {}),
    }));
  return [
    {
      provider: sale.provider,
      amount_cents: sale.total_cents,
      tip_cents: int(s.tip_cents),
      tendered_cents: sale.tendered_cents,
      change_cents: sale.change_cents,
      state: sale.state,
    },
  ];
}

/** The sale's tips: `tip_cents`, else the sum over its payments. */
export function tipOf(sale: Sale): number {
  const s = sale as SaleWithExtras;
  if (typeof s.tip_cents === 'number') return s.tip_cents;
  return paymentsOf(sale).reduce((n, p) => n + p.tip_cents, 0);
}

export function discountOf(sale: Sale): number {
  return int((sale as SaleWithExtras).discount_cents);
}
