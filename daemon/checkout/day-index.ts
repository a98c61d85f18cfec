/**
 * What the sales journal knows about its day files without reading them: sales-index.json
 * summarises each file (size, mtime, sales, highest number, pending, which shop lines it holds
 * and where), so a start reads only files that changed plus the two newest days. Without it
 * older files are counted from each line's fixed prefix, on the bytes, and parsed in full only
 * when a sale in them is still pending. Losing it costs one slower start, never data.
 * Shop lines' kinds and places are also followed through appends, so refunds and closing read
 * those lines alone.
 */
import { stat } from 'node:fs/promises';
import type { JsonDocument } from '../store/index.js';
import type { Committed, Journal, Stored } from '../store/journal.js';
import type { Logger } from '../log.js';
import { SHOP_KINDS, type SalesEntry } from '../entries.js';
import { inPool, KIND_AT, SCAN_CHUNK, SCAN_PARALLEL, scanDay, type ShopAt } from './day-scan.js';

export const SALE_COUNTER = 'sale';
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

export type { ShopAt } from './day-scan.js';

export interface JournalIndexData {
  files: Record<string, FileSummary>;
}

/**
 * sales-index.json: a summary per day file, so a start reads only files that changed since
 * the last start (plus the two newest days, for the recent-sales memory). Losing or corrupting
 * it costs one slow start, never data: the journal stays the truth. Version 2: lines carry the
 * journal sequence number, so every byte place moved; version 1 summaries are dropped.
 */
export const JOURNAL_INDEX_DOC = {
  name: 'sales-index.json',
  schemaVersion: 2,
  defaults: (): JournalIndexData => ({ files: {} }),
  migrations: { 1: (): JournalIndexData => ({ files: {} }) },
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
  /** Day files given sequence numbers at this start (written by an older version). */
  migrated: number;
}

export interface DayIndexDeps {
  journal: Journal<SalesEntry>;
  log: Logger;
  index?: JsonDocument<JournalIndexData>;
}

export class DayIndex {
  /** Day → kinds of shop lines in its file (from load(), then from appends). */
  private shopKinds = new Map<string, Set<string>>();
  /** Day → every shop line's place in its file, for days where that list is complete. */
  private shopAt = new Map<string, ShopAt[]>();
  /** Days that had a file at load(): a day not among them gets its file from our appends. */
  private knownDays = new Set<string>();

  constructor(private readonly deps: DayIndexDeps) {
    deps.journal.onCommitted((batch) => this.noteShopLines(batch));
  }

  private get log(): Journal<SalesEntry> {
    return this.deps.journal;
  }

  /**
   * Reads every file in day order, repairing torn tails; `onLine` folds the lines. Older days
   * the index vouches for are not read; other older days are scanned a few at a time (one
   * file's I/O overlaps another's scan) and parsed only when a sale in them is still pending;
   * the newest days and those are then read in full, in day order.
   */
  async load(onLine: (line: Stored<SalesEntry>, day: string) => void): Promise<LoadStats> {
    const opened = await this.log.open();
    const stats: LoadStats = {
      files: 0,
      lines: 0,
      skipped: 0,
      torn: 0,
      sales: 0,
      last_number: 0,
      missing_numbers: 0,
      summarised: 0,
      migrated: 0,
    };
    stats.torn = opened.torn;
    stats.migrated = opened.migrated;
    let max = 0;
    const index = this.deps.index;
    const known = index?.state.state === 'ok' ? index.data.files : {};
    const summaries: Record<string, FileSummary> = {};
    let changed = false;
    const days = await this.log.partitions();
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
        await this.log.readPartition(
          day,
          (line) => {
            stats.lines++;
            if (line.e === 'created') {
              sales++;
              if (line.sale.number > dayMax) dayMax = line.sale.number;
              pending.add(line.sale.id);
            } else if (line.e === 'update') {
              if (line.state !== 'pending' && line.state !== 'open') pending.delete(line.id);
            } else shop.add(line.e);
            onLine(line, day);
          },
          () => stats.skipped++,
        );
        const after = await stat(this.log.fileOf(day));
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
    this.log.raiseCounter(SALE_COUNTER, max);
    for (const d of days) this.knownDays.add(d);
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
    | { kind: 'summary'; summary: FileSummary }
    | { kind: 'scanned'; summary: FileSummary; lines: number; skipped: number }
    | { kind: 'full' }
  > {
    const file = this.log.fileOf(day);
    if (
      known &&
      !isNewest &&
      known.pending === 0 &&
      Array.isArray(known.shop) &&
      Array.isArray(known.shop_at)
    ) {
      const st = await stat(file);
      if (known.size === st.size && known.mtime_ms === st.mtimeMs)
        return { kind: 'summary', summary: known };
    }
    if (isNewest) return { kind: 'full' };
    // Older days only feed the summary unless a sale in them is still pending: a quick scan
    // of each line's fixed prefix instead of parsing every line (the first start on a big
    // journal, or after losing sales-index.json).
    // Torn tails were repaired when the journal opened.
    const scan = await scanDay(this.log, day, buf);
    if (scan.pending > 0 || !scan.complete) return { kind: 'full' };
    return {
      kind: 'scanned',
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
    onLine: (line: Stored<SalesEntry>) => void,
  ): Promise<boolean> {
    const places = this.shopAt.get(day);
    if (places) {
      const wanted = places.filter(([kind]) => kinds.includes(kind));
      const lines = await this.log.readPlaces(
        day,
        wanted.map(([, offset, length]) => ({ offset, length })),
        (entry) => kinds.includes(entry.e),
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
    const read = await this.log.scanPartition(
      day,
      Buffer.allocUnsafe(SCAN_CHUNK),
      (text, start, end, lineNo) => {
        if (start === end) return;
        KIND_AT.lastIndex = start;
        const m = KIND_AT.exec(text);
        if (m && KIND_AT.lastIndex <= end && !kinds.includes(m[1])) return;
        const parsed = this.log.parseLatin1(day, text, start, end, lineNo);
        if (parsed && kinds.includes(parsed.e)) onLine(parsed);
      },
    );
    return read !== null;
  }

  /** New shop lines: their day holds that kind now, at that place. */
  private noteShopLines(batch: Committed<SalesEntry>[]): void {
    for (const { partition: day, entry, place } of batch) {
      if (!this.knownDays.has(day)) {
        // A file made by our appends: every shop line of it passes here, so its list is whole.
        this.knownDays.add(day);
        if (!this.shopAt.has(day)) this.shopAt.set(day, []);
      }
      if (!(SHOP_KINDS as readonly string[]).includes(entry.e)) continue;
      const set = this.shopKinds.get(day) ?? new Set<string>();
      set.add(entry.e);
      this.shopKinds.set(day, set);
      this.shopAt.get(day)?.push([entry.e, place.offset, place.length]);
    }
  }
}
