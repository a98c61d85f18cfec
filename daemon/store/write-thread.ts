/**
 * The documents' durable writes, done on one worker thread instead of the event loop.
 *
 * Same protocol as writeFileDurable (durable-file.ts): write a temp file, fsync it, rename it
 * over the target, fsync the directory — so a power cut still leaves the old file or the new
 * one, never a torn one, and the temp name is the one removeStaleTemps() clears at start.
 * What changes is where it runs: done with fs/promises on the main thread, one write is eight
 * round trips through libuv's pool, each resumed on the event loop (measured ≈ 0.3–0.6 ms of
 * loop time per cart write on the bench machine, the first piece of it right after a scan's
 * broadcast). Here the event loop posts the serialised document and gets one answer; the
 * thread does the syscalls back to back.
 *
 * One thread serves the process; it is started by Store.init() (or the first write) and
 * holds the process open only while a write is under way. A write that fails rejects with
 * the system error (its `code`, e.g. ENOSPC); a thread that dies fails the writes it held,
 * and the next write starts a new one.
 */
import { Worker } from 'node:worker_threads';

/**
 * The thread's code (CommonJS, run with `eval`, so it needs no loader and no build step).
 * `fsyncs` counts fsync(2) calls that returned, for tests that check the protocol.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
let fsyncs = 0;
function writeDurable(file, data) {
  const dir = path.dirname(file);
  const tmp = path.join(
    dir,
    '.' + path.basename(file) + '.' + process.pid + '.' + randomBytes(4).toString('hex') + '.tmp',
  );
  const fd = fs.openSync(tmp, 'w', 0o640);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fsyncs++;
  } catch (err) {
    try { fs.closeSync(fd); } catch {}
    try { fs.unlinkSync(tmp); } catch {}
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch {}
    throw err;
  }
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
    fsyncs++;
  } finally {
    fs.closeSync(dfd);
  }
}
parentPort.on('message', (m) => {
  try {
    writeDurable(m.file, m.data);
    parentPort.postMessage({ id: m.id, fsyncs });
  } catch (err) {
    parentPort.postMessage({
      id: m.id,
      fsyncs,
      error: { message: String(err && err.message), code: err && err.code },
    });
  }
});
`;

interface Reply {
  id: number;
  fsyncs: number;
  error?: { message: string; code?: string };
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
}

class WriteThread {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** fsync(2) calls the thread made (as last reported), and writes it finished. */
  fsyncs = 0;
  writes = 0;

  /** Starts the thread now (so the first write does not pay for it). */
  warm(): void {
    this.thread();
  }

  write(file: string, data: string): Promise<void> {
    const worker = this.thread();
    const id = ++this.seq;
    const done = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.pending.size === 1) worker.ref();
    worker.postMessage({ id, file, data });
    return done;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_SOURCE, { eval: true, execArgv: [] });
    worker.unref();
    worker.on('message', (reply: Reply) => this.answer(reply));
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) =>
      this.lost(worker, new Error(`store write thread exited (${code})`)),
    );
    this.worker = worker;
    return worker;
  }

  private answer(reply: Reply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    this.fsyncs = reply.fsyncs;
    if (!reply.error) {
      this.writes++;
      return p.resolve();
    }
    const err = new Error(reply.error.message) as NodeJS.ErrnoException;
    if (reply.error.code) err.code = reply.error.code;
    p.reject(err);
  }

  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const held = [...this.pending.values()];
    this.pending.clear();
    for (const p of held) p.reject(err);
  }
}

const shared = new WriteThread();

/** writeFileDurable's protocol, run on the store's write thread. */
export function writeFileDurableOffLoop(file: string, data: string): Promise<void> {
  return shared.write(file, data);
}

/** Starts the write thread ahead of the first write. */
export function warmWriteThread(): void {
  shared.warm();
}

/** Writes finished and fsyncs made by the write thread so far (for tests). */
export function writeThreadStats(): { writes: number; fsyncs: number } {
  return { writes: shared.writes, fsyncs: shared.fsyncs };
}
