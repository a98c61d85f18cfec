/**
 * CSV exports for the accountant, streamed: rows are produced one journal day at a time and
 * handed to the HTTP response as the client reads them, so a year of sales never sits in
 * memory (only the day being read does). Columns are stable and documented in
 * docs/OPERATIONS.md; new columns are only ever appended at the end.
 *
 * CSV: RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with BOM so spreadsheet programs pick
 * the encoding. Text cells a spreadsheet would run as a formula (leading = + - @ tab CR) get a
 * leading apostrophe (OWASP CSV injection advice); numbers are never altered.
 */
import type { Refund, Sale, ZReport } from '../protocol.js';
import type { AnyLine, ShopJournal } from '../closing/entries.js';
import { localTimestamp } from '../time.js';

export const SALES_COLUMNS = [
  'kind',
  'number',
  'sale_number',
  'business_day',
  'at_utc',
  'at_local',
  'terminal_id',
  'cashier',
  'provider',
  'refund_method',
  'line_index',
  'product_id',
  'barcode',
  'name',
  'quantity',
  'unit_price_cents',
  'line_total_cents',
  'vat_rate',
  'document_total_cents',
] as const;

export const Z_COLUMNS = [
  'number',
  'period_start_utc',
  'closed_at_utc',
  'closed_at_local',
  'sale_count',
  'sales_total_cents',
  'refund_count',
  'refunds_total_cents',
  'opening_float_cents',
  'cash_sales_cents',
  'cash_refunds_cents',
  'payouts_cents',
  'pay_ins_cents',
  'expected_cents',
  'counted_cents',
  'difference_cents',
  'next_float_cents',
  'closed_by',
  'vat',
  'pending_count',
] as const;

type Cell = string | number | null;

function text(v: string | null): string {
  if (v === null) return '';
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export function csvRow(cells: Cell[]): string {
  return (
    cells
      .map((c) => {
        const s = c === null ? '' : String(c);
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

export interface ExportDeps {
  journal: ShopJournal;
  timezone: string;
}

/**
 * Sales lines of paid sales and refund lines (negative amounts) for business days
 * from..to (inclusive, YYYY-MM-DD), in journal order. One row per line.
 */
export async function* salesCsv(
  deps: ExportDeps,
  from: string,
  to: string,
): AsyncGenerator<string> {
  const local = (iso: string) => localTimestamp(iso, deps.timezone);
  yield '\ufeff' + csvRow([...SALES_COLUMNS]);
  for (const day of await deps.journal.days()) {
    if (day < from || day > to) continue;
    const sales = new Map<string, Sale>();
    const rows: string[] = [];
    await deps.journal.readDay(day, (line: AnyLine) => {
      if (line.e === 'created') sales.set(line.sale.id, line.sale);
      else if (line.e === 'update' && line.state === 'succeeded') {
        const s = sales.get(line.id);
        if (!s) return;
        sales.delete(line.id);
        s.lines.forEach((l, i) =>
          rows.push(
            csvRow([
              'sale',
              s.number,
              s.number,
              day,
              line.at,
              local(line.at),
              text(s.terminal_id),
              text(s.cashier),
              s.provider,
              null,
              i,
              text(l.product_id),
              text(l.barcode),
              text(l.name),
              l.quantity,
              l.unit_price_cents,
              l.line_total_cents,
              l.vat_rate,
              s.total_cents,
            ]),
          ),
        );
      } else if (line.e === 'refund') rows.push(...refundRows(line.refund, day, local));
    });
    // A day's rows go out as one chunk; the next day is read only when the client asked.
    if (rows.length) yield rows.join('');
  }
}

function refundRows(r: Refund, day: string, local: (iso: string) => string): string[] {
  return r.lines.map((l) =>
    csvRow([
      'refund',
      r.number,
      r.sale_number,
      day,
      r.created_at,
      local(r.created_at),
      null,
      text(r.by),
      r.provider,
      r.method,
      l.line_index,
      text(l.product_id),
      null,
      text(l.name),
      -l.quantity,
      l.unit_price_cents,
      -l.line_total_cents,
      l.vat_rate,
      -r.total_cents,
    ]),
  );
}

export async function* zReportsCsv(
  reports: AsyncIterable<ZReport>,
  timezone: string,
): AsyncGenerator<string> {
  const local = (iso: string) => localTimestamp(iso, timezone);
  yield '\ufeff' + csvRow([...Z_COLUMNS]);
  for await (const z of reports) {
    yield csvRow([
      z.number,
      z.period_start,
      z.at,
      local(z.at),
      z.sale_count,
      z.sales_total_cents,
      z.refund_count,
      z.refunds_total_cents,
      z.cash.opening_float_cents,
      z.cash.cash_sales_cents,
      z.cash.cash_refunds_cents,
      z.cash.payouts_cents,
      z.cash.pay_ins_cents,
      z.cash.expected_cents,
      z.counted_cents,
      z.difference_cents,
      z.next_float_cents,
      text(z.closed_by),
      z.vat.map((v) => `${v.rate}%:${v.gross_cents}/${v.net_cents}/${v.vat_cents}`).join(' '),
      z.pending_count,
    ]);
  }
}
