/**
 * The receipt model: everything a receipt shows, built from a sale (or a refund and its sale)
 * and the shop settings. One model feeds both the printer layout and the public HTML page, so
 * paper and screen never disagree.
 */
import type {
  Receipt,
  ReceiptSettings,
  ReceiptTse,
  Refund,
  Sale,
  SaleLine,
  TseRecord,
} from '../protocol.js';
import { vatBreakdown } from './vat.js';
import { BUSINESS_TIP_VAT_RATE, paidParts } from '../sale-payments.js';
import { footerText, label, providerName, tillName, type ShopLanguage } from './labels.js';

export const RECEIPT_SETTINGS_SECTION = 'receipts';

export const RECEIPT_DEFAULTS: ReceiptSettings = {
  shop_name: '',
  address_lines: [],
  tax_id: '',
  footer: 'Vielen Dank für Ihren Besuch!',
  auto_print: true,
  language: 'de',
  terminal_names: {},
};

/** The payment type as the receipt names it, in the shop's language. */
export function providerLabel(id: string, lang: ShopLanguage = 'de'): string {
  return providerName(id, lang);
}

export interface ReceiptContext {
  settings: ReceiptSettings;
  shopName: string;
  timezone: string;
  currency: string;
  url: string;
  /** DEFAULT_TERMINAL_ID: the kiosk screen's till, "Kasse 1" unless named. */
  kioskId: string;
  /** The till's serial number when a TSE is in use, else null. */
  tillSerial?: string | null;
  /** "Counter POS 0.1.0". */
  software?: string;
}

/** The receipt's TSE block: exactly the fields of the receipt JSON contract. */
export function receiptTse(t: TseRecord | null | undefined): ReceiptTse | null {
  if (!t) return null;
  return {
    serial_number: t.serial_number,
    signature_counter: t.signature_counter,
    transaction_number: t.transaction_number,
    time_start: t.time_start,
    time_end: t.time_end,
    signature: t.signature,
    signature_algorithm: t.signature_algorithm,
    time_format: t.time_format,
    public_key: t.public_key,
    qr_code_data: t.qr_code_data,
    failed: t.failed,
  };
}

function lang(ctx: ReceiptContext): ShopLanguage {
  return ctx.settings.language === 'en' ? 'en' : 'de';
}

function shop(ctx: ReceiptContext): Receipt['shop'] {
  return {
    name: ctx.settings.shop_name || ctx.shopName,
    address_lines: ctx.settings.address_lines,
    tax_id: ctx.settings.tax_id,
    footer: footerText(ctx.settings.footer, lang(ctx)),
  };
}

function common(ctx: ReceiptContext, terminalId: string) {
  return {
    language: lang(ctx),
    shop: shop(ctx),
    terminal_id: terminalId,
    terminal_name: tillName(terminalId, ctx.settings.terminal_names ?? {}, ctx.kioskId, lang(ctx)),
    timezone: ctx.timezone,
    currency: ctx.currency,
    till_serial: ctx.tillSerial ?? null,
    software: ctx.software ?? 'Counter POS',
  };
}

