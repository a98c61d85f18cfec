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
  const req = ctx.req;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err: unknown, body?: Buffer) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the socket stays open so the 413 answer can still be sent.
        req.pause();
        try {
          tooLarge();
        } catch (err) {
          done(err);
        }
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    const onError = (err: Error) => done(err);
    const onAborted = () => done(new Error('request aborted'));
    // Plain listeners rather than an async iterator: a small JSON body usually came with the
    // headers, and this hands it over without the iterator's extra turns.
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    if (req.readableEnded) onEnd();
  });
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
