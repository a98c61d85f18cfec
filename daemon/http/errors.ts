/**
 * Errors: handlers throw HttpError (or call fail()); one middleware turns every thrown error
 * into `{"error": {"code", "message"}}`. Unexpected errors become a 500 with a generic message
 * and are logged; no stack trace ever reaches a client.
 */
import type { Context, Next } from 'koa';
import type { Logger } from '../log.js';
import { StorageError } from '../store/index.js';
import { redactPath } from './redact.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function fail(
  status: number,
  code: string,
  message: string,
  field?: string,
  details?: unknown,
): never {
  throw new HttpError(status, code, message, field, details);
}

export function errorMiddleware(log: Logger) {
  return async function errors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      let status = 500;
      let body: { code: string; message: string; field?: string; details?: unknown };
      if (err instanceof HttpError) {
        status = err.status;
        body = { code: err.code, message: err.message };
        if (err.field) body.field = err.field;
        if (err.details !== undefined) body.details = err.details;
      } else if (err instanceof StorageError) {
        status = 503;
        body = { code: 'storage_unavailable', message: err.message };
        log.error(err.message);
      } else if (isClientError(err)) {
        status = (err as { status: number }).status;
        body = { code: 'bad_request', message: (err as Error).message };
      } else {
        log.error(
          `unhandled error on ${ctx.method} ${redactPath(ctx.path)}: ${(err as Error)?.stack ?? String(err)}`,
        );
        body = {
          code: 'internal_error',
          message: 'Internal error; the details are in the daemon log.',
        };
      }
      ctx.status = status;
      if (ctx.accepts(['json', 'html']) === 'html' && !ctx.path.startsWith('/api/')) {
        ctx.type = 'html';
        ctx.body = errorPage(status, body.message);
      } else {
        ctx.body = { error: body };
      }
    }
  };
}

function isClientError(err: unknown): boolean {
  const s = (err as { status?: unknown })?.status;
  return (
    typeof s === 'number' && s >= 400 && s < 500 && (err as { expose?: boolean }).expose === true
  );
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export function errorPage(status: number, message: string): string {
  const title = status === 403 ? 'Access denied' : status === 404 ? 'Not found' : 'Error';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title>
<style>body{font:18px system-ui,sans-serif;margin:3rem;color:#1b1b1b}h1{font-size:2rem}</style></head>
<body><h1>${title}</h1><p>${escapeHtml(message)}</p></body></html>`;
}
