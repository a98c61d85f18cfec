/**
 * Who is behind the request being handled, for code that runs deep inside it without a ctx
 * (event-bus listeners such as the audit hooks). Node's AsyncLocalStorage carries the Koa
 * context through every await of the request; outside a request (HID scans, payment pollers)
 * there is none and the actor is "system".
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '../core/http.js';

const als = new AsyncLocalStorage<Context>();

export function runInRequest<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  return als.run(ctx, fn);
}

export function currentRequest(): Context | undefined {
  return als.getStore();
}

/** "admin", "manager:Anna", "cashier:Ben", "anonymous" for a request; "system" outside one. */
export function actorOf(ctx: Context | undefined | null): string {
  if (!ctx) return 'system';
  if (ctx.state.admin || ctx.state.security?.isAdmin()) return 'admin';
  const c = ctx.state.cashier;
  if (c) return `${c.role}:${c.name}`;
  return 'anonymous';
}
