/**
 * Builds every module, wires them together, starts and stops them in order.
 * This is the one place that knows all modules; modules only know the deps handed to them.
 *
 * Start order: store → catalog → (checkout, payments, scanners, security...) → HTTP server.
 * Stop order is the reverse; each module's stop() undoes exactly what its start() did.
 */
import http from 'node:http';
import path from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { systemClock, type Clock } from './clock.js';
import { EventBus } from './events.js';
import { Store } from './store/index.js';
import { Catalog, CATALOG_DOC, type CatalogData } from './catalog/catalog.js';
import { ProductImages } from './catalog/images.js';
import { Settings } from './settings/index.js';
import { demoProducts } from './catalog/demo.js';
import { AdminAuth } from './security/auth.js';
import { clientAddress, exactProxyMatcher } from './security/client-ip.js';
import { errorMiddleware, fail } from './http/errors.js';
import { readJson } from './http/body.js';
import { redactPath } from './http/redact.js';
import { staticUi } from './http/static.js';
import { productRoutes } from './http/routes/products.js';
import { Checkout } from './checkout/index.js';
import { WsHub } from './ws/hub.js';
import { PROVIDERS } from './payments/registry.js';
import { cartRoutes } from './http/routes/carts.js';
import { checkoutRoutes } from './http/routes/checkout.js';
import { salesRoutes } from './http/routes/sales.js';
import { paymentRoutes } from './http/routes/payments.js';
import { installSecurity } from './security/index.js';
import { Scanners } from './scanners/index.js';
import { scannerRoutes } from './http/routes/scanners.js';
import { installShopOps, type ShopOps } from './receipts/install.js';
import { applyStagedRestore } from './backup/index.js';
import type { Health } from './protocol.js';
import type { Context, Middleware } from './core/http.js';
import type { Module } from './core/module.js';
import { PACKAGE_ROOT, VERSION } from './core/version.js';
import type { AppHost } from './app-host.js';

export interface AppOptions {
  config: Config;
  log?: Logger;
  clock?: Clock;
  /** Built UI directory (default: <package root>/dist/ui). */
  uiDir?: string;
}

const passThrough: Middleware = (_ctx, next) => next();

