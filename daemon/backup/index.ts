/**
 * Backup and restore of DATA_DIR (settings, catalog, journals, audit, images, keys).
 *
 * Backup: a gzip'd ustar archive streamed to the admin. It is consistent without stopping the
 * till: JSON documents are only ever replaced by atomic rename (each read sees the old or the
 * new file, whole); append-only journals (*.jsonl) are read up to their size at the start of
 * the backup and cut at the last complete line. Pending document writes are flushed first.
 * The archive ends with `.counter-pos-backup.json`: format, version, and every file's size and
 * SHA-256.
 *
 * Restore is two-phase so nothing is replaced by a bad archive or under a running daemon:
 *   1. restoreArchive(): the upload is unpacked into DATA_DIR/.restore-incoming, every file is
 *      checked (safe name, size and SHA-256 from the manifest, JSON documents parse, journal
 *      lines parse); only a fully valid archive is renamed to DATA_DIR/.restore-staged.
 *   2. applyStagedRestore(), run at the next start before any document is opened: the current
 *      data moves to DATA_DIR/previous/<time>/ (kept for the operator), the staged files move
 *      into place. A power cut in between is resumed at the next start.
 */
import { DomainError } from '../core/errors.js';
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../store/index.js';
import { readTar, tarEnd, tarEntry, TarError } from './tar.js';

export const MANIFEST = '.counter-pos-backup.json';
export const FORMAT = 'counter-pos-backup';
export const STAGED = '.restore-staged';
const INCOMING = '.restore-incoming';
export const PREVIOUS = 'previous';
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;
const MAX_FILES = 100_000;
/** Relative paths we write and accept: plain names, no dot segments, at most 3 deep. */
const SAFE_PATH = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){0,2}$/;

export interface Manifest {
  format: typeof FORMAT;
  version: 1;
  app_version: string;
  created_at: string;
  files: Array<{ path: string; size: number; sha256: string }>;
  /** Entries left out because restore would refuse their names (or not regular files). */
  skipped?: string[];
}

/** A refused backup (422, or 413 when too large); nothing was changed. */
export class BackupError extends DomainError {
  constructor(code: string, message: string) {
    super(
      code === 'payload_too_large' ? 413 : 422,
      code,
      `Backup refused, nothing changed: ${message}`,
    );
    this.name = 'BackupError';
  }
}

function excluded(rel: string): boolean {
  const top = rel.split('/')[0];
  const base = path.basename(rel);
  return (
    top === PREVIOUS ||
    top === 'lost+found' ||
    top.startsWith('.') ||
    base.startsWith('.') ||
    base.endsWith('.tmp') ||
    base.includes('.torn-')
  );
}

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

/** The backup as a tar byte stream (gzip it on the way out). */
export async function* backupTar(opts: {
  dataDir: string;
  appVersion: string;
  now: number;
  flush: () => Promise<void>;
  warn?: (msg: string) => void;
}): AsyncGenerator<Buffer> {
  await opts.flush();
  const manifest: Manifest = {
    format: FORMAT,
    version: 1,
    app_version: opts.appVersion,
    created_at: new Date(opts.now).toISOString(),
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
    yield* tarEntry(rel, data, opts.now);
  }
  if (skipped.length) {
    manifest.skipped = skipped;
    opts.warn?.(
      `backup: left out ${skipped.length} entries with odd names: ${skipped.slice(0, 5).join(', ')}`,
    );
  }
  yield* tarEntry(MANIFEST, Buffer.from(JSON.stringify(manifest, null, 1) + '\n'), opts.now);
  yield tarEnd();
}

function checkContent(rel: string, data: Buffer): void {
  if (rel.endsWith('.json')) {
    let v: unknown;
    try {
      v = JSON.parse(data.toString('utf8'));
    } catch {
      throw new BackupError('invalid_backup', `${rel} is not valid JSON`);
    }
    if (!v || typeof v !== 'object')
      throw new BackupError('invalid_backup', `${rel} is not a JSON document`);
  } else if (rel.endsWith('.jsonl')) {
    const text = data.toString('utf8');
    if (text && !text.endsWith('\n'))
      throw new BackupError('invalid_backup', `${rel} ends in the middle of a line`);
    let n = 0;
    for (const line of text.split('\n')) {
      n++;
      if (!line) continue;
      try {
        JSON.parse(line);
      } catch {
        throw new BackupError('invalid_backup', `${rel} line ${n} is not valid JSON`);
      }
    }
  }
}

