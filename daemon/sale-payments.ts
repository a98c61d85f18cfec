/**
 * Ground floor: the payments of a sale as reports, receipts, exports and the TSE read them.
 * A sale journalled before split payment has no `payments`: it was one payment of its total by
 * its provider, without a tip.
 */
import type { LineKind, Refund, RefundPayment, Sale, SalePayment } from './protocol.js';

/** The succeeded payments of a sale (a settled sale's parts that took money). */
export function paidParts(sale: Sale): SalePayment[] {
  if (sale.payments) return sale.payments.filter((p) => p.state === 'succeeded');
  if (sale.state !== 'succeeded' && sale.state !== 'refunded') return [];
  return [
    {
      id: sale.id,
      provider: sale.provider,
      amount_cents: sale.total_cents,
      tip_cents: 0,
      state: 'succeeded',
      tendered_cents: sale.tendered_cents,
      change_cents: sale.change_cents,
      payment: sale.payment,
      created_at: sale.created_at,
    },
  ];
}

/** Cash in the DSFinV-K sense (`Bar`): coins and notes; everything else is `Unbar`. */
export function isCash(provider: string): boolean {
  return provider === 'cash';
}

/** Voucher sold without VAT (multi-purpose): not revenue when sold, taxed when redeemed. */
export function multiVoucherCents(sale: Sale): number {
  return sale.lines
    .filter((l) => l.kind === 'voucher' && (l.voucher_purpose ?? 'multi') === 'multi')
    .reduce((n, l) => n + l.line_total_cents, 0);
}

/** DSFinV-K business case (GV_TYP) of a line as the fiscal records show it. */
export type BusinessCase =
  | 'Umsatz'
  | 'Pfand'
  | 'PfandRueckzahlung'
  | 'Rabatt'
  | 'MehrzweckgutscheinKauf'
  | 'MehrzweckgutscheinEinloesung'
  | 'EinzweckgutscheinEinloesung'
  | 'TrinkgeldAN'
  | 'TrinkgeldAG';

/**
 * VAT rate of a tip that belongs to the business (TrinkgeldAG): it is paid for the business's
 * service and taxed at the normal rate (docs/FISCAL.md).
 */
export const BUSINESS_TIP_VAT_RATE = 19;

export interface FiscalLine {
  name: string;
  product_id: string;
  barcode: string | null;
  quantity: number;
  unit_cents: number;
  /** After discounts. */
  gross_cents: number;
  /** This line's part of the sale's discounts (positive), 0 for none. */
  discount_cents: number;
  vat_rate: number;
  /** Not taxable (DSFinV-K VAT key 5): vouchers of many purposes, employees' tips. */
  not_taxable: boolean;
  business_case: BusinessCase;
}

/** The business case of a product line by its kind: a deposit is `Pfand`, a return `PfandRueckzahlung`. */
export function caseOfKind(kind: LineKind | undefined): BusinessCase {
  if (kind === 'deposit') return 'Pfand';
  if (kind === 'deposit_return') return 'PfandRueckzahlung';
  return 'Umsatz';
}

/**
 * A settled sale as the TSE and the DSFinV-K export record it: its lines with their business
 * cases, plus one line per tip (`TrinkgeldAN`, the staff's, not taxable; `TrinkgeldAG` at the
 * normal rate when the part's tip belongs to the business) and per voucher
 * redemption (a negative line: `MehrzweckgutscheinEinloesung` not taxable, or
 * `EinzweckgutscheinEinloesung` at the voucher's rate, whose VAT was due when it was sold);
 * and the payments that moved money (cash/card...; a voucher redemption is not one). The lines
 * add up to the payments.
 */
