/**
 * The sales journal: DATA_DIR/sales/YYYY-MM-DD.jsonl, one JSON line per sale event, append
 * only, fsync'd (fdatasync) before the append resolves.
 *
 * - File = the sale's business day in TIMEZONE (the day it was created). Every later event of
 *   that sale (paid, failed, cancelled) goes into the same file, so one file tells the whole
 *   story of one day's sales and a day report reads one file.
 * - Appends are serialised and group-committed: lines queued while a write+fsync runs are
 *   written together with one fsync each file. Committing costs the same with 10 or 10 million
 *   lines behind it: nothing but the new bytes is written.
 * - Sale numbers are assigned here, when a batch is formed, from the last durable number. A
 *   failed write assigns nothing (the next batch reuses the numbers), so the journal never skips
 *   a number. A failed write is truncated back so no torn fragment sits in front of the next
 *   line; if even that fails, the journal refuses further writes until restart.
 * - Reading: a last line without its newline is a write the power cut interrupted (never
 *   acknowledged): it is moved aside to `<file>.torn-<offset>` for the operator, the file is
 *   truncated to its last complete line, and a warning is logged. Lines that fail to parse in
 *   the middle are skipped with a warning and left untouched.
 */
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fsyncDir, writeFileDurable, StorageError, type JsonDocument } from '../store/index.js';
import type { Logger } from '../log.js';
import type { PaymentState, Sale } from '../protocol.js';

export interface CreatedLine {
  e: 'created';
  at: string;
  /** Idempotency key of the checkout request (not part of the public Sale). */
  key: string;
  /** The cart's version when it became this sale (heals the cart after a crash). */
  cart_version: number;
  sale: Sale;
}

export interface UpdateLine {
  e: 'update';
  at: string;
  id: string;
  state: PaymentState;
  reason?: string | null;
  payment?: Record<string, unknown>;
  tendered_cents?: number | null;
  change_cents?: number | null;
}

/**
 * Lines other modules append to the same journal: refunds, cash movements and Z reports
 * (shapes in daemon/closing/entries.ts). The journal stores and returns them; the sale fold
 * (ledger.ts) ignores them.
 */
export const EXTENSION_KINDS = ['refund', 'cash', 'z'] as const;

export interface ExtensionLine {
  e: (typeof EXTENSION_KINDS)[number];
  at: string;
  [field: string]: unknown;
}

export type JournalLine = CreatedLine | UpdateLine | ExtensionLine;

const FILE_RE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const MAX_OPEN = 4;
/**
 * The start-up scan's patterns, matched at a line's start (sticky) in latin1 text: the fixed
 * prefix JSON.stringify writes for sale lines. A quote inside a string value is always escaped
 * and no value holds a raw newline, so these cannot match inside a value or across lines.
 */
const CREATED_AT =
  /\{"e":"created","at":"[^"\\\n]*","key":"[^"\\\n]*","cart_version":\d+,"sale":\{"id":"([^"\\\n]+)","number":(\d+),/y;