async function writeSynced(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const fh = await open(file, 'w', 0o640);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Unpacks and validates an uploaded (already gunzip'd) archive into DATA_DIR/.restore-staged.
 * Nothing outside the staging directories is touched; a bad archive leaves no trace.
 */
export async function restoreArchive(
  tar: AsyncIterable<Buffer>,
  dataDir: string,
): Promise<{ files: number; bytes: number; created_at: string; app_version: string }> {
  const incoming = path.join(dataDir, INCOMING);
  await rm(incoming, { recursive: true, force: true });
  await mkdir(incoming, { recursive: true });
  try {
    const seen = new Map<string, { size: number; sha256: string }>();
    let manifest: Manifest | null = null;
    let bytes = 0;
    try {
      for await (const entry of readTar(tar, { maxEntryBytes: MAX_ENTRY_BYTES })) {
        if (manifest) throw new BackupError('invalid_backup', 'files after the manifest');
        if (entry.path === MANIFEST) {
          try {
            manifest = JSON.parse(entry.data.toString('utf8')) as Manifest;
          } catch {
            throw new BackupError('invalid_backup', 'the manifest is not valid JSON');
          }
          continue;
        }
        if (!SAFE_PATH.test(entry.path) || excluded(entry.path))
          throw new BackupError(
            'invalid_backup',
            `refusing file name "${entry.path.slice(0, 120)}"`,
          );
        if (seen.has(entry.path))
          throw new BackupError('invalid_backup', `${entry.path} appears twice`);
        if (seen.size >= MAX_FILES) throw new BackupError('invalid_backup', 'too many files');
        checkContent(entry.path, entry.data);
        seen.set(entry.path, {
          size: entry.size,
          sha256: createHash('sha256').update(entry.data).digest('hex'),
        });
        bytes += entry.size;
        await writeSynced(path.join(incoming, entry.path), entry.data);
      }
    } catch (err) {
      if (err instanceof TarError) throw new BackupError('invalid_backup', err.message);
      if (
        (err as { code?: string }).code === 'Z_DATA_ERROR' ||
        (err as Error).message?.includes('header check')
      )
        throw new BackupError('invalid_backup', 'not a gzip file');
      throw err;
    }
    if (
      !manifest ||
      manifest.format !== FORMAT ||
      manifest.version !== 1 ||
      !Array.isArray(manifest.files)
    )
      throw new BackupError(
        'invalid_backup',
        'not a Counter POS backup (manifest missing or unknown format)',
      );
    if (manifest.files.length !== seen.size)
      throw new BackupError(
        'invalid_backup',
        `the manifest lists ${manifest.files.length} files, the archive holds ${seen.size}`,
      );
    for (const f of manifest.files) {
      const got = seen.get(f.path);
      if (!got) throw new BackupError('invalid_backup', `${f.path} is missing`);
      if (got.size !== f.size || got.sha256 !== f.sha256)
        throw new BackupError('invalid_backup', `${f.path} does not match its checksum`);
    }
    const staged = path.join(dataDir, STAGED);
    await rm(staged, { recursive: true, force: true });
    await rename(incoming, staged);
    await fsyncDir(dataDir);
    return {
      files: seen.size,
      bytes,
      created_at: manifest.created_at,
      app_version: manifest.app_version,
    };
  } catch (err) {
    await rm(incoming, { recursive: true, force: true }).catch(() => {});
    throw err;
  }
}

/** True when a validated restore waits for the next start. */
export async function restorePending(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, STAGED)).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * At start, before any document is opened: swaps a staged restore in. The replaced data is
 * kept in DATA_DIR/previous/<time>/. Returns that directory, or null when nothing was staged.
 * Resumable after a power cut: markers in the staged directory record the target directory
 * (.swap-to) and that the current data has been moved away (.current-moved); every move is a
 * rename, so each entry is always in exactly one place.
 */
export async function applyStagedRestore(
  dataDir: string,
  now: number,
  log: (msg: string) => void,
): Promise<string | null> {
  const staged = path.join(dataDir, STAGED);
  if (!(await restorePending(dataDir))) return null;
  const swapTo = path.join(staged, '.swap-to');
  const moved = path.join(staged, '.current-moved');
  let keep = (await readFile(swapTo, 'utf8').catch(() => '')).trim();
  if (!keep) {
    keep = path.join(dataDir, PREVIOUS, new Date(now).toISOString().replace(/[:.]/g, '-'));
    await writeSynced(swapTo, Buffer.from(keep + '\n'));
  }
  await mkdir(keep, { recursive: true });
  if (
    !(await stat(moved).then(
      () => true,
      () => false,
    ))
  ) {
    for (const name of await readdir(dataDir)) {
      if ([PREVIOUS, STAGED, INCOMING, 'lost+found'].includes(name)) continue;
      await rename(path.join(dataDir, name), path.join(keep, name));
    }
    await fsyncDir(keep);
    await fsyncDir(dataDir);
    await writeSynced(moved, Buffer.from('1\n'));
  }
  for (const name of await readdir(staged)) {
    if (name === '.swap-to' || name === '.current-moved') continue;
    await rename(path.join(staged, name), path.join(dataDir, name));
  }
  await fsyncDir(dataDir);
  await rm(staged, { recursive: true, force: true });
  await writeFile(
    path.join(keep, 'RESTORED.txt'),
    `This data was replaced by a restore at ${new Date(now).toISOString()}.\n`,
  );
  await fsyncDir(dataDir);
  log(`backup: restored data from the staged archive; the previous data is kept in ${keep}`);
  return keep;
}
