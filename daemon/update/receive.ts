/**
 * Taking a bundle in: the uploaded body streamed to POS_UPDATE_DIR/incoming.raucb.part (never
 * held in memory), fsync'd, renamed to bundle-<id>.raucb. Space is checked first: the upload
 * must fit and leave RESERVE_BYTES for the shop's own data. A bundle may come in one request
 * or in parts (Content-Range, in order): the HTTP server ends any request after 60 s, and a
 * large bundle over Wi-Fi takes longer than that.
 */
import { createWriteStream } from 'node:fs';
import { open, readdir, rename, statfs, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail } from '../core/errors.js';
import { BUNDLE_RE, FILES, fsyncDir, readJsonFile } from './files.js';

/** An upload in parts is given up when its next part does not come within this time. */
export const UPLOAD_IDLE_MS = 120_000;

/** An upload being received (in one request or in parts). */
export interface Session {
  id: string;
  total: number;
  received: number;
  busy: boolean;
  idle: NodeJS.Timeout | null;
}

/** Free space that stays free for sales, settings and journals while a bundle is stored. */
export const RESERVE_BYTES = 128 * 1024 * 1024;

export async function ensureSpace(dir: string, bytes: number): Promise<void> {
  const s = await statfs(dir);
  const free = Number(s.bavail) * Number(s.bsize);
  if (free < bytes + RESERVE_BYTES)
    fail(
      507,
      'update_no_space',
      'Not enough free space on the data partition for this bundle',
      undefined,
      {
        needed_bytes: bytes + RESERVE_BYTES,
        free_bytes: free,
      },
    );
}

export function bundleName(id: string): string {
  return `bundle-${id}.raucb`;
}

/** A part of the bundle: `Content-Range: bytes <start>-<end>/<total>` of the request. */
export interface Part {
  start: number;
  end: number;
  total: number;
}

/** The request's Content-Range; null when it has none; refused when it is not of that form. */
export function partOf(header: string | undefined): Part | null {
  if (!header) return null;
  const m = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/.exec(header.trim());
  const [start, end, total] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, -1, 0];
  if (!m || end < start || end >= total)
    fail(
      400,
      'invalid_field',
      'Content-Range must be "bytes <start>-<end>/<total>"',
      'content-range',
    );
  return { start, end, total };
}

/**
 * Streams `req` into incoming.raucb.part at `start` (a new file when 0). Nothing is held in
 * memory; a body shorter than `length` is `update_upload_incomplete` (the caller starts over).
 */
export async function receivePart(
  req: IncomingMessage,
  dir: string,
  start: number,
  length: number,
  onProgress: (bytes: number) => void,
): Promise<void> {
  const part = path.join(dir, FILES.incoming);
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onProgress(bytes);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, meter, createWriteStream(part, { flags: start === 0 ? 'w' : 'r+', start }));
  } catch {
    fail(400, 'update_upload_incomplete', 'The upload broke off');
  }
  if (bytes !== length)
    fail(400, 'update_upload_incomplete', 'The upload ended before the announced length');
}

/** The received bundle fsync'd and renamed to bundle-<id>.raucb; returns its path. */
export async function completeBundle(dir: string, id: string): Promise<string> {
  const part = path.join(dir, FILES.incoming);
  const h = await open(part, 'r+');
  await h.sync().finally(() => h.close());
  const file = path.join(dir, bundleName(id));
  await rename(part, file);
  await fsyncDir(dir);
  return file;
}

export async function removePart(dir: string): Promise<void> {
  await unlink(path.join(dir, FILES.incoming)).catch(() => {});
}

/** At start: a half-received bundle, and bundles no request names any more, are deleted. */
export async function removeLeftovers(dir: string): Promise<void> {
  const req = await readJsonFile<{ bundle?: string }>(dir, FILES.request);
  for (const name of await readdir(dir)) {
    const stale =
      name === FILES.incoming || (BUNDLE_RE.test(name) && req?.bundle !== path.join(dir, name));
    if (stale) await unlink(path.join(dir, name)).catch(() => {});
  }
}
