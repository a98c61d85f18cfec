/**
 * The product catalog: catalog.json plus in-memory indexes (id → product, barcode → product)
 * so a scan's lookup is O(1) however large the catalog is. Categories and quick keys live in
 * the same document (categories.ts validates them); CSV import and export: catalog-csv.ts.
 */
import type { Readable } from 'node:stream';
import type { EventBus } from '../events.js';
import type {
  Category,
  CsvImportReport,
  Product,
  ProductInput,
  QuickKeyPage,
} from '../protocol.js';
import { VAT_RATES_DEFAULT } from '../protocol.js';
import type { JsonDocument } from '../store/index.js';
import type { Clock } from '../clock.js';
import { barcodeProblem, barcodeVariants } from './barcode.js';
import {
  CatalogError,
  MAX_CATEGORIES,
  categoryName,
  migrateCatalogV1,
  newId,
  refuseBidi,
  type ProductFields,
  type StagedCategories,
  sameName,
  validateCategory,
  validateQuickKeys,
} from './categories.js';
import { exportCatalogCsv, importCatalogCsv } from './catalog-csv.js';
import type { CsvEncoding } from './csv.js';

export const MAX_PRICE_CENTS = 10_000_000; // 100 000.00: larger is a typo at a counter
export { VAT_RATES_DEFAULT, CatalogError, newId };

export interface CatalogData {
  products: Product[];
  categories: Category[];
  quick_keys: QuickKeyPage[];
}

export const CATALOG_DOC = {
  name: 'catalog.json',
  schemaVersion: 2,
  defaults: (): CatalogData => ({ products: [], categories: [], quick_keys: [] }),
  migrations: { 1: (data: unknown) => migrateCatalogV1(data) },
  validate: (data: unknown): string | null => {
    const d = data as CatalogData | null;
    const products = d?.products;
    if (!Array.isArray(products)) return 'products must be a list';
    if (!Array.isArray(d?.categories)) return 'categories must be a list';
    if (!Array.isArray(d?.quick_keys)) return 'quick_keys must be a list';
    const bad = products.findIndex(
      (p) => !p || typeof p.id !== 'string' || typeof p.name !== 'string',
    );
    return bad === -1 ? null : `products[${bad}] has no id or name`;
  },
};

export const PRODUCT_FIELDS = [
  'barcode',
  'name',
  'price_cents',
  'category_id',
  'category',
  'deposit_product_id',
  'vat_rate',
  'active',
] as const;

export type { ProductFields, StagedCategories };

/** A new product from validated fields: fresh id, no image, created and updated `now`. */
function newProduct(fields: ProductFields, now: string): Product {
  return { id: newId('prd'), ...fields, image_url: null, created_at: now, updated_at: now };
}

/** A product as the fleet centre sends it: its category by name, no image, no deposit link. */
export type PulledProduct = Omit<Product, 'image_url' | 'category_id' | 'deposit_product_id'>;
/** A category as the fleet centre sends it: matched by name; a null colour keeps the local one. */
export interface PulledCategory {
  name: string;
  color: string | null;
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
    readonly vatRates: () => readonly number[] = () => VAT_RATES_DEFAULT,
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

