/**
 * The centre's schema and catalog with a real PostgreSQL: migrations from empty, from the
 * previous version and from several appliances at once; the appliance role of docs/FLEET.md
 * with row-level security; the catalog pulled from the centre (NOTIFY, atomic, offline, local
 * edits refused).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPostgres, waitFor, type PgCluster } from '../helpers/postgres.js';
import { ADMIN_TOKEN, prodSecrets, product, sell } from '../helpers/shop-ops.js';
import { startDaemon, ROOT, type TestDaemon } from '../helpers/daemon.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../daemon/fleet/index.js';

const admin = { admin: ADMIN_TOKEN };
let centre: PgCluster;
let dbNo = 0;

before(async () => {
  centre = await startPostgres();
});
after(async () => {
  await centre?.destroy();
});

const newCentre = () => centre.createDatabase(`centre_${process.pid}_${++dbNo}`);

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const query = (url: string, text: string, params: unknown[] = []) =>
  withClient(url, async (c) => (await c.query(text, params)).rows);

function appliance(url: string, env: Record<string, string> = {}, dataDir?: string) {
  return startDaemon({
    dataDir,
    keepData: true,
    env: {
      APP_ENV: 'production',
      ...prodSecrets,
      FLEET_DATABASE_URL: url,
      FLEET_CHECK_SECONDS: '2',
      ...env,
    },
  });
}

test('migrations: from empty to the newest, five appliances at once, each version applied once', async () => {
  const url = await newCentre();
  const results = await Promise.all(
    Array.from({ length: 5 }, () => withClient(url, (c) => migrate(c))),
  );
  // Every version applied by exactly one of them.
  assert.deepEqual(
    results.flat().sort(),
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
  const versions = await query(url, 'SELECT version FROM fleet_schema ORDER BY version');
  assert.deepEqual(
    versions.map((r) => r.version),
    [1, 2, 3],
  );
  const tables = await query(
    url,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
  );
  for (const t of [
    'appliances',
    'journal_entries',
    'sales',
    'sale_lines',
    'payments',
    'refunds',
    'closings',
    'cash_movements',
    'catalog_products',
    'fleet_sales',
  ])
    assert.ok(
      tables.some((r) => r.table_name === t),
      `missing ${t}`,
    );
  const cols = await query(
    url,
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'fleet_sales' ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    cols.map((r) => r.column_name),
    ['appliance_id', 'sale_no', 'created_at', 'total_cents', 'provider', 'status'],
  );
  // Again: nothing to do.
  assert.deepEqual(await withClient(url, (c) => migrate(c)), []);
});

test('migration from schema version 1: shipped data stays, the daemon brings the centre to the newest and ships on', async () => {
  const url = await newCentre();
  assert.equal(MIGRATIONS.length, 3);
  const d0 = await appliance(url);
  const dataDir = d0.dataDir;
  let d: TestDaemon | null = null;
  try {
    await product(d0, { barcode: 'MIG1', name: 'Alt', price_cents: 100, vat_rate: 19 });
    await sell(d0, [['MIG1', 1]]);
    assert.ok(await d0.app.fleet.drained(30_000));
    await d0.stop();
    // Back to version 1 as an appliance of the previous release left it (its rows kept).
    await query(
      url,
      `DROP TABLE catalog_products, catalog_categories, catalog_vat_rates, catalog_version;
      DROP FUNCTION fleet_catalog_changed(); DROP INDEX journal_entries_at;
      ALTER TABLE appliances DROP COLUMN db_role CASCADE;
      DELETE FROM fleet_schema WHERE version >= 2;`,
    );
    for (const t of [
      'appliances',
      'journal_entries',
      'sales',
      'sale_lines',
      'payments',
      'refunds',
      'cash_movements',
      'closings',
    ])
      await query(
        url,
        `DROP POLICY IF EXISTS own_rows ON ${t}; ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`,
      );
    assert.deepEqual((await query(url, 'SELECT max(version) AS v FROM fleet_schema'))[0].v, 1);
    d = await appliance(url, {}, dataDir);
    await sell(d, [['MIG1', 2]]);
    assert.ok(await d.app.fleet.drained(30_000));
    assert.equal(d.app.fleet.status().schema_version, SCHEMA_VERSION);
    const rows = await query(url, 'SELECT sale_no, total_cents FROM fleet_sales ORDER BY sale_no');
    assert.deepEqual(
      rows.map((r) => [r.sale_no, Number(r.total_cents)]),
      [
        [1, 100],
        [2, 200],
      ],
    );
    assert.equal((await query(url, 'SELECT count(*)::int AS n FROM catalog_version'))[0].n, 1);
  } finally {
    await d?.stop();
  }
});

test('migration from the previous schema (version 2): the catalog stays, categories get a colour column, and the colours reach a pulling appliance', async () => {
  const url = await newCentre();
  assert.equal(SCHEMA_VERSION, 3);
  assert.deepEqual(await withClient(url, (c) => migrate(c, SCHEMA_VERSION - 1)), [1, 2]);
  // A catalog the owner kept at version 2 (no colour column yet).
  await query(
    url,
    `INSERT INTO catalog_vat_rates VALUES ('full', 19);
    INSERT INTO catalog_categories (category_id, name) VALUES ('drinks', 'Getränke');
    INSERT INTO catalog_products (product_id, barcode, name, category_id, vat_code, price_cents)
      VALUES ('cola', '4000000000020', 'Cola', 'drinks', 'full', 250);`,
  );
  const colOf = (cols: Array<{ column_name: unknown }>) => cols.map((r) => r.column_name);
  const colsQuery = `SELECT column_name FROM information_schema.columns
    WHERE table_name = 'catalog_categories' ORDER BY ordinal_position`;
  assert.deepEqual(colOf(await query(url, colsQuery)), ['category_id', 'name']);
  const d = await appliance(url, { FLEET_CATALOG: 'pull', FLEET_CHECK_SECONDS: '3600' });
  try {
    await waitFor(
      'the pulled catalog',
      async () => (await d.get('/api/v1/products')).body.products.length === 1,
      30_000,
      () => JSON.stringify(d.app.fleet.status()),
    );
    assert.equal(d.app.fleet.status().schema_version, 3);
    assert.deepEqual(
      (await query(url, 'SELECT version FROM fleet_schema ORDER BY version')).map((r) => r.version),
      [1, 2, 3],
    );
    assert.deepEqual(colOf(await query(url, colsQuery)), ['category_id', 'name', 'color']);
    // The version-2 rows are kept, their colour empty; the till gave the tab a palette colour.
    assert.deepEqual(await query(url, 'SELECT category_id, name, color FROM catalog_categories'), [
      { category_id: 'drinks', name: 'Getränke', color: null },
    ]);
    const local = async () =>
      (
        (await d.get('/api/v1/categories')).body.categories as Array<{
          name: string;
          color: string;
        }>
      ).map((c) => [c.name, c.color]);
    const [[name, palette]] = await local();
    assert.equal(name, 'Getränke');
    assert.match(palette, /^#[0-9a-f]{6}$/);
    const wanted = palette === '#0f766e' ? '#9d174d' : '#0f766e';
    // A colour that is not #rrggbb is refused by the centre itself.
    await assert.rejects(
      query(url, `UPDATE catalog_categories SET color = 'red' WHERE category_id = 'drinks'`),
      (err: { code?: string }) => err.code === '23514',
    );
    await query(
      url,
      `UPDATE catalog_categories SET color = '${wanted.toUpperCase()}' WHERE category_id = 'drinks'`,
    );
    await waitFor('the colour from the centre', async () => {
      const cats = await local();
      return cats.length === 1 && cats[0][1] === wanted;
    });
    await sell(d, [['4000000000020', 1]]);
    assert.ok(await d.app.fleet.drained(30_000));
    assert.equal((await query(url, 'SELECT count(*)::int AS n FROM fleet_sales'))[0].n, 1);
  } finally {
    await d.stop();
  }
});

async function rolesSql(): Promise<string> {
  const doc = await readFile(path.join(ROOT, 'docs', 'FLEET.md'), 'utf8');
  const m = /<!-- fleet-roles:start -->\s*```sql\n([\s\S]*?)```/.exec(doc);
  assert.ok(m, 'docs/FLEET.md has the roles SQL');
  return m[1];
}

test("the appliance role of docs/FLEET.md: each appliance ships with its own role and can neither read nor change another appliance's rows", async () => {
  const url = await newCentre();
  await withClient(url, (c) => migrate(c));
  // Roles are cluster-wide: made once per cluster under these test names.
  const sql = (await rolesSql())
    .replace(/fleet_appliance/g, `fleet_appliance_${dbNo}`)
    .replace(/pos_branch(\d)/g, `pos_branch$1_${dbNo}`);
  await query(url, sql);
  const r1 = `pos_branch1_${dbNo}`;
  const r2 = `pos_branch2_${dbNo}`;
  const as = (role: string) => url.replace('postgres@', `${role}@`);
  const a = await appliance(as(r1));
  const b = await appliance(as(r2));
  try {
    await product(a, { barcode: 'RLS1', name: 'A', price_cents: 100, vat_rate: 19 });
    await product(b, { barcode: 'RLS2', name: 'B', price_cents: 200, vat_rate: 19 });
    await sell(a, [['RLS1', 1]]);
    await sell(b, [['RLS2', 1]]);
    assert.ok(await a.app.fleet.drained(30_000), JSON.stringify(a.app.fleet.status()));
    assert.ok(await b.app.fleet.drained(30_000), JSON.stringify(b.app.fleet.status()));
    const idA = a.app.fleet.status().appliance_id;
    const idB = b.app.fleet.status().appliance_id;
    assert.equal((await query(url, 'SELECT count(*)::int AS n FROM fleet_sales'))[0].n, 2);
    await withClient(as(r2), async (c) => {
      // Reading: only its own rows, through the tables and the view.
      for (const t of [
        'appliances',
        'journal_entries',
        'sales',
        'sale_lines',
        'payments',
        'fleet_sales',
      ]) {
        const rows = (await c.query(`SELECT DISTINCT appliance_id FROM ${t}`)).rows;
        assert.deepEqual(
          rows.map((r) => r.appliance_id),
          [idB],
          t,
        );
      }
      // Changing: nothing of A's is visible to update or delete.
      assert.equal(
        (await c.query(`UPDATE sales SET status = 'cancelled' WHERE appliance_id = $1`, [idA]))
          .rowCount,
        0,
      );
      assert.equal(
        (await c.query(`UPDATE appliances SET branch_name = 'x' WHERE appliance_id = $1`, [idA]))
          .rowCount,
        0,
      );
      await assert.rejects(c.query('DELETE FROM journal_entries'), /permission denied/);
      // Writing rows under A's id, or claiming A's id: refused.
      await assert.rejects(
        c.query(
          `INSERT INTO journal_entries (appliance_id, journal_seq, kind, at, entry) VALUES ($1, 999, 'cash', now(), '{}')`,
          [idA],
        ),
        /row-level security/,
      );
      await assert.rejects(
        c.query(
          `INSERT INTO appliances (appliance_id, branch_name) VALUES ($1, 'x') ON CONFLICT (appliance_id) DO UPDATE SET branch_name = 'x'`,
          [idA],
        ),
        /row-level security/,
      );
      // The catalog is readable, not writable.
      await c.query('SELECT * FROM catalog_products');
      await assert.rejects(
        c.query(`INSERT INTO catalog_vat_rates VALUES ('x', 5)`),
        /permission denied/,
      );
    });
    const after = await query(url, 'SELECT status FROM sales WHERE appliance_id = $1', [idA]);
    assert.deepEqual(
      after.map((r) => r.status),
      ['succeeded'],
    );
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("FLEET_CATALOG=pull: the centre's catalog arrives whole, changes arrive by NOTIFY, local edits are refused, and offline the last copy sells", async () => {
  const url = await newCentre();
  await withClient(url, (c) => migrate(c));
  await query(
    url,
    `INSERT INTO catalog_vat_rates VALUES ('full', 19), ('reduced', 7);
    INSERT INTO catalog_categories VALUES ('bread', 'Brot', '#92400E'), ('drinks', 'Getränke', NULL);
    INSERT INTO catalog_products (product_id, barcode, name, category_id, vat_code, price_cents)
      VALUES ('roggen', '4000000000013', 'Roggenbrot', 'bread', 'reduced', 390),
             ('cola', '4000000000020', 'Cola', 'drinks', 'full', 250);`,
  );
  // A long periodic check: a change must arrive by NOTIFY.
  let d = await appliance(url, { FLEET_CATALOG: 'pull', FLEET_CHECK_SECONDS: '3600' });
  const dataDir = d.dataDir;
  try {
    const list = await waitFor(
      'the pulled catalog',
      async () => {
        const r = await d.get('/api/v1/products');
        return r.body.products.length === 2 ? r.body.products : null;
      },
      30_000,
      () => JSON.stringify(d.app.fleet.status()),
    );
    const roggen = list.find((p: { id: string }) => p.id === 'roggen');
    assert.deepEqual(
      [roggen.name, roggen.price_cents, roggen.vat_rate, roggen.category, roggen.barcode],
      ['Roggenbrot', 390, 7, 'Brot', '4000000000013'],
    );
    // The centre's category colour is the till's tab colour (lower case, as the API keeps it).
    const cats = (await d.get('/api/v1/categories')).body.categories as Array<{
      id: string;
      name: string;
      color: string;
    }>;
    assert.equal(cats.find((c) => c.name === 'Brot')?.color, '#92400e');
    assert.equal(roggen.category_id, cats.find((c) => c.name === 'Brot')?.id);
    // Local edits are refused with a code the admin page translates.
    const create = await d.post('/api/v1/products', { name: 'Lokal', price_cents: 1 }, admin);
    assert.equal(create.status, 409);
    assert.equal(create.body.error.code, 'catalog_managed_centrally');
    const patch = await d.request('PATCH', '/api/v1/products/roggen', {
      admin: ADMIN_TOKEN,
      body: { price_cents: 1 },
    });
    assert.equal(patch.status, 409);
    assert.equal((await d.request('DELETE', '/api/v1/products/roggen', admin)).status, 409);
    // A price change in the centre reaches the till.
    await query(url, `UPDATE catalog_products SET price_cents = 420 WHERE product_id = 'roggen'`);
    await waitFor(
      'the new price',
      async () => (await d.get('/api/v1/products/roggen')).body.price_cents === 420,
    );
    // A version the appliance cannot sell is refused whole; the last copy stays.
    await query(
      url,
      `INSERT INTO catalog_vat_rates VALUES ('odd', 16);
      UPDATE catalog_products SET price_cents = 999 WHERE product_id = 'cola';
      INSERT INTO catalog_products (product_id, name, vat_code, price_cents) VALUES ('bad', 'Bad', 'odd', 1);`,
    );
    const st = await waitFor('the refusal', async () => d.app.fleet.status().last_error);
    assert.equal(st.code, 'fleet_catalog_invalid');
    assert.equal((await d.get('/api/v1/products/cola')).body.price_cents, 250);
    await query(url, `DELETE FROM catalog_products WHERE product_id = 'bad'`);
    await waitFor(
      'the repaired version',
      async () => (await d.get('/api/v1/products/cola')).body.price_cents === 999,
    );
    // Offline: a restart without the centre sells from the last copy.
    await d.stop();
    await centre.stop();
    d = await appliance(url, { FLEET_CATALOG: 'pull' }, dataDir);
    assert.equal((await d.get('/api/v1/products/roggen')).body.price_cents, 420);
    const sale = await sell(d, [['4000000000013', 2]]);
    assert.equal(sale.total_cents, 840);
    assert.equal(
      (await d.post('/api/v1/products', { name: 'Lokal', price_cents: 1 }, admin)).status,
      409,
    );
  } finally {
    await d.stop();
    if (!centre.running()) await centre.start();
  }
});

/** A CA and a server certificate for 127.0.0.1 (openssl), plus a CA that did not sign it. */
async function certificates(dir: string) {
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca'])
    ossl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
    );
  ossl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=centre',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ossl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem',
  );
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  return { cert: await read('server.pem'), key: await read('server.key') };
}

