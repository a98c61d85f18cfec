/**
 * Cash-up per cashier (manager or admin):
 *   GET  /api/v1/closing/shifts?from=&to=     per cashier: sales, products, payments, cash, tips,
 *                                             discounts, refunds, drawer counts
 *   POST /api/v1/closing/shifts/print         {from, to?}: the same on the receipt printer
 *   POST /api/v1/closing/shifts/count         {cashier, from, float_cents?, counted_cents |
 *                                             denominations, idempotency_key}: a drawer count
 * from/to: a date (YYYY-MM-DD, a whole day in TIMEZONE) or an ISO 8601 time; default today.
 */
import type { Context, Routes } from '../../core/http.js';
import { MAX_CASH_CENTS, type Closing } from '../../closing/index.js';
import type { Receipts } from '../../receipts/index.js';
import { parseBound } from '../../security/audit-query.js';
import { dayStart } from '../../time.js';
import { actorName } from '../../security/roles.js';
import { queryParam, readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { intField, onlyKeys, str } from '../validate.js';
import { cashCount } from '../cash-count.js';

const MAX_RANGE_DAYS = 400;

export interface ShiftRouteDeps {
  closing: Closing;
  receipts: Receipts;
  now(): number;
  today(): string;
  timezone: string;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
}

export function shiftRoutes(routes: Routes, deps: ShiftRouteDeps): void {
  const { closing, receipts } = deps;

  const bound = (raw: unknown, name: string, end: boolean): number | undefined => {
    if (raw === undefined || raw === '' || raw === null) return undefined;
    const t =
      typeof raw === 'string' && raw.length <= 40 ? parseBound(raw, deps.timezone, end) : null;
    if (t === null)
      fail(400, 'invalid_query', `${name} must be a date (YYYY-MM-DD) or an ISO 8601 time`, name);
    return t;
  };

  const range = (fromRaw: unknown, toRaw: unknown): { from: string; to: string } => {
    const now = deps.now();
    const to = Math.min(bound(toRaw, 'to', true) ?? now + 1, now + 1);
    const from = bound(fromRaw, 'from', false) ?? dayStart(deps.today(), deps.timezone);
    if (from >= to) fail(400, 'invalid_query', 'from must be before to', 'from');
    if (to - from > MAX_RANGE_DAYS * 86_400_000)
      fail(400, 'invalid_query', `The range may span at most ${MAX_RANGE_DAYS} days`, 'from');
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  };

  routes.get('/api/v1/closing/shifts', async (ctx) => {
    const r = range(queryParam(ctx, 'from'), queryParam(ctx, 'to'));
    ctx.body = await closing.shifts(r.from, r.to);
  });

  routes.post('/api/v1/closing/shifts/print', async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, ['from', 'to']);
    if (body.from === undefined)
      fail(400, 'invalid_field', 'from (the period to print) is required', 'from');
    const r = range(body.from, body.to);
    ctx.body = await receipts.printShiftReport(await closing.shifts(r.from, r.to));
  });

  routes.post('/api/v1/closing/shifts/count', async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, [
      'cashier',
      'from',
      'float_cents',
      'counted_cents',
      'denominations',
      'idempotency_key',
    ]);
    if (body.cashier !== null && (typeof body.cashier !== 'string' || !body.cashier.trim()))
      fail(
        400,
        'invalid_field',
        'cashier must be a name, or null for sales without a login',
        'cashier',
      );
    const cashier = body.cashier as string | null;
    if (cashier !== null && cashier.length > 100)
      fail(400, 'invalid_field', 'cashier must be at most 100 characters', 'cashier');
    const from = bound(body.from, 'from', false);
    if (from === undefined)
      fail(400, 'invalid_field', 'from (the shift start) is required', 'from');
    const floatCents =
      intField(body, 'float_cents', { min: 0, max: MAX_CASH_CENTS, optional: true }) ?? 0;
    const { counted, denominations } = cashCount(body);
    const key = str(body, 'idempotency_key', { min: 8, max: 100 })!;
    const out = await closing.countShift(
      {
        cashier,
        from: new Date(from).toISOString(),
        float_cents: floatCents,
        counted_cents: counted,
        denominations,
        key,
      },
      actorName(ctx),
    );
    if (out.created)
      deps.audit(ctx, 'closing.shift_count', null, {
        id: out.count.id,
        cashier: out.count.cashier,
        difference_cents: out.count.difference_cents,
      });
    ctx.status = out.created ? 201 : 200;
    ctx.body = out.count;
  });
}
