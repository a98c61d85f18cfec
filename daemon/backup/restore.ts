/**
 * Restore, phase 1: an uploaded .tar.gz is unpacked into DATA_DIR/.restore-incoming-<random>
 * while it streams in, and checked entry by entry: safe name, no duplicates, size and count
 * limits (limits.ts) before a byte of an entry is written, the unpacked/uploaded ratio as
 * gzip inflates, JSON documents parse, journal lines parse (line by line, bounded). At the end
 * every file must match the manifest's size and SHA-256. Only a fully valid archive is
 * fsync'd and renamed to DATA_DIR/.restore-staged; anything else (a refusal, a broken or
 * aborted upload) removes the working directory and changes nothing.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { finished, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Extract } from 'tar-stream';
import { fsyncDir } from '../store/index.js';
import {
  excluded,
  FORMAT,
  INCOMING,
  MANIFEST,
  SAFE_PATH,
  STAGED,
  type Manifest,
} from './format.js';
import { BackupError, RESTORE_LIMITS, type RestoreLimits } from './limits.js';

export interface RestoreResult {
  files: number;
  bytes: number;
  created_at: string;
  app_version: string;
}

const invalid = (message: string) => new BackupError('invalid_backup', message);
const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;

/** Checks a file's content as it streams: JSON documents whole, journals line by line. */
interface ContentCheck {
  push(chunk: Buffer): void;
  end(): void;
}

function documentCheck(rel: string): ContentCheck {
  const parts: Buffer[] = [];
  return {
    push: (c) => parts.push(c),
    end: () => {
      let v: unknown;
      try {
        v = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        throw invalid(`${rel} is not valid JSON`);
      }
      if (!v || typeof v !== 'object') throw invalid(`${rel} is not a JSON document`);
    },
  };
}

function journalCheck(rel: string, maxLine: number): ContentCheck {
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let line = 0;
  const check = (bytes: Buffer) => {
    line++;
    if (bytes.length === 0) return;
    try {
      JSON.parse(bytes.toString('utf8'));
    } catch {
      throw invalid(`${rel} line ${line} is not valid JSON`);
    }
  };
  return {
    push(chunk) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        check(partial.length ? Buffer.concat([...partial, piece]) : piece);
        partial = [];
        partialBytes = 0;
        start = nl + 1;
      }
      if (start < chunk.length) {
        partial.push(chunk.subarray(start));
        partialBytes += chunk.length - start;
        if (partialBytes > maxLine)
          throw invalid(`${rel} line ${line + 1} is longer than ${mib(maxLine)}`);
      }
    },
    end() {
      if (partialBytes > 0) throw invalid(`${rel} ends in the middle of a line`);
    },
  };
}

const noCheck: ContentCheck = { push: () => {}, end: () => {} };

