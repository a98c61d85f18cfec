/**
 * Categories and quick keys: the till's tabs (a managed list with name, colour, order and an
 * optional symbol) and the owner's quick-keys pages (product tiles in a fixed order). Both
 * live in catalog.json next to the products; this file holds their validation and the
 * migration of catalog.json version 1 (free-text `category` on each product) to version 2.
 */
import { randomBytes } from 'node:crypto';
import { DomainError } from '../core/errors.js';
import { bidiControlIn, BIDI_CONTROL_CODE } from '../core/text.js';
import type { Category, Product, QuickKeyPage } from '../protocol.js';
import { QUICK_KEY_PAGES_MAX, QUICK_KEYS_PER_PAGE } from '../protocol.js';

export class CatalogError extends DomainError {
  constructor(
    status: 400 | 404 | 409,
    code: string,
    message: string,
    field?: string,
    params?: Record<string, unknown>,
  ) {
    super(status, code, message, field, params);
  }
}

export const MAX_CATEGORIES = 60;

/** A product's validated fields (what a create, update or CSV row sets). */
export type ProductFields = Omit<Product, 'id' | 'created_at' | 'updated_at' | 'image_url'>;

/** Categories a validation would create (a product or CSV row naming an unknown category). */
export type StagedCategories = Map<string, Category>;

/** Colours given to categories in turn (readable with white text on the till's tabs). */
export const CATEGORY_PALETTE = [
  '#1d4ed8',
  '#b45309',
  '#047857',
  '#7c3aed',
  '#be123c',
  '#0e7490',
  '#4d7c0f',
  '#a21caf',
  '#475569',
  '#c2410c',
];

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** Bidi formatting characters would let a name display as another (see core/text.ts). */
export function refuseBidi(text: string, field: string): void {
  const ch = bidiControlIn(text);
  if (ch)
    throw new CatalogError(
      400,
      BIDI_CONTROL_CODE,
      `${field} must not contain bidirectional control characters (${ch})`,
      field,
    );
}

/** A category name as the owner types it: trimmed, 1-60 characters, no control characters. */
export function categoryName(raw: unknown, field = 'name'): string {
  if (typeof raw !== 'string')
    throw new CatalogError(400, 'invalid_field', `${field} must be a string`, field);
  const name = raw.trim();
  if (!name || name.length > 60)
    throw new CatalogError(400, 'invalid_field', `${field} must be 1-60 characters`, field);
  refuseBidi(name, field);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new CatalogError(
      400,
      'invalid_field',
      `${field} must not contain control characters`,
      field,
    );
  return name;
}

export function sameName(a: string, b: string): boolean {
  return a.toLocaleLowerCase('de') === b.toLocaleLowerCase('de');
}

/** Validates a category create/update body; `base` is the category being changed. */
export function validateCategory(
  input: Record<string, unknown>,
  others: Category[],
  base?: Category,
  opts: { requireColor?: boolean } = {},
): Pick<Category, 'name' | 'color' | 'icon'> {
  for (const key of Object.keys(input))
    if (!['name', 'color', 'icon'].includes(key))
      throw new CatalogError(400, 'unknown_field', `Unknown field "${key}"`, key);
  if (!base && input.name === undefined)
    throw new CatalogError(400, 'invalid_field', 'name is required', 'name');
  const out = {
    name: base?.name ?? '',
    color: base?.color ?? CATEGORY_PALETTE[others.length % CATEGORY_PALETTE.length],
    icon: base?.icon ?? null,
  };
  if (input.name !== undefined) out.name = categoryName(input.name);
  // Created through the API, a category names its colour (the admin form offers the next one).
  if (!base && opts.requireColor && input.color === undefined)
    throw new CatalogError(400, 'invalid_field', 'color is required', 'color');
  if (input.color !== undefined) {
    if (typeof input.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(input.color))
      throw new CatalogError(400, 'invalid_field', 'color must look like #1d4ed8', 'color');
    out.color = input.color.toLowerCase();
  }
  if (input.icon !== undefined) {
    if (input.icon === null || input.icon === '') out.icon = null;
    else {
      if (typeof input.icon !== 'string' || [...input.icon].length > 4)
        throw new CatalogError(400, 'invalid_field', 'icon must be at most 4 characters', 'icon');
      refuseBidi(input.icon, 'icon');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(input.icon))
        throw new CatalogError(400, 'invalid_field', 'icon must not contain control characters');
      out.icon = input.icon;
    }
  }
  const clash = others.find((c) => c.id !== base?.id && sameName(c.name, out.name));
  if (clash)
    throw new CatalogError(
      409,
      'duplicate_category',
      `a category "${clash.name}" exists already`,
      'name',
      { name: clash.name },
    );
  return out;
}

