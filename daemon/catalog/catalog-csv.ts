/**
 * The catalog's CSV import and export (the owner's spreadsheet). A row's `category` is the
 * category's name: exported as the name, imported by name (an unknown name creates the
 * category, so a spreadsheet round trip keeps every product in its category). A row's
 * `deposit` is its deposit product's name, likewise.
 */
import type { Readable } from 'node:stream';
import type { CsvImportReport, Product } from '../protocol.js';
import { csvStream, isBlankRecord, unescapeFormula } from '../core/csv.js';
import { barcodeVariants } from './barcode.js';
import { CatalogError, type ProductFields, type StagedCategories } from './categories.js';
import { CsvReadError, readCsvRows, type CsvEncoding, type CsvRow } from './csv.js';

/** What the import needs of the catalog (catalog.ts passes itself). */
export interface ImportTarget {
  byCode(code: string): Product | undefined;
  /** Any product of exactly that name (a row's deposit is named so). */
  byName(name: string): Product | undefined;
  byNameWithoutBarcode(name: string): Product | undefined;
  validate(
    input: Record<string, unknown>,
    base: Product | undefined,
    staged: StagedCategories,
  ): ProductFields;
  applyImport(
    planned: Array<{ base?: Product; fields: ProductFields }>,
    staged: StagedCategories,
    report: CsvImportReport,
  ): Promise<void>;
}

export const CSV_COLUMNS = [
  'barcode',
  'name',
  'price',
  'category',
  'vat_rate',
  'active',
  'deposit',
];

/** Fields a CSV row can set; a row equal in all of them counts as unchanged. */
const ROW_FIELDS = [
  'barcode',
  'name',
  'price_cents',
  'category_id',
  'vat_rate',
  'active',
  'deposit_product_id',
] as const;

/** The catalog as a CSV stream (500 products a chunk). */
export function exportCatalogCsv(products: Product[]): Readable {
  const names = new Map(products.map((p) => [p.id, p.name]));
  function* batches() {
    for (let i = 0; i < products.length; i += 500)
      yield products
        .slice(i, i + 500)
        .map((p) => [
          p.barcode,
          p.name,
          (p.price_cents / 100).toFixed(2),
          p.category,
          p.vat_rate,
          p.active ? 'yes' : 'no',
          p.deposit_product_id ? (names.get(p.deposit_product_id) ?? '') : '',
        ]);
  }
  return csvStream(CSV_COLUMNS, batches());
}

export async function importCatalogCsv(
  catalog: ImportTarget,
  bytes: Uint8Array,
  encoding: CsvEncoding,
): Promise<CsvImportReport> {
  const rows = readCsvRows(bytes, encoding);
  try {
    return await importRows(catalog, rows);
  } catch (err) {
    if (err instanceof CsvReadError)
      throw new CatalogError(400, 'invalid_csv', `CSV cannot be read: ${err.message}`);
    throw err;
  }
}

