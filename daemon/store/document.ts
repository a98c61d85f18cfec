/**
 * A durable JSON document: lowdb's Low over our fsync adapter, with a schema version, a
 * migration hook, one write queue per document, and a corrupt-file guard. The adapter
 * serialises on the event loop and hands the temp/fsync/rename protocol to the store's write
 * thread (write-thread.ts), so a write costs the loop one message, not eight fs round trips.
 *
 * - update(fn) mutates the in-memory data synchronously (this process is the only writer) and
 *   resolves once a write containing that change is on disk. Writes are serialised and
 *   coalesced: N updates during one write cost one more write, not N.
 * - A document that exists but cannot be parsed is never overwritten: the document stays
 *   read-only on its fallback data, `state` says why, and updates throw StorageError.
 */
import { DomainError } from '../core/errors.js';
import { readFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { writeFileDurableOffLoop } from './write-thread.js';

/** A write the store refused (document corrupt or unwritable, disk full): 503 for clients. */
export class StorageError extends DomainError {
  constructor(
    readonly document: string,
    message: string,
  ) {
    super(503, 'storage_unavailable', `store: ${document}: ${message}`, undefined, { document });
    this.name = 'StorageError';
  }
}

export type DocState = { state: 'ok' } | { state: 'corrupt' | 'unreadable'; message: string };

/** On-disk envelope: the schema version travels with the data. */
interface Envelope<T> {
  schema_version: number;
  data: T;
}

class DurableJsonAdapter<T> implements Adapter<Envelope<T>> {
  constructor(readonly file: string) {}

  async read(): Promise<Envelope<T> | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StorageError(this.file, `unreadable: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StorageError(this.file, `corrupt JSON: ${(err as Error).message}`);
    }
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      !('schema_version' in parsed) ||
      !('data' in parsed)
    ) {
      throw new StorageError(this.file, 'corrupt: not a {schema_version, data} document');
    }
    return parsed as Envelope<T>;
  }

  async write(envelope: Envelope<T>): Promise<void> {
    await writeFileDurableOffLoop(this.file, JSON.stringify(envelope, null, 1) + '\n');
  }
}

export interface DocumentOptions<T> {
  /** File name for messages and health (e.g. "catalog.json"). */
  name: string;
  file: string;
  defaults: () => T;
  schemaVersion: number;
  /** migrations[n] turns version n data into version n+1 data. */
  migrations?: Record<number, (data: unknown) => unknown>;
  /**
   * Shape check after load and migration: a reason when the data is unusable (the document is
   * then treated as corrupt and kept untouched), or null. Guards modules against a file that
   * is valid JSON but not what they expect (e.g. `"products": null` after a hand edit).
   */
  validate?: (data: unknown) => string | null;
}

/**
 * Resolves in the check phase of the loop's next turn: an immediate queued from a check-phase
 * callback runs only after the following poll phase, so I/O already waiting is handled first.
 */
function afterPendingIo(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
}

export class JsonDocument<T> {
  readonly name: string;
  private readonly low: Low<Envelope<T>>;
  private readonly opts: DocumentOptions<T>;
  private status: DocState = { state: 'ok' };
  private writing: Promise<void> | null = null;
  private dirty = false;
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private failure: string | null = null;

  constructor(opts: DocumentOptions<T>) {
    this.opts = opts;
    this.name = opts.name;
    this.low = new Low(new DurableJsonAdapter<T>(opts.file), {
      schema_version: opts.schemaVersion,
      data: opts.defaults(),
    });
  }

  get data(): T {
    return this.low.data.data;
  }

  get state(): DocState {
    return this.status;
  }

  /** Why the last write failed (disk full...), until a write succeeds again; else null. */
  get writeFailure(): string | null {
    return this.failure;
  }

  /** True when the file did not exist and defaults were used. */
  created = false;

  async load(): Promise<void> {
    let envelope: Envelope<T> | null;
    try {
      envelope = await this.low.adapter.read();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.refuse(message.includes('unreadable') ? 'unreadable' : 'corrupt', message);
      return;
    }
    if (!envelope) {
      this.created = true;
      this.low.data = { schema_version: this.opts.schemaVersion, data: this.opts.defaults() };
      return;
    }
    let { schema_version: version, data } = envelope as Envelope<unknown>;
    if (!Number.isInteger(version) || version < 1) {
      this.refuse('corrupt', `schema_version ${JSON.stringify(version)} is not a version number`);
      return;
    }
    if (version > this.opts.schemaVersion) {
      this.refuse(
        'corrupt',
        `schema_version ${version} is newer than this daemon (${this.opts.schemaVersion}); not touching it`,
      );
      return;
    }
    const migrated = version < this.opts.schemaVersion;
    try {
      while (version < this.opts.schemaVersion) {
        const step = this.opts.migrations?.[version];
        if (!step) throw new Error(`no migration from schema_version ${version}`);
        data = step(data);
        version += 1;
      }
    } catch (err) {
      this.refuse('corrupt', `migration failed: ${(err as Error).message}`);
      return;
    }
    const problem = this.opts.validate?.(data) ?? null;
    if (problem) {
      this.refuse('corrupt', `unexpected content: ${problem}`);
      return;
    }
    this.low.data = { schema_version: version, data: data as T };
    if (migrated) await this.flush();
  }

  /** Keeps the file untouched: defaults in memory, read-only, state says why. */
  private refuse(state: 'corrupt' | 'unreadable', message: string): void {
    const prefix = `store: ${this.name}: `;
    this.status = { state, message: message.startsWith('store: ') ? message : prefix + message };
    this.low.data = { schema_version: this.opts.schemaVersion, data: this.opts.defaults() };
  }

  /** Apply a change in memory now; resolves when it is durable. */
  update<R>(fn: (data: T) => R): Promise<R> {
    if (this.status.state !== 'ok') {
      return Promise.reject(
        new StorageError(
          this.name,
          `is ${this.status.state} and kept read-only for the operator; fix or remove the file, then restart`,
        ),
      );
    }
    const result = fn(this.low.data.data);
    return this.flush().then(() => result);
  }

  /**
   * Write the current data (coalescing with a write already under way). The write is a
   * background job of the event loop: it starts only after the loop has handled the I/O that
   * was already waiting when the change was made (the next turn's poll phase: other tills'
   * requests, socket reads), not inside the caller and not ahead of that I/O. A change is
   * broadcast first; its answer still waits for the write. Changes made until the write
   * starts (this turn and the next) share it.
   */
  flush(): Promise<void> {
    if (this.status.state !== 'ok') return Promise.resolve();
    this.dirty = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.writing) this.writing = afterPendingIo().then(() => this.drain());
    return done;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const batch = this.waiters;
      this.waiters = [];
      try {
        await this.low.write();
        this.failure = null;
        batch.forEach((w) => w.resolve());
      } catch (err) {
        this.failure = `write failed: ${(err as Error).message}`;
        batch.forEach((w) => w.reject(new StorageError(this.name, this.failure!)));
      }
    }
    this.writing = null;
  }

  /** Resolves when no write is under way (for shutdown). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
