/**
 * The file protocol between the daemon (user pos) and the root update agent, in POS_UPDATE_DIR
 * (docs/UPDATES.md). Both sides write whole files atomically (temp, fsync, rename, fsync the
 * directory) so a reader or a power cut sees the old file or the new one, never a torn one.
 * Files are 0644 and, when root writes them, owned like the directory, so the daemon can
 * read and replace them.
 */
import { open, readFile, rename, stat, unlink, chown } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from '../store/durable-file.js';

export const FILES = {
  request: 'request.json',
  status: 'status.json',
  slots: 'slots.json',
  pending: 'pending.json',
  outcome: 'outcome.json',
  channel: 'channel.json',
  /** An upload or download in progress; renamed to a bundle name when complete. */
  incoming: 'incoming.raucb.part',
} as const;

/** Bundles the daemon hands to the agent: `bundle-<id>.raucb` in the update dir. */
export const BUNDLE_RE = /^bundle-[0-9a-f-]{36}\.raucb$/;

export { fsyncDir };

/** Writes `data` to dir/name atomically (see above). */
export async function writeAtomic(dir: string, name: string, data: string): Promise<void> {
  const file = path.join(dir, name);
  const tmp = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const h = await open(tmp, 'w', 0o644);
  try {
    await h.writeFile(data);
    await h.sync();
    await h.close();
    if (process.getuid?.() === 0) {
      const owner = await stat(dir);
      await chown(tmp, owner.uid, owner.gid);
    }
    await rename(tmp, file);
  } catch (err) {
    await h.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(dir);
}

export function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  return writeAtomic(dir, name, JSON.stringify(value, null, 2) + '\n');
}

/** The parsed file, or null when it is missing or not JSON (a reader never throws on it). */
export async function readJsonFile<T>(dir: string, name: string): Promise<T | null> {
  try {
    const value: unknown = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
    return value && typeof value === 'object' ? (value as T) : null;
  } catch {
    return null;
  }
}

export async function removeFile(dir: string, name: string): Promise<void> {
  await unlink(path.join(dir, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits a command line into words without a shell: spaces separate, "double" or 'single'
 * quotes group (no escapes, no variables, no globbing). `systemctl reboot "--reboot-argument=0 tryboot"` →
 * ["systemctl", "reboot", "--reboot-argument=0 tryboot"].
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in command`);
  if (inWord) words.push(cur);
  return words;
}
