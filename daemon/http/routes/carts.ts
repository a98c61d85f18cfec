/** /api/v1/terminals/:terminal_id/cart…: a terminal's cart (POS, behind the POS guard). */
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Checkout } from '../../checkout/index.js';
import { MAX_QUANTITY } from '../../checkout/carts.js';
import { readJson } from '../body.js';
import { fail } from '../errors.js';
import { idParam, intField, onlyKeys, str } from '../validate.js';
import { checkoutErrors } from './checkout-errors.js';

export interface CartRouteDeps {
  checkout: Checkout;
  posGuard: (ctx: Context, next: Next) => Promise<void>;
}

export function cartRoutes(router: Router, deps: CartRouteDeps): void {
  const { checkout, posGuard } = deps;
  const base = '/api/v1/terminals/:terminal_id/cart';
  const terminal = (ctx: Context) => idParam(ctx.params.terminal_id, 'terminal_id');

  router.get(base, posGuard, (ctx) => {
    ctx.body = checkout.getCart(terminal(ctx));
  });

  router.post(`${base}/items`, posGuard, checkoutErrors, async (ctx) => {
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

  router.patch(`${base}/items/:line_id`, posGuard, checkoutErrors, async (ctx) => {
    const id = terminal(ctx);
    const line = idParam(ctx.params.line_id, 'line_id');
    const body = await readJson(ctx);
    onlyKeys(body, ['quantity']);
    const quantity = intField(body, 'quantity', { min: 1, max: MAX_QUANTITY })!;
    ctx.body = await checkout.setQuantity(id, line, quantity);
  });

  router.delete(`${base}/items/:line_id`, posGuard, checkoutErrors, async (ctx) => {
    ctx.body = await checkout.removeLine(terminal(ctx), idParam(ctx.params.line_id, 'line_id'));
  });

  router.delete(base, posGuard, checkoutErrors, async (ctx) => {
    ctx.body = await checkout.clearCart(terminal(ctx));
  });

  /** Adds the top-up product until the provider's minimum is reached. */
  router.post(`${base}/topup`, posGuard, checkoutErrors, async (ctx) => {
    const id = terminal(ctx);
    const body = await readJson(ctx);
    onlyKeys(body, ['provider']);
    const provider = str(body, 'provider', { min: 1, max: 64 })!;
    ctx.body = await checkout.topup(id, provider);
  });
}
