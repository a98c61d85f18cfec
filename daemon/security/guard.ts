/**
 * The POS guard, mounted once for every request before routing (so no route can forget it):
 *
 * 1. runs the rest of the request inside the request context (actor and address for audit),
 *    and refuses state-changing requests a browser marks as cross-site (cross-site.ts);
 * 2. POS requests (pos-policy.ts) from an address the whitelist refuses get 403 — an
 *    "Access denied" page for /pos, a JSON error for the API — unless they carry valid admin
 *    credentials (bearer token, rate limited, or admin session cookie);
 * 3. attaches the till's cashier (ctx.state.cashier) from its PIN session and, when PIN login
 *    is in force, refuses till writes without one (401 cashier_login_required).
 *
 * The same decision is offered as app.posGuard (per-route) and app.posUpgradeGuard (WebSocket
 * upgrades, checked before the socket is accepted).
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Next } from 'koa';
import { errorPage, fail } from '../http/errors.js';
import type { AdminAuth } from './auth.js';
import { CashierSessions, type Cashier } from './cashier-sessions.js';
import { isCrossSite } from './cross-site.js';
import { isPosRequest, needsCashier, terminalOfPath } from './pos-policy.js';
import { runInRequest } from './request-context.js';
import type { PosWhitelist } from './whitelist.js';

export interface GuardDeps {
  whitelist: PosWhitelist;
  auth: AdminAuth;
  cashiers: CashierSessions;
  /** Runs when a request is done (also on errors): deferred audit entries. */
  afterRequest?: (ctx: Context) => void;
}

export interface SecurityState {
  /** Lazily checks (once) whether the request carries valid admin credentials. */
  isAdmin: () => boolean;
  cashierRequired: boolean;
  posChecked: boolean;
}

export function deniedMessage(ip: string): string {
  return `Access denied: this device (${ip}) is not on the POS whitelist. The shop owner can add it under Admin → POS security.`;
}

export function createGuards(deps: GuardDeps) {
  const { whitelist, auth, cashiers } = deps;

  const securityState = (ctx: Context): SecurityState => {
    let admin: boolean | undefined;
    return {
      isAdmin: () => (admin ??= auth.credentialOf(ctx) !== null),
      cashierRequired: cashiers.required(),
      posChecked: false,
    };
  };

  const allowed = (ctx: Context): boolean =>
    whitelist.allows(ctx.state.clientIp as string) ||
    (ctx.state.security as SecurityState).isAdmin();

  const deny = (ctx: Context): void => {
    const message = deniedMessage(ctx.state.clientIp as string);
    if (ctx.path.startsWith('/api/')) fail(403, 'ip_not_allowed', message);
    ctx.status = 403;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = errorPage(403, message);
  };

  /**
   * The till's cashier. A session counts on its own terminal's paths and on paths about no
   * terminal (sales); on another terminal's paths only a manager clearing that cart
   * (DELETE /api/v1/terminals/:id/cart) is accepted.
   */
  const attachCashier = (ctx: Context): Cashier | null => {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(ctx.method);
    const cashier = cashiers.lookup(CashierSessions.tokenOf(ctx), null, write);
    if (!cashier) return null;
    const terminal = terminalOfPath(ctx.path);
    if (terminal !== null && terminal !== cashier.terminal_id) {
      const clearing = ctx.method === 'DELETE' && ctx.path === `/api/v1/terminals/${terminal}/cart`;
      if (!clearing) return null;
      if (cashier.role !== 'manager')
        fail(403, 'role_required', "Only a manager can clear another till's cart");
    }
    ctx.state.cashier = cashier;
    return cashier;
  };

  const requestGuard = (ctx: Context, next: Next): Promise<void> =>
    runInRequest(ctx, async () => {
      const state = securityState(ctx);
      ctx.state.security = state;
      if (isCrossSite(ctx))
        fail(403, 'cross_site', 'Refused: this request came from a page of another site');
      if (isPosRequest(ctx.method, ctx.path)) {
        if (!allowed(ctx)) return deny(ctx);
        state.posChecked = true;
        const cashier = attachCashier(ctx);
        if (
          state.cashierRequired &&
          !cashier &&
          needsCashier(ctx.method, ctx.path) &&
          !state.isAdmin()
        )
          fail(401, 'cashier_login_required', 'Log in with your PIN on this till first');
      }
      try {
        await next();
      } finally {
        deps.afterRequest?.(ctx);
      }
    });

  /** Per-route form (products, /pos page); a no-op when the request guard already passed it. */
  const posGuard = async (ctx: Context, next: Next): Promise<void> => {
    const state = ctx.state.security as SecurityState | undefined;
    if (!state) ctx.state.security = securityState(ctx);
    if (state?.posChecked || allowed(ctx)) return next();
    deny(ctx);
  };

  const upgradeGuard = (req: IncomingMessage, clientIp: string) => {
    if (whitelist.allows(clientIp)) return null;
    if (auth.sessionFromCookieHeader(req.headers.cookie)) return null;
    return { status: 403, message: deniedMessage(clientIp) };
  };

  return { requestGuard, posGuard, upgradeGuard };
}
