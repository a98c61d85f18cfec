/**
 * The composition root: the one place that knows every module. createApp() builds them in
 * dependency order with plain constructor arguments, declares every route and mounts it
 * behind its policy guard; PosApp starts the modules in order and stops them in reverse
 * (each stop() undoes exactly what its start() did). No module fills another's fields.
 *
 *   store → settings, catalog, images → admin auth → security → checkout (payments) →
 *   shop ops (printer, receipts, refunds, closing) → scanners → WebSocket hub → HTTP
 */
import path from 'node:path';
import type http from 'node:http';
import type Koa from 'koa';
import type Router from '@koa/router';
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { systemClock, type Clock } from '../clock.js';
import { EventBus } from '../events.js';
import type { Module } from '../core/module.js';
import { PACKAGE_ROOT, VERSION } from '../core/version.js';
import type { Health } from '../protocol.js';
import { Store } from '../store/index.js';
import { Settings } from '../settings/index.js';
import { Catalog, CATALOG_DOC, type CatalogData } from '../catalog/catalog.js';
import { ProductImages } from '../catalog/images.js';
import { SELLING_DEFAULTS, SELLING_SECTION } from '../catalog/embedded.js';
import { DISCOUNTS_DEFAULTS, DISCOUNTS_SECTION } from '../checkout/discount-settings.js';
import { TIPS_DEFAULTS, TIPS_SECTION } from '../checkout/tip-settings.js';
import { demoProducts, demoQuickKeys } from '../catalog/demo.js';
import { AdminAuth } from '../security/auth.js';
import { cidrProxyMatcher, clientAddress } from '../security/client-ip.js';
import { Security } from '../security/index.js';
import { FirstBootToken, FIRST_BOOT_TOKEN_FILE } from '../security/first-boot-token.js';
import { Checkout } from '../checkout/index.js';
import { Fiscal } from '../fiscal/index.js';
import { PROVIDERS } from '../payments/registry.js';
import { Scanners } from '../scanners/index.js';
import { WsHub } from '../ws/hub.js';
import { CustomerDisplays } from '../display/index.js';
import { applyStagedRestore } from '../backup/index.js';
import { Fleet } from '../fleet/index.js';
import { Updates } from '../update/index.js';
import { isLoopback } from '../security/client-ip.js';
import { createRouter, mountRoutes, routeKey } from '../http/router.js';
import { openShop, type ShopOps } from './shop.js';
import { declareRoutes } from './routes.js';
import { buildKoa, capFor, createServer } from './http.js';

export interface AppOptions {
  config: Config;
  log?: Logger;
  clock?: Clock;
  /** Built UI directory (default: <package root>/dist/ui). */
  uiDir?: string;
  /** The version the daemon reports as running (default: package.json; tests of the update outcome). */
  version?: string;
}

/** What createApp() built; PosApp holds it. */
export interface AppParts {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  settings: Settings;
  catalog: Catalog;
  images: ProductImages;
  auth: AdminAuth;
  security: Security;
  checkout: Checkout;
  fiscal: Fiscal;
  shop: ShopOps;
  scanners: Scanners;
  ws: WsHub;
  displays: CustomerDisplays;
  fleet: Fleet;
  updates: Updates;
  firstBoot: FirstBootToken;
  server: http.Server;
}

export class PosApp {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly store: Store;
  readonly settings: Settings;
  readonly catalog: Catalog;
  readonly images: ProductImages;
  readonly auth: AdminAuth;
  readonly security: Security;
  readonly checkout: Checkout;
  readonly fiscal: Fiscal;
  readonly shop: ShopOps;
  readonly scanners: Scanners;
  readonly ws: WsHub;
  readonly displays: CustomerDisplays;
  readonly fleet: Fleet;
  readonly updates: Updates;
  readonly server: http.Server;
  readonly router: Router;
  readonly koa: Koa;
  readonly startedAt: number;
  /** Records an admin or manager action in the audit journal (after the change is durable). */
  readonly audit: Security['audit'];
  private readonly modules: Module[];
  private started: Module[] = [];
  private stopping = false;

