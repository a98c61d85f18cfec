/**
 * The product catalog: catalog.json plus in-memory indexes (product-index.ts: id → product,
 * barcode → product) so a scan's lookup is O(1) however large the catalog is. Categories and quick keys live in
 * the same document (categories.ts validates them, category-list.ts keeps the list); product
 * input is checked in product-input.ts; CSV import and export: catalog-csv.ts.
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
import { ProductIndex } from './product-index.js';
import {
  CatalogError,
  newId,
  type ProductFields,
  type StagedCategories,
  validateQuickKeys,
} from './categories.js';
import { exportCatalogCsv, importCatalogCsv } from './catalog-csv.js';
import { CATALOG_DOC, type CatalogData } from './catalog-data.js';
import { CategoryList, type PulledCategory, type PulledProduct } from './category-list.js';
import {
  MAX_PRICE_CENTS,
  PRODUCT_FIELDS,
  validateProductInput,
  type ProductLookups,
} from './product-input.js';
import type { CsvEncoding } from './csv.js';

export { VAT_RATES_DEFAULT, CatalogError, newId, MAX_PRICE_CENTS, PRODUCT_FIELDS };
export { CATALOG_DOC, type CatalogData };

export type { ProductFields, StagedCategories };

/** A new product from validated fields: fresh id, no image, created and updated `now`. */
function newProduct(fields: ProductFields, now: string): Product {
  return { id: newId('prd'), ...fields, image_url: null, created_at: now, updated_at: now };
}

export type { PulledCategory, PulledProduct } from './category-list.js';

export class Catalog {
  private readonly products: ProductIndex;
  /** Set when the catalog comes from elsewhere (the fleet centre): local edits are refused. */
  private managedBy: string | null = null;
  private readonly cats: CategoryList;
  private readonly lookups: ProductLookups;

