/**
 * Crash-safe file writes. lowdb's own writer renames a temp file but never fsyncs, so after a
 * power cut the rename can be on disk while the data is not. Here: write temp, fsync it,
 * rename over the target, fsync the directory (so the rename itself is durable).
 * A power cut therefore leaves the old file or the new one, never a torn one.
 */
import { open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Temp names written by writeFileDurable: `.<target>.<pid>.<8 hex>.tmp`. */
const TEMP_RE = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * Deletes temp files a killed process left behind (a crash between open and rename). Only
 * this process writes DATA_DIR, so at start every such file is garbage; the targets are intact.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => TEMP_RE.test(n));
  await Promise.all(stale.map((n) => unlink(path.join(dir, n)).catch(() => {})));
  return stale;
}

export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(tmp, 'w', 0o640);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(dir);
}
