/**
 * Vouchers (Gutscheine): GET /api/v1/vouchers/:code (the till: balance and state before
 * redeeming) and GET /api/v1/admin/vouchers (admin: the whole book with balances).
 * Selling one is a cart line (POST …/cart/items {voucher}); redeeming is the `voucher`
 * payment provider (POST …/checkout {provider: "voucher", voucher_code}).
 */
import type { Routes } from '../../core/http.js';
import type { Checkout } from '../../checkout/index.js';
import { fail } from '../../core/errors.js';

export interface VoucherRouteDeps {
  checkout: Checkout;
}

export function voucherRoutes(routes: Routes, deps: VoucherRouteDeps): void {
  const { checkout } = deps;

  routes.get('/api/v1/vouchers/:code', (ctx) => {
    const code = String(ctx.params.code ?? '');
    if (!/^[A-Za-z0-9]{1,32}$/.test(code))
      fail(400, 'invalid_id', 'A voucher code is letters and digits', 'code');
    const v = checkout.voucher(code);
    if (!v) fail(404, 'voucher_unknown', 'No voucher with this code');
    ctx.body = v;
  });

  routes.get('/api/v1/admin/vouchers', (ctx) => {
    const vouchers = checkout.listVouchers();
    ctx.body = {
      vouchers,
      outstanding_cents: vouchers
        .filter((v) => v.state === 'active')
        .reduce((n, v) => n + v.balance_cents, 0),
    };
  });
}
