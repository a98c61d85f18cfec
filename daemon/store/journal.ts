/**
 * The journal primitive: an append-only, fsync'd, crash-safe log of JSON entries, one per line,
 * in partition files `DIR/<partition>.jsonl` (the sales journal partitions by business day, the
 * audit journal by month). Every module that keeps a history writes through one of these;
 * nothing else appends to a log.
 *
 * Writing
 * - Appends are serialised and group-committed: entries queued while a write+fsync runs are
 *   written together, one fdatasync per touched file. Nothing but the new bytes is written, so
 *   an append costs the same with ten or ten million entries behind it.
 * - Every entry gets the journal's sequence number `q` (1, 2, 3 … over all partitions, in
 *   commit order), stored as the line's last key. Callers may draw their own consecutive
 *   numbers (sale numbers) from named counters when a batch is formed. A failed write assigns
 *   nothing: it is truncated back (no torn fragment in front of the next line), its numbers are
 *   reused by the next batch, and if even the truncation fails the journal refuses writes until
 *   restart. `writeFailure` says why the last write failed until one succeeds.
 * - A new partition file's directory entry is fsync'd too.
 *
 * Opening (start-up)
 * - A last line without its newline is an append the power cut interrupted (never
 *   acknowledged): it is moved aside to `<file>.torn-<offset>`, the file is truncated to its
 *   last complete line, and a warning is logged. Every earlier line stays.
 * - Files written before entries carried `q` are migrated once: rewritten (temp file, fsync,
 *   rename, fsync dir) with `q` added, partitions in name order. A crash in between leaves
 *   each file old or new; the next start goes on where it stopped.
 *
 * Reading
 * - readPartition() streams one partition's entries (parsed, in file order); a line that is not
 *   JSON or not an entry of this journal is skipped with a warning.
 * - scanPartition() hands out each line as a range of latin1 text without parsing, for fast
 *   start-up scans of big journals (see the sales journal).
 * - readPlaces() reads entries at known byte offsets; entriesAfter() returns the entries after
 *   a sequence number in sequence order (streaming readers such as fleet shipping).
 */
import { mkdir, open, readdir, rename, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { StorageError } from './document.js';
import { fsyncDir, writeFileDurable } from './durable-file.js';

/** An entry as stored and read back: the caller's fields plus the journal sequence `q`. */
export type Stored<E> = E & { q: number };

/** Where a line sits in its partition file (bytes, without the newline). */
export interface Place {
  offset: number;
  length: number;
}

export interface JournalOptions<E extends object> {
  dir: string;
  /** Name in errors and logs, e.g. "sales journal". */
  name: string;
  log: Logger;
  /** Partition names this journal owns (file stems), e.g. /^\d{4}-\d{2}-\d{2}$/. */
  partition: RegExp;
  /** Is a parsed line an entry of this journal? Others are skipped as unreadable. */
  isEntry(value: unknown): value is E;
  /** Open file handles kept for appending (least recently used closed first). */
  maxOpen?: number;
}

export interface Committed<E> {
  partition: string;
  entry: Stored<E>;
  place: Place;
}

export interface OpenStats {
  partitions: number;
  torn: number;
  migrated: number;
}

interface Queued<E> {
  build: (next: (counter: string) => number) => { partition: string; entry: E };
  resolve: (c: Committed<E>) => void;
  reject: (err: unknown) => void;
}

interface OpenFile {
  fh: FileHandle;
  size: number;
}

const LAST_Q = /,"q":(\d+)\}$/;
const CHUNK = 64 * 1024;

export class Journal<E extends object> {
  private seq = 0;
  private counters = new Map<string, number>();
  private queue: Queued<E>[] = [];
  private writing: Promise<void> | null = null;
  private files = new Map<string, OpenFile>();
  private broken: string | null = null;
  private failure: string | null = null;
  /** Per partition: lowest and highest q (for entriesAfter). */
  private range = new Map<string, { min: number; max: number }>();
  private committedListeners: Array<(batch: Committed<E>[]) => void> = [];

  constructor(private readonly opts: JournalOptions<E>) {}

  /** Highest sequence number durably in the journal. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Why the journal cannot take entries (last append failed, or broken), until it can again. */
  get writeFailure(): string | null {
    return this.broken ?? this.failure;
  }

  fileOf(partition: string): string {
    return path.join(this.opts.dir, `${partition}.jsonl`);
  }

