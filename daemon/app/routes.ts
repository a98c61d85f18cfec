/**
 * Every route of the daemon, declared by the route files of daemon/http/routes/ with the
 * modules they call. The composition root mounts the list behind the policy guards.
 */
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Context, RouteSpec } from '../core/http.js';
import { VERSION } from '../core/version.js';
import type { Store } from '../store/index.js';
import type { Settings } from '../settings/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { ProductImages } from '../catalog/images.js';
import type { Checkout } from '../checkout/index.js';
import { SOFTWARE_NAME, TILL_BRAND, TILL_MODEL, type Fiscal } from '../fiscal/index.js';
import { dsfinvkZip } from '../exports/dsfinvk.js';
import { fiscalRoutes } from '../http/routes/fiscal.js';
import type { Scanners } from '../scanners/index.js';
import type { Security } from '../security/index.js';
import type { AdminAuth } from '../security/auth.js';
import type { FirstBootToken } from '../security/first-boot-token.js';
import type { Health } from '../protocol.js';
import type { ShopOps } from './shop.js';
import { RouteList } from '../http/router.js';
import { readJson } from '../http/body.js';
import { productRoutes } from '../http/routes/products.js';
import { categoryRoutes } from '../http/routes/categories.js';
import { sellingRoutes } from '../http/routes/selling.js';
import { tipRoutes } from '../http/routes/tips.js';
import { cartRoutes } from '../http/routes/carts.js';
import { checkoutRoutes } from '../http/routes/checkout.js';
import { salesRoutes } from '../http/routes/sales.js';
import { voucherRoutes } from '../http/routes/vouchers.js';
import { paymentRoutes } from '../http/routes/payments.js';
import { scannerRoutes } from '../http/routes/scanners.js';
import { securityRoutes } from '../http/routes/security.js';
import { cashierRoutes } from '../http/routes/cashier.js';
import { employeeRoutes } from '../http/routes/employees.js';
import { auditRoutes } from '../http/routes/audit.js';
import { firstBootRoutes } from '../http/routes/first-boot.js';
import { receiptRoutes } from '../http/routes/receipts.js';
import { refundRoutes } from '../http/routes/refunds.js';
import { closingRoutes } from '../http/routes/closing.js';
import { exportRoutes } from '../http/routes/exports.js';
import { backupRoutes } from '../http/routes/backup.js';
import { fleetRoutes } from '../http/routes/fleet.js';
import { displayRoutes } from '../http/routes/display.js';
import { shiftRoutes } from '../http/routes/shifts.js';
import { updateRoutes } from '../http/routes/update.js';
import type { Updates } from '../update/index.js';
import type { CustomerDisplays } from '../display/index.js';
import { markNewIdentity, type Fleet } from '../fleet/index.js';
import { STAGED } from '../backup/index.js';
import path from 'node:path';

export interface RouteModules {
  config: Config;
  log: Logger;
  clock: Clock;
  store: Store;
  settings: Settings;
  auth: AdminAuth;
  catalog: Catalog;
  images: ProductImages;
  security: Security;
  checkout: Checkout;
  fiscal: Fiscal;
  scanners: Scanners;
  shop: ShopOps;
  firstBoot: FirstBootToken;
  fleet: Fleet;
  displays: CustomerDisplays;
  updates: Updates;
  health(): Health;
  /** Asks systemd for a restart (false when not under systemd). */
  requestRestart(): boolean;
}

