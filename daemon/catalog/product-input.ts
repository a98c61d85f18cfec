/**
 * A product's fields as a create, update or CSV row sends them: checked and normalised into
 * ProductFields against the catalog's lookups (categories by id or name, barcodes, deposit
 * products, the configured VAT rates). The catalog (catalog.ts) owns the data; this file only
 * reads it through ProductLookups.
 */
import type { Category, Product } from '../protocol.js';
import { barcodeProblem, barcodeVariants } from './barcode.js';
import {
  CatalogError,
  categoryName,
  refuseBidi,
  type ProductFields,
  type StagedCategories,
} from './categories.js';

export const MAX_PRICE_CENTS = 10_000_000; // 100 000.00: larger is a typo at a counter

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

/** What validation reads from the catalog. */
export interface ProductLookups {
  product(id: string): Product | undefined;
  /** The product holding exactly this barcode. */
  byBarcode(code: string): Product | undefined;
  category(id: string): Category | undefined;
  /** The category of that name (any case), or a new one staged for the caller's write. */
  categoryByName(name: string, staged: StagedCategories): Category;
  vatRates(): readonly number[];
}

/**
 * Validates and normalises input; `base` is the product being updated. A category named by
 * `category` that does not exist yet is put into `staged` (created with the product's write).
 */
export function validateProductInput(
  ctx: ProductLookups,
  input: Record<string, unknown>,
  base: Product | undefined,
  staged: StagedCategories,
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
    vat_rate: base?.vat_rate ?? ctx.vatRates()[0],
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
        throw new CatalogError(400, 'invalid_field', 'barcode must be a string or null', 'barcode');
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
        typeof input.category_id === 'string' ? ctx.category(input.category_id) : undefined;
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
      const cat = ctx.categoryByName(categoryName(input.category, 'category'), staged);
      out.category_id = cat.id;
      out.category = cat.name;
    }
  }
  if (input.deposit_product_id !== undefined) {
    const id = input.deposit_product_id;
    if (id === null || id === '') out.deposit_product_id = null;
    else {
      const dep = typeof id === 'string' ? ctx.product(id) : undefined;
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
    const rates = ctx.vatRates();
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
      const holder = ctx.byBarcode(v);
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
