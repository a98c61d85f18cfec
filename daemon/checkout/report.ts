/**
 * The day report: only succeeded sales count as takings; failed and cancelled ones are
 * counted separately so the owner sees them. Hours are TIMEZONE hours of the sale's creation.
 * Product totals are after discounts; deposits sold and returned and the discounts given have
 * their own totals.
 */
import type { DailyReport, Sale } from '../protocol.js';
import type { BusinessCalendar } from './calendar.js';

export function dailyReport(day: string, sales: Sale[], calendar: BusinessCalendar): DailyReport {
  const byProvider = new Map<string, { count: number; total_cents: number }>();
  const byHour = new Map<number, { count: number; total_cents: number }>();
  const byProduct = new Map<string, { name: string; quantity: number; total_cents: number }>();
  const report: DailyReport = {
    date: day,
    timezone: calendar.timezone,
    sale_count: 0,
    total_cents: 0,
    by_provider: [],
    by_hour: [],
    top_products: [],
    failed_count: 0,
    cancelled_count: 0,
    deposits: { sold_count: 0, sold_cents: 0, returned_count: 0, returned_cents: 0 },
    discounts_cents: 0,
  };
  const deposits = report.deposits!;
  for (const s of sales) {
    if (s.state === 'failed') report.failed_count++;
    if (s.state === 'cancelled') report.cancelled_count++;
    if (s.state !== 'succeeded') continue;
    report.sale_count++;
    report.total_cents += s.total_cents;
    const p = byProvider.get(s.provider) ?? { count: 0, total_cents: 0 };
    p.count++;
    p.total_cents += s.total_cents;
    byProvider.set(s.provider, p);
    const hour = calendar.hour(Date.parse(s.created_at));
    const h = byHour.get(hour) ?? { count: 0, total_cents: 0 };
    h.count++;
    h.total_cents += s.total_cents;
    byHour.set(hour, h);
    report.discounts_cents! += s.discount_cents ?? 0;
    for (const l of s.lines) {
      if (l.kind === 'deposit') {
        deposits.sold_count += l.quantity;
        deposits.sold_cents += l.line_total_cents;
      } else if (l.kind === 'deposit_return') {
        deposits.returned_count += l.quantity;
        deposits.returned_cents -= l.line_total_cents;
      }
      // Open prices count per VAT rate (their typed texts differ from sale to sale); a
      // returned deposit apart from the deposit sold.
      const key = l.open_price
        ? `${l.product_id}:${l.vat_rate}`
        : l.kind === 'deposit_return'
          ? `${l.product_id}:return`
          : l.product_id;
      const t = byProduct.get(key) ?? {
        name: l.open_price ? `Freier Betrag ${l.vat_rate} %` : l.name,
        quantity: 0,
        total_cents: 0,
      };
      t.quantity += l.quantity;
      t.total_cents += l.line_total_cents - (l.discount_cents ?? 0);
      byProduct.set(key, t);
    }
  }
  report.by_provider = [...byProvider]
    .map(([provider, v]) => ({ provider, ...v }))
    .sort((a, b) => b.total_cents - a.total_cents);
  report.by_hour = [...byHour].map(([hour, v]) => ({ hour, ...v })).sort((a, b) => a.hour - b.hour);
  report.top_products = [...byProduct]
    .map(([product_id, v]) => ({ product_id, ...v }))
    .sort((a, b) => b.quantity - a.quantity || b.total_cents - a.total_cents)
    .slice(0, 20);
  return report;
}
