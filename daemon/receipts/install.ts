/**
 * Wires the shop operations into the app: printer, receipts, refunds, day closing, exports,
 * backup/restore, and their routes. Called once from createApp() after checkout and security.
 * They use checkout only through what it exposes: its journal (for their own line kinds), its
 * sales, its business calendar and its payment providers.
 */
import type { AppHost } from '../app-host.js';
import { VERSION } from '../core/version.js';
import { Printer } from '../printer/index.js';
import { Receipts } from './index.js';
import { ReceiptTokens, RECEIPT_KEY_FILE } from './tokens.js';
import { Refunds, REFUNDS_DOC, type RefundsData } from '../refunds/index.js';
import { Closing, CLOSING_DOC, type ClosingData } from '../closing/index.js';
import type { ShopJournal } from '../closing/entries.js';
import { receiptRoutes } from '../http/routes/receipts.js';
import { refundRoutes } from '../http/routes/refunds.js';
import { closingRoutes } from '../http/routes/closing.js';
import { exportRoutes } from '../http/routes/exports.js';
import { backupRoutes } from '../http/routes/backup.js';

export interface ShopOps {
  printer: Printer;
  receipts: Receipts;
  refunds: Refunds;
  closing: Closing;
}

export async function installShopOps(app: AppHost): Promise<ShopOps> {
  const { config, clock, events, settings, store, router } = app;
  const checkout = app.checkout;
  const journal = checkout.journal as unknown as ShopJournal;
  const dayOf = (ms: number) => checkout.calendar.day(ms);
  const findSale = (id: string) => checkout.findSale(id);
  const audit = app.audit.bind(app);

  const printer = new Printer({ settings, events, log: app.log.child('printer'), clock });
  const tokens = await ReceiptTokens.open(store.path(RECEIPT_KEY_FILE));
  const refunds = new Refunds({
    doc: await store.document<RefundsData>(REFUNDS_DOC),
    journal,
    dayOf,
    clock,
    log: app.log.child('refunds'),
    findSale,
    provider: (id) => checkout.payments.get(id),
  });
  const closing = new Closing({
    doc: await store.document<ClosingData>(CLOSING_DOC),
    journal,
    dayOf,
    clock,
    log: app.log.child('closing'),
    timezone: config.timezone,
    currency: config.currency,
  });
  const receipts = new Receipts({
    config,
    settings,
    events,
    log: app.log.child('receipts'),
    clock,
    printer,
    tokens,
    findSale,
    findRefund: (id) => refunds.find(id),
    port: () => {
      const a = app.server.address();
      return typeof a === 'object' && a ? a.port : config.port;
    },
  });
  // The journal is loaded by checkout's start(); catch the caches up after it.
  app.use({
    name: 'shop-ops',
    start: async () => {
      await refunds.load();
      await closing.load();
    },
  });
  app.use(printer);
  app.use(receipts);
  app.use({ name: 'receipts-drain', stop: () => receipts.idle() });
  app.healthContributors.push((h) => {
    const s = printer.status();
    h.printer = { connected: s.connected, ...(s.message ? { message: s.message } : {}) };
  });

  const publicUrl = config.publicUrl;
  receiptRoutes(router, {
    receipts,
    printer,
    settings,
    findSale,
    requireAdmin: app.auth.require,
    audit,
    publicUrl,
  });
  refundRoutes(router, { refunds, receipts, findSale, audit, publicUrl });
  closingRoutes(router, { closing, receipts, audit });
  exportRoutes(router, {
    journal,
    closing,
    timezone: config.timezone,
    today: () => dayOf(clock.now()),
    requireAdmin: app.auth.require,
  });
  const backupLog = app.log.child('backup');
  backupRoutes(router, {
    dataDir: config.dataDir,
    appVersion: VERSION,
    now: () => clock.now(),
    flush: () => store.idle(),
    warn: (m) => backupLog.warn(m),
    requireAdmin: app.auth.require,
    audit,
    requestRestart: () => {
      // Under systemd (Restart=always) a clean stop is a restart; elsewhere the operator restarts.
      if (!config.notifySocket) return false;
      setTimeout(() => process.kill(process.pid, 'SIGTERM'), 500).unref();
      return true;
    },
  });
  return { printer, receipts, refunds, closing };
}
