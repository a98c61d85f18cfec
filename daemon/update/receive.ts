/**
 * Taking a bundle in: the uploaded body streamed to POS_UPDATE_DIR/incoming.raucb.part (never
 * held in memory), fsync'd, renamed to bundle-<id>.raucb. Space is checked first: the upload
 * must fit and leave RESERVE_BYTES for the shop's own data.
 */
import { createWriteStream } from 'node:fs';
import { open, rename, statfs, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail } from '../core/errors.js';
import { FILES, fsyncDir } from './files.js';

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

/** Streams `req` into the update dir; returns the bundle path. Refusals drain nothing twice. */
export async function receiveBundle(
  req: IncomingMessage,
  dir: string,
  id: string,
  length: number,
  onProgress: (bytes: number) => void,
): Promise<string> {
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
    await pipeline(req, meter, createWriteStream(part));
    if (bytes !== length)
      fail(400, 'update_upload_incomplete', 'The upload ended before the announced length');
    const h = await open(part, 'r+');
    await h.sync().finally(() => h.close());
  } catch (err) {
    await unlink(part).catch(() => {});
    if (err instanceof Error && 'status' in err) throw err;
    fail(400, 'update_upload_incomplete', 'The upload broke off');
  }
  const file = path.join(dir, bundleName(id));
  await rename(part, file);
  await fsyncDir(dir);
  return file;
}
