/** catalog.json: its shape, schema version, migration and load-time check. */
import type { Category, Product, QuickKeyPage } from '../protocol.js';
import { migrateCatalogV1 } from './categories.js';

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
