/**
 * The sales journal: DATA_DIR/sales/YYYY-MM-DD.jsonl, the entries of daemon/entries.ts (sales,
 * their payment updates, refunds, cash movements, Z reports) on the journal primitive
 * (daemon/store/journal.ts: group-committed appends, fsync, torn-tail repair, sequence numbers).
 * What this layer adds is about sales:
 *
 * - The file is the sale's business day in TIMEZONE (the day it was created); every later line
 *   of that sale goes into the same file, so one file tells a day's sales. Shop lines go into
 *   the file of the day they happened.
 * - Sale numbers are drawn from the journal's `sale` counter when a batch is formed: a failed
 *   write assigns nothing, so the journal never skips a number.
 * - Start-up: sales-index.json summarises each day file (size, mtime, sales, highest number,
 *   pending, which shop lines it holds and where), so a start reads only files that changed
 *   plus the two newest days. Without it older files are counted from each line's fixed
 *   prefix, on the bytes, and parsed in full only when a sale in them is still pending.
 *   Losing it costs one slower start, never data.
 * - Shop lines' kinds and places are known per day (index, scan, appends since), so refunds and
 *   closing read those lines alone.
 */
import type { JsonDocument } from '../store/index.js';
import { StorageError } from '../store/index.js';
import { Journal, type Stored } from '../store/journal.js';
import type { Logger } from '../log.js';
import { DayIndex, SALE_COUNTER, type JournalIndexData, type LoadStats } from './day-index.js';
import { isSalesEntry, type CreatedLine, type SalesEntry, type ShopEntry } from '../entries.js';

export type { CreatedLine, UpdateLine, SalesEntry } from '../entries.js';

/** A sales-journal entry as read back (with its sequence number). */
export type JournalLine = Stored<SalesEntry>;

export {
  JOURNAL_INDEX_DOC,
  type FileSummary,
  type JournalIndexData,
  type LoadStats,
  type ShopAt,
} from './day-index.js';

export class SalesJournal {
  /** The journal primitive underneath (sequence numbers, streaming readers). */
  readonly log: Journal<SalesEntry>;
  private readonly index: DayIndex;

  constructor(
    private readonly deps: { dir: string; log: Logger; index?: JsonDocument<JournalIndexData> },
  ) {
    this.log = new Journal<SalesEntry>({
      dir: deps.dir,
      name: 'sales journal',
      log: deps.log,
      partition: /^\d{4}-\d{2}-\d{2}$/,
      isEntry: isSalesEntry,
    });
    this.index = new DayIndex({ journal: this.log, log: deps.log, index: deps.index });
  }

  /** Highest sale number durably in the journal. */
  get lastNumber(): number {
    return this.log.counter(SALE_COUNTER);
  }

  /** Why the journal cannot take sales (last append failed, or broken), until it can again. */
  get writeFailure(): string | null {
    return this.log.writeFailure;
  }

  fileOf(day: string): string {
    return this.log.fileOf(day);
  }

  days(): Promise<string[]> {
    return this.log.partitions();
  }

  /**
   * Opens the journal and folds the days it must read (the newest, and those with a pending
   * sale) through `onLine`; the others are summarised (day-index.ts).
   */
  load(onLine: (line: Stored<SalesEntry>, day: string) => void): Promise<LoadStats> {
    return this.index.load(onLine);
  }

  /** Days whose file holds lines of one of `kinds` (refund, cash, z), oldest first. */
  daysWith(kinds: readonly string[]): Promise<string[]> {
    return this.index.daysWith(kinds);
  }

  /** One day's lines of the given kinds only (sale lines skipped unparsed). */
  readKinds(
    day: string,
    kinds: readonly string[],
    onLine: (line: Stored<SalesEntry>) => void,
  ): Promise<boolean> {
    return this.index.readKinds(day, kinds, onLine);
  }

  /** Streams one day's complete lines; false when the day has no file. */
  readDay(
    day: string,
    onLine: (line: JournalLine) => void,
    onBad: (lineNo: number) => void = () => {},
  ): Promise<boolean> {
    return this.log.readPartition(day, (line) => onLine(line), onBad);
  }

  /** Appends a line for an existing sale (its day's file) or a shop line (today's file). */
  async append<L extends SalesEntry>(day: string, line: L): Promise<Stored<L>> {
    const { entry } = await this.log.append(day, line);
    return { ...line, q: entry.q };
  }

  /** Appends a `created` line; `build` receives the sale number when the batch is formed. */
  async appendCreated(
    build: (number: number) => { day: string; line: CreatedLine },
  ): Promise<Stored<CreatedLine>> {
    let made: CreatedLine | undefined;
    const c = await this.log.appendWith((next) => {
      const { day, line } = build(next(SALE_COUNTER));
      made = line;
      return { partition: day, entry: line };
    });
    return { ...made!, q: c.entry.q };
  }

  /**
   * A barrier for readers: resolves once every append queued before the call is durable (and
   * so visible to readDay). Day closing uses it so a line built before the Z report's cut-off
   * is never still in flight while the period is read.
   */
  idle(): Promise<void> {
    return this.log.idle();
  }

  /** Waits for queued appends, then closes the files. */
  close(): Promise<void> {
    return this.log.close();
  }
}

export type { ShopEntry };
export { StorageError };
