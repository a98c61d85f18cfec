import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildTar, readTarEntries } from '../helpers/tar.js';
import { applyStagedRestore, MANIFEST, type Manifest } from '../../daemon/backup/index.js';
import { ADMIN_TOKEN, prodSecrets, product, sell, startShop } from '../helpers/shop-ops.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const admin = { admin: ADMIN_TOKEN };

async function download(d: TestDaemon): Promise<Buffer> {
  const res = await fetch(`${d.url}/api/v1/admin/backup`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/gzip');
  return Buffer.from(await res.arrayBuffer());
}

const entries = (gz: Buffer) => readTarEntries(gunzipSync(gz));

const upload = (d: TestDaemon, body: Buffer, type = 'application/gzip') =>
  d.request('POST', '/api/v1/admin/restore', {
    ...admin,
    raw: body,
    headers: { 'content-type': type },
  });

test('backup → restore on a fresh appliance: the restored daemon serves the same data; the old data is kept', async () => {
  const a = await startShop();
  const b = await startShop();
  try {
    await product(a.d, { barcode: '8001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    await product(a.d, { barcode: '8002', name: 'Brezel', price_cents: 120, vat_rate: 7 });
    await a.d.request('PUT', '/api/v1/admin/settings/receipts', {
      ...admin,
      body: { shop_name: 'Kiosk A' },
    });
    const sale = await sell(
      a.d,
      [
        ['8001', 2],
        ['8002', 1],
      ],
      'cash',
      1000,
    );
    await a.d.post(
      `/api/v1/sales/${sale.id}/refunds`,
      { line_indexes: [1], reason: 'x', idempotency_key: randomUUID() },
      admin,
    );
    await a.d.post(
      '/api/v1/closing/z',
      { counted_cents: 500, next_float_cents: 500, idempotency_key: randomUUID() },
      admin,
    );
    const receiptUrl = (await a.d.get(`/api/v1/sales/${sale.id}/receipt`)).body.url as string;

    const gz = await download(a.d);
    const files = await entries(gz);
    const manifest = JSON.parse(files.at(-1)!.data.toString()) as Manifest;
    assert.equal(files.at(-1)!.path, MANIFEST);
    const names = manifest.files.map((f) => f.path);
    for (const must of [
      'catalog.json',
      'settings.json',
      'closing.json',
      'refunds.json',
      'receipt-token.key',
    ])
      assert.ok(names.includes(must), `${must} in the backup`);
    assert.ok(
      names.some((n) => /^sales\/\d{4}-\d{2}-\d{2}\.jsonl$/.test(n)),
      'the sales journal is in the backup',
    );
    assert.ok(
      names.some((n) => n.startsWith('audit/')),
      'the audit journal is in the backup',
    );

    await product(b.d, { barcode: '9999', name: 'Only on B', price_cents: 1, vat_rate: 0 });
    const r = await upload(b.d, gz);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.staged, true);
    assert.equal(r.body.restart, 'required');
    assert.equal(r.body.files, manifest.files.length);
    assert.equal((await b.d.get('/api/v1/admin/restore', admin)).body.pending, true);
    // Nothing is replaced under the running daemon.
    assert.equal((await b.d.get('/api/v1/products/by-barcode/9999')).status, 200);

    // The swap the daemon does at start, watched alone: after it, every file of the archive is
    // in place byte for byte (modules may rewrite their documents once they start).
    await b.d.app.stop();
    assert.ok(await applyStagedRestore(b.d.dataDir, Date.now(), () => {}));
    for (const f of files.slice(0, -1)) {
      const now = await readFile(path.join(b.d.dataDir, f.path));
      assert.ok(now.equals(f.data), `${f.path} restored byte for byte`);
    }
    const dirB = b.d.dataDir;
    b.d = await startDaemon({ dataDir: dirB, env: { APP_ENV: 'production', ...prodSecrets } });
    assert.equal((await b.d.get('/api/v1/admin/restore', admin)).body.pending, false);
    const products = (await b.d.get('/api/v1/products')).body.products
      .map((p: { name: string }) => p.name)
      .sort();
    assert.deepEqual(products, ['Brezel', 'Cola']);
    assert.equal((await b.d.get(`/api/v1/sales/${sale.id}`)).body.total_cents, 620);
    assert.deepEqual(
      (await b.d.get(`/api/v1/sales/${sale.id}/refunds`)).body.refunded_line_indexes,
      [1],
    );
    assert.equal((await b.d.get('/api/v1/closing/z/1', admin)).body.counted_cents, 500);
    assert.equal((await b.d.get('/api/v1/closing/x', admin)).body.cash.opening_float_cents, 500);
    // Receipt links printed before the restore keep working (the token key came along).
    const page = await b.d.get(new URL(receiptUrl).pathname, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /Kiosk A/);
    // B's old data is kept under previous/<time>/.
    const prev = await readdir(path.join(b.d.dataDir, 'previous'));
    assert.equal(prev.length, 1);
    const old = await readFile(path.join(b.d.dataDir, 'previous', prev[0], 'catalog.json'), 'utf8');
    assert.match(old, /Only on B/);
    // A new backup of the restored appliance leaves previous/ out.
    const again = await entries(await download(b.d));
    assert.ok(!again.some((e) => e.path.startsWith('previous/')));
  } finally {
    await a.d.stop();
    await b.d.stop();
    await rm(b.d.dataDir, { recursive: true, force: true });
  }
});

test('restore refuses bad archives with 4xx and changes nothing', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '8001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    const good = gunzipSync(await download(d));
    const now = Date.now();
    const manifestOf = (files: Array<{ path: string; data: Buffer }>) =>
      Buffer.from(
        JSON.stringify({
          format: 'counter-pos-backup',
          version: 1,
          app_version: '0',
          created_at: new Date(now).toISOString(),
          files: files.map((f) => ({
            path: f.path,
            size: f.data.length,
            sha256: createHash('sha256').update(f.data).digest('hex'),
          })),
        }),
      );
    const build = async (files: Array<{ path: string; data: Buffer }>, manifest: Buffer | null) =>
      gzipSync(
        await buildTar(
          [...files, ...(manifest ? [{ path: MANIFEST, data: manifest }] : [])],
          new Date(now),
        ),
      );
    const catalog = {
      path: 'catalog.json',
      data: Buffer.from('{"schema_version":1,"data":{"products":[]}}'),
    };
    const cases: Array<[string, Buffer, number, RegExp]> = [
      ['random bytes', randomBytes(4096), 422, /not a valid \.tar\.gz|gzip/],
      ['gzip of junk', gzipSync(randomBytes(4096)), 422, /Backup refused/],
      ['truncated archive', gzipSync(good.subarray(0, good.length - 2048)), 422, /Backup refused/],
      ['no manifest', await build([catalog], null), 422, /manifest missing/],
      [
        'checksum mismatch',
        await build([catalog], manifestOf([{ ...catalog, data: Buffer.from('{}') }])),
        422,
        /checksum/,
      ],
      [
        'path traversal',
        await build([{ path: '../evil.json', data: Buffer.from('{}') }], manifestOf([])),
        422,
        /refusing file name/,
      ],
      [
        'hidden file',
        await build([{ path: '.ssh/x', data: Buffer.from('x') }], manifestOf([])),
        422,
        /refusing file name/,
      ],
      [
        'torn journal',
        await build(
          [{ path: 'sales/2026-01-01.jsonl', data: Buffer.from('{"e":"created"') }],
          manifestOf([]),
        ),
        422,
        /middle of a line/,
      ],
      [
        'corrupt JSON document',
        await build([{ path: 'settings.json', data: Buffer.from('{oops') }], manifestOf([])),
        422,
        /not valid JSON/,
      ],
    ];
    for (const [what, body, status, re] of cases) {
      const r = await upload(d, body);
      assert.equal(r.status, status, `${what}: ${r.text}`);
      assert.match(r.body.error.message, re, what);
      assert.equal((await d.get('/api/v1/admin/restore', admin)).body.pending, false, what);
    }
    assert.equal((await upload(d, gzipSync(good), 'application/json')).status, 415);
    assert.equal(
      (
        await d.request('POST', '/api/v1/admin/restore', {
          raw: gzipSync(good),
          headers: { 'content-type': 'application/gzip' },
        })
      ).status,
      401,
    );
    // No staging leftovers, the data is untouched.
    for (const name of await readdir(d.dataDir)) assert.ok(!name.startsWith('.restore'), name);
    assert.equal((await d.get('/api/v1/products/by-barcode/8001')).status, 200);
    await assert.rejects(stat(path.join(d.dataDir, 'evil.json')));
  } finally {
    await d.stop();
  }
});

test('backup: files restore would refuse are listed as skipped in the manifest, not silently lost', async () => {
  const { d } = await startShop();
  try {
    await writeFile(path.join(d.dataDir, 'odd name.json'), '{}');
    const files = await entries(await download(d));
    const manifest = JSON.parse(files.at(-1)!.data.toString()) as Manifest;
    assert.deepEqual(manifest.skipped, ['odd name.json']);
    assert.ok(!manifest.files.some((f) => f.path === 'odd name.json'));
    assert.ok(
      d.logs.some((l) => /backup: left out 1 entries with odd names: odd name\.json/.test(l)),
    );
  } finally {
    await d.stop();
  }
});
