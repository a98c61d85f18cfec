/**
 * What is to be shipped next. Live, the journal's commit listener copies each committed entry
 * into a bounded in-memory queue (nothing on the sale path waits for the network); when the
 * queue overflowed, or after a restart, the entries after the cursor are read from the journal
 * files (entriesAfter) instead, and commits during that read are appended when they continue it.
 */
import type { Committed, Journal } from '../store/journal.js';
import type { SalesEntry } from '../entries.js';
import type { Outgoing } from './centre.js';

/** Entries kept in memory for shipping; beyond that the loop reads the journal files. */
const QUEUE_CAP = 20_000;
/** Entries read from the journal files at a time while catching up. */
const READ_AHEAD = 10_000;

export class Outbox {
  private queue: Outgoing[] = [];
  /** The journal sequence of the queue's last entry (or what the queue starts after). */
  private tail: number;
  /** Commits collected while the backlog is read from the files. */
  private reading: Outgoing[] | null = null;

  constructor(
    private readonly journal: Journal<SalesEntry>,
    startAfter: number,
  ) {
    this.tail = startAfter;
  }

  /** The journal's commit listener: a copy of each entry, nothing else. */
  committed(batch: Committed<SalesEntry>[]): void {
    for (const { entry } of batch) {
      const out: Outgoing = { q: entry.q, e: entry.e, at: entry.at, text: JSON.stringify(entry) };
      if (this.reading) this.reading.push(out);
      else this.append(out);
    }
  }

  private append(out: Outgoing): void {
    if (out.q === this.tail + 1 && this.queue.length < QUEUE_CAP) {
      this.queue.push(out);
      this.tail = out.q;
    }
  }

  /** The batch has been committed in the centre (and the cursor moved past it). */
  shipped(count: number): void {
    this.queue.splice(0, count);
  }

  /** Up to `size` entries after `cursor`: from memory, or read from the journal files. */
  async next(cursor: number, size: number): Promise<Outgoing[]> {
    const next = cursor + 1;
    while (this.queue.length && this.queue[0].q < next) this.queue.shift();
    if (this.queue.length && this.queue[0].q === next) return this.queue.slice(0, size);
    if (this.journal.lastSeq < next) return [];
    // Behind the in-memory queue: read the backlog from the files.
    this.queue = [];
    this.tail = cursor;
    this.reading = [];
    let entries: Awaited<ReturnType<Journal<SalesEntry>['entriesAfter']>>;
    let during: Outgoing[];
    try {
      entries = await this.journal.entriesAfter(cursor, READ_AHEAD);
    } finally {
      during = this.reading;
      this.reading = null;
    }
    for (const { entry } of entries) {
      // A line the journal could not read leaves a gap in q: shipped around, not waited for.
      if (entry.q <= this.tail) continue;
      this.queue.push({ q: entry.q, e: entry.e, at: entry.at, text: JSON.stringify(entry) });
      this.tail = entry.q;
    }
    for (const o of during) this.append(o);
    return this.queue.slice(0, size);
  }
}