  /** Partitions with a file, in name order. */
  async partitions(): Promise<string[]> {
    const names = await readdir(this.opts.dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => n.slice(0, -'.jsonl'.length))
      .filter((p) => this.opts.partition.test(p))
      .sort();
  }

  /** Last durable value of a counter (0 before the first). */
  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  /** Raises a counter to at least `value` (what the caller found when it read the journal). */
  raiseCounter(name: string, value: number): void {
    if (value > this.counter(name)) this.counters.set(name, value);
  }

  /** Called after every committed batch, in commit order (places of new entries...). */
  onCommitted(listener: (batch: Committed<E>[]) => void): void {
    this.committedListeners.push(listener);
  }

  /**
   * Repairs torn tails, migrates files without sequence numbers, and learns the last sequence
   * number. Call once before appending.
   */
  async open(): Promise<OpenStats> {
    await mkdir(this.opts.dir, { recursive: true });
    const stats: OpenStats = { partitions: 0, torn: 0, migrated: 0 };
    const legacy: string[] = [];
    for (const p of await this.partitions()) {
      stats.partitions++;
      if (await this.repairTail(p)) stats.torn++;
      const edge = await this.edgeSeqs(p);
      if (edge === 'legacy') legacy.push(p);
      else if (edge) {
        this.range.set(p, edge);
        if (edge.max > this.seq) this.seq = edge.max;
      }
    }
    for (const p of legacy) {
      await this.migrate(p);
      stats.migrated++;
    }
    return stats;
  }

