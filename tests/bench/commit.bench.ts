/**
 * Sale commit latency: a cash checkout (created + succeeded lines, each fsync'd) with 1k and
 * with 1M lines already in the journal; beside it a bare append+fsync of the same bytes to a
 * file on the same file system. The journal is append-only, so history must not show.
 */
import { open, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { latency, type Latency } from './lib.js';
import { benchData } from './data.js';

export interface CommitResult {
  journal_lines: number;
  /** The whole checkout() call, with every other module's listeners (receipts, audit). */
  commit_ms: Latency;
  /** Of that, the time inside the journal's two appends (write + fdatasync each). */
  journal_ms: Latency;
  bare_append_fsync_ms: Latency;
}

async function bareAppend(dir: string, lines: string[], n: number): Promise<Latency> {
  const file = path.join(dir, `bare-append-${process.pid}.jsonl`);
  const fh = await open(file, 'a');
  const times: number[] = [];
  try {
    for (let i = 0; i < n + 20; i++) {
      const t0 = performance.now();
      for (const l of lines) {
        await fh.write(l);
        await fh.datasync();
      }
      if (i >= 20) times.push(performance.now() - t0);
    }
  } finally {
    await fh.close();
    await rm(file, { force: true });
  }
  return latency(times);
}

export async function benchCommit(journalLines: number, n = 300): Promise<CommitResult> {
  const data = await benchData(journalLines >= 1_000_000 ? 10_000 : 100, journalLines);
  const d = await startDaemon({ dataDir: data.dir, env: { LOG_LEVEL: 'warn' } });
  const terminal = `commit-${process.pid}`;
  const times: number[] = [];
  const journalTimes: number[] = [];
  // Time spent inside the journal's appends during one checkout.
  let inJournal = 0;
  const journal = d.app.checkout.journal;
  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        inJournal += performance.now() - t;
      }
    };
  journal.append = wrap(journal.append.bind(journal));
  journal.appendCreated = wrap(journal.appendCreated.bind(journal));
  try {
    const product = d.app.catalog.list()[0];
    for (let i = 0; i < n + 20; i++) {
      await d.app.checkout.addItem(terminal, { product_id: product.id, quantity: 1 + (i % 3) });
      inJournal = 0;
      const t0 = performance.now();
      const { sale } = await d.app.checkout.checkout(terminal, {
        provider: 'cash',
        idempotency_key: `bench-${process.pid}-${Date.now()}-${i}`,
        cashier: null,
        base_url: '',
      });
      if (i >= 20) {
        times.push(performance.now() - t0);
        journalTimes.push(inJournal);
      }
      if (sale.state !== 'succeeded') throw new Error(`bench sale ${sale.id} is ${sale.state}`);
    }
  } finally {
    await d.stop();
  }
  // The bare baseline writes the very bytes the journal got for the last sale.
  const salesDir = path.join(data.dir, 'sales');
  const newest = (await readdir(salesDir))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .pop()!;
  const text = await readFile(path.join(salesDir, newest), 'utf8');
  const last = text
    .trimEnd()
    .split('\n')
    .slice(-2)
    .map((l) => l + '\n');
  return {
    journal_lines: journalLines,
    commit_ms: latency(times),
    journal_ms: latency(journalTimes),
    bare_append_fsync_ms: await bareAppend(salesDir, last, n),
  };
}

if (process.argv[1]?.endsWith('commit.bench.ts')) {
  for (const lines of [1000, 1_000_000])
    console.log(JSON.stringify(await benchCommit(lines), null, 2));
}
