/**
 * The records of a DSFinV-K export (dsfinvk.ts): the documents of one Z period — sales paid or
 * aborted in it, refunds, cash movements — read again from the journal, with the VAT keys.
 */
import type { Refund, Sale, TseRecord, ZReport } from '../protocol.js';
import type { AnyLine, ShopJournal } from '../closing/entries.js';
import {
  fiscalView,
  refundParts,
  refundVoucherLines,
  type BusinessCase,
} from '../sale-payments.js';
import { gvTyp } from './dsfinvk-cases.js';

/** DSFinV-K VAT keys: 1 = 19 %, 2 = 7 %, 3 = 10.7 %, 4 = 5.5 %, 5 = not taxable, 6 = 0 % (exempt). */
export const VAT_KEYS: Array<{ key: number; rate: number; text: string }> = [
  { key: 1, rate: 19, text: 'Regelsteuersatz' },
  { key: 2, rate: 7, text: 'Ermäßigter Steuersatz' },
  { key: 3, rate: 10.7, text: 'Durchschnittsatz (§ 24 Abs. 1 Nr. 3 UStG)' },
  { key: 4, rate: 5.5, text: 'Durchschnittsatz (§ 24 Abs. 1 Nr. 1 UStG)' },
  { key: 5, rate: 0, text: 'Nicht steuerbar' },
  { key: 6, rate: 0, text: 'Umsatzsteuerfrei' },
];

export function vatKey(rate: number): number {
  const r = Math.round(rate * 100) / 100;
  return VAT_KEYS.find((k) => k.rate === r && k.key !== 5)?.key ?? (r === 0 ? 6 : 1);
}

export interface DsfinvkDeps {
  journal: ShopJournal;
  /** Z reports, oldest first. */
  zReports(): AsyncIterable<ZReport>;
  dayOf(ms: number): string;
  timezone: string;
  currency: string;
  shop(): { name: string; address_lines: string[]; tax_id: string };
  tillSerial: string;
  software: { brand: string; model: string; name: string; version: string };
  tse(): {
    serial_number: string | null;
    signature_algorithm: string | null;
    time_format: string | null;
    public_key: string | null;
  } | null;
}

export interface Doc {
  kind: 'sale' | 'abort' | 'refund';
  id: string;
  number: number;
  terminal: string;
  cashier: string | null;
  start: string;
  end: string;
  total: number;
  /** What moved money, per payment (a split sale has several; vouchers are lines instead). */
  payments: Array<{ provider: string; amount: number }>;
  lines: Array<{
    name: string;
    product_id: string;
    barcode: string | null;
    quantity: number;
    unit: number;
    /** After discounts. */
    gross: number;
    rate: number;
    /** Discount on the line (positive for a sale, negative in a refund). */
    discount: number;
    /** DSFinV-K VAT key (5 = not taxable). */
    key: number;
    gv: BusinessCase;
  }>;
  tse: TseRecord | null | undefined;
  refersTo: string | null;
}

export interface Movement {
  kind: 'payout' | 'pay_in';
  amount: number;
}

export interface Period {
  z: ZReport;
  docs: Doc[];
  movements: Movement[];
}

