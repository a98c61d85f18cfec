/**
 * Fleet shipping into a real PostgreSQL (a throwaway cluster, tests/helpers/postgres.ts):
 * two appliances into one centre, duplicate delivery, the centre stopped and back, one
 * identity on two appliances, and the report queries of docs/FLEET.md on the shipped data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { startPostgres, waitFor, type PgCluster } from '../helpers/postgres.js';
import { ADMIN_TOKEN, prodSecrets, product, sell } from '../helpers/shop-ops.js';
import { startDaemon, tempDir, ROOT, type TestDaemon } from '../helpers/daemon.js';
import { CURSOR_FILE, NEW_IDENTITY_MARKER, SCHEMA_VERSION } from '../../daemon/fleet/index.js';

const admin = { admin: ADMIN_TOKEN };
let centre: PgCluster;
let dbNo = 0;

before(async () => {
  centre = await startPostgres();
});
after(async () => {
  await centre?.destroy();
});

async function newCentre(): Promise<string> {
  return centre.createDatabase(`fleet_${process.pid}_${++dbNo}`);
}

async function query<T = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

function appliance(url: string, opts: { dataDir?: string; env?: Record<string, string> } = {}) {
  return startDaemon({
    dataDir: opts.dataDir,
    keepData: true,
    env: {
      APP_ENV: 'production',
      ...prodSecrets,
      // Sales here are paid with the demo card: enabled explicitly in production.
      PAYMENT_DEMO_CARD: '1',
      FLEET_DATABASE_URL: url,
      FLEET_CHECK_SECONDS: '2',
      ...opts.env,
    },
  });
}

const key = () => randomUUID();

/** Sales, a cancellation, a refund, cash movements and a Z closing: every kind of entry. */
async function trade(d: TestDaemon, tag: string, counted: number) {
  await product(d, { barcode: `${tag}01`, name: `Brot ${tag}`, price_cents: 350, vat_rate: 7 });
  await product(d, { barcode: 'KAFFEE1', name: 'Kaffee', price_cents: 220, vat_rate: 19 });
  assert.equal(
    (
      await d.post(
        '/api/v1/closing/movements',
        { kind: 'pay_in', amount_cents: 5000, reason: 'float', idempotency_key: key() },
        admin,
      )
    ).status,
    201,
  );
  const s1 = await sell(
    d,
    [
      [`${tag}01`, 2],
      ['KAFFEE1', 1],
    ],
    'cash',
    1000,
  );
  await sell(d, [['KAFFEE1', 3]], 'fake_card');
  const r = await d.post(
    `/api/v1/sales/${s1.id}/refunds`,
    { line_indexes: [1], reason: 'cold', idempotency_key: key() },
    admin,
  );
  assert.equal(r.status, 201, r.text);
  const z = await d.post(
    '/api/v1/closing/z',
    { counted_cents: counted, next_float_cents: 0, idempotency_key: key() },
    admin,
  );
  assert.equal(z.status, 201, z.text);
  return { s1, z: z.body.z };
}

