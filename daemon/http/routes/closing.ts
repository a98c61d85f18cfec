/**
 * Day closing (manager or admin):
 *   GET  /api/v1/closing/x                 X report of the open period
 *   POST /api/v1/closing/x/print
 *   POST /api/v1/closing/z                 close: {counted_cents | denominations, next_float_cents, idempotency_key}
 *   GET  /api/v1/closing/z                 list of Z reports (number, time)
 *   GET  /api/v1/closing/z/:number         one Z report (immutable)
 *   POST /api/v1/closing/z/:number/print
 *   POST /api/v1/closing/movements         {kind: payout|pay_in, amount_cents, reason, idempotency_key}
 */
import type { Context, Routes } from '../../core/http.js';
import { MAX_CASH_CENTS, type Closing } from '../../closing/index.js';
import type { Receipts } from '../../receipts/index.js';
import { actorName } from '../../security/roles.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { intField, onlyKeys, str } from '../validate.js';
import { cashCount } from '../cash-count.js';

export interface ClosingRouteDeps {
  closing: Closing;
  receipts: Receipts;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
}

export function closingRoutes(routes: Routes, deps: ClosingRouteDeps): void {
  const { closing, receipts } = deps;

  routes.get('/api/v1/closing/x', async (ctx) => {
    ctx.body = await closing.x();
  });

  routes.post('/api/v1/closing/x/print', async (ctx) => {
    ctx.body = await receipts.printReport(await closing.x());
  });

  routes.post('/api/v1/closing/z', async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, ['counted_cents', 'denominations', 'next_float_cents', 'idempotency_key']);
    const { counted, denominations } = cashCount(body);
    const nextFloat = intField(body, 'next_float_cents', { min: 0, max: MAX_CASH_CENTS })!;
    const key = str(body, 'idempotency_key', { min: 8, max: 100 })!;
    const out = await closing.close(
      {
        counted_cents: counted,
        denominations,
        next_float_cents: nextFloat,
        idempotency_key: key,
      },
      actorName(ctx),
    );
    const print = out.created ? await receipts.printReport(out.z) : null;
    if (out.created)
      deps.audit(ctx, 'closing.z', null, {
        id: `z${out.z.number}`,
        number: out.z.number,
        difference_cents: out.z.difference_cents,
      });
    ctx.status = out.created ? 201 : 200;
    ctx.body = { z: out.z, print };
  });

  routes.get('/api/v1/closing/z', (ctx) => {
    ctx.body = { z_reports: closing.list(), opening_float_cents: closing.openingFloatCents };
  });

  const zNumber = (ctx: Context): number => {
    const raw = ctx.params.number ?? '';
    if (!/^\d{1,9}$/.test(raw))
      fail(400, 'invalid_id', 'Z report number must be a whole number', 'number');
    return Number(raw);
  };

  routes.get('/api/v1/closing/z/:number', async (ctx) => {
    const z = await closing.get(zNumber(ctx));
    if (!z) fail(404, 'not_found', `No Z report ${ctx.params.number}`);
    ctx.body = z;
  });

  routes.post('/api/v1/closing/z/:number/print', async (ctx) => {
    const z = await closing.get(zNumber(ctx));
    if (!z) fail(404, 'not_found', `No Z report ${ctx.params.number}`);
    ctx.body = await receipts.printReport(z);
  });

  routes.post('/api/v1/closing/movements', async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, ['kind', 'amount_cents', 'reason', 'idempotency_key']);
    const kind = body.kind;
    if (kind !== 'payout' && kind !== 'pay_in')
      fail(400, 'invalid_field', 'kind must be "payout" (cash out) or "pay_in" (cash in)', 'kind');
    const amount = intField(body, 'amount_cents', { min: 1, max: MAX_CASH_CENTS })!;
    const reason = str(body, 'reason', { min: 1, max: 200 })!;
    const key = str(body, 'idempotency_key', { min: 8, max: 100 })!;
    const out = await closing.movement({ kind, amount_cents: amount, reason, key }, actorName(ctx));
    if (out.created) {
      deps.audit(ctx, `cash.${kind}`, null, out.movement);
      if (kind === 'payout' || kind === 'pay_in') await receipts.openDrawer();
    }
    ctx.status = out.created ? 201 : 200;
    ctx.body = out.movement;
  });
}