  private now(): string {
    return new Date(this.clock.now()).toISOString();
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
   * the fleet centre): all or nothing. Categories come by name and are matched to the local
   * list (a new name becomes a category in the same write); a pulled category's colour
   * (`#rrggbb`) becomes the local category's colour in the same write; images stay with the
   * product ids that keep them.
   */
  async replaceAll(products: PulledProduct[], categories: PulledCategory[] = []): Promise<void> {
    const staged: StagedCategories = new Map();
    const next: Product[] = products.map((p) => {
      const cat = p.category ? this.categoryByName(p.category, staged) : null;
      return {
        ...p,
        category_id: cat?.id ?? null,
        category: cat?.name ?? null,
        deposit_product_id: null,
        image_url: this.byId.get(p.id)?.image_url ?? null,
      };
    });
    const colour = (name: string) => {
      const c = categories.find((x) => x.color && sameName(x.name, name))?.color;
      return c && /^#[0-9a-fA-F]{6}$/.test(c) ? c.toLowerCase() : null;
    };
    for (const cat of staged.values()) cat.color = colour(cat.name) ?? cat.color;
    const now = this.now();
    const recoloured = this.doc.data.categories.flatMap((c) => {
      const want = colour(c.name);
      return want && want !== c.color ? [{ ...c, color: want, updated_at: now }] : [];
    });
    const changed = new Set([...this.byId.keys(), ...next.map((p) => p.id)]);
    await this.doc.update((d) => {
      d.categories = d.categories.map((c) => recoloured.find((r) => r.id === c.id) ?? c);
      this.addStaged(d, staged);
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

  /** A product without a barcode by its exact name (CSV rows without a barcode match so). */
  byNameWithoutBarcode(name: string): Product | undefined {
    return [...this.byId.values()].find((p) => !p.barcode && p.name === name);
  }

  /**
   * Validates and normalises input; `base` is the product being updated. A category named by
   * `category` that does not exist yet is put into `staged` (created with the product's write).
   */
  validate(
    input: Record<string, unknown>,
    base?: Product,
    staged: StagedCategories = new Map(),
  ): ProductFields {
    for (const key of Object.keys(input)) {
      if (!(PRODUCT_FIELDS as readonly string[]).includes(key))
        throw new CatalogError(400, 'unknown_field', `Unknown field "${key}"`, key);
    }
    const out: ProductFields = {
      barcode: base?.barcode ?? null,
      name: base?.name ?? '',
      price_cents: base?.price_cents ?? 0,
      category_id: base?.category_id ?? null,
      category: base?.category ?? null,
      deposit_product_id: base?.deposit_product_id ?? null,
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
    if (input.category_id !== undefined && input.category !== undefined)
      throw new CatalogError(
        400,
        'invalid_field',
        'send category_id or category (a name), not both',
        'category',
      );
    if (input.category_id !== undefined) {
      if (input.category_id === null || input.category_id === '') {
        out.category_id = null;
        out.category = null;
      } else {
        const cat =
          typeof input.category_id === 'string' ? this.category(input.category_id) : undefined;
        if (!cat)
          throw new CatalogError(
            400,
            'unknown_category',
            `No category ${String(input.category_id).slice(0, 40)}`,
            'category_id',
          );
        out.category_id = cat.id;
        out.category = cat.name;
      }
    }
    if (input.category !== undefined) {
      if (input.category === null || input.category === '') {
        out.category_id = null;
        out.category = null;
      } else {
        const cat = this.categoryByName(categoryName(input.category, 'category'), staged);
        out.category_id = cat.id;
        out.category = cat.name;
      }
    }
    if (input.deposit_product_id !== undefined) {
      const id = input.deposit_product_id;
      if (id === null || id === '') out.deposit_product_id = null;
      else {
        const dep = typeof id === 'string' ? this.byId.get(id) : undefined;
        if (!dep || dep.id === base?.id || dep.deposit_product_id)
          throw new CatalogError(
            400,
            'invalid_deposit',
            'deposit_product_id must name another product that carries no deposit itself',
            'deposit_product_id',
          );
        out.deposit_product_id = dep.id;
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
    const staged: StagedCategories = new Map();
    const fields = this.validate(input as Record<string, unknown>, undefined, staged);
    const product = newProduct(fields, this.now());
    await this.doc.update((d) => {
      this.addStaged(d, staged);
      d.products.push(product);
      this.index(product);
    });
    this.events.emit('products.changed', { product_ids: [product.id] });
    return product;
  }

  /** Creates several products in one durable write (demo seeding); all valid or none. */
  async createMany(inputs: Array<ProductInput | Record<string, unknown>>): Promise<Product[]> {
    this.refuseIfManaged();
    const now = this.now();
    const products: Product[] = [];
    const staged: StagedCategories = new Map();
    const stagedCodes = new Map<string, Product>();
    for (const input of inputs) {
      const fields = this.validate(input as Record<string, unknown>, undefined, staged);
      for (const v of fields.barcode ? barcodeVariants(fields.barcode) : []) {
        const other = stagedCodes.get(v);
        if (other)
          throw new CatalogError(
            409,
            'duplicate_barcode',
            `barcode ${fields.barcode} already belongs to "${other.name}"`,
            'barcode',
          );
      }
      const product = newProduct(fields, now);
      if (product.barcode) stagedCodes.set(product.barcode, product);
      products.push(product);
    }
    await this.doc.update((d) => {
      this.addStaged(d, staged);
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
    const staged: StagedCategories = new Map();
    const fields = this.validate(patch as Record<string, unknown>, before, staged);
    if (fields.deposit_product_id && this.depositHolders(id).length)
      throw new CatalogError(
        400,
        'invalid_deposit',
        'a deposit product cannot carry a deposit itself',
        'deposit_product_id',
      );
    const after: Product = { ...before, ...fields, updated_at: this.now() };
    await this.doc.update((d) => {
      this.addStaged(d, staged);
      this.swap(d, before, after);
    });
    this.events.emit('products.changed', { product_ids: [id] });
    return { before, after };
  }

  async setImageUrl(id: string, imageUrl: string | null): Promise<Product> {
    const before = this.byId.get(id);
    if (!before) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const after: Product = { ...before, image_url: imageUrl, updated_at: this.now() };
    await this.doc.update((d) => this.swap(d, before, after));
    this.events.emit('products.changed', { product_ids: [id] });
    return after;
  }

  /** Puts `after` in the place of `before`, in the document and in the lookup indexes. */
  private swap(d: CatalogData, before: Product, after: Product): void {
    d.products[d.products.findIndex((p) => p.id === before.id)] = after;
    this.unindex(before);
    this.index(after);
  }

  /** Products whose deposit is `id`. */
  private depositHolders(id: string): Product[] {
    return [...this.byId.values()].filter((p) => p.deposit_product_id === id);
  }

  async remove(id: string): Promise<Product> {
    this.refuseIfManaged();
    const p = this.byId.get(id);
    if (!p) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const holders = this.depositHolders(id);
    if (holders.length)
      throw new CatalogError(
        409,
        'deposit_in_use',
        `"${p.name}" is the deposit of "${holders[0].name}"; remove it there first`,
        undefined,
        { name: holders[0].name },
      );
    await this.doc.update((d) => {
      d.products = d.products.filter((x) => x.id !== id);
      d.quick_keys = d.quick_keys.map((page) => ({
        ...page,
        product_ids: page.product_ids.filter((x) => x !== id),
      }));
      this.unindex(p);
    });
    this.events.emit('products.changed', { product_ids: [id] });
    return p;
  }

  // ------------------------------------------------------------------------ categories
  /** Categories in the owner's order. */
  categories(): Category[] {
    return [...this.doc.data.categories].sort((a, b) => a.position - b.position);
  }

  category(id: string): Category | undefined {
    return this.doc.data.categories.find((c) => c.id === id);
  }

  /** The category of that name (any case), or a new one staged for the caller's write. */
  private categoryByName(name: string, staged: StagedCategories): Category {
    const known =
      this.doc.data.categories.find((c) => sameName(c.name, name)) ??
      [...staged.values()].find((c) => sameName(c.name, name));
    if (known) return known;
    const count = this.doc.data.categories.length + staged.size;
    if (count >= MAX_CATEGORIES)
      throw new CatalogError(
        409,
        'too_many_categories',
        `At most ${MAX_CATEGORIES} categories`,
        'category',
        { max: MAX_CATEGORIES },
      );
    const fields = validateCategory({ name }, [...this.doc.data.categories, ...staged.values()]);
    const now = this.now();
    const cat: Category = {
      id: newId('cat'),
      ...fields,
      position: count,
      created_at: now,
      updated_at: now,
    };
    staged.set(cat.id, cat);
    return cat;
  }

  private addStaged(d: CatalogData, staged: StagedCategories): void {
    d.categories.push(...staged.values());
  }

  async createCategory(input: Record<string, unknown>): Promise<Category> {
    if (this.doc.data.categories.length >= MAX_CATEGORIES)
      throw new CatalogError(
        409,
        'too_many_categories',
        `At most ${MAX_CATEGORIES} categories`,
        'name',
        {
          max: MAX_CATEGORIES,
        },
      );
    const fields = validateCategory(input, this.doc.data.categories, undefined, {
      requireColor: true,
    });
    const now = this.now();
    const cat: Category = {
      id: newId('cat'),
      ...fields,
      position: this.doc.data.categories.length,
      created_at: now,
      updated_at: now,
    };
    await this.doc.update((d) => {
      d.categories.push(cat);
    });
    this.categoriesChanged([]);
    return cat;
  }

  /** Changes a category; a rename follows into its products' `category` name. */
  async updateCategory(
    id: string,
    input: Record<string, unknown>,
  ): Promise<{ before: Category; after: Category }> {
    const before = this.category(id);
    if (!before) throw new CatalogError(404, 'not_found', `No category ${id}`);
    const fields = validateCategory(input, this.doc.data.categories, before);
    const after: Category = { ...before, ...fields, updated_at: this.now() };
    const renamed =
      after.name !== before.name ? this.list().filter((p) => p.category_id === id) : [];
    await this.doc.update((d) => {
      d.categories = d.categories.map((c) => (c.id === id ? after : c));
      for (const p of renamed) this.swap(d, p, { ...p, category: after.name });
    });
    this.categoriesChanged(renamed.map((p) => p.id));
    return { before, after };
  }

  /** Removes a category; its products keep selling, without a category. */
  async removeCategory(id: string): Promise<Category> {
    const cat = this.category(id);
    if (!cat) throw new CatalogError(404, 'not_found', `No category ${id}`);
    const members = this.list().filter((p) => p.category_id === id);
    await this.doc.update((d) => {
      d.categories = d.categories
        .filter((c) => c.id !== id)
        .sort((a, b) => a.position - b.position)
        .map((c, i) => (c.position === i ? c : { ...c, position: i }));
      for (const p of members) this.swap(d, p, { ...p, category_id: null, category: null });
    });
    this.categoriesChanged(members.map((p) => p.id));
    return cat;
  }

  /** Puts the categories in the order of `ids` (every category exactly once). */
  async orderCategories(ids: unknown): Promise<Category[]> {
    const cats = this.doc.data.categories;
    if (
      !Array.isArray(ids) ||
      ids.length !== cats.length ||
      new Set(ids).size !== ids.length ||
      !ids.every((id) => cats.some((c) => c.id === id))
    )
      throw new CatalogError(
        400,
        'invalid_field',
        'ids must list every category exactly once',
        'ids',
      );
    await this.doc.update((d) => {
      d.categories = (ids as string[]).map((id, position) => ({
        ...d.categories.find((c) => c.id === id)!,
        position,
      }));
    });
    this.categoriesChanged([]);
    return this.categories();
  }

  private categoriesChanged(productIds: string[]): void {
    this.events.emit('products.changed', { product_ids: productIds });
  }

  // ------------------------------------------------------------------------ quick keys
  quickKeys(): QuickKeyPage[] {
    return this.doc.data.quick_keys;
  }

  async setQuickKeys(input: Record<string, unknown>): Promise<QuickKeyPage[]> {
    const pages = validateQuickKeys(input, (id) => this.byId.has(id));
    await this.doc.update((d) => {
      d.quick_keys = pages;
    });
    this.events.emit('products.changed', { product_ids: [] });
    return pages;
  }

  // ------------------------------------------------------------------------------ CSV
  /** The catalog as a CSV stream (sorted by name; 500 products a chunk). */
  exportCsv(): Readable {
    return exportCatalogCsv(this.list());
  }

  /**
   * Imports rows, matched to existing products by barcode (else by exact name); valid rows are
   * applied in one write, invalid rows are reported with their row number and skipped.
   */
  importCsv(bytes: Uint8Array, encoding: CsvEncoding = 'utf-8'): Promise<CsvImportReport> {
    this.refuseIfManaged();
    return importCatalogCsv(this, bytes, encoding);
  }

  /** Applies a CSV import's planned rows (and the categories they name) in one write. */
  async applyImport(
    planned: Array<{ base?: Product; fields: ProductFields }>,
    staged: StagedCategories,
    report: CsvImportReport,
  ): Promise<void> {
    const now = this.now();
    const changed: string[] = [];
    await this.doc.update((d) => {
      this.addStaged(d, staged);
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
  }
}
