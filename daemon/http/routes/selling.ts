/** /api/v1/admin/settings/selling: price- and weight-embedded barcode schemes (admin). */
import type { Context, Routes } from '../../core/http.js';
import type { Settings } from '../../settings/index.js';
import { SELLING_DEFAULTS, SELLING_SECTION, validateSelling } from '../../catalog/embedded.js';
import { readJson } from '../body.js';

export interface SellingRouteDeps {
  settings: Settings;
  audit: (ctx: Context, action: string, before: unknown, after: unknown) => void;
}

export function sellingRoutes(routes: Routes, deps: SellingRouteDeps): void {
  const { settings } = deps;
  const current = () => settings.section(SELLING_SECTION, SELLING_DEFAULTS);

  routes.get('/api/v1/admin/settings/selling', (ctx) => {
    ctx.body = current();
  });

  routes.put('/api/v1/admin/settings/selling', async (ctx) => {
    const next = validateSelling(await readJson(ctx));
    const before = current();
    await settings.update(SELLING_SECTION, SELLING_DEFAULTS, () => next);
    deps.audit(ctx, 'settings.selling', before, next);
    ctx.body = current();
  });
}
