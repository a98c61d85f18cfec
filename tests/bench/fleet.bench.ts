/**
 * Fleet shipping into a local PostgreSQL (a throwaway cluster with fsync on):
 * - catch-up: an appliance with a 100k-entry journal connects for the first time; time until
 *   the centre committed every entry, unthrottled (FLEET_MAX_RATE very high) → entries/s;
 * - checkout latency, side by side in alternating rounds: shipping off, shipping on (each sale
 *   shipped live), and shipping on while a 100k backlog is caught up at the default rate.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startPostgres, type PgCluster } from '../helpers/postgres.js';
import { latency, type Latency } from './lib.js';
import { benchData } from './data.js';

export interface FleetBenchResult {
  backlog_entries: number;
  catch_up_s: number;
  entries_per_s: number;
  /** The same entries inserted bare (one jsonb table, same batches), for scale. */
  bare_insert_entries_per_s: number;
  checkout_ms: { off: Latency; on: Latency; on_catching_up: Latency };
}

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
  rounds = 6,
  perRound = 40,
): Promise<FleetBenchResult> {
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
    const busy = await startDaemon({
      dataDir: await copyOf(data.dir),
      keepData: true,
      env: { LOG_LEVEL: 'warn', FLEET_DATABASE_URL: await pg.createDatabase('busy') },
    });
    daemons.push(busy);
    dirs.push(busy.dataDir);
    const samples = { off: [] as number[], on: [] as number[], busy: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      samples.off.push(...(await checkouts(off, perRound, 'off')));
      samples.on.push(...(await checkouts(on, perRound, 'on')));
      samples.busy.push(...(await checkouts(busy, perRound, 'busy')));
    }
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
        on_catching_up: latency(samples.busy),
      },
    };
  } finally {
    for (const d of daemons) await d.stop().catch(() => {});
    await pg.destroy();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('fleet.bench.ts'))
  console.log(JSON.stringify(await benchFleet(), null, 2));
