/**
 * Fleet shipping into a local PostgreSQL (a throwaway cluster with fsync on):
 * - catch-up: an appliance with a 100k-entry journal connects for the first time; time until
 *   the centre committed every entry, unthrottled (FLEET_MAX_RATE very high) → entries/s;
 * - checkout latency, side by side in one run: shipping on (each sale shipped live) against
 *   off, then shipping on while a 100k backlog is caught up at the default rate against off.
 *   The two daemons of a comparison take turns in short rounds (who goes first alternates,
 *   after a discarded warm-up), and the comparison is the median over the rounds of each
 *   round's p50 ratio: a burst of load from elsewhere on a shared machine hits one round of
 *   both, not all of one column. The load average is reported beside the figures.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { latency, round, type Latency } from './lib.js';
import { benchData } from './data.js';

export interface FleetBenchResult {
  backlog_entries: number;
  catch_up_s: number;
  entries_per_s: number;
  /** The same entries inserted bare (one jsonb table, same batches), for scale. */
  bare_insert_entries_per_s: number;
  /** off: beside on; off_beside_catching_up: beside the catching-up daemon's rounds. */
  checkout_ms: {
    off: Latency;
    on: Latency;
    off_beside_catching_up: Latency;
    on_catching_up: Latency;
  };
  /** Per round: p50 on / p50 off and p50 catching up / p50 off; their medians. */
  ratios: {
    rounds: number;
    per_round_on_off: number[];
    per_round_catching_up_off: number[];
    median_on_off: number;
    median_catching_up_off: number;
  };
  /** 1-minute load average before the catch-up, before the latency rounds, at the end. */
  load_average: { start: number; rounds: number; end: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const load1 = () => round(loadavg()[0], 2);

async function copyOf(src: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pos-bench-fleet-'));
  await cp(src, dir, { recursive: true });
  return dir;
}

async function checkouts(d: TestDaemon, n: number, tag: string): Promise<number[]> {
  const terminal = `fleet-${tag}`;
  const product = d.app.catalog.list()[0];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await d.app.checkout.addItem(terminal, { product_id: product.id, quantity: 1 });
    const t0 = performance.now();
    const { sale } = await d.app.checkout.checkout(terminal, {
      provider: 'cash',
      idempotency_key: `fleet-bench-${tag}-${process.pid}-${Date.now()}-${i}`,
      cashier: null,
      base_url: '',
    });
    out.push(performance.now() - t0);
    if (sale.state !== 'succeeded') throw new Error(`bench sale ${sale.id} is ${sale.state}`);
  }
  return out;
}

/** The shipped entries again, into one bare jsonb table in batches of 500: entries/s. */
async function bareInsert(pg: PgCluster, from: string): Promise<number> {
  const { default: pgm } = await import('pg');
  const src = new pgm.Client({ connectionString: from });
  await src.connect();
  const rows = (
    await src.query<{ q: string; t: string }>(
      'SELECT journal_seq AS q, entry::text AS t FROM journal_entries ORDER BY journal_seq',
    )
  ).rows;
  await src.end();
  const dst = new pgm.Client({ connectionString: await pg.createDatabase('bare') });
  await dst.connect();
  try {
    await dst.query('CREATE TABLE bare (seq bigint PRIMARY KEY, entry jsonb NOT NULL)');
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 500) {
      const b = rows.slice(i, i + 500);
      await dst.query('BEGIN');
      await dst.query(
        'INSERT INTO bare SELECT q, t::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(q, t)',
        [b.map((r) => r.q), b.map((r) => r.t)],
      );
      await dst.query('COMMIT');
    }
    return Math.round(rows.length / ((performance.now() - t0) / 1000));
  } finally {
    await dst.end();
  }
}