export function fiscalView(sale: Sale): {
  lines: FiscalLine[];
  payments: Array<{ provider: string; amount_cents: number }>;
} {
  const lines: FiscalLine[] = sale.lines.map((l) => {
    const multi = l.kind === 'voucher' && (l.voucher_purpose ?? 'multi') === 'multi';
    return {
      name: l.name,
      product_id: l.product_id,
      barcode: l.barcode,
      quantity: l.quantity,
      unit_cents: l.unit_price_cents,
      gross_cents: l.line_total_cents - (l.discount_cents ?? 0),
      discount_cents: l.discount_cents ?? 0,
      vat_rate: l.vat_rate,
      not_taxable: multi,
      business_case: multi ? 'MehrzweckgutscheinKauf' : caseOfKind(l.kind),
    };
  });
  const payments: Array<{ provider: string; amount_cents: number }> = [];
  for (const p of paidParts(sale)) {
    if (p.provider === 'voucher') {
      const single = p.payment.voucher_purpose === 'single';
      const rate = single ? Number(p.payment.voucher_vat_rate ?? 0) : 0;
      lines.push({
        name: `Gutschein ${String(p.payment.voucher_code ?? '')}`.trim(),
        product_id: 'voucher',
        barcode: null,
        quantity: 1,
        unit_cents: -p.amount_cents,
        gross_cents: -p.amount_cents,
        discount_cents: 0,
        vat_rate: rate,
        not_taxable: !single,
        business_case: single ? 'EinzweckgutscheinEinloesung' : 'MehrzweckgutscheinEinloesung',
      });
    } else payments.push({ provider: p.provider, amount_cents: p.amount_cents + p.tip_cents });
    if (p.tip_cents > 0) {
      // The staff's tip passes through (not taxable); the business's is revenue, taxed.
      const business = p.tip_recipient === 'business';
      lines.push({
        name: 'Trinkgeld',
        product_id: 'tip',
        barcode: null,
        quantity: 1,
        unit_cents: p.tip_cents,
        gross_cents: p.tip_cents,
        discount_cents: 0,
        vat_rate: business ? BUSINESS_TIP_VAT_RATE : 0,
        not_taxable: !business,
        business_case: business ? 'TrinkgeldAG' : 'TrinkgeldAN',
      });
    }
  }
  return { lines, payments };
}

/**
 * The parts a refund went back through (positive amounts): a split refund lists them, an
 * older or one-payment refund is one part of its total by the sale's provider.
 */
export function refundParts(
  r: Pick<Refund, 'payments' | 'provider' | 'total_cents' | 'method' | 'sale_id'>,
): Array<Pick<RefundPayment, 'provider' | 'amount_cents' | 'method' | 'payment'>> {
  if (r.payments) return r.payments;
  return [
    {
      provider: r.provider,
      amount_cents: r.total_cents,
      method: r.method === 'split' ? 'manual' : r.method,
      payment: {},
    },
  ];
}

/**
 * A refund's voucher parts as fiscal lines: the redemption taken back (positive), as
 * `MehrzweckgutscheinEinloesung` (not taxable) or `EinzweckgutscheinEinloesung` at the
 * voucher's rate — the mirror of the sale's negative lines (fiscalView). With the refunded
 * goods (negative) they add up to the money that went back (cash and cards).
 */
export function refundVoucherLines(r: Pick<Refund, 'payments'>): FiscalLine[] {
  return (r.payments ?? [])
    .filter((p) => p.provider === 'voucher')
    .map((p) => {
      const single = p.payment.voucher_purpose === 'single';
      return {
        name: `Gutschein ${String(p.payment.voucher_code ?? '')}`.trim(),
        product_id: 'voucher',
        barcode: null,
        quantity: 1,
        unit_cents: p.amount_cents,
        gross_cents: p.amount_cents,
        discount_cents: 0,
        vat_rate: single ? Number(p.payment.voucher_vat_rate ?? 0) : 0,
        not_taxable: !single,
        business_case: single ? 'EinzweckgutscheinEinloesung' : 'MehrzweckgutscheinEinloesung',
      };
    });
}

/** What a refund paid back in money (positive): Bar (cash) and Unbar; vouchers are neither. */
export function refundMoney(
  r: Pick<Refund, 'payments' | 'provider' | 'total_cents' | 'method' | 'sale_id'>,
): { cash: number; nonCash: number } {
  let cash = 0;
  let nonCash = 0;
  for (const p of refundParts(r)) {
    if (isCash(p.provider)) cash += p.amount_cents;
    else if (p.provider !== 'voucher' || !r.payments) nonCash += p.amount_cents;
  }
  return { cash, nonCash };
}
