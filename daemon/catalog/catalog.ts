/**
 * The product catalog: catalog.json plus in-memory indexes (id → product, barcode → product)
 * so a scan's lookup is O(1) however large the catalog is.
 */
import { DomainError } from '../core/errors.js';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EventBus } from '../events.js';
import type { Product, ProductInput, CsvImportReport } from '../protocol.js';
import { VAT_RATES_DEFAULT } from '../protocol.js';
import type { JsonDocument } from '../store/index.js';
import type { Clock } from '../clock.js';
import { barcodeProblem, barcodeVariants } from './barcode.js';
import { csvStream, isBlankRecord, unescapeFormula } from '../core/csv.js';
import { bidiControlIn, BIDI_CONTROL_CODE } from '../core/text.js';
import { CsvReadError, readCsvRows, type CsvEncoding, type CsvRow } from './csv.js';

export const MAX_PRICE_CENTS = 10_000_000; // 100 000.00: larger is a typo at a counter
export { VAT_RATES_DEFAULT };

export class CatalogError extends DomainError {
  constructor(status: 400 | 404 | 409, code: string, message: string, field?: string) {
    super(status, code, message, field);
  }
}

export interface CatalogData {
  products: Product[];
}

export const CATALOG_DOC = {
  name: 'catalog.json',
  schemaVersion: 1,
  defaults: (): CatalogData => ({ products: [] }),
  validate: (data: unknown): string | null => {
    const products = (data as CatalogData | null)?.products;
    if (!Array.isArray(products)) return 'products must be a list';
    const bad = products.findIndex(
      (p) => !p || typeof p.id !== 'string' || typeof p.name !== 'string',
    );
    return bad === -1 ? null : `products[${bad}] has no id or name`;
  },
};

const FIELDS = ['barcode', 'name', 'price_cents', 'category', 'vat_rate', 'active'] as const;

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** A new product from validated fields: fresh id, no image, created and updated `now`. */
function newProduct(fields: ReturnType<Catalog['validate']>, now: string): Product {
  return { id: newId('prd'), ...fields, image_url: null, created_at: now, updated_at: now };
}

export class Catalog {
  private byId = new Map<string, Product>();
  private byBarcode = new Map<string, Product>();
  /** Set when the catalog comes from elsewhere (the fleet centre): local edits are refused. */
  private managedBy: string | null = null;

  constructor(
    private readonly doc: JsonDocument<CatalogData>,
    private readonly events: EventBus,
    private readonly clock: Clock,
    private readonly vatRates: () => readonly number[] = () => VAT_RATES_DEFAULT,
  ) {
    for (const p of doc.data.products) this.index(p);
  }

  private index(p: Product): void {
    this.byId.set(p.id, p);
    if (p.barcode) this.byBarcode.set(p.barcode, p);
  }

  private unindex(p: Product): void {
    this.byId.delete(p.id);
    if (p.barcode && this.byBarcode.get(p.barcode) === p) this.byBarcode.delete(p.barcode);
  }

  get size(): number {
    return this.byId.size;
  }

  /** From now on the catalog is maintained by `who` (e.g. "fleet"); local edits are refused. */
  setManaged(who: string | null): void {
    this.managedBy = who;
  }

  get managed(): string | null {
    return this.managedBy;
  }

  private refuseIfManaged(): void {
    if (this.managedBy)
      throw new CatalogError(
        409,
        'catalog_managed_centrally',
        'The catalog of this appliance is maintained in the fleet centre; change it there',
      );
  }

  /**
   * Replaces the whole catalog with `products` in one durable write (a catalog pulled from
   * the fleet centre): all or nothing. Images stay with the product ids that keep them.
   */
  async replaceAll(products: Array<Omit<Product, 'image_url'>>): Promise<void> {
    const next: Product[] = products.map((p) => ({
      ...p,
      image_url: this.byId.get(p.id)?.image_url ?? null,
    }));
    const changed = new Set([...this.byId.keys(), ...next.map((p) => p.id)]);
    await this.doc.update((d) => {
      d.products = next;
      this.byId.clear();
      this.byBarcode.clear();
      for (const p of next) this.index(p);
    });
    this.events.emit('products.changed', { product_ids: [...changed] });
  }

  list(q?: string): Product[] {
    const all = [...this.byId.values()];
    const sorted = all.sort((a, b) => a.name.localeCompare(b.name, 'de'));
    if (!q) return sorted;
    const needle = q.toLocaleLowerCase('de');
    return sorted.filter(
      (p) =>
        p.name.toLocaleLowerCase('de').includes(needle) ||
        (p.barcode ?? '').toLowerCase().includes(needle) ||
        (p.category ?? '').toLocaleLowerCase('de').includes(needle),
    );
  }

  get(id: string): Product | undefined {
    return this.byId.get(id);
  }

  byCode(code: string): Product | undefined {
    for (const v of barcodeVariants(code)) {
      const p = this.byBarcode.get(v);
      if (p) return p;
    }
    return undefined;
  }

