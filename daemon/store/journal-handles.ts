/**
 * The journal primitive's append handles (daemon/store/journal.ts): one open file per
 * partition being written, the least recently used closed first, each with the size the
 * journal has written so far. A new partition file's directory entry is fsync'd, or a power
 * cut could lose the file.
 */
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { StorageError } from './document.js';
import { fsyncDir } from './durable-file.js';

export interface OpenFile {
  fh: FileHandle;
  size: number;
}

export interface AppendFilesOptions {
  /** The journal's name, for errors. */
  name: string;
  dir: string;
  partition: RegExp;
  maxOpen: number;
  fileOf(partition: string): string;
}

export class AppendFiles {
  private readonly files = new Map<string, OpenFile>();

  constructor(private readonly opts: AppendFilesOptions) {}

  /** The open file of a partition, if it is open (without touching the LRU order). */
  get(partition: string): OpenFile | undefined {
    return this.files.get(partition);
  }

  /** The partition's file opened for appending (created, and its directory fsync'd, if new). */
  async open(partition: string): Promise<OpenFile> {
    const hit = this.files.get(partition);
    if (hit) {
      // Most recently used last.
      this.files.delete(partition);
      this.files.set(partition, hit);
      return hit;
    }
    if (!this.opts.partition.test(partition))
      throw new StorageError(this.opts.name, `"${partition}" is not a partition of it`);
    const name = this.opts.fileOf(partition);
    const existed = await stat(name).then(
      () => true,
      () => false,
    );
    if (!existed) await mkdir(this.opts.dir, { recursive: true });
    const fh = await open(name, 'a', 0o640);
    const { size } = await fh.stat();
    // A new file's directory entry must be durable too, or a power cut can lose the file.
    if (!existed) await fsyncDir(this.opts.dir);
    const f = { fh, size };
    this.files.set(partition, f);
    while (this.files.size > this.opts.maxOpen) {
      const [oldest, old] = this.files.entries().next().value as [string, OpenFile];
      this.files.delete(oldest);
      await old.fh.close().catch(() => {});
    }
    return f;
  }

  async closeAll(): Promise<void> {
    for (const f of this.files.values()) await f.fh.close().catch(() => {});
    this.files.clear();
  }
}
