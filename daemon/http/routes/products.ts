/** /api/v1/products: catalog reads (open to POS clients) and writes (admin). */
import type { Context, Routes } from '../../core/http.js';
import type { Catalog } from '../../catalog/catalog.js';
import { CSV_ENCODINGS, csvEncoding, type CsvEncoding } from '../../catalog/csv.js';
import type { ProductImages } from '../../catalog/images.js';
import { readJson, readRaw, queryParam } from '../body.js';
import { readImageUpload, serveImage } from '../images.js';
import { fail } from '../../core/errors.js';
import { idParam } from '../validate.js';

export const CSV_MAX_BYTES = 5 * 1024 * 1024;

export interface ProductRouteDeps {
  catalog: Catalog;
  images: ProductImages;
  onChange?: (ctx: Context, action: string, before: unknown, after: unknown) => void;
}

/**
 * The file's encoding: ?encoding= (utf-8 or windows-1252), else a charset the request names
 * in its Content-Type, else UTF-8. Never guessed from the bytes.
 */
function importEncoding(ctx: Context): CsvEncoding {
  const asked = queryParam(ctx, 'encoding') ?? ctx.request.charset;
  if (!asked) return 'utf-8';
  const enc = asked.length <= 40 ? csvEncoding(asked) : null;
  if (!enc)
    fail(
      400,
      'unsupported_encoding',
      `encoding must be one of ${CSV_ENCODINGS.join(', ')}`,
      'encoding',
    );
  return enc;
}

export function productRoutes(routes: Routes, deps: ProductRouteDeps): void {
  const { catalog, images } = deps;

  routes.get('/api/v1/products', (ctx) => {
    const q = queryParam(ctx, 'q');
    if (q !== undefined && q.length > 100)
      fail(400, 'invalid_query', 'q must be at most 100 characters', 'q');
    const active = queryParam(ctx, 'active');
    let list = catalog.list(q);
    if (active === 'true') list = list.filter((p) => p.active);
    ctx.body = { products: list };
  });

  routes.get('/api/v1/products/export.csv', (ctx) => {
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment('products.csv');
    ctx.body = catalog.exportCsv();
  });

  routes.post('/api/v1/products/import', async (ctx) => {
    // Windows browsers label .csv files application/vnd.ms-excel.
    if (!ctx.is('text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel'))
      fail(415, 'unsupported_media_type', 'Send the CSV file as text/csv');
    const encoding = importEncoding(ctx);
    const bytes = await readRaw(ctx, CSV_MAX_BYTES);
    const report = await catalog.importCsv(bytes, encoding);
    deps.onChange?.(ctx, 'products.import', null, report);
    ctx.body = report;
  });

  routes.get('/api/v1/products/by-barcode/:barcode', (ctx) => {
    const code = ctx.params.barcode;
    if (!code || code.length > 64) fail(400, 'invalid_barcode', 'barcode must be 1-64 characters');
    const p = catalog.byCode(code);
    if (!p) fail(404, 'not_found', `No product with barcode ${code}`);
    ctx.body = p;
  });

  routes.get('/api/v1/products/:id', (ctx) => {
    const p = catalog.get(idParam(ctx.params.id));
    if (!p) fail(404, 'not_found', `No product ${ctx.params.id}`);
    ctx.body = p;
  });

  routes.post('/api/v1/products', async (ctx) => {
    const body = await readJson(ctx);
    const p = await catalog.create(body);
    deps.onChange?.(ctx, 'product.create', null, p);
    ctx.status = 201;
    ctx.body = p;
  });

  routes.patch('/api/v1/products/:id', async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = await readJson(ctx);
    const { before, after } = await catalog.update(id, body);
    deps.onChange?.(
      ctx,
      before.price_cents !== after.price_cents ? 'product.price_change' : 'product.update',
      before,
      after,
    );
    ctx.body = after;
  });

  routes.delete('/api/v1/products/:id', async (ctx) => {
    const id = idParam(ctx.params.id);
    const p = await catalog.remove(id);
    await images.remove(id);
    deps.onChange?.(ctx, 'product.delete', p, null);
    ctx.status = 204;
  });

  routes.put('/api/v1/products/:id/image', async (ctx) => {
    const id = idParam(ctx.params.id);
    if (!catalog.get(id)) fail(404, 'not_found', `No product ${id}`);
    const raw = await readImageUpload(ctx);
    const hash = await images.put(id, raw);
    const p = await catalog.setImageUrl(id, `/api/v1/products/${id}/image?v=${hash}`);
    deps.onChange?.(ctx, 'product.image', null, { id });
    ctx.body = p;
  });

  routes.delete('/api/v1/products/:id/image', async (ctx) => {
    const id = idParam(ctx.params.id);
    if (!catalog.get(id)) fail(404, 'not_found', `No product ${id}`);
    await images.remove(id);
    ctx.body = await catalog.setImageUrl(id, null);
  });

  routes.get('/api/v1/products/:id/image', async (ctx) => {
    const id = idParam(ctx.params.id);
    const p = catalog.get(id);
    const data = p?.image_url ? await images.get(id) : null;
    if (!data) fail(404, 'not_found', `Product ${id} has no image`);
    serveImage(ctx, p!.image_url!, data!);
  });
}
