/**
 * /api/v1/categories and /api/v1/quick-keys: the till's tabs and quick keys (reads: POS). A
 * category's image is stored like a product's (catalog/images.ts), under the category's id.
 */
import type { Context, Routes } from '../../core/http.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { ProductImages } from '../../catalog/images.js';
import { fail } from '../../core/errors.js';
import { readJson } from '../body.js';
import { readImageUpload, serveImage } from '../images.js';
import { idParam, onlyKeys } from '../validate.js';

export interface CategoryRouteDeps {
  catalog: Catalog;
  images: ProductImages;
  onChange?: (ctx: Context, action: string, before: unknown, after: unknown) => void;
}

export function categoryRoutes(routes: Routes, deps: CategoryRouteDeps): void {
  const { catalog, images } = deps;

  routes.get('/api/v1/categories', (ctx) => {
    ctx.body = { categories: catalog.categories() };
  });

  routes.post('/api/v1/categories', async (ctx) => {
    const cat = await catalog.createCategory(await readJson(ctx));
    deps.onChange?.(ctx, 'category.create', null, cat);
    ctx.status = 201;
    ctx.body = cat;
  });

  /** The order of the tabs: `{ids}` lists every category once, left to right. */
  routes.put('/api/v1/categories/order', async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, ['ids']);
    const before = catalog.categories().map((c) => c.id);
    const categories = await catalog.orderCategories(body.ids);
    deps.onChange?.(ctx, 'category.order', before, body.ids);
    ctx.body = { categories };
  });

  routes.patch('/api/v1/categories/:id', async (ctx) => {
    const { before, after } = await catalog.updateCategory(
      idParam(ctx.params.id),
      await readJson(ctx),
    );
    deps.onChange?.(ctx, 'category.update', before, after);
    ctx.body = after;
  });

  routes.delete('/api/v1/categories/:id', async (ctx) => {
    const cat = await catalog.removeCategory(idParam(ctx.params.id));
    await images.remove(cat.id);
    deps.onChange?.(ctx, 'category.delete', cat, null);
    ctx.status = 204;
  });

  routes.put('/api/v1/categories/:id/image', async (ctx) => {
    const id = idParam(ctx.params.id);
    if (!catalog.category(id)) fail(404, 'not_found', `No category ${id}`);
    const hash = await images.put(id, await readImageUpload(ctx));
    const cat = await catalog.setCategoryImageUrl(id, `/api/v1/categories/${id}/image?v=${hash}`);
    deps.onChange?.(ctx, 'category.image', null, { id });
    ctx.body = cat;
  });

  routes.delete('/api/v1/categories/:id/image', async (ctx) => {
    const id = idParam(ctx.params.id);
    if (!catalog.category(id)) fail(404, 'not_found', `No category ${id}`);
    await images.remove(id);
    const cat = await catalog.setCategoryImageUrl(id, null);
    deps.onChange?.(ctx, 'category.image', { id }, null);
    ctx.body = cat;
  });

  routes.get('/api/v1/categories/:id/image', async (ctx) => {
    const id = idParam(ctx.params.id);
    const cat = catalog.category(id);
    const data = cat?.image_url ? await images.get(id) : null;
    if (!cat?.image_url || !data) fail(404, 'not_found', `Category ${id} has no image`);
    serveImage(ctx, cat.image_url, data);
  });

  routes.get('/api/v1/quick-keys', (ctx) => {
    ctx.body = { pages: catalog.quickKeys() };
  });

  routes.put('/api/v1/quick-keys', async (ctx) => {
    const before = catalog.quickKeys();
    const pages = await catalog.setQuickKeys(await readJson(ctx));
    deps.onChange?.(ctx, 'quick_keys.update', { pages: before }, { pages });
    ctx.body = { pages };
  });
}
