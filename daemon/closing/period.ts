/**
 * Folds journal lines into the totals of one period (last Z report, now]. A sale counts in the
 * period its payment succeeded in; a refund, movement or Z in the period it was written in.
 * Sale lines of a period are read from its days' files (plus the day before its start, where a
 * sale created before midnight and paid after it was journalled).
 */
import type { CashMovement, Sale, XReport } from '../protocol.js';
import { vatBreakdown } from '../receipts/vat.js';
import { cashSummary } from './cash.js';
import type { AnyLine } from './entries.js';
import {
  fiscalView,
  isCash,
  multiVoucherCents,
  paidParts,
  refundParts,
  refundVoucherLines,
} from '../sale-payments.js';

interface ProviderTotals {
  provider: string;
  sale_count: number;
  sales_cents: number;
  refund_count: number;
  refunds_cents: number;
}

export class PeriodFold {
  private sales = new Map<string, Sale>();
  private counted = new Set<string>();
  private byProvider = new Map<string, ProviderTotals>();
  private vatLines: Array<{ vat_rate: number; line_total_cents: number; discount_cents?: number }> =
    [];
  private deposits = { sold_count: 0, sold_cents: 0, returned_count: 0, returned_cents: 0 };
  private discounts = 0;
  private saleCount = 0;
  private salesTotal = 0;
  private refundCount = 0;
  private refundsTotal = 0;
  private cashSales = 0;
  private cashRefunds = 0;
  private cashTips = 0;
  private tipsTotal = 0;
  private businessTips = 0;
  private tips = new Map<
    string,
    { cashier: string | null; provider: string; count: number; tip_cents: number }
  >();
  private vouchersSold = 0;
  private vouchersRedeemed = 0;
  readonly movements: CashMovement[] = [];
  /** The earliest in-period journal time seen: where the very first period begins. */
  private first = '';

  /** start exclusive ('' = the beginning), end inclusive; both ISO UTC. */
  constructor(
    readonly start: string,
    readonly end: string,
  ) {}

  private inPeriod(at: string): boolean {
    return at > this.start && at <= this.end;
  }

  private totals(provider: string): ProviderTotals {
    let t = this.byProvider.get(provider);
    if (!t) {
      t = { provider, sale_count: 0, sales_cents: 0, refund_count: 0, refunds_cents: 0 };
      this.byProvider.set(provider, t);
    }
    return t;
  }

