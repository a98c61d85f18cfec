/**
 * The catalog's in-memory lookups: id → product and barcode → product, so a scan's lookup is
 * O(1) however large the catalog is (a scanned UPC-A finds its EAN-13 form and back), plus the
 * searches the admin list and the CSV import make. It holds no document: the catalog keeps it
 * in step with catalog.json inside each write.
 */
import type { Product } from '../protocol.js';
import { barcodeVariants } from './barcode.js';

export class ProductIndex {
  private readonly byId = new Map<string, Product>();
  private readonly byBarcode = new Map<string, Product>();

  constructor(products: Iterable<Product> = []) {
    for (const p of products) this.add(p);
  }

  get size(): number {
    return this.byId.size;
  }

  add(p: Product): void {
    this.byId.set(p.id, p);
    if (p.barcode) this.byBarcode.set(p.barcode, p);
  }

  remove(p: Product): void {
    this.byId.delete(p.id);
    if (p.barcode && this.byBarcode.get(p.barcode) === p) this.byBarcode.delete(p.barcode);
  }

  /** `after` in the place of `before`. */
  replace(before: Product, after: Product): void {
    this.remove(before);
    this.add(after);
  }

  /** Everything anew (a whole catalog pulled from the fleet centre). */
  reset(products: Iterable<Product>): void {
    this.byId.clear();
    this.byBarcode.clear();
    for (const p of products) this.add(p);
  }

  get(id: string): Product | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** The product holding exactly this barcode. */
  withBarcode(code: string): Product | undefined {
    return this.byBarcode.get(code);
  }

  /** The product a scanned code stands for (its UPC-A / EAN-13 forms included). */
  byCode(code: string): Product | undefined {
    for (const v of barcodeVariants(code)) {
      const p = this.byBarcode.get(v);
      if (p) return p;
    }
    return undefined;
  }

  /** By name (German order); `q` keeps those whose name, barcode or category holds it. */
  search(q?: string): Product[] {
    const sorted = [...this.byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'de'));
    if (!q) return sorted;
    const needle = q.toLocaleLowerCase('de');
    return sorted.filter(
      (p) =>
        p.name.toLocaleLowerCase('de').includes(needle) ||
        (p.barcode ?? '').toLowerCase().includes(needle) ||
        (p.category ?? '').toLocaleLowerCase('de').includes(needle),
    );
  }

  /** A product by its exact name (a CSV row's deposit). */
  byName(name: string): Product | undefined {
    return [...this.byId.values()].find((p) => p.name === name);
  }

  /** A product without a barcode by its exact name (CSV rows without a barcode match so). */
  byNameWithoutBarcode(name: string): Product | undefined {
    return [...this.byId.values()].find((p) => !p.barcode && p.name === name);
  }

  /** Products whose deposit is `id`. */
  depositHolders(id: string): Product[] {
    return [...this.byId.values()].filter((p) => p.deposit_product_id === id);
  }
}
