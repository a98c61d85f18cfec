/**
 * Exports a German tax adviser reads as they are (documented in docs/OPERATIONS.md):
 *  - the sales lines and the Z reports "auf Deutsch": `;` between cells, decimal comma, euro
 *    amounts (not cents), dates as TT.MM.JJJJ on the shop's clock, German headers, UTF-8 with
 *    BOM — beside the technical files with their stable English columns;
 *  - a DATEV-friendly daily revenue file: one row per business day, payment type and VAT
 *    rate with gross, net and VAT, the number of documents, and booking suggestions (money
 *    account and revenue account in SKR03, debit/credit flag, booking text) to check with the
 *    tax adviser before import.
 * VAT is taken per document and rate exactly as the receipts show it (receipts/vat.ts), then
 * added up, so the file matches the receipts to the cent.
 */
import type { Readable } from 'node:stream';
import type { Refund, Sale, ZReport } from '../protocol.js';
import { csvStream, type CsvCell } from '../core/csv.js';
import type { AnyLine, ShopJournal } from '../closing/entries.js';
import { vatBreakdown } from '../receipts/vat.js';
import { amount, providerName, rate } from '../receipts/labels.js';
import { localParts } from '../time.js';

const GERMAN = { delimiter: ';' as const, bom: true };

/** 1220 → "12,20"; -120 → "-1,20" (no thousands separator: spreadsheets read it as number). */
export function euro(cents: number): string {
  return amount(cents, 'de').replace(/\./g, '');
}

