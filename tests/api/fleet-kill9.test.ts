/**
 * kill -9 of a shipping appliance while its batch transaction is open in the centre, several
 * times, with sales going on: after the last restart the centre holds every journal entry
 * once — none twice (the key), none missing — and every sale in fleet_sales with its state.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startPostgres, waitFor, type PgCluster } from '../helpers/postgres.js';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { ADMIN_TOKEN, prodSecrets } from '../helpers/shop-ops.js';

const KILLS = Number(process.env.FLEET_KILLS ?? 4);
let centre: PgCluster;
before(async () => {
  centre = await startPostgres();
});
after(async () => {
  await centre?.destroy();
});

async function journal(dataDir: string) {
  const dir = path.join(dataDir, 'sales');
  const seqs: number[] = [];
  const sales = new Map<string, { number: number; state: string }>();
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of (await readFile(path.join(dir, f), 'utf8')).split('\n')) {
      if (!line) continue;
      const l = JSON.parse(line);
      seqs.push(l.q);
      if (l.e === 'created') sales.set(l.sale.id, { number: l.sale.number, state: l.sale.state });
      else if (l.e === 'update') sales.get(l.id)!.state = l.state;
    }
  }
  return { seqs: seqs.sort((a, b) => a - b), sales };
}

let acked = 0;

async function sellSome(d: SpawnedDaemon, n: number, stop?: { now: boolean }) {
  for (let i = 0; i < n && !stop?.now; i++) {
    try {
      const add = await d.post('/api/v1/terminals/k/cart/items', { barcode: 'K9' });
      if (add.status !== 200) continue;
      const co = await d.post('/api/v1/terminals/k/checkout', {
        provider: 'cash',
        idempotency_key: randomUUID(),
      });
      if (co.status === 201) acked++;
    } catch {
      return; // killed
    }
  }
}

test(
  `kill -9 during a shipping batch, ${KILLS} times, with sales going on: every entry in the centre exactly once`,
  { timeout: 300_000 },
  async (t) => {
    const url = await centre.createDatabase('kill9');
    const dataDir = await tempDir('pos-fleet-kill9-');
    const base = { DATA_DIR: dataDir, APP_ENV: 'production', ...prodSecrets, LOG_LEVEL: 'warn' };
    const fleet = {
      ...base,
      FLEET_DATABASE_URL: url,
      FLEET_BATCH_SIZE: '25',
      FLEET_MAX_RATE: '400',
      FLEET_CHECK_SECONDS: '1',
    };
    const db = new pg.Client({ connectionString: url });
    try {
      // A backlog made without the fleet, so the first connection has much to ship.
      let d = await spawnDaemon(base);
      const p = await d.post(
        '/api/v1/products',
        { name: 'Kill', price_cents: 100, barcode: 'K9' },
        { admin: ADMIN_TOKEN },
      );
      assert.equal(p.status, 201, p.text);
      await sellSome(d, 150);
      await d.kill();
      await db.connect();
      let kills = 0;
      for (let i = 0; i < KILLS; i++) {
        d = await spawnDaemon(fleet);
        const stop = { now: false };
        const before = acked;
        const selling = sellSome(d, 1_000_000, stop);
        await waitFor('sales while shipping', async () => acked >= before + 5);
        // A batch transaction of the appliance open in the centre (it has written): kill now.
        await waitFor(
          'an open shipping transaction',
          async () => {
            const r = await db.query(
              `SELECT 1 FROM pg_stat_activity WHERE application_name = 'counter-pos' AND backend_xid IS NOT NULL
                 AND query LIKE '%journal_entries%'`,
            );
            return r.rowCount ? true : null;
          },
          60_000,
        );
        d.child.kill('SIGKILL');
        kills++;
        stop.now = true;
        await d.exited;
        await selling;
      }
      // The last start ships the rest.
      const t0 = Date.now();
      d = await spawnDaemon(fleet);
      const { seqs, sales } = await journal(dataDir);
      await waitFor(
        'the centre to hold the whole journal',
        async () => {
          const r = await db.query('SELECT count(*)::int AS n FROM journal_entries');
          return r.rows[0].n >= seqs.length ? true : null;
        },
        120_000,
      );
      await d.kill();
      const rows = await db.query('SELECT journal_seq FROM journal_entries ORDER BY journal_seq');
      assert.deepEqual(
        rows.rows.map((r) => Number(r.journal_seq)),
        seqs,
        'centre != journal',
      );
      const fs = await db.query('SELECT sale_no, status FROM fleet_sales ORDER BY sale_no');
      const expected = [...sales.values()]
        .sort((a, b) => a.number - b.number)
        .map((s) => [s.number, s.state]);
      assert.deepEqual(
        fs.rows.map((r) => [r.sale_no, r.status]),
        expected,
      );
      t.diagnostic(`last phase: ${Date.now() - t0} ms`);
      t.diagnostic(`kills: ${kills}, journal entries: ${seqs.length}, sales: ${sales.size}`);
      assert.equal(kills, KILLS);
    } finally {
      await db.end().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
