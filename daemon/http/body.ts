/**
 * Request bodies with hard size limits. JSON bodies must be `application/json` objects;
 * raw bodies (images, CSV) are read as Buffers. Over the limit → 413, before the whole body
 * is buffered.
 */
import type { Context } from '../core/http.js';
import { fail } from '../core/errors.js';

export const JSON_LIMIT = 64 * 1024;

export async function readRaw(ctx: Context, limit: number): Promise<Buffer> {
  const tooLarge = (): never => {
    // The rest of the body is not read; the connection closes after this response, so an
    // oversized upload costs the daemon nothing more.
    ctx.set('Connection', 'close');
    fail(413, 'payload_too_large', `Request body is larger than ${limit} bytes`);
  };
  const declared = Number(ctx.get('content-length') || NaN);
  if (Number.isFinite(declared) && declared > limit) tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false keeps the socket open so the 413 response can still be sent.
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON object body. Empty body → {} only when allowEmpty. */
export async function readJson(
  ctx: Context,
  opts: { limit?: number; allowEmpty?: boolean } = {},
): Promise<Record<string, unknown>> {
  const raw = await readRaw(ctx, opts.limit ?? JSON_LIMIT);
  if (raw.length === 0) {
    if (opts.allowEmpty) return {};
    fail(400, 'invalid_body', 'Request body must be a JSON object');
  }
  if (!ctx.is('application/json')) {
    fail(415, 'unsupported_media_type', 'Content-Type must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    fail(400, 'invalid_json', 'Request body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    fail(400, 'invalid_body', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** A single query parameter; repeated parameters are refused rather than guessed at. */
export function queryParam(ctx: Context, name: string): string | undefined {
  const v = ctx.query[name];
  if (Array.isArray(v))
    fail(400, 'invalid_query', `Query parameter "${name}" given more than once`, name);
  return v;
}
