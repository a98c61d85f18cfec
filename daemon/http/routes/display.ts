/**
 * The customer display and the shop's logo:
 *   GET    /api/v1/terminals/:terminal_id/display   what the till's customer sees now (the
 *                                                    WebSocket /ws?display=T sends every change)
 *   GET    /api/v1/shop/logo                        the logo (WebP), for the display's idle screen
 *   GET    /api/v1/admin/settings/display           {paid_hold_seconds, logo_url}
 *   PUT    /api/v1/admin/settings/display           {paid_hold_seconds}
 *   PUT    /api/v1/admin/settings/logo              image/* body: normalised like product images
 *   DELETE /api/v1/admin/settings/logo
 */
import type { Context, Routes } from '../../core/http.js';
import { IMAGE_MAX_BYTES, type ProductImages } from '../../catalog/images.js';
import type { CustomerDisplays } from '../../display/index.js';
import { fail } from '../../core/errors.js';
import { readJson, readRaw } from '../body.js';
import { idParam } from '../validate.js';

/** The logo is stored next to the product images, under an id no product can have. */
export const LOGO_IMAGE_ID = 'shop-logo';

export interface DisplayRouteDeps {
  displays: CustomerDisplays;
  images: ProductImages;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
}

export function displayRoutes(routes: Routes, deps: DisplayRouteDeps): void {
  const { displays, images } = deps;

  routes.get('/api/v1/terminals/:terminal_id/display', (ctx) => {
    ctx.body = displays.view(idParam(ctx.params.terminal_id, 'terminal_id'));
  });

  routes.get('/api/v1/shop/logo', async (ctx) => {
    const url = displays.settings().logo_url;
    const data = url ? await images.get(LOGO_IMAGE_ID) : null;
    if (!data) fail(404, 'not_found', 'The shop has no logo');
    // The URL carries a content hash (?v=), so the browser may keep it.
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.type = 'image/webp';
    ctx.body = data;
  });

  routes.get('/api/v1/admin/settings/display', (ctx) => {
    ctx.body = displays.settings();
  });

  routes.put('/api/v1/admin/settings/display', async (ctx) => {
    const body = await readJson(ctx);
    const before = displays.settings();
    const next = await displays.update(body);
    if ('field' in next) fail(400, 'invalid_field', next.message, next.field);
    deps.audit(ctx, 'settings.display', before, next);
    ctx.body = next;
  });

  routes.put('/api/v1/admin/settings/logo', async (ctx) => {
    if (!ctx.is('image/*', 'application/octet-stream'))
      fail(415, 'unsupported_media_type', 'Send the image as image/* (JPEG, PNG, WebP)');
    const raw = await readRaw(ctx, IMAGE_MAX_BYTES);
    const hash = await images.put(LOGO_IMAGE_ID, raw);
    const before = displays.settings();
    const next = await displays.setLogo(`/api/v1/shop/logo?v=${hash}`);
    deps.audit(ctx, 'settings.display', before, next);
    ctx.body = next;
  });

  routes.delete('/api/v1/admin/settings/logo', async (ctx) => {
    const before = displays.settings();
    if (!before.logo_url) fail(404, 'not_found', 'The shop has no logo');
    await images.remove(LOGO_IMAGE_ID);
    const next = await displays.setLogo(null);
    deps.audit(ctx, 'settings.display', before, next);
    ctx.body = next;
  });
}
