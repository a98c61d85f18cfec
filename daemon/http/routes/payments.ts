/**
 * Payments: GET /api/v1/payments/providers/available (which providers can take money now),
 * and the HTTP surface of the providers that have one (SumUp callbacks and reader admin).
 */
import type { Routes } from '../../core/http.js';
import type { Payments } from '../../payments/index.js';
import { SumUpSoloProvider } from '../../payments/providers/sumup_solo.js';
import { SumUpTapProvider } from '../../payments/providers/sumup_tap.js';
import { sumupSoloRoutes } from './sumup-solo.js';
import { sumupTapRoutes } from './sumup-tap.js';

export function paymentRoutes(routes: Routes, deps: { payments: Payments }): void {
  routes.get('/api/v1/payments/providers/available', async (ctx) => {
    ctx.body = await deps.payments.refresh();
  });
  const solo = deps.payments.get('sumup_solo');
  if (solo instanceof SumUpSoloProvider) sumupSoloRoutes(routes, { ctx: solo.sumup, solo });
  const tap = deps.payments.get('sumup_tap');
  if (tap instanceof SumUpTapProvider) sumupTapRoutes(routes, { ctx: tap.sumup, tap });
}