/** The records of one Z period, read from the journal days it spans. */
export async function periodOf(deps: DsfinvkDeps, z: ZReport, days: string[]): Promise<Period> {
  // A period starts after the previous Z (exclusive). The first Z has none: its period_start
  // shows the appliance's first entry, which belongs to it, so it runs from the beginning.
  const start = z.number > 1 && Date.parse(z.period_start) > 0 ? z.period_start : '';
  const inPeriod = (at: string) => at > start && at <= z.at;
  const first = start ? deps.dayOf(Date.parse(start) - 86_400_000) : '';
  const last = deps.dayOf(Date.parse(z.at));
  const sales = new Map<string, Sale>();
  const out: Period = { z, docs: [], movements: [] };
  const terminalOf = new Map<string, string>();
  const fromSale = (s: Sale, kind: Doc['kind'], end: string, tse: TseRecord | undefined): Doc => {
    const view = fiscalView(s);
    return {
      kind,
      id: s.id,
      number: s.number,
      terminal: s.terminal_id,
      cashier: s.cashier,
      start: s.created_at,
      end,
      total: kind === 'abort' ? 0 : view.payments.reduce((n, p) => n + p.amount_cents, 0),
      payments:
        kind === 'abort'
          ? []
          : view.payments.map((p) => ({ provider: p.provider, amount: p.amount_cents })),
      lines:
        kind === 'abort'
          ? []
          : view.lines.map((l) => ({
              name: l.name,
              product_id: l.product_id,
              barcode: l.barcode,
              quantity: l.quantity,
              unit: l.unit_cents,
              gross: l.gross_cents,
              rate: l.vat_rate,
              key: l.not_taxable ? 5 : vatKey(l.vat_rate),
              gv: l.business_case,
              discount: l.discount_cents,
            })),
      tse,
      refersTo: null,
    };
  };
  const fromRefund = (r: Refund): Doc => ({
    kind: 'refund',
    id: r.id,
    number: r.number,
    // A refund is a document of the till that made the sale (older refund lines lack it: below).
    terminal: r.terminal_id ?? '',
    cashier: r.by,
    start: r.created_at,
    end: r.created_at,
    // Per part: money parts are payments (Bar/Unbar), voucher parts lines (the redemption back).
    total: -refundParts(r)
      .filter((p) => p.provider !== 'voucher' || !r.payments)
      .reduce((n, p) => n + p.amount_cents, 0),
    payments: refundParts(r)
      .filter((p) => p.provider !== 'voucher' || !r.payments)
      .map((p) => ({ provider: p.provider, amount: -p.amount_cents })),
    lines: [
      ...refundLines(r),
      ...refundVoucherLines(r).map((l) => ({
        name: l.name,
        product_id: l.product_id,
        barcode: null,
        quantity: 1,
        unit: l.unit_cents,
        gross: l.gross_cents,
        rate: l.vat_rate,
        key: l.not_taxable ? 5 : vatKey(l.vat_rate),
        gv: l.business_case,
        discount: 0,
      })),
    ],
    tse: r.tse,
    refersTo: r.sale_id,
  });
  const refundLines = (r: Refund): Doc['lines'] =>
    r.lines.map((l) => ({
      name: l.name,
      product_id: l.product_id,
      barcode: null,
      quantity: -l.quantity,
      unit: l.unit_price_cents,
      gross: -l.line_total_cents,
      rate: l.vat_rate,
      // A multi-purpose voucher taken back: its sale reversed, not taxable (key 5).
      key: l.voucher_purpose === 'multi' ? 5 : vatKey(l.vat_rate),
      gv: l.voucher_purpose === 'multi' ? 'MehrzweckgutscheinKauf' : gvTyp(l.kind),
      discount: -(l.discount_cents ?? 0),
    }));
  for (const day of days) {
    if (day < first || day > last) continue;
    await deps.journal.readDay(day, (line: AnyLine) => {
      if (line.e === 'created') {
        sales.set(line.sale.id, line.sale);
        terminalOf.set(line.sale.id, line.sale.terminal_id);
      } else if (line.e === 'update') {
        const s = sales.get(line.id);
        if (!s || line.state === 'pending' || line.state === 'open' || !inPeriod(line.at)) return;
        sales.delete(line.id);
        // The settling line carries the sale's payments (split payment); older lines do not.
        const settled: Sale = {
          ...s,
          state: line.state,
          ...(line.payments ? { payments: line.payments } : {}),
          ...(line.provider ? { provider: line.provider } : {}),
        };
        out.docs.push(
          fromSale(settled, line.state === 'succeeded' ? 'sale' : 'abort', line.at, line.tse),
        );
      } else if (line.e === 'refund' && inPeriod(line.at)) out.docs.push(fromRefund(line.refund));
      else if (line.e === 'cash' && inPeriod(line.at))
        out.movements.push({ kind: line.movement.kind, amount: line.movement.amount_cents });
    });
  }
  for (const d of out.docs)
    if (d.kind === 'refund' && !d.terminal)
      d.terminal = await saleTerminal(deps, d.refersTo!, terminalOf);
  return out;
}

/** The till of a sale from the period's days, else from the sale's own day file. */
async function saleTerminal(
  deps: DsfinvkDeps,
  saleId: string,
  known: Map<string, string>,
): Promise<string> {
  let terminal = known.get(saleId);
  const m = /^s_(\d{4})(\d{2})(\d{2})_\d+$/.exec(saleId);
  if (terminal === undefined && m) {
    await deps.journal.readDay(`${m[1]}-${m[2]}-${m[3]}`, (line: AnyLine) => {
      if (line.e === 'created') known.set(line.sale.id, line.sale.terminal_id);
    });
    terminal = known.get(saleId);
  }
  // A refund of a sale no journal file holds any more still needs a till: the master's.
  return terminal ?? deps.tillSerial;
}
