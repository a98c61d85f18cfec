/** GET /api/v1/payments/providers/available: which providers can take money now. */
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Payments } from '../../payments/index.js';

export function paymentRoutes(
  router: Router,
  deps: { payments: Payments; posGuard: (ctx: Context, next: Next) => Promise<void> },
): void {
  router.get('/api/v1/payments/providers/available', deps.posGuard, async (ctx) => {
    ctx.body = await deps.payments.refresh();
  });
}
