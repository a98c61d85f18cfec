/** /api/v1/terminals/:terminal_id/cart…: a terminal's cart (POS, behind the POS guard). */
import type { Context, Routes } from '../../core/http.js';
import type { Checkout } from '../../checkout/index.js';
import { MAX_QUANTITY } from '../../checkout/carts.js';
import { MAX_PRICE_CENTS } from '../../catalog/catalog.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam, intField, onlyKeys, str } from '../validate.js';
import { requireRole } from '../../security/roles.js';
import { validPercent } from '../../checkout/discount-settings.js';

export interface CartRouteDeps {
  checkout: Checkout;
}

export function cartRoutes(routes: Routes, deps: CartRouteDeps): void {
  const { checkout } = deps;
  const base = '/api/v1/terminals/:terminal_id/cart';
  const terminal = (ctx: Context) => idParam(ctx.params.terminal_id, 'terminal_id');

  routes.get(base, (ctx) => {
    ctx.body = checkout.getCart(terminal(ctx));
  });

  routes.post(`${base}/items`, async (ctx) => {
    const id = terminal(ctx);
    const body = await readJson(ctx);
    onlyKeys(body, [
      'barcode',
      'product_id',
      'quantity',
      'open_price',
      'deposit_return',
      'voucher',
    ]);
    const barcode = str(body, 'barcode', { min: 1, max: 64, optional: true, noBidi: true });
    const productId = str(body, 'product_id', { min: 1, max: 64, optional: true });
    const quantity = intField(body, 'quantity', { min: 1, max: MAX_QUANTITY, optional: true });
    const depositReturn = str(body, 'deposit_return', { min: 1, max: 64, optional: true });
    const given = [barcode, productId, body.open_price, depositReturn, body.voucher].filter(
      (x) => x !== undefined,
    ).length;
    if (given !== 1)
      fail(
        400,
        'invalid_body',
        'Send one of barcode, product_id, open_price, deposit_return or voucher',
      );
    if (depositReturn !== undefined) {
      ctx.body = await checkout.addDepositReturn(id, depositReturn, quantity);
      return;
    }
    if (body.voucher !== undefined) {
      const v = body.voucher as Record<string, unknown> | null;
      if (!v || typeof v !== 'object' || Array.isArray(v))
        fail(400, 'invalid_field', 'voucher must be an object', 'voucher');
      onlyKeys(v, ['amount_cents', 'purpose', 'vat_rate', 'name']);
      const amount = intField(v, 'amount_cents', { min: 1, max: MAX_PRICE_CENTS })!;
      const purpose = v.purpose ?? 'multi';
      if (purpose !== 'multi' && purpose !== 'single')
        fail(400, 'invalid_field', 'purpose must be multi or single', 'purpose');
      if (v.vat_rate !== undefined && typeof v.vat_rate !== 'number')
        fail(400, 'invalid_field', 'vat_rate must be a number', 'vat_rate');
      const name = str(v, 'name', { max: 60, optional: true, noBidi: true });
      ctx.body = await checkout.addVoucher(id, {
        amount_cents: amount,
        purpose,
        vat_rate: v.vat_rate as number | undefined,
        name,
      });
      return;
    }
    if (body.open_price !== undefined) {
      const open = body.open_price as Record<string, unknown> | null;
      if (!open || typeof open !== 'object' || Array.isArray(open))
        fail(400, 'invalid_field', 'open_price must be an object', 'open_price');
      onlyKeys(open, ['price_cents', 'vat_rate', 'name']);
      const price = intField(open, 'price_cents', { min: 1, max: MAX_PRICE_CENTS })!;
      if (typeof open.vat_rate !== 'number')
        fail(400, 'invalid_field', 'vat_rate must be a number', 'vat_rate');
      const name = str(open, 'name', { max: 60, optional: true, noBidi: true });
      ctx.body = await checkout.addOpenPrice(
        id,
        { price_cents: price, vat_rate: open.vat_rate, name },
        quantity,
      );
      return;
    }
    ctx.body = await checkout.addItem(id, { barcode, product_id: productId, quantity });
  });

  routes.patch(`${base}/items/:line_id`, async (ctx) => {
    const id = terminal(ctx);
    const line = idParam(ctx.params.line_id, 'line_id');
    const body = await readJson(ctx);
    onlyKeys(body, ['quantity']);
    const quantity = intField(body, 'quantity', { min: 1, max: MAX_QUANTITY })!;
    ctx.body = await checkout.setQuantity(id, line, quantity);
  });

  routes.delete(`${base}/items/:line_id`, async (ctx) => {
    ctx.body = await checkout.removeLine(terminal(ctx), idParam(ctx.params.line_id, 'line_id'));
  });

  routes.delete(base, async (ctx) => {
    ctx.body = await checkout.clearCart(terminal(ctx));
  });

  /** A discount on one line or the whole cart; above the owner's limit a manager's. */
  routes.post(`${base}/discounts`, async (ctx) => {
    const id = terminal(ctx);
    const body = await readJson(ctx);
    onlyKeys(body, ['percent', 'amount_cents', 'line_id', 'reason', 'preset']);
    if (body.percent !== undefined && !validPercent(body.percent))
      fail(400, 'invalid_field', 'percent must be above 0, at most 100 (two decimals)', 'percent');
    const amount = intField(body, 'amount_cents', { min: 1, max: MAX_PRICE_CENTS, optional: true });
    const lineId =
      body.line_id === undefined ? undefined : idParam(body.line_id as string, 'line_id');
    const reason = str(body, 'reason', { max: 60, optional: true, noBidi: true }) || undefined;
    const preset = str(body, 'preset', { min: 1, max: 32, optional: true });
    let manager = true;
    try {
      requireRole(ctx, 'manager');
    } catch {
      manager = false;
    }
    ctx.body = await checkout.addDiscount(
      id,
      {
        percent: body.percent as number | undefined,
        amount_cents: amount,
        line_id: lineId,
        reason,
        preset,
      },
      manager,
    );
  });

  routes.delete(`${base}/discounts/:discount_id`, async (ctx) => {
    ctx.body = await checkout.removeDiscount(
      terminal(ctx),
      idParam(ctx.params.discount_id, 'discount_id'),
    );
  });

  /** Adds the top-up product until the provider's minimum is reached. */
  routes.post(`${base}/topup`, async (ctx) => {
    const id = terminal(ctx);
    const body = await readJson(ctx);
    onlyKeys(body, ['provider']);
    const provider = str(body, 'provider', { min: 1, max: 64 })!;
    ctx.body = await checkout.topup(id, provider);
  });
}
