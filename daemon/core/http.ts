/**
 * Ground floor: the request-handling types every layer may use. Imports nothing of the daemon
 * but protocol types.
 *
 * - `Context`, `Next`, `Middleware`: Koa's, with the daemon's typed request state (below).
 * - `Routes`: what a route file declares its routes on (`routes.get(path, handler)`); the
 *   composition root collects them and mounts each behind the security policy the one table
 *   (daemon/security/policy.ts) gives its `METHOD path`. A route file never adds a guard of
 *   its own: a route missing from the table is refused for everyone (deny by default).
 */
import type { Context, Next } from 'koa';
import type { CashierInfo } from '../protocol.js';

export type { Context, Next };

export type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** What the security guard learnt about a request (set once, before routing). */
export interface RequestSecurity {
  /** Lazily checks (once) whether the request carries valid admin credentials. */
  isAdmin(): boolean;
  /** PIN login is in force (switched on, and active employees exist). */
  cashierRequired: boolean;
}

declare module 'koa' {
  /** The daemon's request state: set by the HTTP pipeline, read by routes. */
  interface DefaultState {
    /** The client's address (socket peer, or X-Forwarded-For from a TRUST_PROXY peer). */
    clientIp: string;
    security: RequestSecurity;
    /** The till's logged-in cashier (PIN session), when there is one. */
    cashier?: CashierInfo;
    /** Admin credentials checked for this request. */
    admin?: { via: 'session' | 'bearer' };
    /** The route wrote its own audit entry; generic ones of the same request are dropped. */
    audited?: boolean;
    /** Audit entries deferred to the end of the request. */
    pendingAudit?: Array<() => void>;
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** A route's handler: reads the request, calls a module, sets ctx.body / ctx.status. */
export type Handler = (ctx: Context) => unknown;

export interface RouteSpec {
  method: HttpMethod;
  path: string;
  handler: Handler;
}

/** A route file declares its routes on this; see daemon/http/router.ts. */
export interface Routes {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
  put(path: string, handler: Handler): void;
  patch(path: string, handler: Handler): void;
  delete(path: string, handler: Handler): void;
  options(path: string, handler: Handler): void;
}
