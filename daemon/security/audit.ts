/**
 * The audit journal: one JSON line per admin or manager action, appended and fsync'd before
 * append() resolves, in DATA_DIR/audit/YYYY-MM.jsonl (one file per UTC month keeps each file
 * small and old months easy to archive). Entries: {time, actor, ip, action, target, before,
 * after} and the journal's sequence number. Written through the journal primitive
 * (daemon/store/journal.ts): group-committed, torn tails set aside at start, order = the
 * order of the calls. A failed write is logged and does not undo the action it records.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { AuditEntryWire } from '../protocol.js';
import { Journal } from '../store/journal.js';

/** One journal line is what GET /api/v1/admin/audit sends (plus the sequence number). */
export type AuditEntry = AuditEntryWire;

export type AuditInput = Omit<AuditEntry, 'time' | 'target'> & { target?: string | null };

function isAuditEntry(v: unknown): v is AuditEntry {
  const e = v as Partial<AuditEntry> | null;
  return typeof e?.time === 'string' && typeof e.action === 'string';
}

export class AuditLog {
  readonly journal: Journal<AuditEntry>;
  private opened: Promise<unknown> | null = null;
  private pending = new Set<Promise<void>>();

  constructor(
    readonly dir: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.journal = new Journal<AuditEntry>({
      dir,
      name: 'audit journal',
      log,
      partition: /^\d{4}-\d{2}$/,
      isEntry: isAuditEntry,
    });
  }

  /** Repairs torn tails and numbers old files; appends wait for it. */
  open(): Promise<unknown> {
    return (this.opened ??= this.journal.open());
  }

  /** Appends one entry; resolves once it is on disk (never rejects). */
  append(input: AuditInput): Promise<void> {
    const entry: AuditEntry = {
      time: new Date(this.clock.now()).toISOString(),
      actor: input.actor,
      ip: input.ip,
      action: input.action,
      target: input.target ?? null,
      before: input.before ?? null,
      after: input.after ?? null,
    };
    const month = entry.time.slice(0, 7);
    const p: Promise<void> = this.open()
      .then(() => this.journal.append(month, entry))
      .then(
        () => {},
        (err) =>
          this.log.error(`audit: append to ${month}.jsonl failed: ${(err as Error).message}`),
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    return p;
  }

  /** Resolves when every append so far is on disk. */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.journal.idle();
  }

  /** Entries with from <= time < to (ms since epoch), oldest first. */
  async read(from: number, to: number): Promise<AuditEntry[]> {
    await this.open();
    await this.idle();
    const fromMonth = new Date(from).toISOString().slice(0, 7);
    const toMonth = new Date(Math.max(from, to - 1)).toISOString().slice(0, 7);
    const out: AuditEntry[] = [];
    for (const month of await this.journal.partitions()) {
      if (month < fromMonth || month > toMonth) continue;
      await this.journal.readPartition(month, ({ q: _q, ...e }) => {
        const t = Date.parse(e.time);
        if (t >= from && t < to) out.push(e);
      });
    }
    return out;
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
