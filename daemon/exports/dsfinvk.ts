/**
 * DSFinV-K export (what a German tax auditor asks a till for): a ZIP of index.xml, its DTD and
 * the CSV files of the three modules for the Z closings (cash point closings) closed on the
 * given local days. Files, columns and formats: ./dsfinvk-spec.ts.
 *
 * Streamed: yazl writes the ZIP as the client reads it; each CSV is a stream that reads the
 * journal one Z period (one day file) at a time, so a year never sits in memory.
 *
 * What goes in, per Z report (period (previous Z, this Z]): every sale paid in the period
 * (`Beleg`), every sale aborted in it (`AVBelegabbruch`, no amount), every refund (`Beleg` with
 * negative amounts, referencing its sale), each with its TSE answer (transactions_tse; an
 * unsigned one says `TSE ausgefallen`), and cash movements as business cases. The closing
 * module's sums are computed here from those records again (not copied from the Z report), the
 * same way the Z report computes them: VAT per rate from the summed gross. Deposits, returned
 * deposits and discounts are business cases of their own (dsfinvk-cases.ts).
 */
import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import { csvWriter, type CsvCell } from '../core/csv.js';
import { vatBreakdown, vatOfGross } from '../receipts/vat.js';
import { providerName } from '../receipts/labels.js';
import { localParts } from '../time.js';
import { DSFINVK_FILES } from './dsfinvk-spec.js';
import { GDPDU_DTD, indexXml } from './gdpdu-index.js';
import { CaseSums } from './dsfinvk-cases.js';
import { isCash } from '../sale-payments.js';
import { periodOf, vatKey, VAT_KEYS, type DsfinvkDeps, type Period } from './dsfinvk-docs.js';

export { vatKey, VAT_KEYS, type DsfinvkDeps };

export const TAXONOMY_VERSION = '2.3';

/** 1234 cents, 2 places → "12,34"; 5 places → "12,34000"; -5 → "-0,05". */
export function num(cents: number, places = 2): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const frac = String(abs % 100).padStart(2, '0') + '0'.repeat(Math.max(0, places - 2));
  return `${sign}${Math.floor(abs / 100)},${frac}`;
}

/** Quantity with 3 decimals: 2 → "2,000". */
const qty = (n: number) => `${n < 0 ? '-' : ''}${Math.abs(n)},000`;