  /** Validates and normalises input; `base` is the product being updated. */
  validate(
    input: Record<string, unknown>,
    base?: Product,
  ): Omit<Product, 'id' | 'created_at' | 'updated_at' | 'image_url'> {
    for (const key of Object.keys(input)) {
      if (!(FIELDS as readonly string[]).includes(key))
        throw new CatalogError(400, 'unknown_field', `Unknown field "${key}"`, key);
    }
    const out = {
      barcode: base?.barcode ?? null,
      name: base?.name ?? '',
      price_cents: base?.price_cents ?? 0,
      category: base?.category ?? null,
      vat_rate: base?.vat_rate ?? this.vatRates()[0],
      active: base?.active ?? true,
    };
    if (!base && input.name === undefined)
      throw new CatalogError(400, 'invalid_field', 'name is required', 'name');
    if (!base && input.price_cents === undefined)
      throw new CatalogError(400, 'invalid_field', 'price_cents is required', 'price_cents');
    if (input.name !== undefined) {
      if (typeof input.name !== 'string')
        throw new CatalogError(400, 'invalid_field', 'name must be a string', 'name');
      const name = input.name.trim();
      if (!name || name.length > 120)
        throw new CatalogError(400, 'invalid_field', 'name must be 1-120 characters', 'name');
      refuseBidi(name, 'name');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(name))
        throw new CatalogError(
          400,
          'invalid_field',
          'name must not contain control characters',
          'name',
        );
      out.name = name;
    }
    if (input.price_cents !== undefined) {
      const p = input.price_cents;
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > MAX_PRICE_CENTS) {
        throw new CatalogError(
          400,
          'invalid_field',
          `price_cents must be an integer from 0 to ${MAX_PRICE_CENTS}`,
          'price_cents',
        );
      }
      out.price_cents = p;
    }
    if (input.barcode !== undefined) {
      if (input.barcode === null || input.barcode === '') out.barcode = null;
      else {
        if (typeof input.barcode !== 'string')
          throw new CatalogError(
            400,
            'invalid_field',
            'barcode must be a string or null',
            'barcode',
          );
        refuseBidi(input.barcode, 'barcode');
        const why = barcodeProblem(input.barcode);
        if (why) throw new CatalogError(400, 'invalid_field', `barcode ${why}`, 'barcode');
        out.barcode = input.barcode;
      }
    }
    if (input.category !== undefined) {
      if (input.category === null || input.category === '') out.category = null;
      else if (typeof input.category !== 'string' || input.category.length > 60) {
        throw new CatalogError(
          400,
          'invalid_field',
          'category must be a string of at most 60 characters or null',
          'category',
        );
      } else {
        refuseBidi(input.category, 'category');
        out.category = input.category.trim();
      }
    }
    if (input.vat_rate !== undefined) {
      const rates = this.vatRates();
      if (typeof input.vat_rate !== 'number' || !rates.includes(input.vat_rate)) {
        throw new CatalogError(
          400,
          'invalid_field',
          `vat_rate must be one of ${rates.join(', ')}`,
          'vat_rate',
        );
      }
      out.vat_rate = input.vat_rate;
    }
    if (input.active !== undefined) {
      if (typeof input.active !== 'boolean')
        throw new CatalogError(400, 'invalid_field', 'active must be true or false', 'active');
      out.active = input.active;
    }
    if (out.barcode) {
      for (const v of barcodeVariants(out.barcode)) {
        const holder = this.byBarcode.get(v);
        if (holder && holder.id !== base?.id) {
          throw new CatalogError(
            409,
            'duplicate_barcode',
            `barcode ${out.barcode} already belongs to "${holder.name}"`,
            'barcode',
          );
        }
      }
    }
    return out;
  }

  async create(input: ProductInput | Record<string, unknown>): Promise<Product> {
    this.refuseIfManaged();
    const fields = this.validate(input as Record<string, unknown>);
    const now = new Date(this.clock.now()).toISOString();
    const product = newProduct(fields, now);
    await this.doc.update((d) => {
      d.products.push(product);
      this.index(product);
    });
    this.events.emit('products.changed', { product_ids: [product.id] });
    return product;
  }

  /** Creates several products in one durable write (demo seeding); all valid or none. */
  async createMany(inputs: Array<ProductInput | Record<string, unknown>>): Promise<Product[]> {
    this.refuseIfManaged();
    const now = new Date(this.clock.now()).toISOString();
    const products: Product[] = [];
    const staged = new Map<string, Product>();
    for (const input of inputs) {
      const fields = this.validate(input as Record<string, unknown>);
      for (const v of fields.barcode ? barcodeVariants(fields.barcode) : []) {
        const other = staged.get(v);
        if (other)
          throw new CatalogError(
            409,
            'duplicate_barcode',
            `barcode ${fields.barcode} already belongs to "${other.name}"`,
            'barcode',
          );
      }
      const product = newProduct(fields, now);
      if (product.barcode) staged.set(product.barcode, product);
      products.push(product);
    }
    await this.doc.update((d) => {
      for (const product of products) {
        d.products.push(product);
        this.index(product);
      }
    });
    this.events.emit('products.changed', { product_ids: products.map((p) => p.id) });
    return products;
  }

  async update(
    id: string,
    patch: ProductInput | Record<string, unknown>,
  ): Promise<{ before: Product; after: Product }> {
    this.refuseIfManaged();
    const before = this.byId.get(id);
    if (!before) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const fields = this.validate(patch as Record<string, unknown>, before);
    const after: Product = {
      ...before,
      ...fields,
      updated_at: new Date(this.clock.now()).toISOString(),
    };
    await this.replace(before, after);
    this.events.emit('products.changed', { product_ids: [id] });
    return { before, after };
  }

  async setImageUrl(id: string, imageUrl: string | null): Promise<Product> {
    const before = this.byId.get(id);
    if (!before) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const after: Product = {
      ...before,
      image_url: imageUrl,
      updated_at: new Date(this.clock.now()).toISOString(),
    };
    await this.replace(before, after);
    this.events.emit('products.changed', { product_ids: [id] });
    return after;
  }

  private async replace(before: Product, after: Product): Promise<void> {
    await this.doc.update((d) => this.swap(d, before, after));
  }

  /** Puts `after` in the place of `before`, in the document and in the lookup indexes. */
  private swap(d: CatalogData, before: Product, after: Product): void {
    d.products[d.products.findIndex((p) => p.id === before.id)] = after;
    this.unindex(before);
    this.index(after);
  }

  async remove(id: string): Promise<Product> {
    this.refuseIfManaged();
    const p = this.byId.get(id);
    if (!p) throw new CatalogError(404, 'not_found', `No product ${id}`);
    await this.doc.update((d) => {
      d.products = d.products.filter((x) => x.id !== id);
      this.unindex(p);
    });
    this.events.emit('products.changed', { product_ids: [id] });
    return p;
  }

  // ---------------------------------------------------------------------------- CSV
  static readonly CSV_COLUMNS = ['barcode', 'name', 'price', 'category', 'vat_rate', 'active'];

  /** The catalog as a CSV stream (sorted by name; 500 products a chunk). */
  exportCsv(): Readable {
    const products = this.list();
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
          ]);
    }
    return csvStream(Catalog.CSV_COLUMNS, batches());
  }

  /**
   * Imports rows, matched to existing products by barcode (else by exact name); valid rows are
   * applied in one write, invalid rows are reported with their row number and skipped.
   */
  async importCsv(bytes: Uint8Array, encoding: CsvEncoding = 'utf-8'): Promise<CsvImportReport> {
    this.refuseIfManaged();
    const rows = readCsvRows(bytes, encoding);
    try {
      return await this.importRows(rows);
    } catch (err) {
      if (err instanceof CsvReadError)
        throw new CatalogError(400, 'invalid_csv', `CSV cannot be read: ${err.message}`);
      throw err;
    }
  }

  private async importRows(rows: AsyncGenerator<CsvRow>): Promise<CsvImportReport> {
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
    const known = new Set([...Catalog.CSV_COLUMNS, 'price_cents', 'id']);
    const unknown = header.filter((h) => !known.has(h));
    if (unknown.length)
      throw new CatalogError(400, 'invalid_csv', `Unknown CSV column(s): ${unknown.join(', ')}`);

    const seen = new Set<string>();
    const planned: Array<{ base?: Product; fields: ReturnType<Catalog['validate']> }> = [];
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
        const base =
          (input.barcode ? this.byCode(input.barcode as string) : undefined) ??
          [...this.byId.values()].find((p) => !p.barcode && p.name === input.name);
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
        const fields = this.validate(input, base);
        if (base && FIELDS.every((f) => base[f] === fields[f])) report.unchanged++;
        else planned.push({ base, fields });
      } catch (err) {
        if (!(err instanceof CatalogError)) throw err;
        report.errors.push({ row: rowNo, field: err.field, code: err.code, message: err.message });
      }
    }
    if (planned.length === 0) return report;
    const now = new Date(this.clock.now()).toISOString();
    const changed: string[] = [];
    await this.doc.update((d) => {
      for (const { base, fields } of planned) {
        if (base) {
          const after: Product = { ...base, ...fields, updated_at: now };
          this.swap(d, base, after);
          report.updated++;
          changed.push(after.id);
        } else {
          const product = newProduct(fields, now);
          d.products.push(product);
          this.index(product);
          report.created++;
          changed.push(product.id);
        }
      }
    });
    this.events.emit('products.changed', { product_ids: changed });
    return report;
  }
}

/** Bidi formatting characters would let a name display as another (see core/text.ts). */
function refuseBidi(text: string, field: string): void {
  const ch = bidiControlIn(text);
  if (ch)
    throw new CatalogError(
      400,
      BIDI_CONTROL_CODE,
      `${field} must not contain bidirectional control characters (${ch})`,
      field,
    );
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
