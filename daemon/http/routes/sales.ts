/**
 * Sales: GET /api/v1/sales/:id and POST /api/v1/sales/:id/cancel (POS, to follow and stop a
 * payment); GET /api/v1/sales?date= and GET /api/v1/reports/daily?date= (admin).
 */
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Checkout } from '../../checkout/index.js';
import { isCalendarDate } from '../../time.js';
import { queryParam } from '../body.js';
import { fail } from '../errors.js';
import { idParam } from '../validate.js';
import { checkoutErrors } from './checkout-errors.js';

export interface SalesRouteDeps {
  checkout: Checkout;
  posGuard: (ctx: Context, next: Next) => Promise<void>;
  requireAdmin: (ctx: Context, next: Next) => Promise<void>;
}

function dateParam(ctx: Context, checkout: Checkout): string {
  const date = queryParam(ctx, 'date') ?? checkout.today();
  if (!isCalendarDate(date)) fail(400, 'invalid_query', 'date must be YYYY-MM-DD', 'date');
  return date;
}

export function salesRoutes(router: Router, deps: SalesRouteDeps): void {
  const { checkout, posGuard, requireAdmin } = deps;

  router.get('/api/v1/sales', requireAdmin, async (ctx) => {
    const date = dateParam(ctx, checkout);
    ctx.body = {
      date,
      timezone: checkout.calendar.timezone,
      sales: await checkout.listSales(date),
    };
  });

  router.get('/api/v1/reports/daily', requireAdmin, async (ctx) => {
    ctx.body = await checkout.report(dateParam(ctx, checkout));
  });

  router.get('/api/v1/sales/:id', posGuard, async (ctx) => {
    const id = idParam(ctx.params.id);
    const sale = await checkout.findSale(id);
    if (!sale) fail(404, 'not_found', `No sale ${id}`);
    ctx.body = sale;
  });

  router.post('/api/v1/sales/:id/cancel', posGuard, checkoutErrors, async (ctx) => {
    const { sale, settled } = await checkout.cancel(idParam(ctx.params.id));
    // 202: the provider accepted the request but has not confirmed yet (payment.updated follows).
    ctx.status = settled ? 200 : 202;
    ctx.body = sale;
  });
}
