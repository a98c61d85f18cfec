/**
 * Who may call what: the one table of every route's security policy. The guard
 * (guard.ts) reads it for the route the router matched; a route that is not in this table is
 * refused for everyone (deny by default), and tests/unit/security-policy.test.ts fails on any
 * mounted route without an entry (and on entries without a route).
 *
 * Policies:
 * - public    no check here: the route authenticates by itself (a secret, a signed token, the
 *             admin login) or reveals nothing; `why` says which.
 * - pos       the till: the client address passes the IP whitelist (loopback always does), or
 *             the request carries admin credentials. The till's cashier (PIN session) is
 *             attached when there is one.
 * - cashier   pos, and when PIN login is in force a cashier logged in on this till (or admin).
 * - manager   pos, and when PIN login is in force a manager logged in on this till (or admin).
 * - admin     admin credentials (bearer token or session cookie); not behind the whitelist,
 *             so the owner can always repair a bad list.
 * - internal  callers on this machine only (socket and client address both loopback).
 */
export type Policy = 'public' | 'pos' | 'cashier' | 'manager' | 'admin' | 'internal';

export interface PolicyEntry {
  policy: Policy;
  /** Public routes say how they protect themselves. */
  why?: string;
}

const pub = (why: string): PolicyEntry => ({ policy: 'public', why });
const pos: PolicyEntry = { policy: 'pos' };
const cashier: PolicyEntry = { policy: 'cashier' };
const manager: PolicyEntry = { policy: 'manager' };
const admin: PolicyEntry = { policy: 'admin' };
const internal: PolicyEntry = { policy: 'internal' };

const T = '/api/v1/terminals/:terminal_id';

