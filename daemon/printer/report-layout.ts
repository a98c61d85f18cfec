/**
 * Closing reports on paper: the X and Z report (period totals, VAT by rate, the drawer, and for
 * a Z report the count and what stays in the drawer) and the cash-up per cashier, in the
 * shop's language, with the receipt layout's helpers (layout.ts).
 */
import type { ShiftReport, XReport, ZReport } from '../protocol.js';
import {
  amount,
  dateTime,
  label as L,
  providerName,
  type ShopLanguage,
} from '../receipts/labels.js';
import { startJob, twoCols, vatTable, type PrintProfile } from './layout.js';
import { columns } from './profiles.js';

/** A report's print job: its width in characters, a full-width rule, "label … amount" rows. */
function reportJob(profile: PrintProfile, lang: ShopLanguage) {
  const cols = columns(profile.width);
  const e = startJob(profile);
  const row = (l: string, cents: number) => e.line(twoCols(l, amount(cents, lang), cols));
  return { cols, rule: '-'.repeat(cols), e, row };
}

/** The first period starts at the epoch (no Z report yet): it has no "from" time. */
function hasStart(iso: string): boolean {
  return !!iso && Date.parse(iso) > 0;
}

export function reportBytes(
  r: XReport | ZReport,
  profile: PrintProfile,
  shopName: string,
  lang: ShopLanguage,
): Uint8Array {
  const { cols, rule, e, row } = reportJob(profile, lang);
  const z = 'number' in r ? (r as ZReport) : null;
  e.align('center').bold(true).size(2, 2);
  e.line(z ? L(lang, 'z_report', { n: z.number }) : L(lang, 'x_report'));
  e.size(1, 1).bold(false);
  e.line(shopName.slice(0, cols)).align('left').line(rule);
  const to = dateTime(r.at, r.timezone, lang);
  if (hasStart(r.period_start)) {
    const from = dateTime(r.period_start, r.timezone, lang);
    e.line(twoCols(L(lang, 'from'), `${from.date} ${from.time}`, cols));
  } else e.line(twoCols(L(lang, 'from'), L(lang, 'first_period'), cols));
  e.line(twoCols(L(lang, 'to'), `${to.date} ${to.time}`, cols));
  e.line(rule);
  row(L(lang, 'sales', { n: r.sale_count }), r.sales_total_cents);
  row(L(lang, 'refunds', { n: r.refund_count }), -r.refunds_total_cents);
  for (const b of r.by_provider)
    row(`  ${providerName(b.provider, lang)}`, b.sales_cents - b.refunds_cents);
  if (r.deposits && (r.deposits.sold_count || r.deposits.returned_count)) {
    row(L(lang, 'deposits_sold', { n: r.deposits.sold_count }), r.deposits.sold_cents);
    row(L(lang, 'deposits_returned', { n: r.deposits.returned_count }), -r.deposits.returned_cents);
  }
  if (r.discounts_cents) row(L(lang, 'discounts_given'), -r.discounts_cents);
  e.line(rule);
  e.bold(true).line(L(lang, 'vat_by_rate')).bold(false);
  vatTable(e, r.vat, lang, cols, false);
  e.line(rule).bold(true).line(L(lang, 'cash')).bold(false);
  row(L(lang, 'opening_float'), r.cash.opening_float_cents);
  row(L(lang, 'cash_sales'), r.cash.cash_sales_cents);
  row(L(lang, 'cash_refunds'), r.cash.cash_refunds_cents);
  row(L(lang, 'payouts'), r.cash.payouts_cents);
  row(L(lang, 'pay_ins'), r.cash.pay_ins_cents);
  e.bold(true);
  row(L(lang, 'expected'), r.cash.expected_cents);
  e.bold(false);
  if (z) {
    if (z.denominations) {
      for (const [value, count] of Object.entries(z.denominations).sort(
        (a, b) => Number(b[0]) - Number(a[0]),
      )) {
        if (count > 0) row(`  ${count} x ${amount(Number(value), lang)}`, Number(value) * count);
      }
    }
    row(L(lang, 'counted'), z.counted_cents);
    e.bold(true).size(1, 2);
    row(L(lang, 'difference'), z.difference_cents);
    e.size(1, 1).bold(false);
    row(L(lang, 'next_float'), z.next_float_cents);
    row(L(lang, 'taken_out'), z.counted_cents - z.next_float_cents);
  }
  if (r.pending_count > 0) e.line(L(lang, 'pending', { n: r.pending_count }));
  return e.cut('partial').encode();
}