async function importRows(
  catalog: ImportTarget,
  rows: AsyncGenerator<CsvRow>,
): Promise<CsvImportReport> {
  const report: CsvImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
  const first = (await rows.next()).value as CsvRow | undefined;
  if (first && 'invalid' in first)
    throw new CatalogError(
      400,
      'invalid_encoding',
      'The header row is not UTF-8 text; if the file comes from Excel, import it as Windows-1252',
    );
  if (!first || isBlankRecord(first.fields))
    throw new CatalogError(400, 'invalid_csv', 'CSV is empty or its first row is blank');
  const header = first.fields.map((h) => {
    const name = h.trim().toLowerCase();
    return HEADER_ALIASES[name] ?? name;
  });
  const col = (name: string) => header.indexOf(name);
  if (col('name') === -1 || (col('price') === -1 && col('price_cents') === -1)) {
    throw new CatalogError(
      400,
      'invalid_csv',
      'CSV header needs at least the columns name and price (or price_cents)',
    );
  }
  const known = new Set([...CSV_COLUMNS, 'price_cents', 'id']);
  const unknown = header.filter((h) => !known.has(h));
  if (unknown.length)
    throw new CatalogError(400, 'invalid_csv', `Unknown CSV column(s): ${unknown.join(', ')}`);

  const seen = new Set<string>();
  const staged: StagedCategories = new Map();
  const planned: Array<{ base?: Product; fields: ProductFields }> = [];
  for await (const record of rows) {
    const rowNo = record.row; // 1-based, header is row 1, as a spreadsheet shows it
    if ('invalid' in record) {
      report.errors.push({
        row: rowNo,
        field: header[record.column],
        code: 'invalid_utf8',
        message:
          'this row is not UTF-8 text; if the file comes from Excel, import it as Windows-1252',
      });
      continue;
    }
    const row = record.fields;
    if (isBlankRecord(row)) continue;
    const cell = (name: string) =>
      col(name) === -1 ? undefined : unescapeFormula((row[col(name)] ?? '').trim());
    try {
      const input: Record<string, unknown> = { name: cell('name') };
      const barcode = cell('barcode');
      if (barcode !== undefined) input.barcode = barcode === '' ? null : barcode;
      const cents = cell('price_cents');
      const price = cell('price');
      if (cents !== undefined && cents !== '') {
        if (!/^\d+$/.test(cents))
          throw new CatalogError(
            400,
            'invalid_field',
            'price_cents must be a whole number',
            'price_cents',
          );
        input.price_cents = Number(cents);
      } else input.price_cents = parsePrice(price ?? '');
      const category = cell('category');
      if (category !== undefined) input.category = category === '' ? null : category;
      const vat = cell('vat_rate');
      if (vat !== undefined && vat !== '')
        input.vat_rate = Number(vat.replace('%', '').replace(',', '.'));
      const active = cell('active');
      if (active !== undefined && active !== '') input.active = parseBool(active);
      const deposit = cell('deposit');
      if (deposit !== undefined) input.deposit_product_id = depositId(catalog, deposit);
      const base =
        (input.barcode ? catalog.byCode(input.barcode as string) : undefined) ??
        catalog.byNameWithoutBarcode(String(input.name));
      // UPC-A and its EAN-13 form (leading 0) are one article: one key for both.
      const key = input.barcode
        ? barcodeVariants(input.barcode as string).sort()[0]
        : `name:${String(input.name)}`;
      if (seen.has(key))
        throw new CatalogError(
          400,
          'duplicate_row',
          `appears twice in the file (${key})`,
          input.barcode ? 'barcode' : 'name',
        );
      seen.add(key);
      const fields = catalog.validate(input, base, staged);
      if (base && ROW_FIELDS.every((f) => base[f] === fields[f])) report.unchanged++;
      else planned.push({ base, fields });
    } catch (err) {
      if (!(err instanceof CatalogError)) throw err;
      report.errors.push({ row: rowNo, field: err.field, code: err.code, message: err.message });
    }
  }
  // A category staged only by rows refused later is not created.
  const used = new Set(planned.map((p) => p.fields.category_id));
  for (const id of [...staged.keys()]) if (!used.has(id)) staged.delete(id);
  if (planned.length > 0) await catalog.applyImport(planned, staged, report);
  return report;
}

/**
 * A row's deposit by the deposit product's name ('' = none). The deposit product must exist
 * already: a file that brings both is imported twice (the second run links the deposits).
 */
function depositId(catalog: ImportTarget, name: string): string | null {
  if (name === '') return null;
  const dep = catalog.byName(name);
  if (!dep)
    throw new CatalogError(
      400,
      'unknown_deposit',
      `no product "${name.slice(0, 60)}" to be the deposit (import it first)`,
      'deposit',
    );
  return dep.id;
}

/**
 * Column names a spreadsheet may use instead of ours (German shops: "Preis", "Artikel"...).
 * Header cells are compared in lower case.
 */
const HEADER_ALIASES: Record<string, string> = {
  ean: 'barcode',
  gtin: 'barcode',
  strichcode: 'barcode',
  artikel: 'name',
  bezeichnung: 'name',
  preis: 'price',
  kategorie: 'category',
  warengruppe: 'category',
  mwst: 'vat_rate',
  'mwst.': 'vat_rate',
  'ust.': 'vat_rate',
  aktiv: 'active',
  pfand: 'deposit',
};

/** "1,50", "1.50", "1.50 €", "2" → cents; throws CatalogError naming the price field. */
export function parsePrice(raw: string): number {
  const s = raw.replace(/€|EUR/gi, '').trim();
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m)
    throw new CatalogError(
      400,
      'invalid_field',
      `price "${raw}" is not an amount like 1.50`,
      'price',
    );
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

function parseBool(raw: string): boolean {
  const s = raw.toLowerCase();
  if (['yes', 'ja', 'true', '1', 'y', 'x'].includes(s)) return true;
  if (['no', 'nein', 'false', '0', 'n'].includes(s)) return false;
  throw new CatalogError(400, 'invalid_field', `active "${raw}" must be yes or no`, 'active');
}
