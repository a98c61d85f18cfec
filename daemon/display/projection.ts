/**
 * The customer display's projection: from a till's cart, its pending sale and the sale just
 * paid, what a customer may see. Pure; everything it returns is copied field by field, so a
 * field added to carts or sales later (a cashier, a provider's data) never reaches the display
 * unless it is added here.
 */
import type {
  Cart,
  DisplayDiscount,
  DisplayLine,
  DisplayPaid,
  DisplayState,
  Sale,
  SaleLine,
} from '../protocol.js';
import { paymentsOf, tipOf, type SaleWithExtras } from '../closing/payments-of.js';

type LooseLine = SaleLine & { kind?: string; discount_cents?: number; line_id?: string };
interface LooseDiscount {
  line_id?: string | null;
  percent?: number | null;
  amount_cents?: number;
}
type LooseCart = Cart & { discounts?: LooseDiscount[]; discount_cents?: number };

const KINDS = ['product', 'deposit', 'deposit_return', 'voucher'] as const;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function line(l: LooseLine): DisplayLine {
  const kind = (KINDS as readonly string[]).includes(l.kind ?? '')
    ? (l.kind as DisplayLine['kind'])
    : 'product';
  return {
    name: l.name,
    quantity: l.quantity,
    unit_price_cents: l.unit_price_cents,
    line_total_cents: l.line_total_cents,
    discount_cents: num(l.discount_cents),
    kind,
  };
}

function discounts(list: LooseDiscount[] | undefined, lines: LooseLine[]): DisplayDiscount[] {
  return (Array.isArray(list) ? list : []).map((d) => ({
    line_name: d.line_id ? (lines.find((l) => l.line_id === d.line_id)?.name ?? null) : null,
    percent: typeof d.percent === 'number' ? d.percent : null,
    amount_cents: num(d.amount_cents),
  }));
}

export interface ShopFace {
  shop_name: string;
  logo_url: string | null;
  language: 'de' | 'en';
  currency: string;
}

export function paidView(sale: Sale, receipt: { url: string; qr_svg: string }): DisplayPaid {
  const parts = paymentsOf(sale);
  const cash = parts.filter((p) => p.provider === 'cash');
  const sum = (xs: Array<number | null>) =>
    xs.some((x) => x !== null) ? xs.reduce<number>((n, x) => n + (x ?? 0), 0) : null;
  return {
    sale_number: sale.number,
    total_cents: sale.total_cents,
    payments: parts.map((p) => ({ provider: p.provider, amount_cents: p.amount_cents })),
    tendered_cents: sum(cash.map((p) => p.tendered_cents)),
    change_cents: sum(cash.map((p) => p.change_cents)),
    tip_cents: tipOf(sale),
    receipt_url: receipt.url,
    receipt_qr_svg: receipt.qr_svg,
  };
}

export function displayState(
  terminalId: string,
  shop: ShopFace,
  cart: Cart | null,
  pending: Sale | null,
  paid: DisplayPaid | null,
): DisplayState {
  const base: DisplayState = {
    terminal_id: terminalId,
    mode: 'idle',
    ...shop,
    lines: [],
    discounts: [],
    discount_cents: 0,
    total_cents: 0,
    item_count: 0,
    paid_so_far_cents: 0,
    remaining_cents: 0,
    paid: null,
  };
  if (pending) {
    const s = pending as SaleWithExtras & { discounts?: LooseDiscount[] };
    const lines = s.lines as LooseLine[];
    const paidSoFar = num(s.paid_cents);
    return {
      ...base,
      mode: 'paying',
      lines: lines.map(line),
      discounts: discounts(s.discounts, lines),
      discount_cents: num(s.discount_cents),
      total_cents: s.total_cents,
      item_count: lines.reduce((n, l) => n + l.quantity, 0),
      paid_so_far_cents: paidSoFar,
      remaining_cents:
        typeof s.remaining_cents === 'number' ? s.remaining_cents : s.total_cents - paidSoFar,
    };
  }
  const c = cart as LooseCart | null;
  if (c && c.lines.length > 0) {
    const lines = c.lines as LooseLine[];
    return {
      ...base,
      mode: 'cart',
      lines: lines.map(line),
      discounts: discounts(c.discounts, lines),
      discount_cents: num(c.discount_cents),
      total_cents: c.total_cents,
      item_count: c.item_count,
      remaining_cents: c.total_cents,
    };
  }
  if (paid) return { ...base, mode: 'paid', total_cents: paid.total_cents, paid };
  return base;
}
