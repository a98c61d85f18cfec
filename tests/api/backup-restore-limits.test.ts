/**
 * Issue 19, finding 7: a restore upload has caps on what it may unpack (enforced while it
 * streams), cleans up after aborted uploads, and previous/ keeps only KEEP_PREVIOUS data sets.
 * Each attack is reproduced first: a decompression bomb, many tiny files, a killed upload,
 * repeated restores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  KEEP_PREVIOUS,
  MANIFEST,
  RESTORE_LIMITS,
  restoreArchive,
  BackupError,
} from '../../daemon/backup/index.js';
import { ADMIN_TOKEN, product, startShop } from '../helpers/shop-ops.js';
import { tempDir, type TestDaemon } from '../helpers/daemon.js';
import { buildTar, zeroBomb, type TarInput } from '../helpers/tar.js';

const admin = { admin: ADMIN_TOKEN };
const MiB = 1 << 20;

const upload = (d: TestDaemon, body: Buffer) =>
  d.request('POST', '/api/v1/admin/restore', {
    ...admin,
    raw: body,
    headers: { 'content-type': 'application/gzip' },
  });

function manifestOf(files: Array<{ path: string; data: Buffer }>): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: 'counter-pos-backup',
      version: 1,
      app_version: '0',
      created_at: new Date().toISOString(),
      files: files.map((f) => ({
        path: f.path,
        size: f.data.length,
        sha256: createHash('sha256').update(f.data).digest('hex'),
      })),
    }),
  );
}

/** A valid archive of these files (with its manifest), gzip'd. */
async function archive(files: Array<{ path: string; data: Buffer }>): Promise<Buffer> {
  return gzipSync(await buildTar([...files, { path: MANIFEST, data: manifestOf(files) }]));
}

/** Nothing staged, no working directory left, the catalog still there. */
async function assertUntouched(d: TestDaemon, what: string): Promise<void> {
  assert.equal((await d.get('/api/v1/admin/restore', admin)).body.pending, false, what);
  for (const name of await readdir(d.dataDir))
    assert.ok(!name.startsWith('.restore'), `${what}: ${name}`);
  assert.equal((await d.get('/api/v1/products/by-barcode/8001')).status, 200, what);
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

const incomingDirs = async (dir: string) =>
  (await readdir(dir)).filter((n) => n.startsWith('.restore-incoming'));

test('restore: a decompression bomb (408 KB → 400 MiB) is refused with 413 while it streams, nothing changes', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '8001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    // Two 200 MiB files: each under the per-file limit, together far over the ratio limit.
    const bomb = await zeroBomb([
      { path: 'images/a.webp', size: 200 * MiB },
      { path: 'images/b.webp', size: 200 * MiB },
    ]);
    assert.ok(bomb.length < 500 * 1024, `the bomb is ${bomb.length} bytes`);
    const r = await upload(d, bomb);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.body.error.code, 'backup_too_large');
    assert.deepEqual(r.body.error.params, {
      limit: 'compression_ratio',
      max: RESTORE_LIMITS.maxRatio,
    });
    await assertUntouched(d, 'ratio bomb');

    // One file declared larger than a file may be: refused from its header, before its data.
    const big = await zeroBomb([{ path: 'images/c.webp', size: RESTORE_LIMITS.maxEntryBytes + 1 }]);
    const r2 = await upload(d, big);
    assert.equal(r2.status, 413, r2.text);
    assert.equal(r2.body.error.code, 'backup_too_large');
    assert.equal(r2.body.error.params.limit, 'entry_bytes');
    await assertUntouched(d, 'one big file');

    // A JSON document is parsed whole, so it has a smaller limit of its own.
    const doc = await zeroBomb([
      { path: 'catalog.json', size: RESTORE_LIMITS.maxDocumentBytes + 1 },
    ]);
    const r3 = await upload(d, doc);
    assert.equal(r3.status, 413, r3.text);
    assert.equal(r3.body.error.params.limit, 'document_bytes');
    await assertUntouched(d, 'big document');

    // A journal of zeros has no line end: refused once a line is longer than a line may be.
    const journal = await zeroBomb([{ path: 'sales/2026-01-01.jsonl', size: 200 * MiB }]);
    const r4 = await upload(d, journal);
    assert.equal(r4.status, 422, r4.text);
    assert.equal(r4.body.error.code, 'invalid_backup');
    assert.match(r4.body.error.message, /line 1 is longer than 1 MiB/);
    await assertUntouched(d, 'journal bomb');
  } finally {
    await d.stop();
  }
});

