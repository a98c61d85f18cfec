/**
 * POST /api/v1/terminals/:terminal_id/checkout: turn the cart into a sale and start paying.
 *      `amount_cents` pays part of it (split payment: the sale stays `open` until paid in full),
 *      `tip_cents` adds a tip to this payment, `voucher_code` names the voucher to redeem.
 * GET  /api/v1/terminals/:terminal_id/checkout/:key: the sale that checkout made, or 404 —
 *      how a till that lost the answer learns whether the sale was booked.
 */
import type { Routes } from '../../core/http.js';
import type { Checkout } from '../../checkout/index.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam, intField, onlyKeys, str } from '../validate.js';

export interface CheckoutRouteDeps {
  checkout: Checkout;
  publicUrl: string;
}

/** Keys are client-made (a UUID per pay button press); a safe alphabet keeps logs clean. */
const KEY_RE = /^[A-Za-z0-9_.:-]{8,128}$/;

export function checkoutRoutes(routes: Routes, deps: CheckoutRouteDeps): void {
  const { checkout } = deps;
  routes.post('/api/v1/terminals/:terminal_id/checkout', async (ctx) => {
    const terminalId = idParam(ctx.params.terminal_id, 'terminal_id');
    const body = await readJson(ctx);
    onlyKeys(body, [
      'provider',
      'idempotency_key',
      'tendered_cents',
      'amount_cents',
      'tip_cents',
      'voucher_code',
    ]);
    const provider = str(body, 'provider', { min: 1, max: 64 })!;
    const key = str(body, 'idempotency_key', { min: 1, max: 128 })!;
    if (!KEY_RE.test(key))
      fail(
        400,
        'invalid_field',
        'idempotency_key must be 8-128 characters of letters, digits and _.:-',
        'idempotency_key',
      );
    const tendered = intField(body, 'tendered_cents', {
      min: 0,
      max: 100_000_000,
      optional: true,
    });
    const amount = intField(body, 'amount_cents', { min: 1, max: 100_000_000, optional: true });
    const tip = intField(body, 'tip_cents', { min: 0, max: 10_000_000, optional: true });
    const voucherCode = str(body, 'voucher_code', { min: 1, max: 64, optional: true });
    const { sale, replayed } = await checkout.checkout(terminalId, {
      provider,
      idempotency_key: key,
      tendered_cents: tendered,
      amount_cents: amount,
      tip_cents: tip,
      voucher_code: voucherCode,
      cashier: (ctx.state.cashier as { name?: string } | undefined)?.name ?? null,
      base_url: deps.publicUrl || `${ctx.protocol}://${ctx.host}`,
    });
    ctx.status = replayed ? 200 : 201;
    ctx.body = sale;
  });

  routes.get('/api/v1/terminals/:terminal_id/checkout/:key', (ctx) => {
    const terminalId = idParam(ctx.params.terminal_id, 'terminal_id');
    const key = ctx.params.key ?? '';
    if (!KEY_RE.test(key)) fail(400, 'invalid_field', 'not an idempotency key', 'idempotency_key');
    const sale = checkout.saleByKey(terminalId, key);
    if (!sale) fail(404, 'not_found', 'No checkout with this key on this till');
    ctx.body = sale;
  });
}
