/**
 * What the installers (security/index.ts, security/first-boot-token.ts, receipts/install.ts)
 * receive from the composition root. PosApp (app.ts) implements it; the installers import this
 * interface, never app.ts, so no import circle runs through the root. It holds only types of
 * modules below the installers; never import an installer here.
 */
import type http from 'node:http';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Context, Middleware } from './core/http.js';
import type { Module } from './core/module.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Clock } from './clock.js';
import type { EventBus } from './events.js';
import type { Store } from './store/index.js';
import type { Catalog } from './catalog/catalog.js';
import type { ProductImages } from './catalog/images.js';
import type { Settings } from './settings/index.js';
import type { AdminAuth } from './security/auth.js';
import type { Checkout } from './checkout/index.js';
import type { WsHub } from './ws/hub.js';
import type { Scanners } from './scanners/index.js';
import type { Health } from './protocol.js';

export interface AppHost {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly store: Store;
  readonly koa: Koa;
  readonly router: Router;
  readonly server: http.Server;
  readonly auth: AdminAuth;
  readonly startedAt: number;
  readonly healthContributors: Array<(h: Health) => void>;
  posGuard: Middleware;
  requestGuard: Middleware;
  audit: (ctx: Context | null, action: string, before: unknown, after: unknown) => void;
  posUpgradeGuard: (
    req: http.IncomingMessage,
    clientIp: string,
  ) => { status: number; message: string } | null;
  catalog: Catalog;
  checkout: Checkout;
  ws: WsHub;
  settings: Settings;
  images: ProductImages;
  scanners: Scanners;
  use(module: Module): void;
  clientIp(req: http.IncomingMessage): string;
  setTrustedProxyMatcher(m: (addr: string) => boolean): void;
  health(): Health;
}
