/**
 * Cash-up per cashier (Kassenabschluss je Kassierer): folds the sales journal of a time range
 * into totals per cashier — sales and what was sold, payments by provider, cash taken, tips
 * (kept apart from revenue), discounts, refunds — and the drawer counts recorded at shift end.
 * `tips_cents` is every tip; `tips_business_cents` the part of it that belongs to the business
 * (`tip_recipient: 'business'`, as period.ts books it): the owner keeps it, staff do not.
 *
 * A sale counts for the cashier it records (`sale.cashier`, the PIN login's name; null = no
 * login) in the range its payment succeeded in. A refund counts for whoever made it
 * (`refund.by`): the person who paid cash out of the drawer. Sales are read defensively:
 * `payments`, `tip_cents`, `discount_cents` are optional (daemon/closing/payments-of.ts).
 */
import type { Sale, ShiftCashierTotals, ShiftCount, ShiftReport } from '../protocol.js';
import type { AnyLine } from './entries.js';
import { discountOf, paymentsOf, tipOf } from './payments-of.js';
import { refundParts } from '../sale-payments.js';

/** Fields a later journal line may carry for its sale (the pay branch's too). */
const UPDATE_FIELDS = [
  'state',
  'tendered_cents',
  'change_cents',
  'payment',
  'payments',
  'tip_cents',
  'paid_cents',
  'remaining_cents',
  'discount_cents',
] as const;

const SETTLED_PART = (state: string) => state !== 'failed' && state !== 'cancelled';

interface Acc extends Omit<ShiftCashierTotals, 'by_provider' | 'products'> {
  tips_business_cents: number;
  byProvider: Map<string, { provider: string; count: number; amount_cents: number }>;
  products: Map<string, { name: string; quantity: number; total_cents: number }>;
}

export class ShiftFold {
  private sales = new Map<string, Sale>();
  private counted = new Set<string>();
  private cashiers = new Map<string, Acc>();

  /** [from, to) as ISO UTC. */
  constructor(
    readonly from: string,
    readonly to: string,
  ) {}

  private inRange(at: string): boolean {
    return at >= this.from && at < this.to;
  }

  private acc(cashier: string | null): Acc {
    const key = cashier === null ? '\u0000' : `n:${cashier}`;
    let a = this.cashiers.get(key);
    if (!a) {
      a = {
        cashier,
        sale_count: 0,
        sales_cents: 0,
        cash_cents: 0,
        tips_cents: 0,
        tips_business_cents: 0,
        cash_tips_cents: 0,
        discount_cents: 0,
        refund_count: 0,
        refunds_cents: 0,
        cash_refunds_cents: 0,
        expected_cash_cents: 0,
        counts: [],
        byProvider: new Map(),
        products: new Map(),
      };
      this.cashiers.set(key, a);
    }
    return a;
  }

  add(line: AnyLine): void {
    switch (line.e) {
      case 'created':
        this.sales.set(line.sale.id, line.sale);
        return;
      case 'update': {
        const s = this.sales.get(line.id);
        if (!s) return;
        const next: Record<string, unknown> = { ...s, updated_at: line.at };
        for (const f of UPDATE_FIELDS)
          if ((line as unknown as Record<string, unknown>)[f] !== undefined)
            next[f] = (line as unknown as Record<string, unknown>)[f];
        const sale = next as unknown as Sale;
        this.sales.set(s.id, sale);
        if (line.state !== 'succeeded' || !this.inRange(line.at) || this.counted.has(s.id)) return;
        this.counted.add(s.id);
        this.addSale(sale);
        return;
      }
      case 'refund': {
        if (!this.inRange(line.at)) return;
        const r = line.refund;
        const a = this.acc(r.by);
        a.refund_count++;
        a.refunds_cents += r.total_cents;
        for (const p of refundParts(r))
          if (p.method === 'cash') a.cash_refunds_cents += p.amount_cents;
        return;
      }
      case 'shift':
        if (this.inRange(line.at)) this.acc(line.count.cashier).counts.push(line.count);
        return;
      default:
        return;
    }
  }

  private addSale(sale: Sale): void {
    const a = this.acc(sale.cashier);
    a.sale_count++;
    a.sales_cents += sale.total_cents;
    a.tips_cents += tipOf(sale);
    a.discount_cents += discountOf(sale);
    for (const p of paymentsOf(sale)) {
      if (!SETTLED_PART(p.state)) continue;
      let b = a.byProvider.get(p.provider);
      if (!b) {
        b = { provider: p.provider, count: 0, amount_cents: 0 };
        a.byProvider.set(p.provider, b);
      }
      b.count++;
      b.amount_cents += p.amount_cents;
      // Part of tips_cents, but the owner's (revenue, TrinkgeldAG), not the cashier's to take.
      if (p.tip_recipient === 'business') a.tips_business_cents += p.tip_cents;
      if (p.provider === 'cash') {
        a.cash_cents += p.amount_cents;
        a.cash_tips_cents += p.tip_cents;
      }
    }
    for (const l of sale.lines) {
      const key = `${l.product_id}\u0000${l.name}`;
      const prev = a.products.get(key) ?? { name: l.name, quantity: 0, total_cents: 0 };
      const lineDiscount = (l as { discount_cents?: number }).discount_cents ?? 0;
      prev.quantity += l.quantity;
      prev.total_cents += l.line_total_cents - lineDiscount;
      a.products.set(key, prev);
    }
  }

  report(meta: { timezone: string; currency: string }): ShiftReport {
    const cashiers: ShiftCashierTotals[] = [...this.cashiers.values()]
      .map(({ byProvider, products, ...a }) => ({
        ...a,
        expected_cash_cents: a.cash_cents + a.cash_tips_cents - a.cash_refunds_cents,
        by_provider: [...byProvider.values()].sort((x, y) => x.provider.localeCompare(y.provider)),
        products: [...products.values()].sort(
          (x, y) => y.total_cents - x.total_cents || x.name.localeCompare(y.name),
        ),
      }))
      // Named cashiers in alphabetical order; sales without a login last.
      .sort((x, y) =>
        x.cashier === null ? 1 : y.cashier === null ? -1 : x.cashier.localeCompare(y.cashier),
      );
    const sum = (f: (c: ShiftCashierTotals) => number) => cashiers.reduce((n, c) => n + f(c), 0);
    return {
      from: this.from,
      to: this.to,
      timezone: meta.timezone,
      currency: meta.currency,
      cashiers,
      totals: {
        sale_count: sum((c) => c.sale_count),
        sales_cents: sum((c) => c.sales_cents),
        cash_cents: sum((c) => c.cash_cents),
        tips_cents: sum((c) => c.tips_cents),
        tips_business_cents: sum((c) => c.tips_business_cents ?? 0),
        discount_cents: sum((c) => c.discount_cents),
        refunds_cents: sum((c) => c.refunds_cents),
      },
    };
  }
}

/** The drawer count of one cashier: expected = float + what their shift left in the drawer. */
export function shiftCount(
  totals: ShiftCashierTotals | undefined,
  input: {
    id: string;
    cashier: string | null;
    from: string;
    at: string;
    float_cents: number;
    counted_cents: number;
    denominations: Record<string, number> | null;
    by: string | null;
  },
): ShiftCount {
  const expected = input.float_cents + (totals?.expected_cash_cents ?? 0);
  return {
    ...input,
    expected_cents: expected,
    difference_cents: input.counted_cents - expected,
  };
}
