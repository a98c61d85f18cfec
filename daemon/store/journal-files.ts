/**
 * The journal primitive's partition files (daemon/store/journal.ts): streaming parsed entries,
 * scanning lines as latin1 ranges without parsing, reading entries at known places, a file's
 * first and last sequence numbers, and setting a torn last line aside.
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import type { Logger } from '../log.js';
import { StorageError } from './document.js';
import { writeFileDurable } from './durable-file.js';

/** An entry as stored and read back: the caller's fields plus the journal sequence `q`. */
export type Stored<E> = E & { q: number };

/** Where a line sits in its partition file (bytes, without the newline). */
export interface Place {
  offset: number;
  length: number;
}

/** What the readers need to know of a journal. */
export interface JournalFiles<E extends object> {
  name: string;
  log: Logger;
  isEntry(value: unknown): value is E;
  fileOf(partition: string): string;
}

const CHUNK = 64 * 1024;
const LAST_Q = /,"q":(\d+)\}$/;

/**
 * Streams a partition's complete entries in file order. A trailing fragment without newline
 * (an append in progress) is not delivered. Returns false when the partition has no file.
 */
export async function readPartition<E extends object>(
  r: JournalFiles<E>,
  p: string,
  onEntry: (entry: Stored<E>, lineNo: number, text: string) => void,
  onBad: (lineNo: number, text: string) => void = () => {},
  opts: { raw?: boolean } = {},
): Promise<boolean> {
  const file = r.fileOf(p);
  let rest = '';
  let lineNo = 0;
  const emit = (text: string) => {
    lineNo++;
    if (!text) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      r.log.warn(`${r.name} ${p}.jsonl line ${lineNo} is not JSON; skipped`);
      onBad(lineNo, text);
      return;
    }
    if (!opts.raw && !r.isEntry(parsed)) {
      r.log.warn(`${r.name} ${p}.jsonl line ${lineNo} is not an entry; skipped`);
      onBad(lineNo, text);
      return;
    }
    onEntry(parsed as Stored<E>, lineNo, text);
  };
  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      let nl = chunk.indexOf('\n');
      if (nl !== -1 && rest) {
        emit(rest + chunk.slice(0, nl));
        rest = '';
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      while (nl !== -1) {
        emit(chunk.slice(start, nl));
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      rest += chunk.slice(start);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new StorageError(`${r.name} ${p}.jsonl`, `unreadable: ${(err as Error).message}`);
  }
  return true;
}

/**
 * Calls `handle` with each complete line of a partition as a range of a latin1 text (the
 * chunk just read; a line cut by a chunk edge comes as its own text), with its line number
 * and byte offset. latin1 maps byte n to char n: no UTF-8 work and, for a million lines, a
 * few hundred strings rather than a million. `complete` is false when the file ends in a
 * fragment without newline. Null when the partition has no file.
 */
