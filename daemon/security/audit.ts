/**
 * The audit journal: one JSON line per admin or manager action, appended and fsync'd before
 * append() resolves, in DATA_DIR/audit/YYYY-MM.jsonl (one file per UTC month keeps each file
 * small and old months easy to archive). Entries: {time, actor, ip, action, target, before,
 * after}. A torn last line (power cut mid-append) is skipped on read; earlier lines stay.
 *
 * Appends are serialised through one queue, so lines never interleave and order is the order
 * of the calls. A failed write is logged and does not undo the action it records.
 */
import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { AuditEntryWire } from '../protocol.js';
import { fsyncDir } from '../store/index.js';

/** One journal line is exactly what GET /api/v1/admin/audit sends. */
export type AuditEntry = AuditEntryWire;

export type AuditInput = Omit<AuditEntry, 'time' | 'target'> & { target?: string | null };

const MONTH_FILE = /^(\d{4})-(\d{2})\.jsonl$/;

export class AuditLog {
  private queue: Promise<void> = Promise.resolve();
  private knownFiles = new Set<string>();
  private dirReady = false;

  constructor(
    readonly dir: string,
    private readonly clock: Clock,
    private readonly onError: (msg: string) => void,
  ) {}

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
    const line = JSON.stringify(entry) + '\n';
    const file = path.join(this.dir, `${entry.time.slice(0, 7)}.jsonl`);
    this.queue = this.queue
      .then(() => this.write(file, line))
      .catch((err) => this.onError(`audit: append to ${file} failed: ${(err as Error).message}`));
    return this.queue;
  }

  private async write(file: string, line: string): Promise<void> {
    if (!this.dirReady) {
      await mkdir(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const handle = await open(file, 'a+', 0o640);
    try {
      // After a power cut mid-append the file may end in a torn line; start a fresh line so
      // the torn fragment stays one skipped line instead of swallowing this entry.
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) line = '\n' + line;
      }
      await handle.writeFile(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (!this.knownFiles.has(file)) {
      // A new month file: make its directory entry durable too.
      await fsyncDir(this.dir);
      this.knownFiles.add(file);
    }
  }

  /** Resolves when every append so far is on disk. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Entries with from <= time < to (ms since epoch), oldest first. */
  async read(from: number, to: number): Promise<AuditEntry[]> {
    await this.idle();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const fromMonth = new Date(from).toISOString().slice(0, 7);
    const toMonth = new Date(Math.max(from, to - 1)).toISOString().slice(0, 7);
    const out: AuditEntry[] = [];
    for (const name of names.filter((n) => MONTH_FILE.test(n)).sort()) {
      const month = name.slice(0, 7);
      if (month < fromMonth || month > toMonth) continue;
      const text = await readFile(path.join(this.dir, name), 'utf8');
      for (const raw of text.split('\n')) {
        if (!raw) continue;
        let e: AuditEntry;
        try {
          e = JSON.parse(raw);
        } catch {
          continue; // torn line from a power cut
        }
        const t = Date.parse(e.time);
        if (t >= from && t < to) out.push(e);
      }
    }
    return out;
  }
}