/** The SQL blocks of docs/FLEET.md marked `<!-- report:NAME -->`. */
async function reportQueries(): Promise<Record<string, string>> {
  const doc = await readFile(path.join(ROOT, 'docs', 'FLEET.md'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of doc.matchAll(/<!-- report:(\w+) -->\s*```sql\n([\s\S]*?)```/g)) out[m[1]] = m[2];
  assert.deepEqual(Object.keys(out).sort(), [
    'cash_differences',
    'sales_per_branch_per_day',
    'top_products',
  ]);
  return out;
}

test('two appliances ship every journal entry once into one centre; typed tables and fleet_sales match the journals', async () => {
  const url = await newCentre();
  const a = await appliance(url);
  const b = await appliance(url);
  try {
    const ta = await trade(a, 'A', 5000 + 920 - 220 - 100); // 1 € short
    await trade(b, 'B', 5000 + 920 - 220 + 50);
    for (const d of [a, b]) assert.ok(await d.app.fleet.drained(30_000), 'not drained');
    const sa = (await a.get('/api/v1/admin/fleet/status', admin)).body;
    assert.equal(sa.enabled, true);
    assert.equal(sa.connected, true);
    assert.equal(sa.pending, 0);
    assert.equal(sa.last_error, null);
    assert.equal(sa.last_shipped_seq, a.app.checkout.journal.log.lastSeq);
    assert.equal(sa.schema_version, SCHEMA_VERSION);
    const idA = sa.appliance_id;
    const idB = b.app.fleet.status().appliance_id;
    assert.notEqual(idA, idB);

    for (const [d, id] of [
      [a, idA],
      [b, idB],
    ] as const) {
      const rows = await query<{ journal_seq: string }>(
        url,
        'SELECT journal_seq FROM journal_entries WHERE appliance_id = $1 ORDER BY journal_seq',
        [id],
      );
      const last = d.app.checkout.journal.log.lastSeq;
      assert.deepEqual(
        rows.map((r) => Number(r.journal_seq)),
        Array.from({ length: last }, (_, i) => i + 1),
      );
      const sales = await query<{
        sale_no: number;
        total_cents: string;
        provider: string;
        status: string;
      }>(
        url,
        'SELECT sale_no, total_cents, provider, status FROM fleet_sales WHERE appliance_id = $1 ORDER BY sale_no',
        [id],
      );
      assert.deepEqual(
        sales.map((s) => [s.sale_no, Number(s.total_cents), s.provider, s.status]),
        [
          [1, 920, 'cash', 'succeeded'],
          [2, 660, 'fake_card', 'succeeded'],
        ],
      );
    }
    const lines = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM sale_lines');
    assert.equal(Number(lines[0].n), 6);
    const refunds = await query<{ total_cents: string; sale_no: number }>(
      url,
      'SELECT total_cents, sale_no FROM refunds WHERE appliance_id = $1',
      [idA],
    );
    assert.deepEqual(
      refunds.map((r) => [Number(r.total_cents), r.sale_no]),
      [[220, 1]],
    );
    const closings = await query<{
      z_no: number;
      difference_cents: string;
      expected_cash_cents: string;
    }>(
      url,
      'SELECT z_no, difference_cents, expected_cash_cents FROM closings WHERE appliance_id = $1',
      [idA],
    );
    assert.deepEqual(
      closings.map((c) => [c.z_no, Number(c.difference_cents), Number(c.expected_cash_cents)]),
      [[1, -100, ta.z.cash.expected_cents]],
    );
    const moves = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM cash_movements');
    assert.equal(Number(moves[0].n), 2);
    // The report queries of docs/FLEET.md, on what was shipped.
    const reports = await reportQueries();
    await query(url, `UPDATE appliances SET branch_name = 'Nord' WHERE appliance_id = $1`, [idA]);
    await query(url, `UPDATE appliances SET branch_name = 'Süd' WHERE appliance_id = $1`, [idB]);
    const perDay = await query<{ branch_name: string; sales: string; total_cents: string }>(
      url,
      reports.sales_per_branch_per_day,
    );
    assert.deepEqual(
      perDay.map((r) => [r.branch_name, Number(r.sales), Number(r.total_cents)]),
      [
        ['Nord', 2, 1580],
        ['Süd', 2, 1580],
      ],
    );
    const top = await query<{
      article: string;
      quantity: string;
      total_cents: string;
      branches: string;
    }>(url, reports.top_products);
    assert.deepEqual(
      top.map((r) => [r.article, Number(r.quantity), Number(r.total_cents), Number(r.branches)]),
      [
        ['KAFFEE1', 8, 1760, 2],
        ['A01', 2, 700, 1],
        ['B01', 2, 700, 1],
      ],
    );
    const diffs = await query<{ branch_name: string; difference_cents: string }>(
      url,
      reports.cash_differences,
    );
    assert.deepEqual(
      diffs.map((r) => [r.branch_name, Number(r.difference_cents)]),
      [
        ['Nord', -100],
        ['Süd', 50],
      ],
    );
    const pays = await query<{ state: string }>(
      url,
      'SELECT state FROM payments WHERE appliance_id = $1 ORDER BY journal_seq',
      [idA],
    );
    assert.ok(pays.length >= 2 && pays.some((p) => p.state === 'succeeded'));
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('duplicate delivery: a cursor lost after the centre committed re-sends everything, and the centre keeps each entry once', async () => {
  const url = await newCentre();
  let a = await appliance(url);
  try {
    await trade(a, 'D', 5000);
    assert.ok(await a.app.fleet.drained(30_000));
    const count = async () =>
      Number(
        (
          await query<{ n: string }>(
            url,
            'SELECT (SELECT count(*) FROM journal_entries) + (SELECT count(*) FROM sales) + (SELECT count(*) FROM sale_lines) + (SELECT count(*) FROM payments) + (SELECT count(*) FROM refunds) + (SELECT count(*) FROM closings) + (SELECT count(*) FROM cash_movements) AS n',
          )
        )[0].n,
      );
    const before = await count();
    const statuses = await query(
      url,
      'SELECT sale_id, status, updated_at FROM sales ORDER BY sale_id',
    );
    // The crash between the centre's COMMIT and the cursor write, as it looks at the next start.
    const dataDir = a.dataDir;
    await a.stop();
    await rm(path.join(dataDir, CURSOR_FILE));
    a = await appliance(url, { dataDir });
    assert.ok(await a.app.fleet.drained(30_000));
    const s = a.app.fleet.status();
    assert.equal(s.last_error, null);
    assert.equal(s.last_shipped_seq, a.app.checkout.journal.log.lastSeq);
    assert.equal(await count(), before);
    assert.deepEqual(
      await query(url, 'SELECT sale_id, status, updated_at FROM sales ORDER BY sale_id'),
      statuses,
    );
  } finally {
    await a.stop();
  }
});

test('the centre stopped: the appliance sells on, says so, and ships the backlog once the centre is back', async () => {
  const url = await newCentre();
  const a = await appliance(url, { env: { FLEET_CHECK_SECONDS: '1' } });
  try {
    await product(a, { barcode: 'OFF1', name: 'Semmel', price_cents: 60, vat_rate: 7 });
    await sell(a, [['OFF1', 1]]);
    assert.ok(await a.app.fleet.drained(30_000));
    await centre.stop();
    for (let i = 0; i < 5; i++) await sell(a, [['OFF1', i + 1]]);
    const down = await waitFor('the status to show the outage', async () => {
      const s = (await a.get('/api/v1/admin/fleet/status', admin)).body;
      return s.last_error && !s.connected ? s : null;
    });
    assert.equal(down.last_error.code, 'fleet_unreachable');
    assert.ok(down.pending >= 10, `pending ${down.pending}`);
    await centre.start();
    assert.ok(await a.app.fleet.drained(60_000), 'backlog not shipped after the centre came back');
    const rows = await query<{ sale_no: number; status: string }>(
      url,
      'SELECT sale_no, status FROM fleet_sales ORDER BY sale_no',
    );
    assert.deepEqual(
      rows.map((r) => [r.sale_no, r.status]),
      [1, 2, 3, 4, 5, 6].map((n) => [n, 'succeeded']),
    );
    const seqs = await query<{ n: string; m: string }>(
      url,
      'SELECT count(*) AS n, max(journal_seq) AS m FROM journal_entries',
    );
    assert.equal(Number(seqs[0].n), a.app.checkout.journal.log.lastSeq);
    assert.equal(Number(seqs[0].m), a.app.checkout.journal.log.lastSeq);
    const up = (await a.get('/api/v1/admin/fleet/status', admin)).body;
    assert.equal(up.connected, true);
    assert.equal(up.last_error, null);
    assert.equal(up.pending, 0);
  } finally {
    if (!centre.running()) await centre.start();
    await a.stop();
  }
});

test('one backup on two appliances: a kept identity is refused by the centre as a conflict; a restore with a new identity ships only its own entries', async () => {
  const url = await newCentre();
  const a = await appliance(url);
  const copy = await tempDir('pos-fleet-copy-');
  const copy2 = await tempDir('pos-fleet-copy2-');
  let b: TestDaemon | null = null;
  let c: TestDaemon | null = null;
  try {
    await product(a, { barcode: 'ID1', name: 'Brezel', price_cents: 90, vat_rate: 7 });
    await sell(a, [['ID1', 1]]);
    assert.ok(await a.app.fleet.drained(30_000));
    await a.app.store.idle();
    await cp(a.dataDir, copy, { recursive: true });
    await cp(a.dataDir, copy2, { recursive: true });
    const backupSeq = a.app.checkout.journal.log.lastSeq;
    await sell(a, [['ID1', 2]]);
    assert.ok(await a.app.fleet.drained(30_000));
    // The copy keeps the identity and sells something else under the same sequence numbers.
    b = await appliance(url, { dataDir: copy });
    assert.equal(b.app.fleet.status().appliance_id, a.app.fleet.status().appliance_id);
    await sell(b, [['ID1', 5]]);
    const st = await waitFor('the identity conflict', async () => b!.app.fleet.status().last_error);
    assert.equal(st.code, 'fleet_identity_conflict');
    const rows = await query<{ sale_no: number; total_cents: string }>(
      url,
      'SELECT sale_no, total_cents FROM fleet_sales ORDER BY sale_no',
    );
    assert.deepEqual(
      rows.map((r) => [r.sale_no, Number(r.total_cents)]),
      [
        [1, 90],
        [2, 180],
      ],
      'the conflicting sale must not land',
    );
    // The same backup restored with ?identity=new: a new id, shipping after the restored journal.
    await writeFile(path.join(copy2, NEW_IDENTITY_MARKER), 'new\n');
    c = await appliance(url, { dataDir: copy2 });
    const sc = c.app.fleet.status();
    assert.notEqual(sc.appliance_id, a.app.fleet.status().appliance_id);
    assert.equal(sc.last_shipped_seq, backupSeq);
    await sell(c, [['ID1', 3]]);
    assert.ok(await c.app.fleet.drained(30_000));
    const mine = await query<{ sale_no: number; total_cents: string }>(
      url,
      'SELECT sale_no, total_cents FROM fleet_sales WHERE appliance_id = $1',
      [sc.appliance_id],
    );
    assert.deepEqual(
      mine.map((r) => [r.sale_no, Number(r.total_cents)]),
      [[2, 270]],
    );
  } finally {
    await a.stop();
    await b?.stop();
    await c?.stop();
    await rm(copy, { recursive: true, force: true });
    await rm(copy2, { recursive: true, force: true });
  }
});