test('restore: more entries than allowed (many tiny files) are refused with 413, nothing changes', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '8001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    const n = RESTORE_LIMITS.maxEntries + 1;
    const files: TarInput[] = [];
    for (let i = 0; i < n; i++)
      files.push({ path: `images/${i.toString(36)}.webp`, data: Buffer.from([i & 0xff]) });
    const gz = gzipSync(await buildTar(files));
    const r = await upload(d, gz);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.body.error.code, 'backup_too_many_files');
    assert.deepEqual(r.body.error.params, { limit: 'entries', max: RESTORE_LIMITS.maxEntries });
    await assertUntouched(d, 'many files');
  } finally {
    await d.stop();
  }
});

test('restore: the total unpacked size and the free disk space are limits too (checked before a file is written)', async () => {
  const dir = await tempDir('pos-restore-limits-');
  const files = [1, 2, 3].map((i) => ({ path: `images/${i}.webp`, data: randomBytes(600 * 1024) }));
  const gz = await archive(files);
  const run = (limits: Partial<typeof RESTORE_LIMITS>) =>
    restoreArchive(Readable.from([gz]), dir, { ...RESTORE_LIMITS, ...limits });
  await assert.rejects(run({ maxUnpackedBytes: MiB }), (err: BackupError) => {
    assert.equal(err.code, 'backup_too_large');
    assert.equal(err.status, 413);
    assert.deepEqual(err.params, { limit: 'unpacked_bytes', max: MiB });
    return true;
  });
  await assert.rejects(run({ reserveBytes: Number.MAX_SAFE_INTEGER }), (err: BackupError) => {
    assert.equal(err.code, 'insufficient_storage');
    assert.equal(err.status, 507);
    return true;
  });
  await assert.rejects(run({ maxEntries: 2 }), { code: 'backup_too_many_files' });
  await assert.rejects(run({ maxUploadBytes: 1024 }), { code: 'payload_too_large' });
  assert.deepEqual(await readdir(dir), [], 'nothing left behind');
  // Within the limits the same archive is staged.
  const ok = await run({});
  assert.equal(ok.files, 3);
  assert.deepEqual(await readdir(dir), ['.restore-staged']);
  await rm(dir, { recursive: true, force: true });
});

test('restore: odd entries (deep paths, links, absolute names, clashes) are refused with 422, not a crash', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '8001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    const x = Buffer.from('x');
    const cases: Array<[string, TarInput[], RegExp]> = [
      [
        'four levels deep',
        [{ path: 'a/b/c/d.json', data: Buffer.from('{}') }],
        /refusing file name/,
      ],
      ['absolute path', [{ path: '/etc/passwd', data: x }], /refusing file name/],
      [
        'long name',
        [{ path: `${'n'.repeat(129)}.json`, data: Buffer.from('{}') }],
        /refusing file name/,
      ],
      ['space and bidi', [{ path: 'images/a\u202eb.webp', data: x }], /refusing file name/],
      [
        'symlink',
        [{ path: 'catalog.json', type: 'symlink', linkname: '/etc/shadow' }],
        /only regular files/,
      ],
      [
        'hard link',
        [{ path: 'catalog.json', type: 'link', linkname: 'settings.json' }],
        /only regular files/,
      ],
      [
        'file then directory of the same name',
        [
          { path: 'sales', data: x },
          { path: 'sales/2026-01-01.jsonl', data: Buffer.from('{}\n') },
        ],
        /clashes/,
      ],
    ];
    for (const [what, entries, re] of cases) {
      const r = await upload(d, gzipSync(await buildTar(entries)));
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.body.error.code, 'invalid_backup', what);
      assert.match(r.body.error.message, re, what);
      await assertUntouched(d, what);
    }
  } finally {
    await d.stop();
  }
});