  /** Lowest and highest q of a partition; 'legacy' when its lines carry none; null if empty. */
  private async edgeSeqs(p: string): Promise<{ min: number; max: number } | 'legacy' | null> {
    const fh = await open(this.fileOf(p), 'r');
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

  /**
   * Rewrites a partition written before sequence numbers with `q` on every entry. Entries that
   * have one keep it (a file is migrated whole, but a repeated migration must not renumber);
   * lines that are not JSON are kept as they are (readers skip them, as before).
   */
  private async migrate(p: string): Promise<void> {
    const lines: Array<{ entry?: object & { q?: unknown }; text: string }> = [];
    await this.readPartition(
      p,
      (entry, _lineNo, text) => lines.push({ entry, text }),
      (_lineNo, text) => lines.push({ text }),
      { raw: true },
    );
    for (const l of lines)
      if (typeof l.entry?.q === 'number' && l.entry.q > this.seq) this.seq = l.entry.q;
    let min = 0;
    let max = 0;
    const out = lines.map((l) => {
      if (!l.entry) return l.text + '\n';
      const q = typeof l.entry.q === 'number' ? l.entry.q : ++this.seq;
      if (!min || q < min) min = q;
      if (q > max) max = q;
      return serialise(l.entry, q);
    });
    const file = this.fileOf(p);
    const tmp = `${file}.migrate-${process.pid}`;
    await writeFileDurable(tmp, out.join(''));
    await rename(tmp, file);
    await fsyncDir(this.opts.dir);
    if (max) this.range.set(p, { min, max });
    this.opts.log.info(`${this.opts.name}: ${p}.jsonl numbered (${out.length} lines)`);
  }

  /** Appends one entry to a partition; resolves once it is durable. */
  append(partition: string, entry: E): Promise<Committed<E>> {
    return this.appendWith(() => ({ partition, entry }));
  }

  /**
   * Appends the entry `build` makes when the batch is formed; `next(counter)` draws the next
   * number of a named counter (consecutive, never skipped: a failed batch returns them).
   */
  appendWith(
    build: (next: (counter: string) => number) => { partition: string; entry: E },
  ): Promise<Committed<E>> {
    if (this.broken) return Promise.reject(new StorageError(this.opts.name, this.broken));
    return new Promise((resolve, reject) => {
      this.queue.push({ build, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0);
      const drawn = new Map(this.counters);
      const next = (name: string) => {
        const n = (drawn.get(name) ?? 0) + 1;
        drawn.set(name, n);
        return n;
      };
      let q = this.seq;
      const byPart = new Map<string, string[]>();
      const built: Array<{ partition: string; entry: Stored<E>; index: number }> = [];
      const failedBuilds: Array<[Queued<E>, unknown]> = [];
      const kept: Queued<E>[] = [];
      for (const item of batch) {
        let made: { partition: string; entry: E };
        try {
          made = item.build(next);
        } catch (err) {
          failedBuilds.push([item, err]);
          continue;
        }
        const entry = { ...made.entry, q: ++q } as Stored<E>;
        const parts = byPart.get(made.partition) ?? [];
        built.push({ partition: made.partition, entry, index: parts.length });
        parts.push(serialise(made.entry, q));
        byPart.set(made.partition, parts);
        kept.push(item);
      }
      for (const [item, err] of failedBuilds) item.reject(err);
      const touched: Array<{ f: OpenFile; before: number; partition: string }> = [];
      try {
        if (this.broken) throw new StorageError(this.opts.name, this.broken);
        for (const [partition, parts] of byPart) {
          const f = await this.file(partition);
          touched.push({ f, before: f.size, partition });
          const buf = Buffer.from(parts.join(''), 'utf8');
          let off = 0;
          while (off < buf.length) {
            const { bytesWritten } = await f.fh.write(buf, off, buf.length - off, null);
            off += bytesWritten;
          }
          f.size += buf.length;
        }
        await Promise.all(touched.map((t) => t.f.fh.datasync()));
      } catch (err) {
        await this.rollBack(touched, err);
        this.failure = `append failed: ${(err as Error).message}`;
        const e =
          err instanceof StorageError
            ? err
            : new StorageError(this.opts.name, `append failed: ${(err as Error).message}`);
        kept.forEach((item) => item.reject(e));
        continue;
      }
      this.failure = null;
      this.seq = q;
      this.counters = drawn;
      // Places of the new lines: each partition's bytes before the batch, then line by line.
      const offsets = new Map(touched.map((t) => [t.partition, t.before]));
      const committed: Committed<E>[] = built.map((b) => {
        const text = byPart.get(b.partition)![b.index];
        const offset = offsets.get(b.partition)!;
        const length = Buffer.byteLength(text) - 1;
        offsets.set(b.partition, offset + length + 1);
        const r = this.range.get(b.partition);
        if (r) r.max = b.entry.q;
        else this.range.set(b.partition, { min: b.entry.q, max: b.entry.q });
        return { partition: b.partition, entry: b.entry, place: { offset, length } };
      });
      for (const l of this.committedListeners) l(committed);
      kept.forEach((item, i) => item.resolve(committed[i]));
    }
    this.writing = null;
  }

  private async rollBack(
    touched: Array<{ f: OpenFile; before: number }>,
    cause: unknown,
  ): Promise<void> {
    for (const t of touched) {
      try {
        await t.f.fh.truncate(t.before);
        await t.f.fh.sync();
        t.f.size = t.before;
      } catch (err) {
        this.broken = `append failed (${(cause as Error).message}) and could not be undone (${(err as Error).message}); refusing writes until restart`;
        this.opts.log.error(`${this.opts.name}: ${this.broken}`);
      }
    }
  }

  private async file(partition: string): Promise<OpenFile> {
    const hit = this.files.get(partition);
    if (hit) {
      // Most recently used last.
      this.files.delete(partition);
      this.files.set(partition, hit);
      return hit;
    }
    if (!this.opts.partition.test(partition))
      throw new StorageError(this.opts.name, `"${partition}" is not a partition of it`);
    const name = this.fileOf(partition);
    const existed = await stat(name).then(
      () => true,
      () => false,
    );
    if (!existed) await mkdir(this.opts.dir, { recursive: true });
    const fh = await open(name, 'a', 0o640);
    const { size } = await fh.stat();
    // A new file's directory entry must be durable too, or a power cut can lose the file.
    if (!existed) await fsyncDir(this.opts.dir);
    const f = { fh, size };
    this.files.set(partition, f);
    while (this.files.size > (this.opts.maxOpen ?? 4)) {
      const [oldest, old] = this.files.entries().next().value as [string, OpenFile];
      this.files.delete(oldest);
      await old.fh.close().catch(() => {});
    }
    return f;
  }

  /**
   * Streams a partition's complete entries in file order. A trailing fragment without newline
   * (an append in progress) is not delivered. Returns false when the partition has no file.
   */
  async readPartition(
    p: string,
    onEntry: (entry: Stored<E>, lineNo: number, text: string) => void,
    onBad: (lineNo: number, text: string) => void = () => {},
    opts: { raw?: boolean } = {},
  ): Promise<boolean> {
    const file = this.fileOf(p);
    let rest = '';
    let lineNo = 0;
    const emit = (text: string) => {
      lineNo++;
      if (!text) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        this.opts.log.warn(`${this.opts.name} ${p}.jsonl line ${lineNo} is not JSON; skipped`);
        onBad(lineNo, text);
        return;
      }
      if (!opts.raw && !this.opts.isEntry(parsed)) {
        this.opts.log.warn(`${this.opts.name} ${p}.jsonl line ${lineNo} is not an entry; skipped`);
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
      throw new StorageError(
        `${this.opts.name} ${p}.jsonl`,
        `unreadable: ${(err as Error).message}`,
      );
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
  async scanPartition(
    p: string,
    buf: Buffer,
    handle: (text: string, start: number, end: number, lineNo: number, offset: number) => void,
  ): Promise<{ size: number; mtime_ms: number; complete: boolean } | null> {
    const fh = await open(this.fileOf(p), 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw new StorageError(`${this.opts.name} ${p}.jsonl`, `unreadable: ${err.message}`);
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
      throw new StorageError(
        `${this.opts.name} ${p}.jsonl`,
        `unreadable: ${(err as Error).message}`,
      );
    } finally {
      await fh.close();
    }
  }

  /** Parses a line handed out by scanPartition(); undefined (logged) when it is not an entry. */
  parseLatin1(
    p: string,
    text: string,
    start: number,
    end: number,
    lineNo: number,
  ): Stored<E> | undefined {
    try {
      const v: unknown = JSON.parse(Buffer.from(text.slice(start, end), 'latin1').toString('utf8'));
      if (this.opts.isEntry(v)) return v as Stored<E>;
    } catch {
      /* reported below */
    }
    this.opts.log.warn(`${this.opts.name} ${p}.jsonl line ${lineNo} is not an entry; skipped`);
    return undefined;
  }

  /**
   * The entries at these places, or null when any of them is not a whole line that `accept`
   * takes (then the caller reads the partition instead).
   */
  async readPlaces(
    p: string,
    places: Place[],
    accept: (entry: Stored<E>) => boolean = () => true,
  ): Promise<Stored<E>[] | null> {
    if (places.length === 0) return [];
    const fh = await open(this.fileOf(p), 'r').catch(() => null);
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
        if (!this.opts.isEntry(entry) || !accept(entry as Stored<E>)) return null;
        out.push(entry as Stored<E>);
      }
      return out;
    } finally {
      await fh.close();
    }
  }

  /**
   * Up to `limit` entries with q > `after`, in q order, with their partitions: what a reader
   * that keeps a cursor (fleet shipping) takes next. Reads only partitions whose q range
   * reaches past the cursor.
   */
  async entriesAfter(
    after: number,
    limit: number,
  ): Promise<Array<{ partition: string; entry: Stored<E> }>> {
    const upto = Math.min(this.seq, after + limit);
    if (upto <= after) return [];
    const out: Array<{ partition: string; entry: Stored<E> }> = [];
    for (const [p, r] of [...this.range].sort((a, b) => a[1].min - b[1].min)) {
      if (r.max <= after || r.min > upto) continue;
      await this.readPartition(p, (entry) => {
        if (entry.q > after && entry.q <= upto) out.push({ partition: p, entry });
      });
    }
    return out.sort((a, b) => a.entry.q - b.entry.q);
  }

  /** Moves a torn last line aside and truncates to the last complete line; true if it did. */
  async repairTail(p: string): Promise<boolean> {
    const file = this.fileOf(p);
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
      this.opts.log.warn(
        `${this.opts.name} ${p}.jsonl: torn last line (${torn.length} bytes at offset ${keep}, an append the power cut interrupted) moved to ${path.basename(file)}.torn-${keep}; every earlier line is kept`,
      );
      return true;
    } finally {
      await fh.close();
    }
  }

  /**
   * A barrier for readers: resolves once every append queued before the call is durable (and
   * so visible to readPartition).
   */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Waits for queued appends, then closes the files. */
  async close(): Promise<void> {
    await this.idle();
    for (const f of this.files.values()) await f.fh.close().catch(() => {});
    this.files.clear();
  }
}

/** An entry as one line: its fields, then `q` last (scans match the fields' fixed prefix). */
function serialise(entry: object, q: number): string {
  const { q: _drop, ...rest } = entry as { q?: unknown };
  return JSON.stringify({ ...rest, q }) + '\n';
}

/** Byte offset just after the last newline before `size` (0 when there is none). */
async function lastNewlineEnd(fh: FileHandle, size: number): Promise<number> {
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
async function lastLine(fh: FileHandle, size: number): Promise<string> {
  const start = await lastNewlineEnd(fh, size - 1);
  const buf = Buffer.alloc(size - 1 - start);
  await fh.read(buf, 0, buf.length, start);
  return buf.toString('utf8');
}
