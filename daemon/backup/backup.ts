/**
 * Backup: DATA_DIR as a .tar.gz stream, consistent without stopping the till. JSON documents
 * are only ever replaced by atomic rename (each read sees the old or the new file, whole);
 * append-only journals (*.jsonl) are read up to their size at the start and cut at the last
 * complete line. Pending document writes are flushed first. Files are read one at a time, as
 * the client takes the bytes (tar-stream's pack waits for the gzip stream to drain).
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack as tarPack, type Pack } from 'tar-stream';
import { excluded, FORMAT, MANIFEST, SAFE_PATH, type Manifest } from './format.js';

async function listFiles(root: string, rel = '', skipped: string[] = []): Promise<string[]> {
  const out: string[] = [];
  let names: string[];
  try {
    names = (await readdir(path.join(root, rel))).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    if (excluded(r)) continue;
    const st = await stat(path.join(root, r)).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) out.push(...(await listFiles(root, r, skipped)));
    else if (st.isFile() && SAFE_PATH.test(r)) out.push(r);
    else skipped.push(r);
  }
  return out;
}

/** Reads a file as it is now; a journal only up to its last complete line. */
async function snapshot(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, size - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    const data = buf.subarray(0, off);
    if (file.endsWith('.jsonl')) return data.subarray(0, data.lastIndexOf(0x0a) + 1);
    return data;
  } finally {
    await fh.close();
  }
}

/** Adds one file; resolves once tar-stream took all of it (that is, once the reader drained). */
function addEntry(tar: Pack, name: string, data: Buffer, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) =>
    tar.entry(
      { name, size: data.length, mtime, mode: 0o640, uname: 'pos', gname: 'pos' },
      data,
      (err) => (err ? reject(err) : resolve()),
    ),
  );
}

export interface BackupOptions {
  dataDir: string;
  appVersion: string;
  now: number;
  flush: () => Promise<void>;
  warn?: (msg: string) => void;
}

async function writeEntries(tar: Pack, opts: BackupOptions): Promise<void> {
  await opts.flush();
  const mtime = new Date(opts.now);
  const manifest: Manifest = {
    format: FORMAT,
    version: 1,
    app_version: opts.appVersion,
    created_at: mtime.toISOString(),
    files: [],
  };
  const skipped: string[] = [];
  for (const rel of await listFiles(opts.dataDir, '', skipped)) {
    let data: Buffer;
    try {
      data = await snapshot(path.join(opts.dataDir, rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // replaced just now
      throw err;
    }
    manifest.files.push({
      path: rel,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    await addEntry(tar, rel, data, mtime);
  }
  if (skipped.length) {
    manifest.skipped = skipped;
    opts.warn?.(
      `backup: left out ${skipped.length} entries with odd names: ${skipped.slice(0, 5).join(', ')}`,
    );
  }
  await addEntry(tar, MANIFEST, Buffer.from(JSON.stringify(manifest, null, 1) + '\n'), mtime);
  tar.finalize();
}

/**
 * The backup as a .tar.gz byte stream. A read error ends the stream with that error; a reader
 * that goes away (destroys the stream) stops the reading of files.
 */
export function backupArchive(opts: BackupOptions): Readable {
  const tar = tarPack();
  const gzip = createGzip();
  tar.pipe(gzip);
  tar.on('error', (err: Error) => gzip.destroy(err));
  gzip.on('close', () => tar.destroy());
  writeEntries(tar, opts).catch((err: Error) => {
    if (!tar.destroyed) tar.destroy(err);
  });
  return gzip;
}
