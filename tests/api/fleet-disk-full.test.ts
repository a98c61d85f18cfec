/**
 * A full disk on either side of fleet shipping, for real: small tmpfs mounts the test makes
 * and fills with a ballast file, so the kernel answers ENOSPC.
 * - The appliance: DATA_DIR on a tmpfs that fills up while a batch is in flight. The centre
 *   commits, the cursor write fails (fleet_appliance_full), selling is refused as for any full
 *   disk; once space is back the batch is sent again and the centre keeps each entry once.
 * - The centre: the database's tables in a tablespace on a tmpfs. PostgreSQL cannot extend a
 *   table (SQLSTATE 53100 disk_full); the appliance sells on, the status says so by code and
 *   the admin page (real Chromium) in German, and once space is back the backlog arrives
 *   exactly.
 * Mounting needs root, as `npm test` does (README): without it the tests fail and say so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, chown, mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPostgres, waitFor, type PgCluster } from '../helpers/postgres.js';
import { ADMIN_TOKEN, prodSecrets, product, sell } from '../helpers/shop-ops.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { launchBrowser, openPage } from '../e2e/support.js';
import { fillDisk } from '../helpers/fill-disk.js';

const run = promisify(execFile);
const admin = { admin: ADMIN_TOKEN };
const NOBODY = 65534; // the user tests/helpers/postgres.ts runs PostgreSQL as under root

let root = '';
const mounts: string[] = [];
let centre: PgCluster | null = null;

async function mountTmpfs(name: string, size: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

before(async () => {
  assert.equal(process.getuid?.(), 0, 'mounting a small tmpfs needs root: run npm test as root');
  root = await mkdtemp(path.join(tmpdir(), 'pos-fleet-full-'));
  await chmod(root, 0o755); // PostgreSQL (as nobody) must reach its tablespace inside
  centre = await startPostgres();
});

after(async () => {
  await centre?.destroy();
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => {});
  if (root) await rm(root, { recursive: true, force: true });
});

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

function appliance(url: string, dataDir?: string) {
  return startDaemon({
    dataDir,
    keepData: true,
    env: {
      APP_ENV: 'production',
      ...prodSecrets,
      FLEET_DATABASE_URL: url,
      FLEET_CHECK_SECONDS: '1',
    },
  });
}

/** The centre holds journal entries 1..last of the one appliance, each once, and its sales. */
async function assertExact(url: string, d: TestDaemon, sales: number): Promise<void> {
  const last = d.app.checkout.journal.log.lastSeq;
  const seqs = await query<{ journal_seq: string }>(
    url,
    'SELECT journal_seq FROM journal_entries ORDER BY journal_seq',
  );
  assert.deepEqual(
    seqs.map((r) => Number(r.journal_seq)),
    Array.from({ length: last }, (_, i) => i + 1),
    'every journal entry once, none missing',
  );
  const rows = await query<{ sale_no: number; status: string }>(
    url,
    'SELECT sale_no, status FROM fleet_sales ORDER BY sale_no',
  );
  assert.deepEqual(
    rows.map((r) => [r.sale_no, r.status]),
    Array.from({ length: sales }, (_, i) => [i + 1, 'succeeded']),
  );
  // A payment row per payment state entry (created, update), each once.
  const pay = await query<{ n: number; want: number }>(
    url,
    `SELECT (SELECT count(*)::int FROM payments) AS n,
            (SELECT count(*)::int FROM journal_entries WHERE kind IN ('created', 'update')) AS want`,
  );
  assert.equal(pay[0].n, pay[0].want, 'one payment row per payment state');
  const s = d.app.fleet.status();
  assert.equal(s.last_shipped_seq, last);
  assert.equal(s.pending, 0);
  assert.equal(s.last_error, null);
}