  constructor(
    private readonly doc: JsonDocument<CatalogData>,
    private readonly events: EventBus,
    private readonly clock: Clock,
    readonly vatRates: () => readonly number[] = () => VAT_RATES_DEFAULT,
  ) {
    this.products = new ProductIndex(doc.data.products);
    this.cats = new CategoryList({
      doc,
      events,
      clock,
      members: (id) => this.list().filter((p) => p.category_id === id),
      swap: (d, before, after) => this.swap(d, before, after),
    });
    this.lookups = {
      product: (id) => this.products.get(id),
      byBarcode: (code) => this.products.withBarcode(code),
      category: (id) => this.cats.category(id),
      categoryByName: (name, staged) => this.cats.categoryByName(name, staged),
      vatRates: () => this.vatRates(),
    };
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  get size(): number {
    return this.products.size;
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
      const cat = p.category ? this.cats.categoryByName(p.category, staged) : null;
      return {
        ...p,
        category_id: cat?.id ?? null,
        category: cat?.name ?? null,
        deposit_product_id: null,
        image_url: this.products.get(p.id)?.image_url ?? null,
      };
    });
    const recolour = this.cats.pulledColours(categories, staged);
    const changed = new Set([...this.products.ids(), ...next.map((p) => p.id)]);
    await this.doc.update((d) => {
      recolour(d);
      this.cats.addStaged(d, staged);
      d.products = next;
      this.products.reset(next);
    });
    this.events.emit('products.changed', { product_ids: [...changed] });
  }

  /** By name; `q` keeps those whose name, barcode or category holds it. */
  list(q?: string): Product[] {
    return this.products.search(q);
  }

  get(id: string): Product | undefined {
    return this.products.get(id);
  }

  byCode(code: string): Product | undefined {
    return this.products.byCode(code);
  }

  /** A product by its exact name (a CSV row's deposit). */
  byName(name: string): Product | undefined {
    return this.products.byName(name);
  }

  /** A product without a barcode by its exact name (CSV rows without a barcode match so). */
  byNameWithoutBarcode(name: string): Product | undefined {
    return this.products.byNameWithoutBarcode(name);
  }

  /**
   * Validates and normalises input (product-input.ts); `base` is the product being updated. A
   * category named by `category` that does not exist yet is put into `staged`.
   */
  validate(
    input: Record<string, unknown>,
    base?: Product,
    staged: StagedCategories = new Map(),
  ): ProductFields {
    return validateProductInput(this.lookups, input, base, staged);
  }

  async create(input: ProductInput | Record<string, unknown>): Promise<Product> {
    this.refuseIfManaged();
    const staged: StagedCategories = new Map();
    const fields = this.validate(input as Record<string, unknown>, undefined, staged);
    const product = newProduct(fields, this.now());
    await this.doc.update((d) => {
      this.cats.addStaged(d, staged);
      d.products.push(product);
      this.products.add(product);
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
    const batch = new ProductIndex();
    for (const input of inputs) {
      const fields = this.validate(input as Record<string, unknown>, undefined, staged);
      const other = fields.barcode ? batch.byCode(fields.barcode) : undefined;
      if (other)
        throw new CatalogError(
          409,
          'duplicate_barcode',
          `barcode ${fields.barcode} already belongs to "${other.name}"`,
          'barcode',
        );
      const product = newProduct(fields, now);
      batch.add(product);
      products.push(product);
    }
    await this.doc.update((d) => {
      this.cats.addStaged(d, staged);
      for (const product of products) {
        d.products.push(product);
        this.products.add(product);
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
    const before = this.products.get(id);
    if (!before) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const staged: StagedCategories = new Map();
    const fields = this.validate(patch as Record<string, unknown>, before, staged);
    if (fields.deposit_product_id && this.products.depositHolders(id).length)
      throw new CatalogError(
        400,
        'invalid_deposit',
        'a deposit product cannot carry a deposit itself',
        'deposit_product_id',
      );
    const after: Product = { ...before, ...fields, updated_at: this.now() };
    await this.doc.update((d) => {
      this.cats.addStaged(d, staged);
      this.swap(d, before, after);
    });
    this.events.emit('products.changed', { product_ids: [id] });
    return { before, after };
  }

  async setImageUrl(id: string, imageUrl: string | null): Promise<Product> {
    const before = this.products.get(id);
    if (!before) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const after: Product = { ...before, image_url: imageUrl, updated_at: this.now() };
    await this.doc.update((d) => this.swap(d, before, after));
    this.events.emit('products.changed', { product_ids: [id] });
    return after;
  }

  /** Puts `after` in the place of `before`, in the document and in the lookup indexes. */
  private swap(d: CatalogData, before: Product, after: Product): void {
    d.products[d.products.findIndex((p) => p.id === before.id)] = after;
    this.products.replace(before, after);
  }

  async remove(id: string): Promise<Product> {
    this.refuseIfManaged();
    const p = this.products.get(id);
    if (!p) throw new CatalogError(404, 'not_found', `No product ${id}`);
    const holders = this.products.depositHolders(id);
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
      this.products.remove(p);
    });
    this.events.emit('products.changed', { product_ids: [id] });
    return p;
  }

  // ------------------------------------------------------------------------ categories
  /** Categories in the owner's order. */
  categories(): Category[] {
    return this.cats.categories();
  }

  category(id: string): Category | undefined {
    return this.cats.category(id);
  }

  createCategory(input: Record<string, unknown>): Promise<Category> {
    return this.cats.createCategory(input);
  }

  /** Changes a category; a rename follows into its products' `category` name. */
  updateCategory(
    id: string,
    input: Record<string, unknown>,
  ): Promise<{ before: Category; after: Category }> {
    return this.cats.updateCategory(id, input);
  }

  setCategoryImageUrl(id: string, imageUrl: string | null): Promise<Category> {
    return this.cats.setImageUrl(id, imageUrl);
  }

  /** Removes a category; its products keep selling, without a category. */
  removeCategory(id: string): Promise<Category> {
    return this.cats.removeCategory(id);
  }

  /** Puts the categories in the order of `ids` (every category exactly once). */
  orderCategories(ids: unknown): Promise<Category[]> {
    return this.cats.orderCategories(ids);
  }

  // ------------------------------------------------------------------------ quick keys
  quickKeys(): QuickKeyPage[] {
    return this.doc.data.quick_keys;
  }

  async setQuickKeys(input: Record<string, unknown>): Promise<QuickKeyPage[]> {
    const pages = validateQuickKeys(input, (id) => this.products.has(id));
    await this.doc.update((d) => {
      d.quick_keys = pages;
    });
    this.events.emit('products.changed', { product_ids: [] });
    return pages;
  }

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
      this.cats.addStaged(d, staged);
      for (const { base, fields } of planned) {
        if (base) {
          const after: Product = { ...base, ...fields, updated_at: now };
          this.swap(d, base, after);
          report.updated++;
          changed.push(after.id);
        } else {
          const product = newProduct(fields, now);
          d.products.push(product);
          this.products.add(product);
          report.created++;
          changed.push(product.id);
        }
      }
    });
    this.events.emit('products.changed', { product_ids: changed });
  }
}
