/**
 * The category list inside catalog.json: the till's tabs in the owner's order. A rename follows
 * into the products' `category` name; removing a category keeps its products. The catalog
 * (catalog.ts) owns the document and hands over its product hooks.
 */
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Category, Product } from '../protocol.js';
import type { JsonDocument } from '../store/index.js';
import {
  CatalogError,
  MAX_CATEGORIES,
  newId,
  sameName,
  validateCategory,
  type StagedCategories,
} from './categories.js';
import type { CatalogData } from './catalog-data.js';

/** A product as the fleet centre sends it: its category by name, no image, no deposit link. */
export type PulledProduct = Omit<Product, 'image_url' | 'category_id' | 'deposit_product_id'>;
/** A category as the fleet centre sends it: matched by name; a null colour keeps the local one. */
export interface PulledCategory {
  name: string;
  color: string | null;
}

export interface CategoryListDeps {
  doc: JsonDocument<CatalogData>;
  events: EventBus;
  clock: Clock;
  /** Products of a category, by the category's id. */
  members(categoryId: string): Product[];
  /** Puts `after` in the place of `before`, in the document and the catalog's indexes. */
  swap(d: CatalogData, before: Product, after: Product): void;
}

/** Categories written before images existed have no `image_url`: they have no image. */
function withImage(c: Category): Category {
  return c.image_url === undefined ? { ...c, image_url: null } : c;
}

function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

export class CategoryList {
  constructor(private readonly deps: CategoryListDeps) {}

  /** Categories in the owner's order. */
  categories(): Category[] {
    return this.deps.doc.data.categories.map(withImage).sort((a, b) => a.position - b.position);
  }

  category(id: string): Category | undefined {
    const c = this.deps.doc.data.categories.find((x) => x.id === id);
    return c && withImage(c);
  }

  /** The category of that name (any case), or a new one staged for the caller's write. */
  categoryByName(name: string, staged: StagedCategories): Category {
    const known =
      this.deps.doc.data.categories.find((c) => sameName(c.name, name)) ??
      [...staged.values()].find((c) => sameName(c.name, name));
    if (known) return known;
    const count = this.deps.doc.data.categories.length + staged.size;
    if (count >= MAX_CATEGORIES)
      throw new CatalogError(
        409,
        'too_many_categories',
        `At most ${MAX_CATEGORIES} categories`,
        'category',
        { max: MAX_CATEGORIES },
      );
    const fields = validateCategory({ name }, [
      ...this.deps.doc.data.categories,
      ...staged.values(),
    ]);
    const now = isoNow(this.deps.clock);
    const cat: Category = {
      id: newId('cat'),
      ...fields,
      image_url: null,
      position: count,
      created_at: now,
      updated_at: now,
    };
    staged.set(cat.id, cat);
    return cat;
  }

  /**
   * Colours of categories pulled from the fleet centre (`#rrggbb`, matched by name): set on the
   * staged new ones now; the returned step recolours the known ones inside the caller's write.
   */
  pulledColours(pulled: PulledCategory[], staged: StagedCategories): (d: CatalogData) => void {
    const colour = (name: string) => {
      const c = pulled.find((x) => x.color && sameName(x.name, name))?.color;
      return c && /^#[0-9a-fA-F]{6}$/.test(c) ? c.toLowerCase() : null;
    };
    for (const cat of staged.values()) cat.color = colour(cat.name) ?? cat.color;
    const now = isoNow(this.deps.clock);
    const recoloured = this.deps.doc.data.categories.flatMap((c) => {
      const want = colour(c.name);
      return want && want !== c.color ? [{ ...c, color: want, updated_at: now }] : [];
    });
    return (d) => {
      d.categories = d.categories.map((c) => recoloured.find((r) => r.id === c.id) ?? c);
    };
  }

  addStaged(d: CatalogData, staged: StagedCategories): void {
    d.categories.push(...staged.values());
  }

  async createCategory(input: Record<string, unknown>): Promise<Category> {
    if (this.deps.doc.data.categories.length >= MAX_CATEGORIES)
      throw new CatalogError(
        409,
        'too_many_categories',
        `At most ${MAX_CATEGORIES} categories`,
        'name',
        {
          max: MAX_CATEGORIES,
        },
      );
    const fields = validateCategory(input, this.deps.doc.data.categories, undefined, {
      requireColor: true,
    });
    const now = isoNow(this.deps.clock);
    const cat: Category = {
      id: newId('cat'),
      ...fields,
      image_url: null,
      position: this.deps.doc.data.categories.length,
      created_at: now,
      updated_at: now,
    };
    await this.deps.doc.update((d) => {
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
    const fields = validateCategory(input, this.deps.doc.data.categories, before);
    const after: Category = { ...before, ...fields, updated_at: isoNow(this.deps.clock) };
    const renamed = after.name !== before.name ? this.deps.members(id) : [];
    await this.deps.doc.update((d) => {
      d.categories = d.categories.map((c) => (c.id === id ? after : c));
      for (const p of renamed) this.deps.swap(d, p, { ...p, category: after.name });
    });
    this.categoriesChanged(renamed.map((p) => p.id));
    return { before, after };
  }

  /** Sets or clears (null) the category's image URL; the picture itself is in ProductImages. */
  async setImageUrl(id: string, imageUrl: string | null): Promise<Category> {
    const before = this.category(id);
    if (!before) throw new CatalogError(404, 'not_found', `No category ${id}`);
    const after: Category = { ...before, image_url: imageUrl, updated_at: isoNow(this.deps.clock) };
    await this.deps.doc.update((d) => {
      d.categories = d.categories.map((c) => (c.id === id ? after : c));
    });
    this.categoriesChanged([]);
    return after;
  }

  /** Removes a category; its products keep selling, without a category. */
  async removeCategory(id: string): Promise<Category> {
    const cat = this.category(id);
    if (!cat) throw new CatalogError(404, 'not_found', `No category ${id}`);
    const members = this.deps.members(id);
    await this.deps.doc.update((d) => {
      d.categories = d.categories
        .filter((c) => c.id !== id)
        .sort((a, b) => a.position - b.position)
        .map((c, i) => (c.position === i ? c : { ...c, position: i }));
      for (const p of members) this.deps.swap(d, p, { ...p, category_id: null, category: null });
    });
    this.categoriesChanged(members.map((p) => p.id));
    return cat;
  }

  /** Puts the categories in the order of `ids` (every category exactly once). */
  async orderCategories(ids: unknown): Promise<Category[]> {
    const cats = this.deps.doc.data.categories;
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
    await this.deps.doc.update((d) => {
      d.categories = (ids as string[]).map((id, position) => ({
        ...d.categories.find((c) => c.id === id)!,
        position,
      }));
    });
    this.categoriesChanged([]);
    return this.categories();
  }

  private categoriesChanged(productIds: string[]): void {
    this.deps.events.emit('products.changed', { product_ids: productIds });
  }
}