const UPDATE_AT = /\{"e":"update","at":"[^"\\\n]*","id":"([^"\\\n]+)","state":"([a-z]+)"/y;
/** A line's kind as JSON.stringify writes it (`e` first). */
const KIND_AT = /\{"e":"([a-z]+)"/y;
/** Below V8's large-object size, so each chunk's text is young garbage, collected cheaply. */
const SCAN_CHUNK = 64 * 1024;
/** Day files scanned at once at start (each with its own read buffer). */
const SCAN_PARALLEL = 3;

/** `fn` over `items` with at most `n` running at once, each worker with its own `state`. */
async function inPool<T, S, R>(
  items: T[],
  n: number,
  state: () => S,
  fn: (item: T, state: S) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    const st = state();
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], st);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

interface Queued {
  build: (nextNumber: () => number) => { day: string; line: JournalLine };
  resolve: (line: JournalLine) => void;
  reject: (err: unknown) => void;
}

interface OpenFile {
  fh: FileHandle;
  size: number;
}

/** What start-up needs from a day file it does not read again (sales-index.json). */
export interface FileSummary {
  size: number;
  mtime_ms: number;
  sales: number;
  max_number: number;
  /** Sales still pending at the end of the file: such a file is always read again. */
  pending: number;
  /**
   * Kinds of shop lines (refund, cash, z) the file holds, so refunds and closing find theirs
   * without reading every day. A summary without it (older index) is read again once.
   */
  shop?: string[];
  /** Where those lines are: [kind, byte offset, byte length], so they are read alone. */
  shop_at?: ShopAt[];
}

/** A shop line's place in its day file: kind, byte offset, byte length (without newline). */
export type ShopAt = [kind: string, offset: number, length: number];

export interface JournalIndexData {
  files: Record<string, FileSummary>;
}

/**
 * sales-index.json: a summary per day file, so a start reads only files that changed since
 * the last start (plus the two newest days, for the recent-sales memory). Losing or corrupting
 * it costs one slow start, never data: the journal stays the truth.
 */
export const JOURNAL_INDEX_DOC = {
  name: 'sales-index.json',
  schemaVersion: 1,
  defaults: (): JournalIndexData => ({ files: {} }),
};

/** Newest day files always read in full at start (recent sales, idempotency keys). */
const ALWAYS_READ_DAYS = 2;

export interface LoadStats {
  files: number;
  lines: number;
  skipped: number;
  torn: number;
  sales: number;
  last_number: number;
  /** Numbers between 1 and last_number that no `created` line carries. */
  missing_numbers: number;
  /** Day files taken from sales-index.json without reading them. */
  summarised: number;
}

export class SalesJournal {
  private last = 0;
  private queue: Queued[] = [];
  private writing: Promise<void> | null = null;
  private files = new Map<string, OpenFile>();
  private broken: string | null = null;
  private failure: string | null = null;

  /** Why the journal cannot take sales (last append failed, or broken), until it can again. */
  get writeFailure(): string | null {
    return this.broken ?? this.failure;
  }
  /** Day → kinds of shop lines in its file (from load(), then from appends). */
  private shopKinds = new Map<string, Set<string>>();
  /** Day → every shop line's place in its file, for days where that list is complete. */
  private shopAt = new Map<string, ShopAt[]>();

  constructor(
    private readonly deps: { dir: string; log: Logger; index?: JsonDocument<JournalIndexData> },
  ) {}

  /** Highest sale number durably in the journal. */
  get lastNumber(): number {
    return this.last;
  }

  fileOf(day: string): string {
    return path.join(this.deps.dir, `${day}.jsonl`);
  }

  async days(): Promise<string[]> {
    const names = await readdir(this.deps.dir).catch(() => [] as string[]);
    return names
      .map((n) => FILE_RE.exec(n)?.[1])
      .filter((d): d is string => !!d)
      .sort();
  }

  /**
   * Reads every file in day order, repairing torn tails; `onLine` folds the lines. Older days
   * the index vouches for are not read; other older days are scanned a few at a time (one
   * file's I/O overlaps another's scan) and parsed only when a sale in them is still pending;
   * the newest days and those are then read in full, in day order.
   */
  async load(onLine: (line: JournalLine, day: string) => void): Promise<LoadStats> {
    await mkdir(this.deps.dir, { recursive: true });
    const stats: LoadStats = {
      files: 0,
      lines: 0,
      skipped: 0,
      torn: 0,
      sales: 0,
      last_number: 0,
      missing_numbers: 0,
      summarised: 0,
    };
    let max = 0;
    const index = this.deps.index;
    const known = index?.state.state === 'ok' ? index.data.files : {};
    const summaries: Record<string, FileSummary> = {};
    let changed = false;
    const days = await this.days();
    const newest = new Set(days.slice(-ALWAYS_READ_DAYS));
    const pre = await inPool(
      days,
      SCAN_PARALLEL,
      () => Buffer.allocUnsafe(SCAN_CHUNK),
      (day, buf) => this.prepareDay(day, known[day], newest.has(day), buf),
    );
    for (let i = 0; i < days.length; i++) {
      const day = days[i];
      const p = pre[i];
      stats.files++;
      if (p.torn) stats.torn++;
      if (p.kind === 'summary') {
        stats.summarised++;
        stats.sales += p.summary.sales;
        if (p.summary.max_number > max) max = p.summary.max_number;
        summaries[day] = p.summary;
        if (p.summary.shop!.length) this.shopKinds.set(day, new Set(p.summary.shop));
        this.shopAt.set(day, p.summary.shop_at!);
        continue;
      }
      let summary: FileSummary;
      if (p.kind === 'scanned') {
        summary = p.summary;
        this.shopAt.set(day, p.summary.shop_at!);
        stats.lines += p.lines;
        stats.skipped += p.skipped;
      } else {
        // The newest days, and older ones with a pending sale: parsed, every line to the ledger.
        const pending = new Set<string>();
        const shop = new Set<string>();
        let sales = 0;
        let dayMax = 0;
        await this.readDay(
          day,
          (line) => {
            stats.lines++;
            if (line.e === 'created') {
              sales++;
              if (line.sale.number > dayMax) dayMax = line.sale.number;
              pending.add(line.sale.id);
            } else if (line.e === 'update') {
              if (line.state !== 'pending') pending.delete(line.id);
            } else shop.add(line.e);
            onLine(line, day);
          },
          () => stats.skipped++,
        );
        const after = await stat(this.fileOf(day));
        summary = {
          size: after.size,
          mtime_ms: after.mtimeMs,
          sales,
          max_number: dayMax,
          pending: pending.size,
          shop: [...shop].sort(),
        };
      }
      stats.sales += summary.sales;
      if (summary.max_number > max) max = summary.max_number;
      summaries[day] = summary;
      if (summary.shop!.length) this.shopKinds.set(day, new Set(summary.shop));
      changed ||= JSON.stringify(summary) !== JSON.stringify(known[day]);
    }
    changed ||= Object.keys(known).length !== days.length;
    if (index && changed) {
      await index
        .update((d) => {
          d.files = summaries;
        })
        .catch((err: Error) => this.deps.log.warn(`sales-index.json not written: ${err.message}`));
    }
    this.last = max;
    stats.last_number = max;
    stats.missing_numbers = max - stats.sales;
    return stats;
  }

  /**
   * The part of loading one day that needs no other day: its summary from the index when the
   * file is unchanged, else the tail repaired and (older days) a scan of each line's prefix.
   */
  private async prepareDay(
    day: string,
    known: FileSummary | undefined,
    isNewest: boolean,
    buf: Buffer,
  ): Promise<
    | { kind: 'summary'; summary: FileSummary; torn: false }
    | { kind: 'scanned'; summary: FileSummary; lines: number; skipped: number; torn: boolean }
    | { kind: 'full'; torn: boolean }
  > {
    const file = this.fileOf(day);
    if (
      known &&
      !isNewest &&
      known.pending === 0 &&
      Array.isArray(known.shop) &&
      Array.isArray(known.shop_at)
    ) {
      const st = await stat(file);
      if (known.size === st.size && known.mtime_ms === st.mtimeMs)
        return { kind: 'summary', summary: known, torn: false };
    }
    if (isNewest) return { kind: 'full', torn: await this.repairTail(day) };
    // Older days only feed the summary unless a sale in them is still pending: a quick scan
    // of each line's fixed prefix instead of parsing every line (the first start on a big
    // journal, or after losing sales-index.json).
    let torn = false;
    let scan = await this.scanDay(day, buf);
    if (!scan.complete) {
      // A torn last line: set it aside (rare), then count the repaired file.
      torn = await this.repairTail(day);
      scan = await this.scanDay(day, buf);
    }
    if (scan.pending > 0 || !scan.complete) return { kind: 'full', torn };
    return {
      kind: 'scanned',
      torn,
      lines: scan.lines,
      skipped: scan.skipped,
      summary: {
        size: scan.size,
        mtime_ms: scan.mtime_ms,
        sales: scan.sales,
        max_number: scan.max_number,
        pending: 0,
        shop: [...scan.shop].sort(),
        shop_at: scan.shop_at,
      },
    };
  }

  /**
   * Counts a day's sales from each line's fixed prefix (JSON.stringify writes keys in a fixed
   * order; see CREATED_AT); a line that does not fit is parsed in full. Each read chunk is
   * decoded once as latin1 (a byte per char, no UTF-8 work) and matched in place, so a million
   * lines cost a few hundred small strings, not a million.
   * `complete` is false when the file ends in a fragment without newline (a torn append).
   */
  private async scanDay(
    day: string,
    buf: Buffer,
  ): Promise<{
    sales: number;
    max_number: number;
    pending: number;
    shop: Set<string>;
    shop_at: ShopAt[];
    lines: number;
    skipped: number;
    size: number;
    mtime_ms: number;
    complete: boolean;
  }> {
    const pending = new Set<string>();
    const shop = new Set<string>();
    const shopAt: ShopAt[] = [];
    let sales = 0;
    let max = 0;
    let lines = 0;
    let skipped = 0;
    const created = (id: string, number: number) => {
      sales++;
      if (number > max) max = number;
      pending.add(id);
    };
    const at = (re: RegExp, text: string, start: number, end: number) => {
      re.lastIndex = start;
      const m = re.exec(text);
      return m && re.lastIndex <= end ? m : null;
    };
    const file = await this.eachLineLatin1(day, buf, (text, start, end, lineNo, offset) => {
      if (start === end) return;
      lines++;
      let m = at(CREATED_AT, text, start, end);
      if (m) return created(m[1], Number(m[2]));
      m = at(UPDATE_AT, text, start, end);
      if (m) {
        if (m[2] !== 'pending') pending.delete(m[1]);
        return;
      }
      m = at(KIND_AT, text, start, end);
      if (m && (EXTENSION_KINDS as readonly string[]).includes(m[1])) {
        shop.add(m[1]);
        shopAt.push([m[1], offset, end - start]);
        return;
      }
      const parsed = this.parseLatin1(day, text, start, end, lineNo);
      if (parsed === undefined) {
        skipped++;
        return;
      }
      if (parsed?.e === 'created') created(parsed.sale.id, parsed.sale.number);
      else if (parsed?.e === 'update' && parsed.state !== 'pending') pending.delete(parsed.id);
      else if ((EXTENSION_KINDS as readonly string[]).includes(parsed?.e)) {
        shop.add(parsed.e);
        shopAt.push([parsed.e, offset, end - start]);
      }
    });
    if (!file) throw new StorageError(`sales/${day}.jsonl`, 'disappeared during start-up');
    const { size, mtime_ms, complete } = file;
    return {
      sales,
      max_number: max,
      pending: pending.size,
      shop,
      shop_at: shopAt,
      lines,
      skipped,
      size,
      mtime_ms,
      complete,
    };
  }

  /**
   * Days whose file holds lines of one of `kinds` (refund, cash, z), oldest first: what
   * load() found (or sales-index.json summarised) plus what was appended since. Refunds and
   * closing catch up from these instead of reading every day.
   */
  async daysWith(kinds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const [day, set] of this.shopKinds) if (kinds.some((k) => set.has(k))) out.push(day);
    return out.sort();
  }

  /**
   * Streams one day's lines of the given kinds only. A line whose fixed prefix names another
   * kind is skipped without parsing it (most lines of a day are sales), so reading a day for
   * its few shop lines costs little more than reading the bytes.
   */
  async readKinds(
    day: string,
    kinds: readonly string[],
    onLine: (line: JournalLine) => void,
  ): Promise<boolean> {
    const places = this.shopAt.get(day);
    if (places) {
      const lines = await this.readPlaces(
        day,
        places.filter(([kind]) => kinds.includes(kind)),
      );
      if (lines) {
        lines.forEach(onLine);
        return true;
      }
      this.shopAt.delete(day); // not where the index said: read the whole day below
      this.deps.log.warn(
        `journal ${day}.jsonl: shop lines not at their recorded places; reading the day`,
      );
    }
    const read = await this.eachLineLatin1(
      day,
      Buffer.allocUnsafe(SCAN_CHUNK),
      (text, start, end, lineNo) => {
        if (start === end) return;
        KIND_AT.lastIndex = start;
        const m = KIND_AT.exec(text);
        if (m && KIND_AT.lastIndex <= end && !kinds.includes(m[1])) return;
        const parsed = this.parseLatin1(day, text, start, end, lineNo);
        if (parsed && kinds.includes(parsed.e)) onLine(parsed);
      },
    );
    return read !== null;
  }

  /**
   * Streams one day's complete lines. A trailing fragment without newline (an append in
   * progress) is not delivered. Returns false when the day has no file.
   */
  async readDay(
    day: string,
    onLine: (line: JournalLine) => void,
    onBad: (lineNo: number) => void = () => {},
  ): Promise<boolean> {
    return this.eachLine(day, (text, lineNo) => {
      if (!text) return;
      let parsed: JournalLine;
      try {
        parsed = JSON.parse(text) as JournalLine;
      } catch {
        this.deps.log.warn(`journal ${day}.jsonl line ${lineNo} is not JSON; skipped`);
        onBad(lineNo);
        return;
      }
      if (
        !parsed ||
        (parsed.e !== 'created' &&
          parsed.e !== 'update' &&
          !(EXTENSION_KINDS as readonly string[]).includes(parsed.e))
      ) {
        this.deps.log.warn(`journal ${day}.jsonl line ${lineNo} is not a sale event; skipped`);
        onBad(lineNo);
        return;
      }
      onLine(parsed);
    });
  }

  /**
   * The lines at these places of a day file, or null when any of them is not a whole journal
   * line of its recorded kind (then the caller reads the day instead).
   */
  private async readPlaces(day: string, places: ShopAt[]): Promise<JournalLine[] | null> {
    if (places.length === 0) return [];
    const fh = await open(this.fileOf(day), 'r').catch(() => null);
    if (!fh) return null;
    try {
      const out: JournalLine[] = [];
      for (const [kind, offset, length] of places) {
        const buf = Buffer.alloc(length + 1);
        const { bytesRead } = await fh.read(buf, 0, length + 1, offset);
        if (bytesRead !== length + 1 || buf[length] !== 0x0a) return null;
        if (offset > 0) {
          const before = Buffer.alloc(1);
          await fh.read(before, 0, 1, offset - 1);
          if (before[0] !== 0x0a) return null;
        }
        let line: JournalLine;
        try {
          line = JSON.parse(buf.toString('utf8', 0, length)) as JournalLine;
        } catch {
          return null;
        }
        if (line?.e !== kind) return null;
        out.push(line);
      }
      return out;
    } finally {
      await fh.close();
    }
  }

  /**
   * Parses the line at text[start, end) of eachLineLatin1(); undefined (logged) when it is not
   * JSON. latin1 maps byte n to char n, so this gives back the line's bytes to decode as UTF-8.
   */
  private parseLatin1(
    day: string,
    text: string,
    start: number,
    end: number,
    lineNo: number,
  ): JournalLine | undefined {
    try {
      return JSON.parse(
        Buffer.from(text.slice(start, end), 'latin1').toString('utf8'),
      ) as JournalLine;
    } catch {
      this.deps.log.warn(`journal ${day}.jsonl line ${lineNo} is not JSON; skipped`);
      return undefined;
    }
  }

  /**
   * Calls `handle` with each complete line of a day as a range of a latin1 text (the chunk
   * just read; a line cut by a chunk edge comes as its own text). A trailing fragment without
   * newline is not delivered (`complete` false).
   */
  private async eachLineLatin1(
    day: string,
    buf: Buffer,
    handle: (text: string, start: number, end: number, lineNo: number, offset: number) => void,
  ): Promise<{ size: number; mtime_ms: number; complete: boolean } | null> {
    const fh = await open(this.fileOf(day), 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw new StorageError(`sales/${day}.jsonl`, `unreadable: ${err.message}`);
    });
    if (!fh) return null;
    let lineNo = 0;
    let carry = ''; // the start of a line cut by the chunk edge
    let carryAt = 0; // its byte offset (latin1: one char per byte)
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
      throw new StorageError(`sales/${day}.jsonl`, `unreadable: ${(err as Error).message}`);
    } finally {
      await fh.close();
    }
  }

  /** Streams one day's complete lines as text; false when the day has no file. */
  private async eachLine(
    day: string,
    handle: (text: string, lineNo: number) => void,
  ): Promise<boolean> {
    const file = this.fileOf(day);
    let rest = '';
    let lineNo = 0;
    const emit = (text: string) => handle(text, ++lineNo);
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
      throw new StorageError(`sales/${day}.jsonl`, `unreadable: ${(err as Error).message}`);
    }
    return true;
  }

  /** Moves a torn last line aside and truncates to the last complete line. */
  private async repairTail(day: string): Promise<boolean> {
    const file = this.fileOf(day);
    const fh = await open(file, 'r+');
    try {
      const { size } = await fh.stat();
      if (size === 0) return false;
      const one = Buffer.alloc(1);
      await fh.read(one, 0, 1, size - 1);
      if (one[0] === 0x0a) return false;
      // Walk back to the previous newline (lines are small; read in 64 KiB steps).
      let end = size;
      let keep = 0;
      const step = 64 * 1024;
      while (end > 0) {
        const from = Math.max(0, end - step);
        const buf = Buffer.alloc(end - from);
        await fh.read(buf, 0, buf.length, from);
        const i = buf.lastIndexOf(0x0a);
        if (i !== -1) {
          keep = from + i + 1;
          break;
        }
        end = from;
      }
      const torn = Buffer.alloc(size - keep);
      await fh.read(torn, 0, torn.length, keep);
      await writeFileDurable(`${file}.torn-${keep}`, torn);
      await fh.truncate(keep);
      await fh.sync();
      this.deps.log.warn(
        `journal ${day}.jsonl: torn last line (${torn.length} bytes at offset ${keep}, an append the power cut interrupted) moved to ${path.basename(file)}.torn-${keep}; every earlier line is kept`,
      );
      return true;
    } finally {
      await fh.close();
    }
  }

  /** Appends a line for an existing sale to its day's file. */
  append(day: string, line: JournalLine): Promise<JournalLine> {
    return this.enqueue(() => ({ day, line }));
  }

  /** Appends a `created` line; `build` receives the sale number when the batch is formed. */
  appendCreated(
    build: (number: number) => { day: string; line: CreatedLine },
  ): Promise<CreatedLine> {
    return this.enqueue((next) => build(next())) as Promise<CreatedLine>;
  }

  private enqueue(build: Queued['build']): Promise<JournalLine> {
    if (this.broken) return Promise.reject(new StorageError('sales journal', this.broken));
    return new Promise((resolve, reject) => {
      this.queue.push({ build, resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0);
      let number = this.last;
      const next = () => ++number;
      const byDay = new Map<string, string[]>();
      const built: JournalLine[] = [];
      // Shop lines of this batch: day, kind, index among that day's parts.
      const shopLines: Array<[string, string, number]> = [];
      for (const q of batch) {
        const { day, line } = q.build(next);
        built.push(line);
        const list = byDay.get(day) ?? [];
        if (line.e !== 'created' && line.e !== 'update') shopLines.push([day, line.e, list.length]);
        list.push(JSON.stringify(line) + '\n');
        byDay.set(day, list);
      }
      const touched: Array<{ f: OpenFile; before: number; day: string }> = [];
      try {
        if (this.broken) throw new StorageError('sales journal', this.broken);
        for (const [day, parts] of byDay) {
          const f = await this.file(day);
          touched.push({ f, before: f.size, day });
          const buf = Buffer.from(parts.join(''), 'utf8');
          let off = 0;
          while (off < buf.length) {
            const { bytesWritten } = await f.fh.write(buf, off, buf.length - off, null);
            off += bytesWritten;
          }
          f.size += buf.length;
        }
        await Promise.all(touched.map((t) => t.f.fh.datasync()));
        this.last = number;
        for (const [day, kind, i] of shopLines) {
          const set = this.shopKinds.get(day) ?? new Set<string>();
          set.add(kind);
          this.shopKinds.set(day, set);
          const at = this.shopAt.get(day);
          if (at) {
            const parts = byDay.get(day)!;
            const t = touched.find((x) => x.day === day)!;
            let offset = t.before;
            for (let k = 0; k < i; k++) offset += Buffer.byteLength(parts[k]);
            at.push([kind, offset, Buffer.byteLength(parts[i]) - 1]);
          }
        }
        this.failure = null;
        batch.forEach((q, i) => q.resolve(built[i]));
      } catch (err) {
        this.failure = `append failed: ${(err as Error).message}`;
        await this.rollBack(touched, err);
        const e =
          err instanceof StorageError
            ? err
            : new StorageError('sales journal', `append failed: ${(err as Error).message}`);
        batch.forEach((q) => q.reject(e));
      }
    }
    this.writing = null;
  }

  private async rollBack(touched: Array<{ f: OpenFile; before: number }>, cause: unknown) {
    for (const t of touched) {
      try {
        await t.f.fh.truncate(t.before);
        await t.f.fh.sync();
        t.f.size = t.before;
      } catch (err) {
        this.broken = `append failed (${(cause as Error).message}) and could not be undone (${(err as Error).message}); refusing sales until restart`;
        this.deps.log.error(`journal: ${this.broken}`);
      }
    }
  }

  private async file(day: string): Promise<OpenFile> {
    const hit = this.files.get(day);
    if (hit) {
      // Most recently used last.
      this.files.delete(day);
      this.files.set(day, hit);
      return hit;
    }
    const name = this.fileOf(day);
    const existed = await stat(name).then(
      () => true,
      () => false,
    );
    const fh = await open(name, 'a', 0o640);
    const { size } = await fh.stat();
    // A new file's directory entry must be durable too, or a power cut can lose the file.
    if (!existed) await fsyncDir(this.deps.dir);
    // A new file's shop lines are all appended here, so their places are known completely.
    if (!existed && !this.shopAt.has(day)) this.shopAt.set(day, []);
    const f = { fh, size };
    this.files.set(day, f);
    while (this.files.size > MAX_OPEN) {
      const [oldDay, old] = this.files.entries().next().value as [string, OpenFile];
      this.files.delete(oldDay);
      await old.fh.close().catch(() => {});
    }
    return f;
  }

  /**
   * A barrier for readers: resolves once every append queued before the call is durable (and
   * so visible to readDay). Day closing uses it so a line built before the Z report's cut-off
   * is never still in flight while the period is read.
   */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Waits for queued appends, then closes the files. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
    for (const f of this.files.values()) await f.fh.close().catch(() => {});
    this.files.clear();
  }
}
