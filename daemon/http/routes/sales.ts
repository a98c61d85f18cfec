/**
 * Sales: GET /api/v1/sales/:id and POST /api/v1/sales/:id/cancel (POS, to follow and stop a
 * payment), POST /api/v1/sales/:id/abandon (give up a partly paid sale, paying back its
 * parts); GET /api/v1/sales?date= and GET /api/v1/reports/daily?date= (admin); GET
 * /api/v1/terminals/:t/sales (a manager at the till: today's paid sales, to void or reprint).
 */
import type { Context, Routes } from '../../core/http.js';
import type { Checkout } from '../../checkout/index.js';
import { isCalendarDate } from '../../time.js';
import { queryParam } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam } from '../validate.js';

export interface SalesRouteDeps {
  checkout: Checkout;
}

function dateParam(ctx: Context, checkout: Checkout): string {
  const date = queryParam(ctx, 'date') ?? checkout.today();
  if (!isCalendarDate(date)) fail(400, 'invalid_query', 'date must be YYYY-MM-DD', 'date');
  return date;
}

export function salesRoutes(routes: Routes, deps: SalesRouteDeps): void {
  const { checkout } = deps;

  routes.get('/api/v1/sales', async (ctx) => {
    const date = dateParam(ctx, checkout);
    ctx.body = {
      date,
      timezone: checkout.calendar.timezone,
      sales: await checkout.listSales(date),
    };
  });

  /** A till's paid sales of today, newest first (a manager voids or reprints from them). */
  routes.get('/api/v1/terminals/:terminal_id/sales', async (ctx) => {
    const terminal = idParam(ctx.params.terminal_id, 'terminal_id');
    const date = checkout.today();
    const sales = (await checkout.listSales(date))
      .filter((s) => s.terminal_id === terminal && s.state === 'succeeded')
      .sort((a, b) => b.number - a.number);
    ctx.body = { date, timezone: checkout.calendar.timezone, sales };
  });

  routes.get('/api/v1/reports/daily', async (ctx) => {
    ctx.body = await checkout.report(dateParam(ctx, checkout));
  });

  routes.get('/api/v1/sales/:id', async (ctx) => {
    const id = idParam(ctx.params.id);
    const sale = await checkout.findSale(id);
    if (!sale) fail(404, 'not_found', `No sale ${id}`);
    ctx.body = sale;
  });

  routes.post('/api/v1/sales/:id/cancel', async (ctx) => {
    const { sale, settled } = await checkout.cancel(idParam(ctx.params.id));
    // 202: the provider accepted the request but has not confirmed yet (payment.updated follows).
    ctx.status = settled ? 200 : 202;
    ctx.body = sale;
  });

  // A partly paid sale the customer will not finish: paid parts go back, the sale is cancelled.
  routes.post('/api/v1/sales/:id/abandon', async (ctx) => {
    ctx.body = await checkout.abandon(idParam(ctx.params.id));
  });
}