  constructor(parts: AppParts, uiDir: string) {
    Object.assign(this, parts);
    this.config = parts.config;
    this.log = parts.log;
    this.clock = parts.clock;
    this.events = parts.events;
    this.store = parts.store;
    this.settings = parts.settings;
    this.catalog = parts.catalog;
    this.images = parts.images;
    this.auth = parts.auth;
    this.security = parts.security;
    this.checkout = parts.checkout;
    this.fiscal = parts.fiscal;
    this.shop = parts.shop;
    this.scanners = parts.scanners;
    this.ws = parts.ws;
    this.displays = parts.displays;
    this.fleet = parts.fleet;
    this.updates = parts.updates;
    this.server = parts.server;
    this.audit = parts.security.audit;
    this.startedAt = this.clock.now();
    const { shop } = parts;
    // Start order; stop runs it backwards.
    this.modules = [
      parts.security,
      parts.firstBoot,
      // The TSE is ready before checkout reconciles sales left pending (they are signed too).
      parts.fiscal,
      parts.checkout,
      // The journal is loaded by checkout's start(); the refund and closing caches catch up after.
      {
        name: 'shop-caches',
        start: async () => {
          await shop.refunds.load();
          await shop.closing.load();
        },
      },
      shop.printer,
      shop.receipts,
      { name: 'receipts-drain', stop: () => shop.receipts.idle() },
      // After the journal is open: ships what it holds beyond the cursor, in the background.
      parts.fleet,
      // After checkout: the reboot waits on its carts and payments.
      parts.updates,
      parts.scanners,
      parts.displays,
      parts.ws,
    ];

    this.router = createRouter();
    const specs = declareRoutes({
      ...parts,
      health: () => this.health(),
      requestRestart: () => {
        // Under systemd (Restart=always) a clean stop is a restart; elsewhere the operator restarts.
        if (!this.config.notifySocket) return false;
        setTimeout(() => process.kill(process.pid, 'SIGTERM'), 500).unref();
        return true;
      },
    });
    const { guards } = parts.security;
    mountRoutes(this.router, specs, (spec) => guards.routeGuard(routeKey(spec)));
    this.koa = buildKoa({
      config: this.config,
      log: this.log,
      router: this.router,
      hosts: parts.security.hosts,
      isTrustedProxy: cidrProxyMatcher(this.config.trustProxy),
      requestGuard: guards.requestGuard,
      pageGuard: guards.pageGuard,
      uiDir,
      stopping: () => this.stopping,
    });
  }

  health(): Health {
    const storage: Health['storage'] = this.store.report();
    const journal = this.checkout.journalFailure();
    if (journal) storage['sales journal'] = { state: 'write_failed', message: journal };
    const h: Health = {
      status: 'ok',
      version: this.updates.version,
      app_env: this.config.appEnv,
      uptime_s: Math.round((this.clock.now() - this.startedAt) / 1000),
      storage,
      scanners: { attached: 0, hid_available: false },
    };
    this.security.health(h);
    h.sales = this.checkout.health();
    h.fiscal = this.fiscal.health();
    this.scanners.health(h);
    const p = this.shop.printer.status();
    h.printer = { connected: p.connected, ...(p.message ? { message: p.message } : {}) };
    h.kiosk_painted = this.updates.painted;
    if (Object.values(h.storage).some((s) => s.state !== 'ok')) h.status = 'degraded';
    return h;
  }

  /** Starts modules and the HTTP server; resolves with the bound port. */
  async start(): Promise<number> {
    for (const m of this.modules) {
      await m.start?.();
      this.started.push(m);
    }
    this.server.on('request', this.koa.callback());
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => resolve());
    });
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.config.port;
  }

  /** Graceful stop: no new connections, modules stopped in reverse, pending writes flushed. */
  async stop(): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const m of [...this.started].reverse()) {
      try {
        await m.stop?.();
      } catch (err) {
        this.log.error(`stopping ${m.name} failed: ${(err as Error).message}`);
      }
    }
    this.started = [];
    await this.store.idle();
    const force = setTimeout(() => this.server.closeAllConnections(), 3000);
    await closed;
    clearTimeout(force);
  }
}