export async function scanPartition(
  r: JournalFiles<object>,
  p: string,
  buf: Buffer,
  handle: (text: string, start: number, end: number, lineNo: number, offset: number) => void,
): Promise<{ size: number; mtime_ms: number; complete: boolean } | null> {
  const fh = await open(r.fileOf(p), 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new StorageError(`${r.name} ${p}.jsonl`, `unreadable: ${err.message}`);
  });
  if (!fh) return null;
  let lineNo = 0;
  let carry = ''; // the start of a line cut by the chunk edge
  let carryAt = 0; // its byte offset
  try {
    const st = await fh.stat();
    let pos = 0;
    while (pos < st.size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, st.size - pos), pos);
      if (bytesRead === 0) break;
      const base = pos;
      pos += bytesRead;
      const text = buf.toString('latin1', 0, bytesRead);
      let start = 0;
      let nl = text.indexOf('\n');
      if (carry && nl !== -1) {
        const line = carry + text.slice(0, nl);
        carry = '';
        handle(line, 0, line.length, ++lineNo, carryAt);
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      while (nl !== -1) {
        handle(text, start, nl, ++lineNo, base + start);
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      if (start < text.length) {
        if (!carry) carryAt = base + start;
        carry += text.slice(start);
      }
    }
    return { size: pos, mtime_ms: st.mtimeMs, complete: carry === '' };
  } catch (err) {
    throw new StorageError(`${r.name} ${p}.jsonl`, `unreadable: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
}

/** Parses a line handed out by scanPartition(); undefined (logged) when it is not an entry. */
export function parseLatin1<E extends object>(
  r: JournalFiles<E>,
  p: string,
  text: string,
  start: number,
  end: number,
  lineNo: number,
): Stored<E> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text.slice(start, end), 'latin1').toString('utf8'));
    if (r.isEntry(v)) return v as Stored<E>;
  } catch {
    /* reported below */
  }
  r.log.warn(`${r.name} ${p}.jsonl line ${lineNo} is not an entry; skipped`);
  return undefined;
}

/**
 * The entries at these places, or null when any of them is not a whole line that `accept`
 * takes (then the caller reads the partition instead).
 */
export async function readPlaces<E extends object>(
  r: JournalFiles<E>,
  p: string,
  places: Place[],
  accept: (entry: Stored<E>) => boolean = () => true,
): Promise<Stored<E>[] | null> {
  if (places.length === 0) return [];
  const fh = await open(r.fileOf(p), 'r').catch(() => null);
  if (!fh) return null;
  try {
    const out: Stored<E>[] = [];
    for (const { offset, length } of places) {
      const buf = Buffer.alloc(length + 1);
      const { bytesRead } = await fh.read(buf, 0, length + 1, offset);
      if (bytesRead !== length + 1 || buf[length] !== 0x0a) return null;
      if (offset > 0) {
        const before = Buffer.alloc(1);
        await fh.read(before, 0, 1, offset - 1);
        if (before[0] !== 0x0a) return null;
      }
      let entry: unknown;
      try {
        entry = JSON.parse(buf.toString('utf8', 0, length));
      } catch {
        return null;
      }
      if (!r.isEntry(entry) || !accept(entry as Stored<E>)) return null;
      out.push(entry as Stored<E>);
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Byte offset just after the last newline before `size` (0 when there is none). */
export async function lastNewlineEnd(fh: FileHandle, size: number): Promise<number> {
  let end = size;
  while (end > 0) {
    const from = Math.max(0, end - CHUNK);
    const buf = Buffer.alloc(end - from);
    await fh.read(buf, 0, buf.length, from);
    const i = buf.lastIndexOf(0x0a);
    if (i !== -1) return from + i + 1;
    end = from;
  }
  return 0;
}

/** The last complete line of a file that ends in a newline (without it). */
export async function lastLine(fh: FileHandle, size: number): Promise<string> {
  const start = await lastNewlineEnd(fh, size - 1);
  const buf = Buffer.alloc(size - 1 - start);
  await fh.read(buf, 0, buf.length, start);
  return buf.toString('utf8');
}

/** Lowest and highest q of a partition; 'legacy' when its lines carry none; null if empty. */
export async function edgeSeqs(
  r: JournalFiles<object>,
  p: string,
): Promise<{ min: number; max: number } | 'legacy' | null> {
  const fh = await open(r.fileOf(p), 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return null;
    const last = await lastLine(fh, size);
    const max = LAST_Q.exec(last)?.[1];
    if (max === undefined) return 'legacy';
    const head = Buffer.alloc(Math.min(size, CHUNK));
    await fh.read(head, 0, head.length, 0);
    const firstEnd = head.indexOf(0x0a);
    const first = firstEnd === -1 ? last : head.toString('utf8', 0, firstEnd);
    const min = LAST_Q.exec(first)?.[1] ?? max;
    return { min: Number(min), max: Number(max) };
  } finally {
    await fh.close();
  }
}

/** Moves a torn last line aside and truncates to the last complete line; true if it did. */
export async function repairTail(r: JournalFiles<object>, p: string): Promise<boolean> {
  const file = r.fileOf(p);
  const fh = await open(file, 'r+');
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const one = Buffer.alloc(1);
    await fh.read(one, 0, 1, size - 1);
    if (one[0] === 0x0a) return false;
    const keep = await lastNewlineEnd(fh, size);
    const torn = Buffer.alloc(size - keep);
    await fh.read(torn, 0, torn.length, keep);
    await writeFileDurable(`${file}.torn-${keep}`, torn);
    await fh.truncate(keep);
    await fh.sync();
    r.log.warn(
      `${r.name} ${p}.jsonl: torn last line (${torn.length} bytes at offset ${keep}, an append the power cut interrupted) moved to ${path.basename(file)}.torn-${keep}; every earlier line is kept`,
    );
    return true;
  } finally {
    await fh.close();
  }
}

/** An entry as one line: its fields, then `q` last (scans match the fields' fixed prefix). */
export function serialise(entry: object, q: number): string {
  const { q: _drop, ...rest } = entry as { q?: unknown };
  return JSON.stringify({ ...rest, q }) + '\n';
}