function reference(payment: Record<string, unknown>): string | null {
  for (const key of ['transaction_code', 'transaction_id', 'reference']) {
    const v = payment[key];
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

type LineIn = Pick<
  SaleLine,
  'quantity' | 'name' | 'unit_price_cents' | 'line_total_cents' | 'vat_rate'
> &
  Pick<SaleLine, 'kind' | 'discount_cents'>;

/** The VAT breakdown and the receipt lines, each line marked with its rate's VAT code. */
function withCodes(
  lines: LineIn[],
  vatOnly: Array<{ vat_rate: number; line_total_cents: number }> = [],
): Pick<Receipt, 'vat' | 'lines'> {
  const vat = vatBreakdown([...lines, ...vatOnly]);
  const code = new Map(vat.map((r) => [r.rate, r.code]));
  return {
    vat,
    lines: lines.map((l) => ({
      quantity: l.quantity,
      name: l.name,
      unit_price_cents: l.unit_price_cents,
      line_total_cents: l.line_total_cents,
      vat_rate: l.vat_rate,
      vat_code: code.get(Math.round(l.vat_rate * 100) / 100) ?? '',
      ...(l.kind ? { kind: l.kind } : {}),
      ...(l.discount_cents ? { discount_cents: l.discount_cents } : {}),
    })),
  };
}

export function saleReceipt(sale: Sale, ctx: ReceiptContext): Receipt {
  // A tip that belongs to the business is revenue: its VAT is on the receipt too.
  const businessTips = paidParts(sale)
    .filter((p) => p.tip_recipient === 'business')
    .reduce((n, p) => n + p.tip_cents, 0);
  const { vat, lines } = withCodes(
    sale.lines,
    businessTips ? [{ vat_rate: BUSINESS_TIP_VAT_RATE, line_total_cents: businessTips }] : [],
  );
  return {
    kind: 'sale',
    ...common(ctx, sale.terminal_id),
    number: sale.number,
    refers_to_sale_number: null,
    started_at: sale.created_at,
    ended_at: sale.updated_at,
    lines,
    total_cents: sale.total_cents,
    vat,
    payment: {
      provider: sale.provider,
      label: providerLabel(sale.provider, lang(ctx)),
      tendered_cents: sale.tendered_cents,
      change_cents: sale.change_cents,
      reference: reference(sale.payment),
    },
    payments: paidParts(sale).map((p) => ({
      provider: p.provider,
      label: providerLabel(p.provider, lang(ctx)),
      amount_cents: p.amount_cents,
      tip_cents: p.tip_cents,
      tendered_cents: p.tendered_cents,
      change_cents: p.change_cents,
      reference: p.provider === 'voucher' ? null : reference(p.payment),
      ...(typeof p.payment.voucher_code === 'string'
        ? {
            voucher_code: p.payment.voucher_code,
            voucher_balance_cents: Number(p.payment.balance_after_cents ?? 0),
          }
        : {}),
    })),
    tip_cents: sale.tip_cents ?? 0,
    vouchers: sale.lines
      .filter((l) => l.kind === 'voucher' && l.voucher_code)
      .map((l) => ({ code: l.voucher_code!, amount_cents: l.line_total_cents })),
    cashier: sale.cashier,
    url: ctx.url,
    tse: receiptTse(sale.tse),
  };
}

/** A refund receipt: the refunded lines with negative amounts, pointing at the sale. */
export function refundReceipt(refund: Refund, sale: Sale, ctx: ReceiptContext): Receipt {
  const { vat, lines } = withCodes(
    refund.lines.map(({ discount_cents: _, line_quantity: _q, ...l }) => ({
      ...l,
      line_total_cents: -l.line_total_cents,
    })),
  );
  return {
    kind: 'refund',
    ...common(ctx, sale.terminal_id),
    number: refund.number,
    refers_to_sale_number: sale.number,
    started_at: refund.created_at,
    ended_at: refund.created_at,
    lines,
    total_cents: -refund.total_cents,
    vat,
    payment: {
      provider: refund.provider,
      label:
        refund.method === 'manual'
          ? label(lang(ctx), 'by_hand', { label: providerLabel(refund.provider, lang(ctx)) })
          : providerLabel(refund.provider, lang(ctx)),
      tendered_cents: null,
      change_cents: null,
      reference: reference(refund.payment),
    },
    // A split refund: what went back through each part (a voucher part names the voucher).
    ...(refund.payments
      ? {
          payments: refund.payments.map((p) => {
            const code = p.payment.new_voucher_code ?? p.payment.voucher_code;
            const name = providerLabel(p.provider, lang(ctx));
            return {
              provider: p.provider,
              label: p.method === 'manual' ? label(lang(ctx), 'by_hand', { label: name }) : name,
              amount_cents: -p.amount_cents,
              tip_cents: 0,
              tendered_cents: null,
              change_cents: null,
              reference: typeof code === 'string' ? code : reference(p.payment),
            };
          }),
          // An expired voucher's part went onto a new voucher: its code to scan.
          vouchers: refund.payments.flatMap((p) =>
            typeof p.payment.new_voucher_code === 'string'
              ? [{ code: p.payment.new_voucher_code, amount_cents: p.amount_cents }]
              : [],
          ),
        }
      : {}),
    cashier: refund.by,
    url: ctx.url,
    tse: receiptTse(refund.tse),
  };
}

/** "12.34" / "-0.50": receipts show plain amounts, the currency once at the total. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function formatRate(rate: number): string {
  return `${Number.isInteger(rate) ? rate : rate.toFixed(rate * 10 === Math.round(rate * 10) ? 1 : 2)} %`;
}