export function declareRoutes(m: RouteModules): RouteSpec[] {
  const r = new RouteList();
  const { config, clock, security, checkout, shop } = m;
  const audit = security.audit;
  const findSale = (id: string) => checkout.findSale(id);
  const publicUrl = config.publicUrl;

  r.get('/api/v1/health', (ctx) => {
    ctx.body = m.health();
  });
  r.post('/api/v1/admin/login', async (ctx) => {
    const body = await readJson(ctx);
    m.auth.login(ctx, body.token);
    ctx.body = { ok: true };
  });
  r.post('/api/v1/admin/logout', (ctx) => {
    m.auth.logout(ctx);
    ctx.body = { ok: true };
  });
  r.get('/api/v1/admin/session', (ctx: Context) => {
    ctx.body = { ok: true, via: ctx.state.admin?.via };
  });

  productRoutes(r, { catalog: m.catalog, images: m.images, onChange: audit });
  categoryRoutes(r, { catalog: m.catalog, images: m.images, onChange: audit });
  sellingRoutes(r, {
    settings: m.settings,
    audit,
    depositProducts: () => checkout.depositProducts(),
  });
  tipRoutes(r, { settings: m.settings, audit });
  cartRoutes(r, { checkout });
  checkoutRoutes(r, { checkout, publicUrl });
  salesRoutes(r, { checkout });
  voucherRoutes(r, { checkout });
  paymentRoutes(r, { payments: checkout.payments });
  scannerRoutes(r, {
    scanners: m.scanners,
    clock,
    apiSecret: config.scannerApiSecret,
    defaultScannerId: config.scannerDefaultId,
    barcodeFormat: config.scannerPairingBarcodeFormat,
    audit,
  });
  securityRoutes(r, {
    whitelist: security.whitelist,
    settings: m.settings,
    defaultIdleMinutes: config.pinIdleLogoutMinutes,
    pinLoginInForce: () => security.cashiers.required(),
    audit,
    applied: () => security.applySettings(),
  });
  cashierRoutes(r, {
    employees: security.employees,
    cashiers: security.cashiers,
    lockout: security.lockout,
    idleMinutes: () => security.idleMinutes(),
    audit,
  });
  employeeRoutes(r, { employees: security.employees, cashiers: security.cashiers, audit });
  auditRoutes(r, { audit: security.auditLog, clock, timezone: config.timezone });
  firstBootRoutes(r, { token: m.firstBoot });

  receiptRoutes(r, {
    receipts: shop.receipts,
    printer: shop.printer,
    settings: m.settings,
    findSale,
    audit,
    publicUrl,
  });
  refundRoutes(r, { refunds: shop.refunds, receipts: shop.receipts, findSale, audit, publicUrl });
  closingRoutes(r, { closing: shop.closing, receipts: shop.receipts, audit });
  shiftRoutes(r, {
    closing: shop.closing,
    receipts: shop.receipts,
    now: () => clock.now(),
    today: () => checkout.today(),
    timezone: config.timezone,
    audit,
  });
  exportRoutes(r, {
    journal: shop.journal,
    closing: shop.closing,
    timezone: config.timezone,
    today: () => checkout.today(),
  });
  const fiscal = m.fiscal;
  fiscalRoutes(r, {
    fiscal,
    now: () => clock.now(),
    audit,
    dsfinvk: (from, to) =>
      dsfinvkZip(
        {
          journal: shop.journal,
          zReports: () => shop.closing.all(),
          dayOf: (ms) => checkout.calendar.day(ms),
          timezone: config.timezone,
          currency: config.currency,
          shop: () => {
            const s = shop.receipts.settings();
            return {
              name: s.shop_name || config.shopName,
              address_lines: s.address_lines,
              tax_id: s.tax_id,
            };
          },
          tillSerial: fiscal.tillSerial,
          software: { brand: TILL_BRAND, model: TILL_MODEL, name: SOFTWARE_NAME, version: VERSION },
          tse: () => fiscal.description(),
        },
        from,
        to,
      ),
  });
  const backupLog = m.log.child('backup');
  backupRoutes(r, {
    dataDir: config.dataDir,
    appVersion: VERSION,
    now: () => clock.now(),
    flush: () => m.store.idle(),
    warn: (msg) => backupLog.warn(msg),
    audit,
    requestRestart: m.requestRestart,
    newIdentity: () => markNewIdentity(path.join(config.dataDir, STAGED)),
  });
  fleetRoutes(r, { fleet: m.fleet, audit });
  displayRoutes(r, { displays: m.displays, images: m.images, audit });
  updateRoutes(r, { updates: m.updates });
  return r.specs;
}
