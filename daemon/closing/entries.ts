/**
 * Shop-operation lines in the sales journal (DATA_DIR/sales/YYYY-MM-DD.jsonl; kinds in
 * daemon/entries.ts): refunds, cash movements and Z reports sit next to checkout's sale lines
 * in the file of the business day they happened on, are appended through the same
 * group-committed, fsync'd journal, and are never rewritten.
 */
import type { Clock } from '../clock.js';
import type { ShopEntry, SalesEntry } from '../entries.js';
import type { JsonDocument } from '../store/index.js';
import type { Stored } from '../store/journal.js';

export type { CashEntry, RefundEntry, ShopEntry, ZEntry } from '../entries.js';

/** Any sales-journal entry as read back (checkout's sale lines included). */
export type AnyLine = Stored<SalesEntry>;

/**
 * The slice of the sales journal shop operations use (checkout's SalesJournal has it).
 * append() resolves once the line is fsync'd.
 */
export interface ShopJournal {
  append(day: string, line: ShopEntry): Promise<unknown>;
  readDay(day: string, onLine: (line: AnyLine) => void): Promise<boolean>;
  days(): Promise<string[]>;
  /**
   * Days whose file holds lines of these kinds (the journal knows from its start-up scan,
   * sales-index.json and its own appends).
   */
  daysWith(kinds: readonly ShopEntry['e'][]): Promise<string[]>;
  /** One day's lines of these kinds only (sale lines skipped unparsed). */
  readKinds(
    day: string,
    kinds: readonly ShopEntry['e'][],
    onLine: (line: AnyLine) => void,
  ): Promise<boolean>;
  /** Resolves once every append queued before the call is durable. */
  idle(): Promise<void>;
}

/** Business day (YYYY-MM-DD in TIMEZONE) of an instant. */
export type DayOf = (ms: number) => string;

/**
 * Calls `fn` for every shop line of `kinds` written at or after `sinceAt` (ISO; fn must be
 * idempotent), reading only the journal days from sinceAt's day on that hold such lines. Used
 * at start to catch a small state document up with the journal after a power cut between the
 * journal append and the document write, or to build it on a first start (sinceAt null):
 * that reads the few days with shop lines, not a whole journal of sales.
 */
export async function replayAfter(
  journal: ShopJournal,
  dayOf: DayOf,
  sinceAt: string | null,
  kinds: readonly ShopEntry['e'][],
  fn: (line: ShopEntry) => void,
): Promise<void> {
  const fromDay = sinceAt ? dayOf(Date.parse(sinceAt)) : '';
  const days = await journal.daysWith(kinds);
  const wanted = (line: AnyLine) =>
    (kinds as readonly string[]).includes(line.e) && (!sinceAt || line.at >= sinceAt);
  for (const day of days) {
    if (day < fromDay) continue;
    const each = (line: AnyLine) => {
      if (wanted(line)) fn(line as ShopEntry);
    };
    await journal.readKinds(day, kinds, each);
  }
}

const DAY_MS = 86_400_000;

/**
 * Catches a state document (refunds.json, closing.json) up with the journal at start: the lines
 * of `kind` since its synced_at numbered above its last number are applied in number order,
 * and synced_at moves to this scan's start (also without missed lines once it is a day old, so
 * the next start reads little). Lines written after the scan started are the caller's own
 * (its routes open later). Returns how many lines were caught up; 0 when the document cannot
 * be written.
 */
export async function catchUp<D extends { synced_at: string | null }, L extends ShopEntry>(
  deps: { doc: JsonDocument<D>; journal: ShopJournal; dayOf: DayOf; clock: Clock },
  kind: L['e'],
  numberOf: (line: L) => number,
  lastNumber: (d: D) => number,
  apply: (d: D, line: L) => void,
): Promise<number> {
  const { doc, journal, dayOf, clock } = deps;
  const scanned = new Date(clock.now()).toISOString();
  const missed: L[] = [];
  await replayAfter(journal, dayOf, doc.data.synced_at, [kind], (line) => {
    if (line.e === kind && numberOf(line as L) > lastNumber(doc.data)) missed.push(line as L);
  });
  if (doc.state.state !== 'ok') return 0;
  const stale = !doc.data.synced_at || Date.parse(doc.data.synced_at) < clock.now() - DAY_MS;
  if (missed.length === 0 && !stale) return 0;
  await doc.update((d) => {
    for (const line of missed.sort((a, b) => numberOf(a) - numberOf(b))) apply(d, line);
    // The next start reads the journal from about here on, not from the beginning again.
    if (!d.synced_at || d.synced_at < scanned) d.synced_at = scanned;
  });
  return missed.length;
}