/** The rows of every file for one period. */
function rowsOf(deps: DsfinvkDeps, p: Period): Map<string, CsvCell[][]> {
  const t = (iso: string) => {
    const x = localParts(iso, deps.timezone);
    return `${x.year}-${x.month}-${x.day}T${x.hour}:${x.minute}:${x.second}`;
  };
  const z = p.z;
  const Z: CsvCell[] = [deps.tillSerial, t(z.at), z.number];
  const rows = new Map<string, CsvCell[][]>(DSFINVK_FILES.map((f) => [f.file, []]));
  const add = (file: string, ...cells: CsvCell[]) => rows.get(file)!.push([...Z, ...cells]);
  const shop = deps.shop();
  const [street = '', cityLine = ''] = shop.address_lines;
  const m = /^(\d{4,5})\s+(.*)$/.exec(cityLine);
  const plz = m ? m[1] : '';
  const city = m ? m[2] : cityLine;
  const cashType = (provider: string) => (isCash(provider) ? 'Bar' : 'Unbar');

  // Closing sums, from the single records: per business case and VAT key.
  const cases = new CaseSums();
  const payments = new Map<string, { type: string; name: string; amount: number }>();
  let cashTotal = 0;
  let allPayments = 0;
  const terminals = new Set<string>();

  for (const d of p.docs) {
    const bon = [d.id];
    terminals.add(d.terminal);
    add(
      'transactions.csv',
      ...bon,
      d.number,
      d.kind === 'abort' ? 'AVBelegabbruch' : 'Beleg',
      d.kind === 'refund' ? 'Erstattung' : '',
      d.terminal,
      0,
      t(d.start),
      t(d.end),
      d.cashier ?? '',
      d.cashier ?? '',
      num(d.total),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    );
    // Not-taxable lines (key 5) apart from those of 0 % (key 6): grouped by key, not rate.
    for (const key of [...new Set(d.lines.map((l) => l.key))].sort()) {
      const of = d.lines.filter((l) => l.key === key);
      for (const v of vatBreakdown(
        of.map((l) => ({ vat_rate: l.rate, line_total_cents: l.gross })),
      ))
        add(
          'transactions_vat.csv',
          ...bon,
          key,
          num(v.gross_cents, 5),
          num(v.net_cents, 5),
          num(v.vat_cents, 5),
        );
    }
    for (const p of d.payments) {
      if (p.amount === 0) continue;
      const type = cashType(p.provider);
      const name = providerName(p.provider, 'de');
      add('datapayment.csv', ...bon, type, name, deps.currency, '', num(p.amount));
      const key = `${type}|${p.provider}`;
      const pay = payments.get(key) ?? { type, name, amount: 0 };
      pay.amount += p.amount;
      payments.set(key, pay);
      allPayments += p.amount;
      if (isCash(p.provider)) cashTotal += p.amount;
    }
    if (d.refersTo)
      add('references.csv', ...bon, '', 'Transaktion', '', '', deps.tillSerial, '', d.refersTo);
    const tse = d.tse;
    if (tse)
      add(
        'transactions_tse.csv',
        ...bon,
        1,
        tse.transaction_number ?? '',
        tse.time_start ?? '',
        tse.time_end ?? '',
        tse.process_type,
        tse.signature_counter ?? '',
        tse.signature ?? '',
        tse.failed ? `TSE ausgefallen (${tse.error ?? 'tse_error'})` : '',
        tse.process_data,
      );
    d.lines.forEach((l, i) => {
      const pos = [d.id, i + 1];
      const key = l.key;
      const vat = vatOfGross(l.gross, l.rate);
      add(
        'lines.csv',
        ...pos,
        '',
        l.name,
        d.terminal,
        l.gv,
        '',
        0,
        0,
        0,
        l.product_id,
        l.barcode ?? '',
        '',
        '',
        qty(l.quantity),
        '1,000',
        'Stück',
        num(l.unit, 5),
      );
      add('lines_vat.csv', ...pos, key, num(l.gross, 5), num(l.gross - vat, 5), num(vat, 5));
      // Price finding: the price before discounts, then the discount (negative).
      const base = l.gross + l.discount;
      const baseVat = vatOfGross(base, l.rate);
      add(
        'itemamounts.csv',
        ...pos,
        'base_amount',
        key,
        num(base, 5),
        num(base - baseVat, 5),
        num(baseVat, 5),
      );
      if (l.discount) {
        const dv = baseVat - vat;
        add(
          'itemamounts.csv',
          ...pos,
          'discount',
          key,
          num(-l.discount, 5),
          num(-l.discount + dv, 5),
          num(-dv, 5),
        );
      }
      cases.add(l.gv, key, l.rate, base);
      cases.add('Rabatt', key, l.rate, -l.discount);
    });
  }

  // Cash point closing: sums per business case and VAT key, per payment type, per currency.
  for (const c of cases.rows())
    add('businesscases.csv', c.typ, '', 0, c.key, num(c.gross, 5), num(c.net, 5), num(c.vat, 5));
  for (const kind of ['pay_in', 'payout'] as const) {
    const sum = p.movements.filter((mv) => mv.kind === kind).reduce((s, mv) => s + mv.amount, 0);
    if (!sum) continue;
    const signed = kind === 'pay_in' ? sum : -sum;
    add(
      'businesscases.csv',
      kind === 'pay_in' ? 'Einzahlung' : 'Auszahlung',
      '',
      0,
      5,
      num(signed, 5),
      num(signed, 5),
      num(0, 5),
    );
    cashTotal += signed;
    allPayments += signed;
    const pay = payments.get('Bar|cash') ?? {
      type: 'Bar',
      name: providerName('cash', 'de'),
      amount: 0,
    };
    pay.amount += signed;
    payments.set('Bar|cash', pay);
  }
  for (const pay of payments.values()) add('payment.csv', pay.type, pay.name, num(pay.amount));
  add('cash_per_currency.csv', deps.currency, num(cashTotal));

  // Master data as it stood at this closing.
  add(
    'cashpointclosing.csv',
    deps.dayOf(Date.parse(z.at)),
    TAXONOMY_VERSION,
    p.docs[0]?.id ?? '',
    p.docs.at(-1)?.id ?? '',
    shop.name,
    street,
    plz,
    city,
    'DEU',
    shop.tax_id,
    '',
    num(allPayments),
    num(cashTotal),
  );
  add('location.csv', shop.name, street, plz, city, 'DEU', '');
  add(
    'cashregister.csv',
    deps.software.brand,
    deps.software.model,
    deps.tillSerial,
    deps.software.name,
    deps.software.version,
    deps.currency,
    0,
  );
  for (const term of [...terminals].sort())
    add(
      'slaves.csv',
      term,
      deps.software.brand,
      'Browser-Kasse',
      term,
      deps.software.name,
      deps.software.version,
    );
  for (const k of VAT_KEYS) add('vat.csv', k.key, num(Math.round(k.rate * 100)), k.text);
  const tse = deps.tse();
  if (tse)
    add(
      'tse.csv',
      1,
      tse.serial_number ?? '',
      tse.signature_algorithm ?? '',
      tse.time_format ?? '',
      'UTF-8',
      tse.public_key ?? '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    );
  return rows;
}

/** The ZIP: index.xml, the DTD, and every CSV (header first, then one chunk per Z period). */
export function dsfinvkZip(deps: DsfinvkDeps, from: string, to: string): Readable {
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  zip.outputStream.pipe(out);
  zip.outputStream.on('error', (err) => out.destroy(err));
  const csv = csvWriter({ delimiter: ';', spreadsheetSafe: false });
  const created = new Date().toISOString();
  zip.addBuffer(
    Buffer.from(indexXml({ from, to, supplier: deps.shop().name, created })),
    'index.xml',
  );
  zip.addBuffer(Buffer.from(GDPDU_DTD), 'gdpdu-01-09-2004.dtd');
  for (const f of DSFINVK_FILES) {
    async function* text(): AsyncGenerator<string> {
      yield csv.header(f.cols.map((c) => c[0]));
      const days = await deps.journal.days();
      for await (const z of deps.zReports()) {
        const day = deps.dayOf(Date.parse(z.at));
        if (day < from || day > to) continue;
        const rows = rowsOf(deps, await periodOf(deps, z, days)).get(f.file)!;
        if (rows.length) yield csv.rows(rows);
      }
    }
    zip.addReadStream(Readable.from(text(), { objectMode: false }), f.file);
  }
  zip.end();
  return out;
}