test("TLS: sslmode=verify-full with the centre's CA ships; a certificate from another CA is refused as fleet_tls_failed and nothing is shipped", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pos-fleet-tls-'));
  const { cert, key } = await certificates(dir);
  const tls = await startPostgres({
    files: { 'server.pem': cert, 'server.key': key },
    settings: { ssl: 'on', ssl_cert_file: 'server.pem', ssl_key_file: 'server.key' },
  });
  let good: TestDaemon | null = null;
  let bad: TestDaemon | null = null;
  try {
    const url = await tls.createDatabase('tls');
    const verified = (ca: string) => `${url}?sslmode=verify-full&sslrootcert=${path.join(dir, ca)}`;
    good = await appliance(verified('ca.pem'));
    await product(good, { barcode: 'TLS1', name: 'Sicher', price_cents: 100, vat_rate: 19 });
    await sell(good, [['TLS1', 1]]);
    assert.ok(await good.app.fleet.drained(30_000), JSON.stringify(good.app.fleet.status()));
    const ssl = await withClient(
      verified('ca.pem'),
      async (c) =>
        (await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl,
    );
    assert.equal(ssl, true);
    bad = await appliance(verified('other-ca.pem'));
    await product(bad, { barcode: 'TLS2', name: 'Unsicher', price_cents: 100, vat_rate: 19 });
    await sell(bad, [['TLS2', 1]]);
    const st = await waitFor('the TLS refusal', async () => bad!.app.fleet.status().last_error);
    assert.equal(st.code, 'fleet_tls_failed', st.message);
    assert.equal(bad.app.fleet.status().connected, false);
    const res = await bad.get('/api/v1/admin/fleet/status', admin);
    assert.equal(res.body.last_error.code, 'fleet_tls_failed');
    assert.equal((await query(url, 'SELECT count(*)::int AS n FROM appliances'))[0].n, 1);
  } finally {
    await good?.stop();
    await bad?.stop();
    await tls.destroy();
    await rm(dir, { recursive: true, force: true });
  }
});
