/**
 * /api/v1/admin/settings/selling: price- and weight-embedded barcode schemes (admin);
 * /api/v1/admin/settings/discounts: discount presets and the manager limit (admin), which the
 * till reads at GET /api/v1/discounts.
 */
import type { Context, Routes } from '../../core/http.js';
import type { Settings } from '../../settings/index.js';
import type { Product } from '../../protocol.js';
import { SELLING_DEFAULTS, SELLING_SECTION, validateSelling } from '../../catalog/embedded.js';
import { readJson } from '../body.js';
import {
  DISCOUNTS_DEFAULTS,
  DISCOUNTS_SECTION,
  validateDiscountSettings,
} from '../../checkout/discount-settings.js';

export interface SellingRouteDeps {
  settings: Settings;
  /** Products that are some product's deposit (what "Pfand zurück" offers). */
  depositProducts: () => Product[];
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

  const discounts = () => settings.section(DISCOUNTS_SECTION, DISCOUNTS_DEFAULTS);

  routes.get('/api/v1/deposit-products', (ctx) => {
    ctx.body = { products: deps.depositProducts() };
  });

  routes.get('/api/v1/discounts', (ctx) => {
    ctx.body = discounts();
  });

  routes.get('/api/v1/admin/settings/discounts', (ctx) => {
    ctx.body = discounts();
  });

  routes.put('/api/v1/admin/settings/discounts', async (ctx) => {
    const next = validateDiscountSettings(await readJson(ctx));
    const before = discounts();
    await settings.update(DISCOUNTS_SECTION, DISCOUNTS_DEFAULTS, () => next);
    deps.audit(ctx, 'settings.discounts', before, next);
    ctx.body = discounts();
  });
}
