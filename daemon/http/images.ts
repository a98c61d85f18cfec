/**
 * The HTTP side of stored pictures (product and category images): reading an upload and
 * serving a stored WebP with its content-hash ETag. Decoding and storing: catalog/images.ts.
 */
import type { Context } from '../core/http.js';
import { fail } from '../core/errors.js';
import { IMAGE_MAX_BYTES } from '../catalog/images.js';
import { readRaw } from './body.js';

/** The request body as an image upload: image/* or octet-stream, at most IMAGE_MAX_BYTES. */
export async function readImageUpload(ctx: Context): Promise<Buffer> {
  if (!ctx.is('image/*', 'application/octet-stream'))
    fail(415, 'unsupported_media_type', 'Send the image as image/* (JPEG, PNG, WebP)');
  return readRaw(ctx, IMAGE_MAX_BYTES);
}

/**
 * Answers with a stored image whose URL ends in `?v=<content hash>`: the hash is the ETag and
 * the browser may keep the picture for a long time (a new picture gets a new URL).
 */
export function serveImage(ctx: Context, imageUrl: string, data: Buffer): void {
  const etag = `"${imageUrl.split('v=')[1] ?? 'x'}"`;
  ctx.set('ETag', etag);
  ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
  // If-None-Match may list several tags, weak or strong (RFC 9110 §13.1.2, weak comparison).
  const given = ctx
    .get('if-none-match')
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''));
  if (given.includes(etag) || given.includes('*')) {
    ctx.status = 304;
    return;
  }
  ctx.type = 'image/webp';
  ctx.body = data;
}