test('restore: a killed upload leaves no working directory, and the next upload is accepted', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '8001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    const good = await archive([
      { path: 'catalog.json', data: Buffer.from('{"schema_version":1,"data":{"products":[]}}') },
      { path: 'images/big.webp', data: randomBytes(2 * MiB) },
    ]);
    const req = http.request(`${d.url}/api/v1/admin/restore`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/gzip' },
    });
    req.on('error', () => {});
    req.write(good.subarray(0, Math.floor(good.length / 2)));
    // The daemon is unpacking (its working directory holds the first file) when the client dies.
    await waitFor('the upload to be unpacking', async () => {
      const [dir] = await incomingDirs(d.dataDir);
      return !!dir && (await readdir(path.join(d.dataDir, dir)).catch(() => [])).length > 0;
    });
    req.destroy();
    await waitFor(
      'the working directory to go',
      async () => (await incomingDirs(d.dataDir)).length === 0,
    );
    await assertUntouched(d, 'killed upload');
    // The restore lock was released: the whole archive is accepted now.
    const r = await upload(d, good);
    assert.equal(r.status, 202, r.text);
  } finally {
    await d.stop();
  }
});

test('restore: a working directory a killed daemon left behind is removed at the next start', async () => {
  const { d } = await startShop();
  let d2: TestDaemon | null = null;
  try {
    const dead = path.join(d.dataDir, '.restore-incoming-5f1e0c2a9b7d');
    await mkdir(path.join(dead, 'sales'), { recursive: true });
    await writeFile(path.join(dead, 'sales', '2026-01-01.jsonl'), '{"e":"x"}\n');
    d2 = await d.restart();
    assert.deepEqual(await incomingDirs(d2.dataDir), []);
    assert.ok(d2.logs.some((l) => /removed 1 unfinished restore upload/.test(l)));
  } finally {
    await (d2 ?? d).stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});

test('restore: a second upload while one is running is refused with 409', async () => {
  const dir = await tempDir('pos-restore-busy-');
  const slow = new PassThrough();
  const first = restoreArchive(slow, dir);
  await waitFor('the first upload to start', async () => (await incomingDirs(dir)).length === 1);
  await assert.rejects(
    restoreArchive(Readable.from([Buffer.alloc(10)]), dir),
    (err: BackupError) => {
      assert.equal(err.code, 'restore_in_progress');
      assert.equal(err.status, 409);
      return true;
    },
  );
  slow.end(await archive([{ path: 'settings.json', data: Buffer.from('{}') }]));
  assert.equal((await first).files, 1);
  await rm(dir, { recursive: true, force: true });
});

test(`restore: repeated restores keep only the newest ${KEEP_PREVIOUS} data sets in previous/`, async () => {
  let { d } = await startShop();
  try {
    const made: string[] = [];
    for (let i = 0; i < KEEP_PREVIOUS + 2; i++) {
      const catalog = {
        schema_version: 1,
        data: { products: [{ id: `prd_${i}`, name: `Runde ${i}`, price_cents: 1 }] },
      };
      const r = await upload(
        d,
        await archive([{ path: 'catalog.json', data: Buffer.from(JSON.stringify(catalog)) }]),
      );
      assert.equal(r.status, 202, r.text);
      d = await d.restart();
      const prev = (await readdir(path.join(d.dataDir, 'previous'))).sort();
      made.push(prev.at(-1)!);
      assert.equal(prev.length, Math.min(i + 1, KEEP_PREVIOUS), `after restore ${i + 1}`);
      assert.deepEqual(prev, made.slice(-KEEP_PREVIOUS), 'the newest are kept');
    }
    // The data set replaced last is the one restored before it.
    const prev = (await readdir(path.join(d.dataDir, 'previous'))).sort();
    const kept = await readFile(
      path.join(d.dataDir, 'previous', prev.at(-1)!, 'catalog.json'),
      'utf8',
    );
    assert.match(kept, new RegExp(`Runde ${KEEP_PREVIOUS}`));
    assert.ok((await stat(path.join(d.dataDir, 'previous', prev[0], 'RESTORED.txt'))).isFile());
  } finally {
    await d.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});

test('restore: a backup made by the earlier hand-written tar writer still restores', async () => {
  const { d } = await startShop();
  let d2: TestDaemon | null = null;
  try {
    const old = await readFile(
      path.join(import.meta.dirname, '..', 'fixtures', 'backup', 'handwritten-ustar-v1.tar.gz'),
    );
    const r = await upload(d, old);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.files, 9);
    d2 = await d.restart();
    const names = (await d2.get('/api/v1/products')).body.products.map(
      (p: { name: string }) => p.name,
    );
    assert.deepEqual(names.sort(), ['Käsebrötchen', 'Spezi „Hausmarke“']);
    assert.equal((await d2.get('/api/v1/products/by-barcode/4006381333931')).body.price_cents, 250);
  } finally {
    await (d2 ?? d).stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});