/** Cash-up per cashier: per cashier revenue, payments, tips, discounts, refunds, the drawer. */
export function shiftReportBytes(
  r: ShiftReport,
  profile: PrintProfile,
  shopName: string,
  lang: ShopLanguage,
): Uint8Array {
  const { cols, rule, e, row } = reportJob(profile, lang);
  // The business's part of the tips: a long label (English on 58 mm) goes on its own line.
  const businessTips = (cents: number | undefined) => {
    if (!cents) return;
    const l = `  ${L(lang, 'shift_tips_business')}`;
    const a = amount(cents, lang);
    if (l.length + 1 + a.length <= cols) e.line(twoCols(l, a, cols));
    else e.line(l.slice(0, cols)).line(twoCols('', a, cols));
  };
  const when = (iso: string) => {
    const t = dateTime(iso, r.timezone, lang);
    return `${t.date} ${t.time}`;
  };
  e.align('center').bold(true).line(L(lang, 'shift_report')).bold(false);
  e.line(shopName.slice(0, cols)).align('left').line(rule);
  e.line(twoCols(L(lang, 'from'), when(r.from), cols));
  e.line(twoCols(L(lang, 'to'), when(r.to), cols));
  for (const c of r.cashiers) {
    e.line(rule).bold(true);
    e.line((c.cashier ?? L(lang, 'shift_no_cashier')).slice(0, cols)).bold(false);
    row(L(lang, 'shift_sales', { n: c.sale_count }), c.sales_cents);
    for (const b of c.by_provider) row(`  ${providerName(b.provider, lang)}`, b.amount_cents);
    row(L(lang, 'shift_tips'), c.tips_cents);
    businessTips(c.tips_business_cents);
    row(L(lang, 'shift_discounts'), c.discount_cents);
    row(L(lang, 'refunds', { n: c.refund_count }), -c.refunds_cents || 0);
    e.bold(true).line(L(lang, 'cash')).bold(false);
    row(L(lang, 'shift_cash_taken'), c.cash_cents);
    row(L(lang, 'shift_cash_tips'), c.cash_tips_cents);
    row(L(lang, 'cash_refunds'), c.cash_refunds_cents);
    e.bold(true);
    row(L(lang, 'expected'), c.expected_cash_cents);
    e.bold(false);
    for (const n of c.counts) {
      e.line(L(lang, 'shift_count', { time: when(n.at) }).slice(0, cols));
      row(`  ${L(lang, 'shift_float')}`, n.float_cents);
      row(`  ${L(lang, 'expected')}`, n.expected_cents);
      row(`  ${L(lang, 'counted')}`, n.counted_cents);
      e.bold(true);
      row(`  ${L(lang, 'difference')}`, n.difference_cents);
      e.bold(false);
    }
  }
  e.line(rule).bold(true).line(L(lang, 'shift_totals')).bold(false);
  row(L(lang, 'shift_sales', { n: r.totals.sale_count }), r.totals.sales_cents);
  row(L(lang, 'shift_tips'), r.totals.tips_cents);
  businessTips(r.totals.tips_business_cents);
  row(L(lang, 'shift_discounts'), r.totals.discount_cents);
  const refunds = r.cashiers.reduce((n, c) => n + c.refund_count, 0);
  row(L(lang, 'refunds', { n: refunds }), -r.totals.refunds_cents || 0);
  return e.cut('partial').encode();
}
