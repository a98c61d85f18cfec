/**
 * CSV exports for the accountant, streamed: rows are produced one journal day at a time and
 * handed to the HTTP response as the client reads them, so a year of sales never sits in
 * memory (only the day being read does). Columns are stable and documented in
 * docs/OPERATIONS.md; new columns are only ever appended at the end.
 *
 * CSV: the daemon's one writer (core/csv.ts: csv-stringify, comma, CRLF, quotes doubled),
 * UTF-8 with BOM so spreadsheet programs pick the encoding. Text cells a spreadsheet would run
 * as a formula (leading = + - @ tab CR) get a leading apostrophe (OWASP CSV injection
 * advice); numbers are never altered.
 */
import type { Readable } from 'node:stream';
import type { Refund, Sale, ZReport } from '../protocol.js';
import { csvStream, csvWriter, textStream, type CsvCell, type CsvWriter } from '../core/csv.js';
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
  'line_kind',
  'discount_cents',
  'paid_cents',
] as const;

/**
 * What a line is (SALES_COLUMNS `line_kind`): a catalog product, an amount typed at the till,
 * a deposit sold with a product, a deposit returned (negative amounts).
 */
export function lineKind(l: { open_price?: true; kind?: string }): string {
  if (l.kind && l.kind !== 'product') return l.kind;
  return l.open_price ? 'open_price' : 'product';
}

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
  'deposits_sold_cents',
  'deposits_returned_cents',
  'discounts_cents',
] as const;

export interface ExportDeps {
  journal: ShopJournal;
  timezone: string;
}

/**
 * Sales lines of paid sales and refund lines (negative amounts) for business days
 * from..to (inclusive, YYYY-MM-DD), in journal order. One row per line.
 */
export function salesCsv(deps: ExportDeps, from: string, to: string): Readable {
  return textStream(salesText(deps, from, to, csvWriter({ bom: true })));
}

/**
 * The text of salesCsv(): the header, then one chunk per business day, read only when the
 * reader asks for more. Rows are turned into text 64 at a time while the day is read, so
 * only text (not row arrays) lives until the day is done.
 */
async function* salesText(
  deps: ExportDeps,
  from: string,
  to: string,
  csv: CsvWriter,
): AsyncGenerator<string> {
  const local = (iso: string) => localTimestamp(iso, deps.timezone);
  yield csv.header(SALES_COLUMNS);
  for (const day of await deps.journal.days()) {
    if (day < from || day > to) continue;
    const sales = new Map<string, Sale>();
    const text: string[] = [];
    const rows: CsvCell[][] = [];
    const add = (...more: CsvCell[][]) => {
      rows.push(...more);
      if (rows.length >= 64) text.push(csv.rows(rows.splice(0)));
    };
    await deps.journal.readDay(day, (line: AnyLine) => {
      if (line.e === 'created') sales.set(line.sale.id, line.sale);
      else if (line.e === 'update' && line.state === 'succeeded') {
        const s = sales.get(line.id);
        if (!s) return;
        sales.delete(line.id);
        s.lines.forEach((l, i) =>
          add([
            'sale',
            s.number,
            s.number,
            day,
            line.at,
            local(line.at),
            s.terminal_id,
            s.cashier,
            s.provider,
            null,
            i,
            l.product_id,
            l.barcode,
            l.name,
            l.quantity,
            l.unit_price_cents,
            l.line_total_cents,
            l.vat_rate,
            s.total_cents,
            lineKind(l),
            l.discount_cents ?? 0,
            l.line_total_cents - (l.discount_cents ?? 0),
          ]),
        );
      } else if (line.e === 'refund') add(...refundRows(line.refund, day, local));
    });
    // A day's rows go out as one chunk; the next day is read only when the client asked.
    text.push(csv.rows(rows));
    const chunk = text.join('');
    if (chunk) yield chunk;
  }
}

function refundRows(r: Refund, day: string, local: (iso: string) => string): CsvCell[][] {
  return r.lines.map((l) => [
    'refund',
    r.number,
    r.sale_number,
    day,
    r.created_at,
    local(r.created_at),
    null,
    r.by,
    r.provider,
    r.method,
    l.line_index,
    l.product_id,
    null,
    l.name,
    -l.quantity,
    l.unit_price_cents,
    // A refund line's total is what was paid for it (after its discount).
    -(l.line_total_cents + (l.discount_cents ?? 0)),
    l.vat_rate,
    -r.total_cents,
    lineKind(l),
    -(l.discount_cents ?? 0),
    -l.line_total_cents,
  ]);
}

export function zReportsCsv(reports: AsyncIterable<ZReport>, timezone: string): Readable {
  return csvStream(Z_COLUMNS, zReportRows(reports, timezone), { bom: true });
}

async function* zReportRows(
  reports: AsyncIterable<ZReport>,
  timezone: string,
): AsyncGenerator<CsvCell[][]> {
  const local = (iso: string) => localTimestamp(iso, timezone);
  for await (const z of reports) {
    yield [
      [
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
        z.closed_by,
        z.vat.map((v) => `${v.rate}%:${v.gross_cents}/${v.net_cents}/${v.vat_cents}`).join(' '),
        z.pending_count,
        z.deposits?.sold_cents ?? 0,
        z.deposits?.returned_cents ?? 0,
        z.discounts_cents ?? 0,
      ],
    ];
  }
}
