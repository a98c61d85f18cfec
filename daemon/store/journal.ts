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
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { StorageError } from './document.js';
import { AppendFiles, type OpenFile } from './journal-handles.js';
import { migratePartition } from './journal-migrate.js';
import {
  edgeSeqs,
  parseLatin1,
  readPartition,
  readPlaces,
  repairTail,
  scanPartition,
  serialise,
  type JournalFiles,
  type Place,
  type Stored,
} from './journal-files.js';

export type { Place, Stored } from './journal-files.js';

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

export class Journal<E extends object> {
  private seq = 0;
  private counters = new Map<string, number>();
  private queue: Queued<E>[] = [];
  private writing: Promise<void> | null = null;
  /** File handles kept open for appending (journal-handles.ts). */
  private readonly files: AppendFiles;
  private broken: string | null = null;
  private failure: string | null = null;
  /** Per partition: lowest and highest q (for entriesAfter). */
  private range = new Map<string, { min: number; max: number }>();
  private committedListeners: Array<(batch: Committed<E>[]) => void> = [];

  constructor(private readonly opts: JournalOptions<E>) {
    this.files = new AppendFiles({
      name: opts.name,
      dir: opts.dir,
      partition: opts.partition,
      maxOpen: opts.maxOpen ?? 4,
      fileOf: (p) => this.fileOf(p),
    });
  }

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
      if (await repairTail(this.files$ as JournalFiles<object>, p)) stats.torn++;
      const edge = await edgeSeqs(this.files$ as JournalFiles<object>, p);
      if (edge === 'legacy') legacy.push(p);
      else if (edge) {
        this.range.set(p, edge);
        if (edge.max > this.seq) this.seq = edge.max;
      }
    }
    for (const p of legacy) {
      const { seq, range } = await migratePartition(this.files$, this.opts.dir, p, this.seq);
      this.seq = seq;
      if (range) this.range.set(p, range);
      stats.migrated++;
    }
    return stats;
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
        const drawnBefore = new Map(drawn);
        try {
          made = item.build(next);
          // Refused here, alone: found while writing, it would fail the whole batch.
          if (!this.opts.partition.test(made.partition))
            throw new StorageError(this.opts.name, `"${made.partition}" is not a partition of it`);
        } catch (err) {
          // Numbers it drew go back: the next entry gets them, so nothing is skipped.
          drawn.clear();
          for (const [k, v] of drawnBefore) drawn.set(k, v);
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
          const f = await this.files.open(partition);
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

  private get files$(): JournalFiles<E> {
    return {
      name: this.opts.name,
      log: this.opts.log,
      isEntry: this.opts.isEntry,
      fileOf: (p) => this.fileOf(p),
    };
  }

  /**
   * Streams a partition's complete entries in file order (a trailing fragment without newline
   * is not delivered); false when the partition has no file.
   */
  readPartition(
    p: string,
    onEntry: (entry: Stored<E>, lineNo: number, text: string) => void,
    onBad: (lineNo: number, text: string) => void = () => {},
    opts: { raw?: boolean } = {},
  ): Promise<boolean> {
    return readPartition(this.files$, p, onEntry, onBad, opts);
  }

  /** Each complete line as a range of latin1 text, for fast scans (journal-files.ts). */
  scanPartition(
    p: string,
    buf: Buffer,
    handle: (text: string, start: number, end: number, lineNo: number, offset: number) => void,
  ): Promise<{ size: number; mtime_ms: number; complete: boolean } | null> {
    return scanPartition(this.files$ as JournalFiles<object>, p, buf, handle);
  }

  /** Parses a line handed out by scanPartition(); undefined (logged) when not an entry. */
  parseLatin1(p: string, text: string, start: number, end: number, lineNo: number) {
    return parseLatin1(this.files$, p, text, start, end, lineNo);
  }

  /** The entries at these places, or null when one is not a whole line `accept` takes. */
  readPlaces(
    p: string,
    places: Place[],
    accept: (entry: Stored<E>) => boolean = () => true,
  ): Promise<Stored<E>[] | null> {
    return readPlaces(this.files$, p, places, accept);
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
    await this.files.closeAll();
  }
}