  add(line: AnyLine): void {
    if (!this.start && line.at <= this.end && (!this.first || line.at < this.first))
      this.first = line.at;
    switch (line.e) {
      case 'created':
        this.sales.set(line.sale.id, line.sale);
        return;
      case 'update': {
        const s = this.sales.get(line.id);
        if (!s) return;
        const next: Sale = {
          ...s,
          state: line.state,
          updated_at: line.at,
          ...(line.payments ? { payments: line.payments } : {}),
          ...(line.provider ? { provider: line.provider } : {}),
        };
        this.sales.set(s.id, next);
        if (line.state !== 'succeeded' || !this.inPeriod(line.at) || this.counted.has(s.id)) return;
        this.counted.add(s.id);
        this.saleCount++;
        this.salesTotal += s.total_cents;
        // Tips that belong to the business are revenue (TrinkgeldAG), the staff's are not.
        for (const p of paidParts(next))
          if (p.tip_recipient === 'business') {
            this.salesTotal += p.tip_cents;
            this.businessTips += p.tip_cents;
          }
        // Each payment counts with its method; a split sale counts once per method it used.
        for (const p of paidParts(next)) {
          const t = this.totals(p.provider);
          t.sale_count++;
          t.sales_cents += p.amount_cents;
          if (isCash(p.provider)) {
            this.cashSales += p.amount_cents;
            this.cashTips += p.tip_cents;
          }
          if (p.provider === 'voucher') this.vouchersRedeemed += p.amount_cents;
          if (p.tip_cents > 0 && p.tip_recipient !== 'business') {
            const key = `${next.cashier ?? ''}\u0000${p.provider}`;
            const tip = this.tips.get(key) ?? {
              cashier: next.cashier,
              provider: p.provider,
              count: 0,
              tip_cents: 0,
            };
            tip.count++;
            tip.tip_cents += p.tip_cents;
            this.tips.set(key, tip);
            this.tipsTotal += p.tip_cents;
          }
        }
        this.vouchersSold += multiVoucherCents(next);
        // VAT as the TSE and DSFinV-K book it (sale-payments.ts fiscalView): after discounts;
        // a multi-purpose voucher is not taxable when sold or redeemed; a single-purpose one is
        // taxed when sold, so its redemption takes that VAT back out of the goods it paid.
        for (const l of fiscalView(next).lines)
          if (!l.not_taxable)
            this.vatLines.push({ vat_rate: l.vat_rate, line_total_cents: l.gross_cents });
        this.discounts += s.discount_cents ?? 0;
        this.countDeposits(s.lines, 1);
        return;
      }
      case 'refund': {
        if (!this.inPeriod(line.at)) return;
        const r = line.refund;
        this.refundCount++;
        this.refundsTotal += r.total_cents;
        // Per part of a split refund: each provider's own refunds, cash from the drawer.
        for (const p of refundParts(r)) {
          const t = this.totals(p.provider);
          t.refund_count++;
          t.refunds_cents += p.amount_cents;
          if (p.method === 'cash') this.cashRefunds += p.amount_cents;
        }
        for (const l of r.lines)
          this.vatLines.push({ vat_rate: l.vat_rate, line_total_cents: -l.line_total_cents });
        // A single-purpose voucher part taken back: its VAT comes back with it.
        for (const l of refundVoucherLines(r))
          if (!l.not_taxable)
            this.vatLines.push({ vat_rate: l.vat_rate, line_total_cents: l.gross_cents });
        this.countDeposits(r.lines, -1);
        return;
      }
      case 'cash':
        if (this.inPeriod(line.at)) this.movements.push(line.movement);
        return;
      default:
        return;
    }
  }

  /** Deposits sold and returned; a refund (`sign` -1) takes its deposit lines back out. */
  private countDeposits(
    lines: Array<{ kind?: string; quantity: number; line_total_cents: number }>,
    sign: number,
  ): void {
    for (const l of lines) {
      if (l.kind === 'deposit') {
        this.deposits.sold_count += sign * l.quantity;
        this.deposits.sold_cents += sign * l.line_total_cents;
      } else if (l.kind === 'deposit_return') {
        this.deposits.returned_count += sign * l.quantity;
        this.deposits.returned_cents -= sign * l.line_total_cents;
      }
    }
  }

  report(meta: { openingFloatCents: number; timezone: string; currency: string }): XReport {
    let pending = 0;
    for (const s of this.sales.values())
      if (
        (s.state === 'pending' || s.state === 'open') &&
        s.created_at > this.start &&
        s.created_at <= this.end
      )
        pending++;
    return {
      // Before the first Z report the period starts with the shop's first journal entry (an
      // empty journal: now), never at 1970-01-01.
      period_start: this.start || this.first || this.end,
      at: this.end,
      timezone: meta.timezone,
      currency: meta.currency,
      sale_count: this.saleCount,
      sales_total_cents: this.salesTotal,
      refund_count: this.refundCount,
      refunds_total_cents: this.refundsTotal,
      by_provider: [...this.byProvider.values()].sort((a, b) =>
        a.provider.localeCompare(b.provider),
      ),
      vat: vatBreakdown(this.vatLines),
      deposits: { ...this.deposits },
      discounts_cents: this.discounts,
      cash: cashSummary({
        opening_float_cents: meta.openingFloatCents,
        cash_sales_cents: this.cashSales,
        cash_refunds_cents: this.cashRefunds,
        cash_tips_cents: this.cashTips,
        movements: this.movements,
      }),
      movements: this.movements,
      pending_count: pending,
      tips_total_cents: this.tipsTotal,
      tips_business_cents: this.businessTips,
      tips: [...this.tips.values()].sort(
        (a, b) =>
          (a.cashier ?? '').localeCompare(b.cashier ?? '') || a.provider.localeCompare(b.provider),
      ),
      vouchers_sold_cents: this.vouchersSold,
      vouchers_redeemed_cents: this.vouchersRedeemed,
    };
  }
}