/** Counts bytes through a stream and refuses once `limit` says so (the error is thrown). */
function meter(onBytes: (total: number) => void): Transform & { bytes: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      t.bytes += chunk.length;
      try {
        onBytes(t.bytes);
      } catch (err) {
        cb(err as Error);
        return;
      }
      cb(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

async function readAll(entry: AsyncIterable<unknown>, max: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of entry) {
    n += (c as Buffer).length;
    if (n > max) throw new BackupError('backup_too_large', `${what} is larger than ${mib(max)}`);
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

/** Restores in progress, by data directory: one at a time. */
const busy = new Set<string>();

/**
 * Unpacks and validates an uploaded .tar.gz (as a byte stream) into DATA_DIR/.restore-staged.
 * Nothing outside the upload's own working directory is touched until the archive proved
 * valid; a refused one leaves no trace. The upload stream is never destroyed here: on a
 * refusal it is unpiped and drained, so the caller can still answer.
 */
export async function restoreArchive(
  upload: Readable,
  dataDir: string,
  limits: RestoreLimits = RESTORE_LIMITS,
): Promise<RestoreResult> {
  const key = path.resolve(dataDir);
  if (busy.has(key))
    throw new BackupError('restore_in_progress', 'Another restore upload is still running');
  busy.add(key);
  const incoming = path.join(dataDir, `${INCOMING}-${randomBytes(6).toString('hex')}`);
  let packed: (Transform & { bytes: number }) | null = null;
  const stages: Array<{ destroy(): unknown }> = [];
  try {
    await mkdir(incoming, { recursive: true });
    const fs = await statfs(dataDir);
    const free = fs.bavail * fs.bsize - limits.reserveBytes;
    const budget = Math.min(limits.maxUnpackedBytes, free);

    packed = meter((n) => {
      if (n > limits.maxUploadBytes)
        throw new BackupError(
          'payload_too_large',
          `Backup is larger than ${mib(limits.maxUploadBytes)}`,
          {
            limit: 'upload_bytes',
            max: limits.maxUploadBytes,
          },
        );
    });
    const inPacked = packed;
    const unpacked = meter((n) => {
      if (n > limits.ratioGraceBytes && n > limits.maxRatio * inPacked.bytes)
        throw new BackupError(
          'backup_too_large',
          `the archive unpacks to more than ${limits.maxRatio} times its size (a decompression bomb?)`,
          { limit: 'compression_ratio', max: limits.maxRatio },
        );
    });
    const gunzip = createGunzip();
    const tar: Extract = tarExtract();
    stages.push(packed, gunzip, unpacked, tar);
    // Every stage's failure ends the tar reader (and so the loop below) with that error;
    // the upload is piped, not owned: an aborted upload ends the chain as well.
    const fail = (err: unknown) => {
      const e = err ?? invalid('the upload ended early');
      if (!tar.destroyed) tar.destroy(e as Error);
    };
    for (const s of [packed, gunzip, unpacked]) s.on('error', fail);
    finished(upload, (err) => {
      if (err) fail(new BackupError('upload_aborted', 'The upload was interrupted'));
    });
    upload
      .pipe(packed)
      .pipe(gunzip)
      .pipe(unpacked)
      .pipe(tar as unknown as NodeJS.WritableStream);

    const result = await unpackInto(tar, incoming, limits, budget);
    await syncTree(incoming);
    const staged = path.join(dataDir, STAGED);
    await rm(staged, { recursive: true, force: true });
    await rename(incoming, staged);
    await fsyncDir(dataDir);
    return result;
  } catch (err) {
    // Stop reading the upload (it is drained, not destroyed: the caller still answers) and
    // free the inflater at once.
    if (packed) upload.unpipe(packed);
    for (const s of stages) s.destroy();
    upload.resume();
    throw normalise(err);
  } finally {
    await rm(incoming, { recursive: true, force: true }).catch(() => {});
    busy.delete(key);
  }
}

function normalise(err: unknown): unknown {
  if (err instanceof BackupError) return err;
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && e.code.startsWith('Z_'))
    return invalid('the file is not a valid .tar.gz');
  // tar-stream's refusals (bad header, checksum, cut short) are plain Errors.
  if (e?.message && /tar|header|unexpected end|premature/i.test(e.message))
    return invalid(`the archive is damaged (${e.message})`);
  return err;
}

async function unpackInto(
  tar: Extract,
  incoming: string,
  limits: RestoreLimits,
  budget: number,
): Promise<RestoreResult> {
  const seen = new Map<string, { size: number; sha256: string }>();
  const dirs = new Set<string>();
  let manifest: Manifest | null = null;
  let entries = 0;
  let bytes = 0;
  for await (const entry of tar) {
    const h = entry.header;
    if (++entries > limits.maxEntries)
      throw new BackupError(
        'backup_too_many_files',
        `the archive holds more than ${limits.maxEntries} entries`,
        { limit: 'entries', max: limits.maxEntries },
      );
    if (manifest) throw invalid('files after the manifest');
    const name = h.name.replace(/\/+$/, '');
    if (h.type === 'directory') {
      entry.resume();
      continue;
    }
    if (h.type !== 'file')
      throw invalid(`${name.slice(0, 120)}: only regular files are allowed (type ${h.type})`);
    if (name === MANIFEST) {
      const raw = await readAll(entry, limits.maxDocumentBytes, 'the manifest');
      try {
        manifest = JSON.parse(raw.toString('utf8')) as Manifest;
      } catch {
        throw invalid('the manifest is not valid JSON');
      }
      continue;
    }
    if (!SAFE_PATH.test(name) || excluded(name))
      throw invalid(`refusing file name "${name.slice(0, 120)}"`);
    if (seen.has(name)) throw invalid(`${name} appears twice`);
    const max = name.endsWith('.json') ? limits.maxDocumentBytes : limits.maxEntryBytes;
    if (h.size > max)
      throw new BackupError('backup_too_large', `${name} is larger than ${mib(max)}`, {
        limit: name.endsWith('.json') ? 'document_bytes' : 'entry_bytes',
        max,
      });
    bytes += h.size;
    if (bytes > budget) {
      if (budget < limits.maxUnpackedBytes)
        throw new BackupError(
          'insufficient_storage',
          `the data partition has no room for this backup (${mib(bytes)} and more)`,
          { limit: 'free_bytes', max: Math.max(0, budget) },
        );
      throw new BackupError('backup_too_large', `the archive unpacks to more than ${mib(budget)}`, {
        limit: 'unpacked_bytes',
        max: budget,
      });
    }
    const check = name.endsWith('.json')
      ? documentCheck(name)
      : name.endsWith('.jsonl')
        ? journalCheck(name, limits.maxLineBytes)
        : noCheck;
    const hash = createHash('sha256');
    await writeEntry(entry, path.join(incoming, name), hash, check, dirs);
    seen.set(name, { size: h.size, sha256: hash.digest('hex') });
  }
  if (
    !manifest ||
    manifest.format !== FORMAT ||
    manifest.version !== 1 ||
    !Array.isArray(manifest.files)
  )
    throw invalid('not a Counter POS backup (manifest missing or unknown format)');
  if (manifest.files.length !== seen.size)
    throw invalid(
      `the manifest lists ${manifest.files.length} files, the archive holds ${seen.size}`,
    );
  for (const f of manifest.files) {
    const got = seen.get(f?.path);
    if (!got) throw invalid(`${String(f?.path).slice(0, 120)} is missing`);
    if (got.size !== f.size || got.sha256 !== f.sha256)
      throw invalid(`${f.path} does not match its checksum`);
  }
  return {
    files: seen.size,
    bytes,
    created_at: String(manifest.created_at),
    app_version: String(manifest.app_version),
  };
}

async function writeEntry(
  entry: AsyncIterable<unknown>,
  file: string,
  hash: Hash,
  check: ContentCheck,
  dirs: Set<string>,
): Promise<void> {
  let fh: FileHandle;
  try {
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      dirs.add(dir);
    }
    fh = await open(file, 'wx', 0o640);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
      throw invalid(`${path.basename(file)} clashes with another entry of the archive`);
    throw err;
  }
  try {
    for await (const chunk of entry) {
      const c = chunk as Buffer;
      hash.update(c);
      check.push(c);
      await fh.write(c);
    }
    check.end();
  } finally {
    await fh.close();
  }
}

/** fsync every file, then every directory bottom-up (only for an archive found valid). */
async function syncTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await syncTree(p);
    else {
      const fh = await open(p, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }
  await fsyncDir(dir);
}
