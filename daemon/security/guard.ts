/**
 * The security guard. Two parts:
 *
 * 1. `requestGuard`, for every request before routing: runs the rest of the request inside
 *    the request context (actor and address for audit), records what the request is
 *    (`ctx.state.security`), and refuses state-changing requests a browser marks as
 *    cross-site (cross-site.ts).
 * 2. `routeGuard(key)`, mounted in front of every route: applies the policy the one table
 *    (policy.ts) gives that route. A route without an entry is refused for everyone.
 *
 * The same whitelist decision guards the /pos page (`pageGuard`) and POS WebSocket upgrades
 * (`upgradeGuard`, checked before the socket is accepted).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware, Next, RequestSecurity } from '../core/http.js';
import { fail } from '../core/errors.js';
import { errorPage } from '../core/html.js';
import type { AdminAuth } from './auth.js';
import { CashierSessions } from './cashier-sessions.js';
import { isLoopback } from './client-ip.js';
import { isCrossSite } from './cross-site.js';
import { policyOf, type Policy } from './policy.js';
import { runInRequest } from './request-context.js';
import { requireRole } from './roles.js';
import type { PosWhitelist } from './whitelist.js';

export interface GuardDeps {
  whitelist: PosWhitelist;
  auth: AdminAuth;
  cashiers: CashierSessions;
  /** Runs when a request is done (also on errors): deferred audit entries. */
  afterRequest?: (ctx: Context) => void;
  /** Logs a route mounted without a policy (a programming error; refused at run time). */
  onMissingPolicy?: (key: string) => void;
}

export function deniedMessage(ip: string): string {
  return `Access denied: this device (${ip}) is not on the POS whitelist. The shop owner can add it under Admin → POS security.`;
}

export function createGuards(deps: GuardDeps) {
  const { whitelist, auth, cashiers } = deps;

  const requestSecurity = (ctx: Context): RequestSecurity => {
    let admin: boolean | undefined;
    return {
      isAdmin: () => (admin ??= auth.credentialOf(ctx) !== null),
      cashierRequired: cashiers.required(),
    };
  };

  const allowed = (ctx: Context): boolean =>
    whitelist.allows(ctx.state.clientIp) || ctx.state.security.isAdmin();

  const deny = (ctx: Context): void => {
    const message = deniedMessage(ctx.state.clientIp);
    if (ctx.path.startsWith('/api/'))
      fail(403, 'ip_not_allowed', message, undefined, { ip: ctx.state.clientIp });
    ctx.status = 403;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = errorPage(403, message);
  };

  /**
   * The till's cashier. A session counts on its own terminal's routes and on routes about no
   * terminal (sales); on another terminal's routes only a manager clearing that cart
   * (DELETE /api/v1/terminals/:id/cart) is accepted.
   */
  const attachCashier = (ctx: Context, key: string): void => {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(ctx.method);
    const cashier = cashiers.lookup(CashierSessions.tokenOf(ctx), null, write);
    if (!cashier) return;
    const terminal = (ctx.params as Record<string, string> | undefined)?.terminal_id ?? null;
    if (terminal !== null && terminal !== cashier.terminal_id) {
      if (key !== 'DELETE /api/v1/terminals/:terminal_id/cart') return;
      if (cashier.role !== 'manager')
        fail(403, 'role_required', "Only a manager can clear another till's cart", undefined, {
          role: 'manager',
        });
    }
    ctx.state.cashier = cashier;
  };

  const isLocal = (ctx: Context): boolean =>
    // Both must be local: the socket (a forged X-Forwarded-For cannot make a request local)
    // and the client address (behind a reverse proxy on the Pi every socket is loopback).
    isLoopback(ctx.req.socket.remoteAddress ?? '') && isLoopback(ctx.state.clientIp);

  const check: Record<Policy, (ctx: Context, key: string) => boolean> = {
    public: () => true,
    internal: (ctx) => {
      if (!isLocal(ctx))
        fail(403, 'loopback_only', 'This endpoint answers callers on this machine only');
      return true;
    },
    admin: (ctx) => {
      auth.check(ctx);
      return true;
    },
    pos: (ctx, key) => {
      if (!allowed(ctx)) return false;
      attachCashier(ctx, key);
      return true;
    },
    cashier: (ctx, key) => {
      if (!check.pos(ctx, key)) return false;
      requireRole(ctx, 'cashier');
      return true;
    },
    manager: (ctx, key) => {
      if (!check.pos(ctx, key)) return false;
      requireRole(ctx, 'manager');
      return true;
    },
  };

  /** The guard mounted in front of the route `key` ("METHOD /path"). */
  const routeGuard = (key: string): Middleware => {
    const entry = policyOf(key);
    if (!entry) {
      deps.onMissingPolicy?.(key);
      return async () => fail(403, 'no_policy', `Route ${key} has no security policy`);
    }
    const run = check[entry.policy];
    return async (ctx: Context, next: Next) => {
      if (run(ctx, key)) return next();
      deny(ctx);
    };
  };

  const requestGuard = (ctx: Context, next: Next): Promise<void> =>
    runInRequest(ctx, async () => {
      ctx.state.security = requestSecurity(ctx);
      if (isCrossSite(ctx))
        fail(403, 'cross_site', 'Refused: this request came from a page of another site');
      try {
        await next();
      } finally {
        deps.afterRequest?.(ctx);
      }
    });

  /** The /pos page (served outside the router): the `GET /pos` policy. */
  const pageGuard = routeGuard('GET /pos');

  const upgradeGuard = (req: IncomingMessage, clientIp: string) => {
    if (whitelist.allows(clientIp)) return null;
    if (auth.sessionFromCookieHeader(req.headers.cookie)) return null;
    return { status: 403, message: deniedMessage(clientIp) };
  };

  return { requestGuard, routeGuard, pageGuard, upgradeGuard };
}