export async function benchFleet(
  backlog = 100_000,
  rounds = 12,
  perRound = 25,
): Promise<FleetBenchResult> {
  const loadStart = load1();
  const data = await benchData(100, backlog);
  const pg: PgCluster = await startPostgres({ fast: false });
  const dirs: string[] = [];
  const daemons: TestDaemon[] = [];
  try {
    // Catch-up, unthrottled.
    const url = await pg.createDatabase('catchup');
    const dir = await copyOf(data.dir);
    dirs.push(dir);
    const t0 = performance.now();
    const d = await startDaemon({
      dataDir: dir,
      keepData: true,
      env: { LOG_LEVEL: 'warn', FLEET_DATABASE_URL: url, FLEET_MAX_RATE: '1000000' },
    });
    daemons.push(d);
    const entries = d.app.checkout.journal.log.lastSeq;
    if (!(await d.app.fleet.drained(1_800_000))) throw new Error('catch-up did not finish');
    const catchUp = (performance.now() - t0) / 1000;
    await d.stop();
    daemons.pop();
    const bare = await bareInsert(pg, url);

    // Checkout latency: off, on (live), on while a backlog is caught up at the default rate.
    const off = await startDaemon({
      dataDir: await copyOf(data.dir),
      keepData: true,
      env: { LOG_LEVEL: 'warn' },
    });
    const on = await startDaemon({
      dataDir: await copyOf(data.dir),
      keepData: true,
      env: { LOG_LEVEL: 'warn', FLEET_DATABASE_URL: await pg.createDatabase('live') },
    });
    daemons.push(off, on);
    dirs.push(off.dataDir, on.dataDir);
    // "on" starts with the same backlog: let it finish before it counts as live.
    await on.app.fleet.drained(1_800_000);
    const samples = { off: [] as number[], on: [] as number[], busy: [] as number[] };
    const offBeside: number[] = [];
    const onOff: number[] = [];
    const busyOff: number[] = [];
    /** Rounds of two daemons taking turns (who goes first alternates); per-round p50 ratios. */
    const rounds2 = async (
      x: TestDaemon,
      xs: number[],
      base: number[],
      ratios: number[],
      tag: string,
    ) => {
      await checkouts(x, 10, `warm-${tag}`);
      await checkouts(off, 10, `warm-off-${tag}`);
      for (let r = 0; r < rounds; r++) {
        const pair = r % 2 ? ([x, off] as const) : ([off, x] as const);
        const got: number[][] = [];
        for (const d of pair) got.push(await checkouts(d, perRound, `${tag}-${r}-${d.port}`));
        const [mine, offs] = r % 2 ? got : [got[1], got[0]];
        xs.push(...mine);
        base.push(...offs);
        ratios.push(round(latency(mine).p50 / latency(offs).p50, 2));
      }
    };
    // In one process: the catching-up daemon would disturb the on/off rounds, so it starts
    // after them; beside it, off's turns carry the catch-up's work too (same event loop).
    const loadRounds = load1();
    await rounds2(on, samples.on, samples.off, onOff, 'on');
    const busy = await startDaemon({
      dataDir: await copyOf(data.dir),
      keepData: true,
      env: { LOG_LEVEL: 'warn', FLEET_DATABASE_URL: await pg.createDatabase('busy') },
    });
    daemons.push(busy);
    dirs.push(busy.dataDir);
    await rounds2(busy, samples.busy, offBeside, busyOff, 'busy');
    const stillCatchingUp = busy.app.fleet.status().pending > 0;
    if (!stillCatchingUp)
      process.stderr.write('bench: fleet: the backlog was shipped before the rounds ended\n');
    return {
      backlog_entries: entries,
      catch_up_s: Math.round(catchUp * 100) / 100,
      entries_per_s: Math.round(entries / catchUp),
      bare_insert_entries_per_s: bare,
      checkout_ms: {
        off: latency(samples.off),
        on: latency(samples.on),
        off_beside_catching_up: latency(offBeside),
        on_catching_up: latency(samples.busy),
      },
      ratios: {
        rounds,
        per_round_on_off: onOff,
        per_round_catching_up_off: busyOff,
        median_on_off: round(median(onOff), 2),
        median_catching_up_off: round(median(busyOff), 2),
      },
      load_average: { start: loadStart, rounds: loadRounds, end: load1() },
    };
  } finally {
    for (const d of daemons) await d.stop().catch(() => {});
    await pg.destroy();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('fleet.bench.ts'))
  console.log(JSON.stringify(await benchFleet(), null, 2));
