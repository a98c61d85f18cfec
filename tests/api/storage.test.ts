/** The store seen through the real daemon: corrupt documents and concurrent writers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir } from '../helpers/daemon.js';

test('corrupt catalog.json: health degraded, writes 503, file untouched, daemon keeps serving', async () => {
  const dataDir = await tempDir();
  const file = path.join(dataDir, 'catalog.json');
  const bad = '{"schema_version": 1, "data": {"products": [{"id": "prd_1", "name": "Tee",';
  await writeFile(file, bad);
  const d = await startDaemon({ dataDir });
  try {
    const health = await d.get('/api/v1/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.storage['catalog.json'].state, 'corrupt');
    assert.match(health.body.storage['catalog.json'].message, /corrupt JSON/);
    assert.equal(health.body.storage['settings.json'].state, 'ok');
    assert.ok(d.logs.some((l) => /STORAGE catalog\.json is corrupt/.test(l)));

    const created = await d.post(
      '/api/v1/products',
      { name: 'Tee', price_cents: 150 },
      { admin: true },
    );
    assert.equal(created.status, 503);
    assert.equal(created.body.error.code, 'storage_unavailable');
    assert.doesNotMatch(created.text, /\n\s+at /);
    const imported = await d.request('POST', '/api/v1/products/import', {
      admin: true,
      headers: { 'content-type': 'text/csv' },
      raw: 'name,price\nKaffee,2.00\n',
    });
    assert.equal(imported.status, 503);

    assert.equal(await readFile(file, 'utf8'), bad, 'the bad file is kept byte for byte');
    // Not seeded over, still serving reads and health.
    const list = await d.get('/api/v1/products');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.products, []);
    assert.equal((await d.get('/api/v1/health')).status, 200);
  } finally {
    await d.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('catalog.json with valid JSON of the wrong shape is corrupt, not a crash', async () => {
  const dataDir = await tempDir();
  const content = '{"schema_version": 1, "data": {"products": null}}';
  await writeFile(path.join(dataDir, 'catalog.json'), content);
  const d = await startDaemon({ dataDir });
  try {
    const health = await d.get('/api/v1/health');
    assert.equal(health.body.storage['catalog.json'].state, 'corrupt');
    assert.match(health.body.storage['catalog.json'].message, /products must be a list/);
    assert.equal(await readFile(path.join(dataDir, 'catalog.json'), 'utf8'), content);
  } finally {
    await d.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('corrupt settings.json: reported, kept, and the catalog stays writable', async () => {
  const dataDir = await tempDir();
  await writeFile(path.join(dataDir, 'settings.json'), 'pos_ip_whitelist_enabled = true');
  const d = await startDaemon({ dataDir });
  try {
    const health = await d.get('/api/v1/health');
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.storage['settings.json'].state, 'corrupt');
    const created = await d.post(
      '/api/v1/products',
      { name: 'Tee', price_cents: 150 },
      { admin: true },
    );
    assert.equal(created.status, 201);
    assert.equal(
      await readFile(path.join(dataDir, 'settings.json'), 'utf8'),
      'pos_ip_whitelist_enabled = true',
    );
  } finally {
    await d.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('100 concurrent POSTs and 100 concurrent PATCHes lose nothing across a restart', async () => {
  let d = await startDaemon({ env: { APP_ENV: 'demo' }, keepData: true });
  const dataDir = d.dataDir;
  try {
    const seeded = (await d.get('/api/v1/products')).body.products.length;
    const posts = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        d.post('/api/v1/products', { name: `Artikel ${i}`, price_cents: i }, { admin: true }),
      ),
    );
    assert.deepEqual(
      posts.map((r) => r.status),
      posts.map(() => 201),
    );
    const patches = await Promise.all(
      posts.map((r, i) =>
        d.request('PATCH', `/api/v1/products/${r.body.id}`, {
          admin: true,
          body: { price_cents: 1000 + i },
        }),
      ),
    );
    assert.ok(patches.every((r) => r.status === 200));

    d = await d.restart();
    const products = (await d.get('/api/v1/products')).body.products as Array<{
      id: string;
      name: string;
      price_cents: number;
    }>;
    assert.equal(products.length, seeded + 100);
    for (let i = 0; i < 100; i++) {
      const p = products.find((x) => x.id === posts[i].body.id);
      assert.ok(p, `Artikel ${i} survived`);
      assert.equal(p.price_cents, 1000 + i);
    }
  } finally {
    await d.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