/** Builds the whole daemon: every module constructed, every route declared and mounted. */
export async function createApp(opts: AppOptions): Promise<PosApp> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const events = new EventBus((event, err) =>
    log.error(`listener for ${event} failed: ${(err as Error)?.stack ?? err}`),
  );
  // A validated restore staged by POST /api/v1/admin/restore replaces the data before any
  // document is opened (the old data moves to DATA_DIR/previous/).
  await applyStagedRestore(config.dataDir, clock.now(), (m) => log.warn(m));
  const store = new Store(config.dataDir);
  await store.init();
  const settings = await Settings.open(store, events);
  const catalogDoc = await store.document<CatalogData>(CATALOG_DOC);
  const catalog = new Catalog(catalogDoc, events, clock);
  const images = new ProductImages(store.path('images'));
  await images.init();
  // A pulled catalog comes from the centre; seeding demo products would only be replaced.
  if (config.appEnv === 'demo' && catalogDoc.created && config.fleetCatalog !== 'pull') {
    const seeded = await catalog.createMany(demoProducts(config.paymentMinimumTopupBarcode));
    await catalog.setQuickKeys({ pages: demoQuickKeys(seeded) });
    log.info(`demo: seeded ${catalog.size} products`);
  }
  for (const [name, s] of Object.entries(store.states())) {
    if (s.state !== 'ok')
      log.error(
        `STORAGE ${name} is ${s.state}: ${s.message} — kept untouched, running on fallback data`,
      );
  }

  // What most modules are built with.
  const base = { config, log, clock, events, store, settings };
  const auth = new AdminAuth(config.adminToken, clock, config.adminSessionHours * 3600_000);
  const security = await Security.open({ ...base, auth });
  const firstBoot = new FirstBootToken(
    { auth, log },
    path.join(config.dataDir, FIRST_BOOT_TOKEN_FILE),
  );
  const server = createServer(config, log);
  const fiscal = await Fiscal.open({ config, clock, store, log: log.child('fiscal') });
  const checkout = await Checkout.open({
    ...base,
    log: log.child('checkout'),
    catalog,
    factories: PROVIDERS,
    fiscal,
    embedded: () => settings.section(SELLING_SECTION, SELLING_DEFAULTS).embedded_barcodes,
    discounts: () => settings.section(DISCOUNTS_SECTION, DISCOUNTS_DEFAULTS),
    tips: () => settings.section(TIPS_SECTION, TIPS_DEFAULTS),
  });
  const shop = await openShop({
    ...base,
    checkout,
    fiscal,
    port: () => {
      const a = server.address();
      return typeof a === 'object' && a ? a.port : config.port;
    },
  });
  // Checkout refuses scans while a payment is pending and announces unknown codes itself.
  const scanners = await Scanners.create({
    ...base,
    sink: { scan: (req) => checkout.scan(req) },
  });
  const fleet = new Fleet({
    config,
    log: log.child('fleet'),
    clock,
    journal: checkout.journal.log,
    catalog,
    version: VERSION,
  });
  const updates = new Updates({
    dir: config.updateDir,
    maxBytes: config.updateMaxBytes,
    checkMs: config.updateQuietCheckMs,
    version: opts.version ?? VERSION,
    clock,
    log: log.child('update'),
    activity: () => checkout.activity(),
    audit: security.audit,
  });
  const displays = new CustomerDisplays({
    events,
    settings,
    getCart: (t) => checkout.getCart(t),
    pendingSale: (t) => checkout.pendingSale(t),
    shop: () => ({
      shop_name: shop.receipts.settings().shop_name || config.shopName,
      language: shop.receipts.language(),
      currency: config.currency,
    }),
    receipt: (sale) => shop.receipts.qr(sale),
    watched: (t: string): boolean => ws.hasDisplay(t),
  });
  const isTrustedProxy = cidrProxyMatcher(config.trustProxy);
  const ws: WsHub = new WsHub({
    server,
    events,
    log: log.child('ws'),
    clientIp: (req) => clientAddress(req, isTrustedProxy),
    posUpgradeGuard: (req, ip) => security.guards.upgradeGuard(req, ip),
    isAdminSession: (cookie) => auth.sessionFromCookieHeader(cookie),
    hostAllowed: (host) => security.hosts.allows(host),
    maxPerIp: (ip) => capFor(config.maxWebSocketsPerIp, ip),
    snapshot: (terminalId, list) => ({
      type: 'snapshot',
      terminal_id: terminalId,
      cart: terminalId ? checkout.getCart(terminalId) : null,
      providers: checkout.payments.list(),
      scanners: list,
      pending_sale: terminalId ? checkout.pendingSale(terminalId) : null,
      server_time: new Date(clock.now()).toISOString(),
      timezone: config.timezone,
      currency: config.currency,
      default_terminal_id: config.defaultTerminalId,
      terminal_name: terminalId ? shop.receipts.terminalName(terminalId) : null,
      language: shop.receipts.language(),
    }),
    displaySnapshot: (terminalId) => ({ type: 'display', display: displays.view(terminalId) }),
    isLocal: (req, ip) => isLoopback(req.socket.remoteAddress ?? '') && isLoopback(ip),
    onPainted: () => updates.markPainted(),
  });
  ws.setScannersSource(() => scanners.list());

  return new PosApp(
    {
      ...base,
      catalog,
      images,
      auth,
      security,
      checkout,
      fiscal,
      shop,
      scanners,
      ws,
      displays,
      fleet,
      updates,
      firstBoot,
      server,
    },
    opts.uiDir ?? path.join(PACKAGE_ROOT, 'dist', 'ui'),
  );
}