/** Validates a PUT /quick-keys body against the products that exist. */
export function validateQuickKeys(
  input: Record<string, unknown>,
  exists: (id: string) => boolean,
): QuickKeyPage[] {
  for (const key of Object.keys(input))
    if (key !== 'pages')
      throw new CatalogError(400, 'unknown_field', `Unknown field "${key}"`, key);
  const pages = input.pages;
  if (!Array.isArray(pages) || pages.length > QUICK_KEY_PAGES_MAX)
    throw new CatalogError(
      400,
      'invalid_field',
      `pages must be a list of at most ${QUICK_KEY_PAGES_MAX} pages`,
      'pages',
    );
  return pages.map((raw: unknown, i) => {
    const page = raw as Record<string, unknown> | null;
    if (!page || typeof page !== 'object')
      throw new CatalogError(400, 'invalid_field', `pages[${i}] must be an object`, 'pages');
    const name = categoryName(page.name, 'pages.name');
    const ids = page.product_ids;
    if (!Array.isArray(ids) || ids.length > QUICK_KEYS_PER_PAGE)
      throw new CatalogError(
        400,
        'quick_keys_page_full',
        `a quick-keys page holds at most ${QUICK_KEYS_PER_PAGE} products`,
        'product_ids',
        { max: QUICK_KEYS_PER_PAGE },
      );
    const seen = new Set<string>();
    for (const id of ids) {
      if (typeof id !== 'string' || !exists(id))
        throw new CatalogError(
          400,
          'unknown_product',
          `pages[${i}] names a product that does not exist (${String(id).slice(0, 40)})`,
          'product_ids',
        );
      if (seen.has(id))
        throw new CatalogError(
          400,
          'invalid_field',
          `pages[${i}] lists a product twice`,
          'product_ids',
        );
      seen.add(id);
    }
    return { name, product_ids: ids as string[] };
  });
}

// ------------------------------------------------------------------- catalog.json v1 → v2
/**
 * Version 1 products carried a free-text `category`. Version 2 has managed categories: one per
 * distinct name (case-insensitive, the first spelling wins), ordered by name, colours from the
 * palette; each product keeps the name and gets the id; no deposit; no quick keys yet.
 */
export function migrateCatalogV1(data: unknown, now = new Date().toISOString()): unknown {
  const d = (data ?? {}) as { products?: unknown };
  if (!Array.isArray(d.products)) return data; // the validator refuses it, file kept untouched
  const products = d.products as Array<Record<string, unknown>>;
  const names: string[] = [];
  for (const p of products) {
    const raw = typeof p?.category === 'string' ? p.category.trim() : '';
    if (raw && !names.some((n) => sameName(n, raw))) names.push(raw);
  }
  names.sort((a, b) => a.localeCompare(b, 'de'));
  const categories: Category[] = names.map((name, i) => ({
    id: newId('cat'),
    name: name.slice(0, 60),
    color: CATEGORY_PALETTE[i % CATEGORY_PALETTE.length],
    position: i,
    icon: null,
    image_url: null,
    created_at: now,
    updated_at: now,
  }));
  const migrated = products.map((p) => {
    if (!p || typeof p !== 'object') return p;
    const raw = typeof p.category === 'string' ? p.category.trim() : '';
    const cat = raw ? categories.find((c) => sameName(c.name, raw.slice(0, 60))) : undefined;
    return {
      ...p,
      category_id: cat?.id ?? null,
      category: cat?.name ?? null,
      deposit_product_id: null,
    } as unknown as Product;
  });
  return { products: migrated, categories, quick_keys: [] };
}
