/**
 * The HTTP server and Koa pipeline, in the order every request meets it:
 *
 *   connection caps  per client address (the socket's), loopback 4×; over the cap → closed
 *   access log       client address (TRUST_PROXY-aware), method, redacted path, status, ms
 *   error path       DomainError → {error: {code, message, params?, field?}} (http/errors.ts)
 *   headers          nosniff, same-origin referrer, no framing (the kiosk's pages: same origin
 *                    only, for /kiosk/dual; receipt pages: their own; http/framing.ts)
 *   Host check       names the appliance is reached by (DNS rebinding) → else 421
 *   request guard    request context, cross-site refusal (security/guard.ts)
 *   routes           every declared route behind its policy guard (security/policy.ts)
 *   static UI        /pos, /display/:t, /kiosk/dual (pos policy), /admin, /assets
 *   404
 *
 * Node's header timeout is only enforced when its connection check runs, so the check runs
 * every second: a client that never finishes its headers is closed after
 * HTTP_HEADERS_TIMEOUT_MS, not up to 30 s later.
 */
import http from 'node:http';
import Koa from 'koa';
import type Router from '@koa/router';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { fail } from '../core/errors.js';
import type { Context, Middleware, Next } from '../core/http.js';
import { errorMiddleware } from '../http/errors.js';
import { redactPath } from '../http/redact.js';
import { framingHeaders } from '../http/framing.js';
import { staticUi } from '../http/static.js';
import { errorPage } from '../core/html.js';
import {
  clientAddress,
  isLoopback,
  normaliseIp,
  type ProxyMatcher,
} from '../security/client-ip.js';
import type { HostAllowList } from '../security/hosts.js';

export interface HttpDeps {
  config: Config;
  log: Logger;
  router: Router;
  hosts: HostAllowList;
  isTrustedProxy: ProxyMatcher;
  requestGuard: Middleware;
  pageGuard: Middleware;
  uiDir: string;
  /** True while the daemon stops: answered requests close their connection. */
  stopping: () => boolean;
}

/** Open connections a client address may hold (loopback: the kiosk and its tabs get 4×). */
export const capFor = (limit: number, ip: string): number => (isLoopback(ip) ? limit * 4 : limit);

export function createServer(config: Config, log: Logger): http.Server {
  const server = http.createServer({
    headersTimeout: config.httpHeadersTimeoutMs,
    requestTimeout: 60_000,
    connectionsCheckingInterval: 1000,
  });
  server.keepAliveTimeout = 5_000;
  const open = new Map<string, number>();
  let warned = 0;
  server.on('connection', (socket) => {
    const ip = normaliseIp(socket.remoteAddress ?? '');
    const n = (open.get(ip) ?? 0) + 1;
    if (n > capFor(config.maxConnectionsPerIp, ip)) {
      socket.destroy();
      const now = Date.now();
      if (now - warned > 10_000) {
        warned = now;
        log.warn(
          `${ip}: more than ${capFor(config.maxConnectionsPerIp, ip)} open connections; closing the extra ones`,
        );
      }
      return;
    }
    open.set(ip, n);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left > 0) open.set(ip, left);
      else open.delete(ip);
    });
  });
  return server;
}

export function buildKoa(deps: HttpDeps): Koa {
  const { log, router, hosts } = deps;
  const koa = new Koa();
  koa.proxy = false; // the client address comes from clientAddress(), not ctx.ip
  // Errors the pipeline cannot answer (a client gone mid-body, a broken socket) go to our log
  // as one line, not to stderr as Koa's default does.
  koa.on('error', (err: Error & { code?: string }) =>
    log.warn(`http: ${err.code ?? err.name}: ${err.message}`),
  );
  koa.use(async (ctx: Context, next: Next) => {
    const t0 = performance.now();
    ctx.state.clientIp = clientAddress(ctx.req, deps.isTrustedProxy);
    try {
      await next();
    } finally {
      // While stopping, a request that was in flight gets its answer and then the socket
      // closes, so shutdown does not wait for keep-alive connections to time out.
      if (deps.stopping() && !ctx.headerSent) ctx.set('Connection', 'close');
      const ms = (performance.now() - t0).toFixed(1);
      const line = `${ctx.state.clientIp} ${ctx.method} ${redactPath(ctx.path)} ${ctx.status} ${ms}ms`;
      if (ctx.status >= 500) log.error(line);
      else log.info(line);
    }
  });
  koa.use(errorMiddleware(log));
  koa.use(async (ctx: Context, next: Next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set(framingHeaders(ctx.path));
    if (!hosts.allows(ctx.get('host'))) {
      const message =
        'This appliance is not reached by that name (the owner can add it under Admin → POS security).';
      if (ctx.path.startsWith('/api/')) fail(421, 'host_not_allowed', message);
      ctx.status = 421;
      ctx.type = 'html';
      ctx.body = errorPage(421, message);
      return;
    }
    await next();
  });
  koa.use(deps.requestGuard);
  koa.use(router.routes());
  koa.use(router.allowedMethods({ throw: false }));
  koa.use(staticUi(deps.uiDir, deps.pageGuard));
  koa.use((ctx: Context) => {
    if (ctx.path.startsWith('/api/')) fail(404, 'not_found', `No route ${ctx.method} ${ctx.path}`);
    fail(404, 'not_found', 'Page not found');
  });
  return koa;
}
