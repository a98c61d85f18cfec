/**
 * The journal primitive's one-time migration (daemon/store/journal.ts): a partition written
 * before entries carried the sequence number `q` is rewritten (temp file, fsync, rename,
 * fsync dir) with `q` on every entry. A crash in between leaves the file old or new; the next
 * start goes on where it stopped.
 */
import { rename } from 'node:fs/promises';
import { fsyncDir, writeFileDurable } from './durable-file.js';
import { readPartition, serialise, type JournalFiles } from './journal-files.js';

/**
 * Rewrites partition `p` with `q` on every entry, numbering on from `seq`. Entries that have
 * one keep it (a file is migrated whole, but a repeated migration must not renumber); lines
 * that are not JSON are kept as they are (readers skip them, as before). Returns the highest
 * number given out and the partition's q range (null when it holds no entry).
 */
export async function migratePartition(
  r: JournalFiles<object>,
  dir: string,
  p: string,
  seq: number,
): Promise<{ seq: number; range: { min: number; max: number } | null }> {
  const lines: Array<{ entry?: object & { q?: unknown }; text: string }> = [];
  await readPartition(
    r,
    p,
    (entry, _lineNo, text) => lines.push({ entry, text }),
    (_lineNo, text) => lines.push({ text }),
    { raw: true },
  );
  for (const l of lines) if (typeof l.entry?.q === 'number' && l.entry.q > seq) seq = l.entry.q;
  let min = 0;
  let max = 0;
  const out = lines.map((l) => {
    if (!l.entry) return l.text + '\n';
    const q = typeof l.entry.q === 'number' ? l.entry.q : ++seq;
    if (!min || q < min) min = q;
    if (q > max) max = q;
    return serialise(l.entry, q);
  });
  const file = r.fileOf(p);
  const tmp = `${file}.migrate-${process.pid}`;
  await writeFileDurable(tmp, out.join(''));
  await rename(tmp, file);
  await fsyncDir(dir);
  r.log.info(`${r.name}: ${p}.jsonl numbered (${out.length} lines)`);
  return { seq, range: max ? { min, max } : null };
}
