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
  /** Raw samples (ms), so runs can be merged. */
  samples: { commit: number[]; journal: number[]; bare: number[] };
}

/** A file beside the journal, appended and fdatasync'd like the journal, the baseline. */
async function bareFile(dir: string) {
  const file = path.join(dir, `bare-append-${process.pid}.jsonl`);
  const fh = await open(file, 'a');
  return {
    async append(lines: string[]): Promise<number> {
      const t0 = performance.now();
      for (const l of lines) {
        await fh.write(l);
        await fh.datasync();
      }
      return performance.now() - t0;
    },
    async close() {
      await fh.close();
      await rm(file, { force: true });
    },
  };
}

/** The last sale's two journal lines, as the journal wrote them. */
async function lastLines(salesDir: string): Promise<string[]> {
  const newest = (await readdir(salesDir))
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f))
    .sort()
    .pop()!;
  const text = await readFile(path.join(salesDir, newest), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .slice(-2)
    .map((l) => l + '\n');
}

/**
 * `n` cash checkouts on a journal of `journalLines`; after each one, the bare baseline appends
 * the same bytes the same way, so both see the same machine load.
 */
export async function benchCommit(journalLines: number, n = 300): Promise<CommitResult> {
  const data = await benchData(journalLines >= 1_000_000 ? 10_000 : 100, journalLines);
  const salesDir = path.join(data.dir, 'sales');
  const d = await startDaemon({ dataDir: data.dir, env: { LOG_LEVEL: 'warn' } });
  const terminal = `commit-${process.pid}`;
  const times: number[] = [];
  const journalTimes: number[] = [];
  const bareTimes: number[] = [];
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
  const bare = await bareFile(salesDir);
  try {
    const product = d.app.catalog.list()[0];
    let bytes: string[] = [];
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
      const t = performance.now() - t0;
      if (sale.state !== 'succeeded') throw new Error(`bench sale ${sale.id} is ${sale.state}`);
      if (i === 0) bytes = await lastLines(salesDir);
      const b = await bare.append(bytes);
      if (i >= 20) {
        times.push(t);
        journalTimes.push(inJournal);
        bareTimes.push(b);
      }
    }
  } finally {
    await bare.close();
    await d.stop();
  }
  return {
    journal_lines: journalLines,
    commit_ms: latency(times),
    journal_ms: latency(journalTimes),
    bare_append_fsync_ms: latency(bareTimes),
    samples: { commit: times, journal: journalTimes, bare: bareTimes },
  };
}

if (process.argv[1]?.endsWith('commit.bench.ts')) {
  for (const lines of [1000, 1_000_000])
    console.log(JSON.stringify(await benchCommit(lines), null, 2));
}
