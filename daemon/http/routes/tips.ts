/**
 * Tips (Trinkgeld) settings: GET /api/v1/tips (the till: whether to offer the tip step and its
 * presets), GET/PUT /api/v1/admin/settings/tips (admin: presets, on/off, who tips belong to).
 */
import type { Context, Routes } from '../../core/http.js';
import type { Settings } from '../../settings/index.js';
import { readJson } from '../body.js';
import { TIPS_DEFAULTS, TIPS_SECTION, validateTipSettings } from '../../checkout/tip-settings.js';

export interface TipRouteDeps {
  settings: Settings;
  audit: (ctx: Context, action: string, before: unknown, after: unknown) => void;
}

export function tipRoutes(routes: Routes, deps: TipRouteDeps): void {
  const { settings } = deps;
  const current = () => settings.section(TIPS_SECTION, TIPS_DEFAULTS);

  routes.get('/api/v1/tips', (ctx) => {
    ctx.body = current();
  });

  routes.get('/api/v1/admin/settings/tips', (ctx) => {
    ctx.body = current();
  });

  routes.put('/api/v1/admin/settings/tips', async (ctx) => {
    const before = current();
    const next = validateTipSettings(await readJson(ctx), before);
    await settings.update(TIPS_SECTION, TIPS_DEFAULTS, () => next);
    deps.audit(ctx, 'settings.tips', before, next);
    ctx.body = current();
  });
}
