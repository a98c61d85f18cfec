/**
 * Backup and restore of DATA_DIR (settings, catalog, journals, audit, images, keys).
 *
 * Backup (backup.ts): a .tar.gz streamed to the admin, consistent without stopping the till.
 *
 * Restore is two-phase so nothing is replaced by a bad archive or under a running daemon:
 *   1. restoreArchive() (restore.ts): the upload is unpacked and checked while it streams in,
 *      within the limits of limits.ts; only a fully valid archive becomes
 *      DATA_DIR/.restore-staged.
 *   2. applyStagedRestore(), run at every start before any document is opened: the current
 *      data moves to DATA_DIR/previous/<time>/ (the newest KEEP_PREVIOUS are kept for the
 *      operator), the staged files move into place. A power cut in between is resumed at the
 *      next start. Working directories of uploads that never finished (a killed daemon) are
 *      removed here too.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, open } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../store/index.js';
import { INCOMING, PREVIOUS, STAGED } from './format.js';
import { KEEP_PREVIOUS } from './limits.js';

export { backupArchive, type BackupOptions } from './backup.js';
export { restoreArchive, type RestoreResult } from './restore.js';
export { MANIFEST, FORMAT, STAGED, PREVIOUS, type Manifest } from './format.js';
export { BackupError, RESTORE_LIMITS, KEEP_PREVIOUS, type RestoreLimits } from './limits.js';

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

/** Removes the working directories of uploads a killed daemon left behind. */
export async function removeStaleUploads(
  dataDir: string,
  log: (msg: string) => void,
): Promise<number> {
  let n = 0;
  for (const name of await readdir(dataDir).catch(() => [] as string[])) {
    if (!name.startsWith(INCOMING)) continue;
    await rm(path.join(dataDir, name), { recursive: true, force: true });
    n++;
  }
  if (n) log(`backup: removed ${n} unfinished restore upload(s)`);
  return n;
}

/**
 * Keeps the newest `keep` data sets in DATA_DIR/previous/ (their names are ISO times, so the
 * name order is the time order) and removes the rest; `current`, the one a restore just made,
 * always stays (a clock set back must not remove it). Returns the removed names.
 */
export async function prunePrevious(
  dataDir: string,
  keep: number,
  log: (msg: string) => void,
  current?: string,
): Promise<string[]> {
  const dir = path.join(dataDir, PREVIOUS);
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  const others = names.filter((n) => n !== current);
  const room = Math.max(0, current && names.includes(current) ? keep - 1 : keep);
  const old = others.slice(0, Math.max(0, others.length - room));
  for (const name of old) await rm(path.join(dir, name), { recursive: true, force: true });
  if (old.length) {
    await fsyncDir(dir);
    log(
      `backup: removed ${old.length} older previous data set(s) (keeping ${keep}): ${old.join(', ')}`,
    );
  }
  return old;
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
  keepPrevious = KEEP_PREVIOUS,
): Promise<string | null> {
  await removeStaleUploads(dataDir, log);
  const staged = path.join(dataDir, STAGED);
  if (!(await restorePending(dataDir))) {
    await prunePrevious(dataDir, keepPrevious, log);
    return null;
  }
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
      if ([PREVIOUS, STAGED, 'lost+found'].includes(name) || name.startsWith(INCOMING)) continue;
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
  await prunePrevious(dataDir, keepPrevious, log, path.basename(keep));
  return keep;
}
