/** /api/v1/terminals/:terminal_id/cart…: a terminal's cart (POS, behind the POS guard). */
import type { Context, Routes } from '../../core/http.js';
import type { Checkout } from '../../checkout/index.js';
import { MAX_QUANTITY } from '../../checkout/carts.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam, intField, onlyKeys, str } from '../validate.js';

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
    onlyKeys(body, ['barcode', 'product_id', 'quantity']);
    const barcode = str(body, 'barcode', { min: 1, max: 64, optional: true, noBidi: true });
    const productId = str(body, 'product_id', { min: 1, max: 64, optional: true });
    const quantity = intField(body, 'quantity', { min: 1, max: MAX_QUANTITY, optional: true });
    if ((barcode === undefined) === (productId === undefined))
      fail(400, 'invalid_body', 'Send either barcode or product_id');
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

  /** Adds the top-up product until the provider's minimum is reached. */
  routes.post(`${base}/topup`, async (ctx) => {
    const id = terminal(ctx);
    const body = await readJson(ctx);
    onlyKeys(body, ['provider']);
    const provider = str(body, 'provider', { min: 1, max: 64 })!;
    ctx.body = await checkout.topup(id, provider);
  });
}