test("the appliance's disk full while a batch is in flight: the cursor write fails, selling is refused, and after space is freed the centre holds every entry once", async (t) => {
  const disk = await mountTmpfs('appliance', '16m');
  const url = await centre!.createDatabase('full_appliance');
  const d = await appliance(url, path.join(disk, 'data'));
  try {
    await product(d, { barcode: 'FULL1', name: 'Brezel', price_cents: 90, vat_rate: 7 });
    await sell(d, [['FULL1', 1]]);
    assert.ok(await d.app.fleet.drained(30_000));
    // Hold the next batch inside the centre (its INSERT waits for this lock) ...
    const lock = new pg.Client({ connectionString: url });
    await lock.connect();
    let ballast: string;
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE journal_entries IN SHARE MODE');
      for (let i = 2; i <= 4; i++) await sell(d, [['FULL1', i]]);
      await waitFor('a batch waiting in the centre', async () => {
        const r = await query(
          url,
          `SELECT 1 FROM pg_stat_activity
            WHERE application_name = 'counter-pos' AND wait_event_type = 'Lock'`,
        );
        return r.length > 0;
      });
      // ... fill the appliance's disk, then let the centre commit the batch.
      ballast = await fillDisk(disk);
      await lock.query('COMMIT');
    } finally {
      await lock.end();
    }
    const last = d.app.checkout.journal.log.lastSeq;
    const full = await waitFor('the status to show the full disk', async () => {
      const s = (await d.get('/api/v1/admin/fleet/status', admin)).body;
      return s.last_error?.code === 'fleet_appliance_full' ? s : null;
    });
    assert.match(full.last_error.message, /ENOSPC/);
    t.diagnostic(`appliance full: ${full.last_error.code}: ${full.last_error.message}`);
    assert.ok(full.last_shipped_seq < last, `cursor ${full.last_shipped_seq} of ${last}`);
    assert.ok(full.pending > 0);
    // The centre has the entries (the retried batch is skipped there), the cursor is behind.
    await waitFor('the centre to hold every entry', async () => {
      const r = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM journal_entries');
      return r[0].n === last;
    });
    // Selling is refused cleanly, as for any full disk: nothing is sold, nothing is shipped.
    const add = await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: 'FULL1' });
    assert.equal(add.status, 503, add.text);
    assert.equal(add.body.error.code, 'storage_unavailable');
    assert.equal(d.app.checkout.journal.log.lastSeq, last);

    await unlink(ballast);
    assert.ok(await d.app.fleet.drained(60_000), 'the cursor did not catch up once space was back');
    await assertExact(url, d, 4);
    await sell(d, [['FULL1', 5]]);
    assert.ok(await d.app.fleet.drained(30_000));
    await assertExact(url, d, 5);
  } finally {
    await d.stop();
  }
});

test("the centre's disk full: PostgreSQL refuses with disk_full (53100), the appliance sells on and says so, and after space is freed the backlog arrives exactly", async (t) => {
  const space = await mountTmpfs('tablespace', '8m');
  await chown(space, NOBODY, NOBODY);
  await centre!.sql(`CREATE TABLESPACE fleet_small LOCATION '${space}'`);
  const url = await centre!.createDatabase('full_centre');
  // Every table the daemon creates in this database lives on the small file system.
  await centre!.sql('ALTER DATABASE full_centre SET default_tablespace = fleet_small');
  const d = await appliance(url);
  try {
    await product(d, { barcode: 'FULL2', name: 'Kaffee', price_cents: 220, vat_rate: 19 });
    await sell(d, [['FULL2', 1]]);
    assert.ok(await d.app.fleet.drained(30_000));
    const where = await query<{ spc: string }>(
      url,
      `SELECT t.spcname AS spc FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace
        WHERE c.relname = 'journal_entries'`,
    );
    assert.deepEqual(where, [{ spc: 'fleet_small' }]);
    const ballast = await fillDisk(space);
    // Sell until a batch needs a new page of a table the centre cannot extend.
    let sales = 1;
    const full = await waitFor(
      'the centre to refuse with disk_full',
      async () => {
        await sell(d, [['FULL2', 1]]);
        sales++;
        const s = (await d.get('/api/v1/admin/fleet/status', admin)).body;
        return s.last_error?.code === 'fleet_centre_full' ? s : null;
      },
      60_000,
    );
    assert.match(full.last_error.message, /No space left on device|could not extend/);
    t.diagnostic(
      `centre full after ${sales} sales: ${full.last_error.code}: ${full.last_error.message}`,
    );
    assert.match(centre!.log(), /could not extend file/);
    // The admin page (real Chromium) says it in German, translated by the code: no raw error.
    const browser = await launchBrowser();
    try {
      const { page } = await openPage(browser, `${d.url}/admin`);
      await page.getByLabel('Admin-Token').fill(ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await page.getByRole('link', { name: 'Tagesabschluss' }).waitFor();
      await page.goto(`${d.url}/admin#settings`);
      const fleet = page.locator('[data-testid="fleet-settings"]');
      const shown = fleet
        .getByTestId('fleet-error')
        .filter({ hasText: 'Der Zentrale ist der Speicherplatz ausgegangen.' });
      await shown.waitFor({ timeout: 60_000 });
      const text = (await fleet.textContent()) ?? '';
      assert.doesNotMatch(text, /No space left|could not extend|53100|fleet_centre_full/);
      t.diagnostic(`admin page: ${(await shown.textContent())?.trim()}`);
    } finally {
      await browser.close();
    }
    // The counter does not wait for the centre: it sells on.
    for (let i = 0; i < 5; i++) {
      await sell(d, [['FULL2', 2]]);
      sales++;
    }
    const behind = d.app.fleet.status();
    assert.ok(behind.pending > 0, `pending ${behind.pending}`);
    assert.equal(behind.last_error?.code, 'fleet_centre_full');
    const held = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM journal_entries');
    assert.ok(held[0].n < d.app.checkout.journal.log.lastSeq);

    await unlink(ballast);
    assert.ok(await d.app.fleet.drained(60_000), 'the backlog did not arrive once space was back');
    await assertExact(url, d, sales);
    t.diagnostic(`${sales} sales, ${d.app.checkout.journal.log.lastSeq} entries, each once`);
  } finally {
    await d.stop();
  }
});
