/**
 * The one error path: handlers and modules throw DomainError (core/errors.ts, usually through
 * fail()); this middleware turns it into `{"error": {"code", "message", "params"?, "field"?}}`
 * (or a small HTML page for a browser outside /api/). Koa's own client errors (e.g. a malformed
 * URL) become `bad_request`. Anything else is a 500 with a generic answer and the stack in the
 * log; no stack trace ever reaches a client.
 */
import type { Context, Next } from '../core/http.js';
import { DomainError } from '../core/errors.js';
import { errorPage } from '../core/html.js';
import type { ApiError } from '../protocol.js';
import type { Logger } from '../log.js';
import { redactPath } from './redact.js';

export function errorMiddleware(log: Logger) {
  return async function errors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      let status = 500;
      let body: ApiError['error'];
      if (err instanceof DomainError) {
        status = err.status;
        body = { code: err.code, message: err.message };
        if (err.params !== undefined) body.params = err.params;
        if (err.field) body.field = err.field;
        if (status >= 500) log.error(`${ctx.method} ${redactPath(ctx.path)}: ${err.message}`);
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