export const POLICIES: Record<string, PolicyEntry> = {
  // ----------------------------------------------------------------- pages (static UI)
  'GET /pos': pos,
  'GET /display/:terminal_id': pos,
  'GET /kiosk/dual': pos,
  'GET /admin': pub('the admin page is code only; its API calls need the admin login'),
  'GET /assets/*': pub('static, content-hashed code; no shop data'),
  'GET /r/:token': pub('a receipt opens with its unguessable signed token (the QR code)'),

  // ----------------------------------------------------------------- health and admin login
  'GET /api/v1/health': pub('monitoring; reveals no shop data'),
  'POST /api/v1/admin/login': pub('checks the admin token itself, rate limited'),
  'POST /api/v1/admin/logout': pub('only ends the caller’s own session'),
  'GET /api/v1/admin/session': admin,

  // ----------------------------------------------------------------- catalog
  'GET /api/v1/products': pos,
  'GET /api/v1/products/by-barcode/:barcode': pos,
  'GET /api/v1/products/:id': pos,
  'GET /api/v1/products/:id/image': pos,
  'GET /api/v1/products/export.csv': admin,
  'POST /api/v1/products/import': admin,
  'POST /api/v1/products': admin,
  'PATCH /api/v1/products/:id': admin,
  'DELETE /api/v1/products/:id': admin,
  'PUT /api/v1/products/:id/image': admin,
  'DELETE /api/v1/products/:id/image': admin,
  'GET /api/v1/categories': pos,
  'POST /api/v1/categories': admin,
  'PUT /api/v1/categories/order': admin,
  'PATCH /api/v1/categories/:id': admin,
  'DELETE /api/v1/categories/:id': admin,
  'GET /api/v1/categories/:id/image': pos,
  'PUT /api/v1/categories/:id/image': admin,
  'DELETE /api/v1/categories/:id/image': admin,
  'GET /api/v1/quick-keys': pos,
  'PUT /api/v1/quick-keys': admin,
  'GET /api/v1/admin/settings/selling': admin,
  'PUT /api/v1/admin/settings/selling': admin,
  'GET /api/v1/discounts': pos,
  'GET /api/v1/deposit-products': pos,
  'GET /api/v1/admin/settings/discounts': admin,
  'PUT /api/v1/admin/settings/discounts': admin,
  'GET /api/v1/tips': pos,
  'GET /api/v1/admin/settings/tips': admin,
  'PUT /api/v1/admin/settings/tips': admin,

  // ----------------------------------------------------------------- carts and checkout
  [`GET ${T}/cart`]: pos,
  [`POST ${T}/cart/items`]: cashier,
  [`PATCH ${T}/cart/items/:line_id`]: cashier,
  [`DELETE ${T}/cart/items/:line_id`]: cashier,
  [`DELETE ${T}/cart`]: cashier,
  [`POST ${T}/cart/discounts`]: cashier,
  [`DELETE ${T}/cart/discounts/:discount_id`]: cashier,
  [`POST ${T}/cart/topup`]: cashier,
  [`POST ${T}/checkout`]: cashier,
  [`GET ${T}/checkout/:key`]: pos,
  'GET /api/v1/payments/providers/available': pos,
  'GET /api/v1/sales/:id': pos,
  'POST /api/v1/sales/:id/cancel': cashier,
  'POST /api/v1/sales/:id/abandon': cashier,
  'GET /api/v1/vouchers/:code': pos,
  'GET /api/v1/admin/vouchers': admin,
  'GET /api/v1/sales': admin,
  [`GET ${T}/sales`]: manager,
  'GET /api/v1/reports/daily': admin,

  // ----------------------------------------------------------------- customer display
  [`GET ${T}/display`]: pos,
  'GET /api/v1/shop/logo': pos,
  'GET /api/v1/admin/settings/display': admin,
  'PUT /api/v1/admin/settings/display': admin,
  'PUT /api/v1/admin/settings/logo': admin,
  'DELETE /api/v1/admin/settings/logo': admin,

  // ----------------------------------------------------------------- cashier PIN login
  [`GET ${T}/cashier`]: pos,
  [`POST ${T}/cashier/login`]: pos,
  [`POST ${T}/cashier/logout`]: pos,
  'GET /api/v1/admin/employees': admin,
  'POST /api/v1/admin/employees': admin,
  'PATCH /api/v1/admin/employees/:id': admin,
  'DELETE /api/v1/admin/employees/:id': admin,

  // ----------------------------------------------------------------- receipts and printer
  'GET /api/v1/sales/:id/receipt': pos,
  'POST /api/v1/sales/:id/receipt/print': cashier,
  [`POST ${T}/receipt/reprint-last`]: cashier,
  'GET /api/v1/printer': pos,
  'POST /api/v1/printer/open-drawer': manager,
  'POST /api/v1/admin/printer/test': admin,
  'GET /api/v1/admin/settings/printer': admin,
  'PUT /api/v1/admin/settings/printer': admin,
  'GET /api/v1/admin/settings/receipts': admin,
  'PUT /api/v1/admin/settings/receipts': admin,

  // ----------------------------------------------------------------- refunds, closing
  'POST /api/v1/sales/:id/refunds': manager,
  'GET /api/v1/sales/:id/refunds': pos,
  'GET /api/v1/refunds/:id/receipt': pos,
  'GET /api/v1/closing/x': manager,
  'POST /api/v1/closing/x/print': manager,
  'POST /api/v1/closing/z': manager,
  'GET /api/v1/closing/z': manager,
  'GET /api/v1/closing/z/:number': manager,
  'POST /api/v1/closing/z/:number/print': manager,
  'POST /api/v1/closing/movements': manager,
  'GET /api/v1/closing/shifts': manager,
  'POST /api/v1/closing/shifts/print': manager,
  'POST /api/v1/closing/shifts/count': manager,

  // ----------------------------------------------------------------- exports, backup, audit
  'GET /api/v1/admin/exports/sales.csv': admin,
  'GET /api/v1/admin/exports/z-reports.csv': admin,
  'GET /api/v1/admin/exports/revenue.csv': admin,
  'GET /api/v1/admin/exports/dsfinvk.zip': admin,
  'GET /api/v1/admin/fiscal': admin,
  'GET /api/v1/admin/fiscal/tar': admin,
  'POST /api/v1/admin/fiscal/setup': admin,
  'GET /api/v1/admin/fleet/status': admin,
  'PUT /api/v1/admin/fleet/branch': admin,
  'GET /api/v1/admin/backup': admin,
  'GET /api/v1/admin/restore': admin,
  'POST /api/v1/admin/restore': admin,
  'GET /api/v1/admin/update': admin,
  'POST /api/v1/admin/update/bundle': admin,
  'PUT /api/v1/admin/update/channel': admin,
  'POST /api/v1/admin/update/check': admin,
  'POST /api/v1/admin/update/fetch': admin,
  'POST /api/v1/admin/update/reboot': admin,
  'GET /api/v1/admin/audit': admin,
  'GET /api/v1/admin/audit.csv': admin,

  // ----------------------------------------------------------------- POS security settings
  'GET /api/v1/admin/settings/pos-security': admin,
  'PUT /api/v1/admin/settings/pos-security': admin,
  'GET /api/v1/admin/current-ip': admin,
  'GET /api/internal/allowed-ips': internal,
  'GET /api/internal/first-boot-token': internal,
  'GET /api/internal/first-boot-token/page': internal,

  // ----------------------------------------------------------------- scanners
  'POST /api/v1/scanner/scan': pub('network scanners authenticate with X-Scanner-Secret'),
  'OPTIONS /api/v1/scanner/scan': pub('CORS preflight; answers headers only'),
  'GET /api/v1/scanner/validate-token': pub('checks X-Scanner-Secret itself'),
  'OPTIONS /api/v1/scanner/validate-token': pub('CORS preflight; answers headers only'),
  'GET /api/v1/scanner/pairing-secret': pos,
  'GET /api/v1/scanner/pairing-secret.png': pos,
  'GET /api/v1/scanners': admin,
  'GET /api/v1/scanners/layout-test': admin,
  'PATCH /api/v1/scanners/:id': admin,
  'POST /api/v1/scanners/simulate': admin,
  'POST /api/v1/scanners/pairing-codes/revoke': admin,

  // ----------------------------------------------------------------- SumUp
  'POST /api/v1/payments/sumup_solo/callback/:sale_id/:token': pub(
    'SumUp calls it; carries our per-sale HMAC token, and only makes the daemon ask SumUp',
  ),
  'GET /api/v1/payments/sumup_tap/callback/:sale_id/:token': pub(
    'the merchant’s phone opens it; carries our per-sale HMAC token',
  ),
  'GET /api/v1/admin/sumup/readers': admin,
  'POST /api/v1/admin/sumup/readers': admin,
  'PATCH /api/v1/admin/sumup/readers/:id': admin,
  'DELETE /api/v1/admin/sumup/readers/:id': admin,
  'PUT /api/v1/admin/sumup/terminals/:terminal_id/reader': admin,
  'PUT /api/v1/admin/sumup/default-reader': admin,
};

/** Pages served outside the router (static UI); every other key names a router route. */
export const STATIC_PAGES = [
  'GET /pos',
  'GET /display/:terminal_id',
  'GET /kiosk/dual',
  'GET /admin',
  'GET /assets/*',
];

export function policyOf(key: string): PolicyEntry | undefined {
  return Object.hasOwn(POLICIES, key) ? POLICIES[key] : undefined;
}