export class PosApp implements AppHost {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly store: Store;
  readonly koa = new Koa();
  readonly router = new Router();
  readonly server: http.Server;
  readonly auth: AdminAuth;
  readonly startedAt: number;
  /** Extra health fields contributed by modules (scanners, payments, security...). */
  readonly healthContributors: Array<(h: Health) => void> = [];
  /** Guard for POS pages, POS API and POS WebSockets (the IP whitelist plugs in here). */
  posGuard: Middleware = passThrough;
  /**
   * Runs for every request before routing, after the client address is known: the security
   * module's path-based POS guard (so no route can forget the whitelist) and request context.
   */
  requestGuard: Middleware = passThrough;
  /**
   * Records an admin or manager action in the audit journal (security module). Call after the
   * change is durable: `app.audit(ctx, 'scanner.rename', before, after)`.
   */
  audit: (ctx: Context | null, action: string, before: unknown, after: unknown) => void = () => {};
  /**
   * Same guard for WebSocket upgrades of POS sockets: null = allowed, else the refusal.
   * The ws hub calls it before accepting a POS socket.
   */
  posUpgradeGuard: (
    req: http.IncomingMessage,
    clientIp: string,
  ) => { status: number; message: string } | null = () => null;
  catalog!: Catalog;
  /** Carts, scans, sales and payments (daemon/checkout). */
  checkout!: Checkout;
  /** WebSocket hub at /ws; `ws.setScannersSource()` feeds the snapshot's scanners. */
  ws!: WsHub;
  settings!: Settings;
  images!: ProductImages;
  /** Printer, receipts, refunds, day closing, exports, backup (daemon/receipts/install.ts). */
  shop!: ShopOps;
  /** USB and network scanners, pairing, routing (daemon/scanners); list() feeds the WS snapshot. */
  scanners!: Scanners;
  private modules: Module[] = [];
  private started: Module[] = [];
  private stopping = false;
  private readonly uiDir: string;
  private handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };

  constructor(opts: AppOptions) {
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? createLogger(opts.config.logLevel);
    this.events = new EventBus((event, err) =>
      this.log.error(`listener for ${event} failed: ${(err as Error)?.stack ?? err}`),
    );
    this.store = new Store(opts.config.dataDir);
    this.auth = new AdminAuth(
      opts.config.adminToken,
      this.clock,
      opts.config.adminSessionHours * 3600_000,
    );
    this.uiDir = opts.uiDir ?? path.join(PACKAGE_ROOT, 'dist', 'ui');
    this.startedAt = this.clock.now();
    // The Koa handler is composed in start(), after every module registered its middleware.
    this.server = http.createServer((req, res) => this.handler(req, res));
    // Slow-loris bounds: a client must send its headers and body in reasonable time.
    this.server.headersTimeout = 15_000;
    this.server.requestTimeout = 60_000;
    this.server.keepAliveTimeout = 5_000;
  }

  /** Registers a module; started in registration order, stopped in reverse. */
  use(module: Module): void {
    this.modules.push(module);
  }

  private isTrustedProxy = exactProxyMatcher([]);

  /** The client address of a raw request (for WebSocket upgrades), honouring TRUST_PROXY. */
  clientIp(req: http.IncomingMessage): string {
    return clientAddress(req, this.isTrustedProxy);
  }

  /** Security can replace the proxy matcher (CIDR support) before start. */
  setTrustedProxyMatcher(m: (addr: string) => boolean): void {
    this.isTrustedProxy = m;
  }

  async init(): Promise<void> {
    await this.store.init();
    this.settings = await Settings.open(this.store, this.events);
    const catalogDoc = await this.store.document<CatalogData>(CATALOG_DOC);
    this.catalog = new Catalog(catalogDoc, this.events, this.clock);
    this.images = new ProductImages(this.store.path('images'));
    await this.images.init();
    if (this.config.appEnv === 'demo' && catalogDoc.created) {
      await this.catalog.createMany(demoProducts(this.config.paymentMinimumTopupBarcode));
      this.log.info(`demo: seeded ${this.catalog.size} products`);
    }
    this.isTrustedProxy = exactProxyMatcher(this.config.trustProxy);
    for (const [name, s] of Object.entries(this.store.states())) {
      if (s.state !== 'ok')
        this.log.error(
          `STORAGE ${name} is ${s.state}: ${s.message} — kept untouched, running on fallback data`,
        );
    }
  }

  private buildHttp(): void {
    const { koa, router, log } = this;
    koa.proxy = false; // client address comes from clientAddress(), not ctx.ip
    koa.use(async (ctx, next) => {
      const t0 = performance.now();
      ctx.state.clientIp = clientAddress(ctx.req, this.isTrustedProxy);
      try {
        await next();
      } finally {
        // While stopping, a request that was in flight gets its answer and then the socket
        // closes, so shutdown does not wait for keep-alive connections to time out.
        if (this.stopping && !ctx.headerSent) ctx.set('Connection', 'close');
        const ms = (performance.now() - t0).toFixed(1);
        const line = `${ctx.state.clientIp} ${ctx.method} ${redactPath(ctx.path)} ${ctx.status} ${ms}ms`;
        if (ctx.status >= 500) log.error(line);
        else log.info(line);
      }
    });
    koa.use(errorMiddleware(log));
    koa.use(async (ctx, next) => {
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Referrer-Policy', 'same-origin');
      if (!ctx.path.startsWith('/r/')) ctx.set('X-Frame-Options', 'DENY');
      await next();
    });
    koa.use((ctx, next) => this.requestGuard(ctx, next));

    router.get('/api/v1/health', (ctx) => {
      ctx.body = this.health();
    });
    router.post('/api/v1/admin/login', async (ctx) => {
      const body = await readJson(ctx);
      this.auth.login(ctx, body.token);
      ctx.body = { ok: true };
    });
    router.post('/api/v1/admin/logout', (ctx) => {
      this.auth.logout(ctx);
      ctx.body = { ok: true };
    });
    router.get('/api/v1/admin/session', this.auth.require, (ctx) => {
      ctx.body = { ok: true, via: ctx.state.admin.via };
    });
    productRoutes(router, {
      catalog: this.catalog,
      images: this.images,
      requireAdmin: this.auth.require,
      posGuard: (ctx, next) => this.posGuard(ctx, next),
      onChange: (ctx, action, before, after) => this.audit(ctx, action, before, after),
    });
  }

  health(): Health {
    const storage: Health['storage'] = {};
    for (const [name, s] of Object.entries(this.store.states())) {
      storage[name] = s.state === 'ok' ? { state: 'ok' } : { state: s.state, message: s.message };
    }
    const h: Health = {
      status: Object.values(storage).every((s) => s.state === 'ok') ? 'ok' : 'degraded',
      version: VERSION,
      app_env: this.config.appEnv,
      uptime_s: Math.round((this.clock.now() - this.startedAt) / 1000),
      storage,
      scanners: { attached: 0, hid_available: false },
    };
    for (const c of this.healthContributors) c(h);
    if (Object.values(h.storage).some((s) => s.state !== 'ok')) h.status = 'degraded';
    return h;
  }

  /** Starts modules and the HTTP server; resolves with the bound port. */
  async start(): Promise<number> {
    this.buildHttp();
    for (const m of this.modules) {
      await m.start?.();
      this.started.push(m);
    }
    this.koa.use(staticUi(this.uiDir, (ctx, next) => this.posGuard(ctx, next)));
    this.koa.use(this.router.routes());
    this.koa.use(this.router.allowedMethods({ throw: false }));
    this.koa.use((ctx) => {
      if (ctx.path.startsWith('/api/'))
        fail(404, 'not_found', `No route ${ctx.method} ${ctx.path}`);
      fail(404, 'not_found', 'Page not found');
    });
    this.handler = this.koa.callback();
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

/** Builds the whole daemon: every module registered and wired. */
export async function createApp(opts: AppOptions): Promise<PosApp> {
  const app = new PosApp(opts);
  // A validated restore staged by POST /api/v1/admin/restore replaces the data before any
  // document is opened (the old data moves to DATA_DIR/previous/).
  await applyStagedRestore(app.config.dataDir, app.clock.now(), (m) => app.log.warn(m));
  await app.init();
  // Feature modules register here (checkout, payments, ws hub, scanners, security, ...).
  await installSecurity(app);
  await wireCheckout(app);
  await wireScanners(app);
  app.shop = await installShopOps(app);
  return app;
}

/** Scanners: HID + network scans routed into checkout; registered after checkout and ws. */
async function wireScanners(app: PosApp): Promise<void> {
  const { config } = app;
  const scanners = await Scanners.create({
    config,
    log: app.log,
    clock: app.clock,
    events: app.events,
    store: app.store,
    settings: app.settings,
    // Checkout refuses scans while a payment is pending and announces unknown codes itself.
    sink: { scan: (req) => app.checkout.scan(req) },
  });
  app.scanners = scanners;
  app.use(scanners);
  app.ws.setScannersSource(() => scanners.list());
  app.healthContributors.push((h) => scanners.health(h));
  scannerRoutes(app.router, {
    scanners,
    clock: app.clock,
    apiSecret: config.scannerApiSecret,
    defaultScannerId: config.scannerDefaultId,
    barcodeFormat: config.scannerPairingBarcodeFormat,
    requireAdmin: app.auth.require,
    posGuard: (ctx, next) => app.posGuard(ctx, next),
  });
}

/** Checkout (carts, sales, payments) with its routes, and the WebSocket hub. */
async function wireCheckout(app: PosApp): Promise<void> {
  const posGuard: Middleware = (ctx, next) => app.posGuard(ctx, next);
  const checkout = await Checkout.open({
    config: app.config,
    log: app.log.child('checkout'),
    clock: app.clock,
    events: app.events,
    store: app.store,
    catalog: app.catalog,
    router: app.router,
    requireAdmin: app.auth.require,
    factories: PROVIDERS,
  });
  app.checkout = checkout;
  app.use(checkout);
  cartRoutes(app.router, { checkout, posGuard });
  checkoutRoutes(app.router, { checkout, posGuard, publicUrl: app.config.publicUrl });
  salesRoutes(app.router, { checkout, posGuard, requireAdmin: app.auth.require });
  paymentRoutes(app.router, { payments: checkout.payments, posGuard });
  app.healthContributors.push((h) => (h.sales = checkout.health()));
  app.ws = new WsHub({
    server: app.server,
    events: app.events,
    log: app.log.child('ws'),
    clientIp: (req) => app.clientIp(req),
    posUpgradeGuard: (req, ip) => app.posUpgradeGuard(req, ip),
    isAdminSession: (cookie) => app.auth.sessionFromCookieHeader(cookie),
    snapshot: (terminalId, scanners) => ({
      type: 'snapshot',
      terminal_id: terminalId,
      cart: terminalId ? checkout.getCart(terminalId) : null,
      providers: checkout.payments.list(),
      scanners,
      pending_sale: terminalId ? checkout.pendingSale(terminalId) : null,
      server_time: new Date(app.clock.now()).toISOString(),
      timezone: app.config.timezone,
      currency: app.config.currency,
      default_terminal_id: app.config.defaultTerminalId,
    }),
  });
  app.use(app.ws);
}
