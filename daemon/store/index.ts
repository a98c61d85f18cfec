/**
 * The store: opens the data directory and the JSON documents in it. Modules get documents
 * from here (store.document(...)) so health can report every document's state in one place.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JsonDocument, type DocumentOptions, type DocState } from './document.js';
import { removeStaleTemps } from './durable-file.js';
import { warmWriteThread } from './write-thread.js';

export { JsonDocument, StorageError, type DocState } from './document.js';
export { writeFileDurable, fsyncDir, removeStaleTemps } from './durable-file.js';
export { writeFileDurableOffLoop, writeThreadStats } from './write-thread.js';

/**
 * Marks a directory as a Counter POS data directory, so `npm run demo:reset` deletes only a
 * directory this daemon created or uses (never a mistyped DATA_DIR such as $HOME).
 */
export const DATA_DIR_MARKER = '.counter-pos-data';

export type StorageReport =
  { state: 'ok' } | { state: 'corrupt' | 'unreadable' | 'write_failed'; message: string };

export class Store {
  private readonly docs = new Map<string, JsonDocument<unknown>>();

  constructor(readonly dataDir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    await writeFile(this.path(DATA_DIR_MARKER), 'Counter POS data directory\n', {
      flag: 'wx',
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await removeStaleTemps(this.dataDir);
    warmWriteThread();
  }

  path(...parts: string[]): string {
    return path.join(this.dataDir, ...parts);
  }

  /** Opens (and loads) a document under DATA_DIR; the same name returns the same instance. */
  async document<T>(opts: Omit<DocumentOptions<T>, 'file'>): Promise<JsonDocument<T>> {
    const existing = this.docs.get(opts.name);
    if (existing) return existing as JsonDocument<T>;
    const doc = new JsonDocument<T>({ ...opts, file: this.path(opts.name) });
    await doc.load();
    this.docs.set(opts.name, doc as JsonDocument<unknown>);
    return doc;
  }

  states(): Record<string, DocState> {
    return Object.fromEntries([...this.docs].map(([name, doc]) => [name, doc.state]));
  }

  /**
   * For health: each document's state, and `write_failed` for a loaded document whose last
   * write failed (disk full, read-only card) until a write succeeds again.
   */
  report(): Record<string, StorageReport> {
    const out: Record<string, StorageReport> = {};
    for (const [name, doc] of this.docs) {
      const s = doc.state;
      if (s.state !== 'ok') out[name] = { state: s.state, message: s.message };
      else if (doc.writeFailure) out[name] = { state: 'write_failed', message: doc.writeFailure };
      else out[name] = { state: 'ok' };
    }
    return out;
  }

  async idle(): Promise<void> {
    await Promise.all([...this.docs.values()].map((d) => d.idle()));
  }
}
