/**
 * Ground floor: the request-handling types every layer may use (domain modules that declare
 * routes or take a guard, the HTTP layer, the composition root). Imports nothing of the daemon.
 */
import type { Context, Next } from 'koa';

export type { Context, Next };

export type Middleware = (ctx: Context, next: Next) => Promise<void>;