/** "2026-03-01" → "01.03.2026". */
export function germanDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}.${m}.${y}`;
}

function germanTime(iso: string, timezone: string): string {
  const p = localParts(iso, timezone);
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

function vatRate(r: number): string {
  return rate(r, 'de').replace(' %', '');
}

export const SALES_COLUMNS_DE = [
  'Art',
  'Nummer',
  'Beleg-Nr.',
  'Geschäftstag',
  'Zeitpunkt',
  'Kasse',
  'Bediener',
  'Zahlungsart',
  'Erstattungsart',
  'Position',
  'Artikel-Nr.',
  'Barcode',
  'Artikel',
  'Menge',
  'Einzelpreis (EUR)',
  'Betrag (EUR)',
  'MwSt.-Satz (%)',
  'Belegsumme (EUR)',
  'Zeilenart',
  'Rabatt (EUR)',
  'Bezahlt (EUR)',
] as const;

/** Zeilenart: Artikel, freier Betrag, Pfand, Pfand zurück. */
function lineKindDe(l: { open_price?: true; kind?: string }): string {
  if (l.kind === 'deposit') return 'Pfand';
  if (l.kind === 'deposit_return') return 'Pfand zurück';
  return l.open_price ? 'freier Betrag' : 'Artikel';
}

export interface GermanExportDeps {
  journal: ShopJournal;
  timezone: string;
}

/** Paid sales and refunds of the business days, one row per line, one batch per day. */
async function* documents(
  journal: ShopJournal,
  from: string,
  to: string,
): AsyncGenerator<{ day: string; docs: Array<{ sale: Sale; at: string } | { refund: Refund }> }> {
  for (const day of await journal.days()) {
    if (day < from || day > to) continue;
    const open = new Map<string, Sale>();
    const docs: Array<{ sale: Sale; at: string } | { refund: Refund }> = [];
    await journal.readDay(day, (line: AnyLine) => {
      if (line.e === 'created') open.set(line.sale.id, line.sale);
      else if (line.e === 'update' && line.state === 'succeeded') {
        const s = open.get(line.id);
        if (!s) return;
        open.delete(line.id);
        docs.push({ sale: s, at: line.at });
      } else if (line.e === 'refund') docs.push({ refund: line.refund });
    });
    yield { day, docs };
  }
}

async function* salesRowsDe(
  deps: GermanExportDeps,
  from: string,
  to: string,
): AsyncGenerator<CsvCell[][]> {
  for await (const { day, docs } of documents(deps.journal, from, to)) {
    const rows: CsvCell[][] = [];
    for (const doc of docs) {
      if ('sale' in doc) {
        const s = doc.sale;
        s.lines.forEach((l, i) =>
          rows.push([
            'Verkauf',
            s.number,
            s.number,
            germanDate(day),
            germanTime(doc.at, deps.timezone),
            s.terminal_id,
            s.cashier,
            providerName(s.provider, 'de'),
            null,
            i + 1,
            l.product_id,
            l.barcode,
            l.name,
            l.quantity,
            euro(l.unit_price_cents),
            euro(l.line_total_cents),
            vatRate(l.vat_rate),
            euro(s.total_cents),
            lineKindDe(l),
            euro(l.discount_cents ?? 0),
            euro(l.line_total_cents - (l.discount_cents ?? 0)),
          ]),
        );
      } else {
        const r = doc.refund;
        for (const l of r.lines)
          rows.push([
            'Erstattung',
            r.number,
            r.sale_number,
            germanDate(day),
            germanTime(r.created_at, deps.timezone),
            null,
            r.by,
            providerName(r.provider, 'de'),
            r.method === 'cash'
              ? 'bar'
              : r.method === 'provider'
                ? 'Zahlungsdienst'
                : r.method === 'split'
                  ? 'je Zahlung'
                  : 'von Hand',
            l.line_index + 1,
            l.product_id,
            null,
            l.name,
            -l.quantity,
            euro(l.unit_price_cents),
            euro(-(l.line_total_cents + (l.discount_cents ?? 0))),
            vatRate(l.vat_rate),
            euro(-r.total_cents),
            lineKindDe(l),
            euro(-(l.discount_cents ?? 0)),
            euro(-l.line_total_cents),
          ]);
      }
    }
    yield rows;
  }
}

export function salesCsvDe(deps: GermanExportDeps, from: string, to: string): Readable {
  return csvStream(SALES_COLUMNS_DE, salesRowsDe(deps, from, to), GERMAN);
}

export const Z_COLUMNS_DE = [
  'Z-Nr.',
  'Zeitraum von',
  'Abgeschlossen am',
  'Verkäufe',
  'Umsatz (EUR)',
  'Erstattungen',
  'Erstattet (EUR)',
  'Anfangsbestand (EUR)',
  'Barverkäufe (EUR)',
  'Bar-Erstattungen (EUR)',
  'Entnahmen (EUR)',
  'Einlagen (EUR)',
  'Soll (EUR)',
  'Gezählt (EUR)',
  'Differenz (EUR)',
  'Wechselgeld (EUR)',
  'Abgeschlossen von',
  'MwSt. je Satz (Satz: Brutto/Netto/MwSt.)',
  'Offene Zahlungen',
] as const;

async function* zRowsDe(reports: AsyncIterable<ZReport>, timezone: string) {
  for await (const z of reports) {
    yield [
      [
        z.number,
        Date.parse(z.period_start) > 0 ? germanTime(z.period_start, timezone) : null,
        germanTime(z.at, timezone),
        z.sale_count,
        euro(z.sales_total_cents),
        z.refund_count,
        euro(z.refunds_total_cents),
        euro(z.cash.opening_float_cents),
        euro(z.cash.cash_sales_cents),
        euro(z.cash.cash_refunds_cents),
        euro(z.cash.payouts_cents),
        euro(z.cash.pay_ins_cents),
        euro(z.cash.expected_cents),
        euro(z.counted_cents),
        euro(z.difference_cents),
        euro(z.next_float_cents),
        z.closed_by,
        z.vat
          .map(
            (v) =>
              `${vatRate(v.rate)} %: ${euro(v.gross_cents)}/${euro(v.net_cents)}/${euro(v.vat_cents)}`,
          )
          .join(' | '),
        z.pending_count,
      ] as CsvCell[],
    ];
  }
}

export function zReportsCsvDe(reports: AsyncIterable<ZReport>, timezone: string): Readable {
  return csvStream(Z_COLUMNS_DE, zRowsDe(reports, timezone), GERMAN);
}

export const REVENUE_COLUMNS = [
  'Datum',
  'Zahlungsart',
  'MwSt.-Satz (%)',
  'Umsatz brutto (EUR)',
  'Netto (EUR)',
  'Umsatzsteuer (EUR)',
  'Belege',
  'Soll/Haben',
  'Konto',
  'Gegenkonto',
  'Buchungstext',
] as const;

/** SKR03 suggestions: money account by payment type, revenue account by VAT rate. */
export function moneyAccount(provider: string): string {
  return provider === 'cash' ? '1000' : '1360';
}
export function revenueAccount(vatRate: number): string {
  return vatRate === 19 ? '8400' : vatRate === 7 ? '8300' : '8200';
}

interface Bucket {
  provider: string;
  rate: number;
  gross: number;
  net: number;
  vat: number;
  docs: Set<string>;
}

async function* revenueRows(journal: ShopJournal, from: string, to: string) {
  for await (const { day, docs } of documents(journal, from, to)) {
    const buckets = new Map<string, Bucket>();
    const add = (
      id: string,
      provider: string,
      lines: Array<{ vat_rate: number; line_total_cents: number }>,
    ) => {
      for (const v of vatBreakdown(lines)) {
        const key = `${provider}|${v.rate}`;
        let b = buckets.get(key);
        if (!b)
          buckets.set(
            key,
            (b = { provider, rate: v.rate, gross: 0, net: 0, vat: 0, docs: new Set() }),
          );
        b.gross += v.gross_cents;
        b.net += v.net_cents;
        b.vat += v.vat_cents;
        b.docs.add(id);
      }
    };
    for (const doc of docs) {
      if ('sale' in doc) add(`s${doc.sale.id}`, doc.sale.provider, doc.sale.lines);
      else
        add(
          `r${doc.refund.id}`,
          doc.refund.provider,
          doc.refund.lines.map((l) => ({
            vat_rate: l.vat_rate,
            line_total_cents: -l.line_total_cents,
          })),
        );
    }
    const rows: CsvCell[][] = [...buckets.values()]
      .sort((a, b) => a.provider.localeCompare(b.provider) || b.rate - a.rate)
      .map((b) => [
        germanDate(day),
        providerName(b.provider, 'de'),
        vatRate(b.rate),
        euro(b.gross),
        euro(b.net),
        euro(b.vat),
        b.docs.size,
        b.gross >= 0 ? 'S' : 'H',
        moneyAccount(b.provider),
        revenueAccount(b.rate),
        `Tageseinnahmen ${germanDate(day)} ${providerName(b.provider, 'de')} ${vatRate(b.rate)} %`,
      ]);
    yield rows;
  }
}

/** DATEV-friendly daily revenue per VAT rate and payment type, for business days from..to. */
export function revenueCsv(journal: ShopJournal, from: string, to: string): Readable {
  return csvStream(REVENUE_COLUMNS, revenueRows(journal, from, to), GERMAN);
}
