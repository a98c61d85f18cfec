/** /api/v1/products against the real daemon on a real port. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { client, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import type { Product } from '../../daemon/protocol.js';

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
});
after(async () => {
  await d.stop();
});

const post = (body: unknown, admin: boolean | string = true) =>
  d.post<Product & { error: { code: string; message: string; field?: string } }>(
    '/api/v1/products',
    body,
    {
      admin,
    },
  );
const patch = (id: string, body: unknown) =>
  d.request('PATCH', `/api/v1/products/${id}`, { admin: true, body });
const count = async () => (await d.get('/api/v1/products')).body.products.length as number;

test('demo start seeds the catalog with the 1-cent top-up product', async () => {
  const res = await d.get('/api/v1/products');
  assert.equal(res.status, 200);
  assert.ok(res.body.products.length >= 20);
  const topup = await d.get('/api/v1/products/by-barcode/VERSCHENKT-1C');
  assert.equal(topup.status, 200);
  assert.equal(topup.body.price_cents, 1);
  assert.equal(topup.body.name, 'Verschenkt');
});

test('POST /products creates a product (201) that GET /products/:id returns', async () => {
  const res = await post({
    name: '  Club-Mate 0,5 l ',
    price_cents: 250,
    barcode: '4029764001807',
    category: 'Getränke',
    vat_rate: 19,
  });
  assert.equal(res.status, 201);
  assert.match(res.body.id, /^prd_/);
  assert.equal(res.body.name, 'Club-Mate 0,5 l', 'trimmed');
  assert.equal(res.body.active, true);
  assert.equal(res.body.image_url, null);
  assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const got = await d.get(`/api/v1/products/${res.body.id}`);
  assert.deepEqual(got.body, res.body);
});

test('POST /products with invalid fields → 400 naming the field, nothing created', async () => {
  const before = await count();
  const cases: Array<[unknown, string]> = [
    [{ price_cents: 100 }, 'name'],
    [{ name: '', price_cents: 100 }, 'name'],
    [{ name: 'x'.repeat(121), price_cents: 100 }, 'name'],
    [{ name: 'Tab\there', price_cents: 100 }, 'name'],
    [{ name: 42, price_cents: 100 }, 'name'],
    [{ name: 'Tee' }, 'price_cents'],
    [{ name: 'Tee', price_cents: 1.5 }, 'price_cents'],
    [{ name: 'Tee', price_cents: -1 }, 'price_cents'],
    [{ name: 'Tee', price_cents: '150' }, 'price_cents'],
    [{ name: 'Tee', price_cents: 1e12 }, 'price_cents'],
    [{ name: 'Tee', price_cents: 100, barcode: '4006381333932' }, 'barcode'],
    [{ name: 'Tee', price_cents: 100, barcode: 12345 }, 'barcode'],
    [{ name: 'Tee', price_cents: 100, barcode: 'Käse' }, 'barcode'],
    [{ name: 'Tee', price_cents: 100, category: 'x'.repeat(61) }, 'category'],
    [{ name: 'Tee', price_cents: 100, vat_rate: 16 }, 'vat_rate'],
    [{ name: 'Tee', price_cents: 100, active: 'yes' }, 'active'],
    [{ name: 'Tee', price_cents: 100, colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of cases) {
    const res = await post(body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.field, field, JSON.stringify(body));
    assert.ok(res.body.error.message.length > 5);
  }
  assert.equal(await count(), before);
});

test('PATCH /products/:id validates like POST and changes only what it names', async () => {
  const p = (await post({ name: 'Mate', price_cents: 200 })).body;
  const bad = await patch(p.id, { price_cents: 'free' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'price_cents');
  const ok = await patch(p.id, { price_cents: 220 });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.price_cents, 220);
  assert.equal(ok.body.name, 'Mate');
  assert.equal((await patch('prd_missing', { price_cents: 1 })).status, 404);
  assert.equal((await patch('bad id!', { price_cents: 1 })).status, 400);
});

test('duplicate barcode → 409, including a UPC-A and its EAN-13 form', async () => {
  const a = await post({ name: 'Kaugummi', price_cents: 99, barcode: '036000291452' });
  assert.equal(a.status, 201);
  const same = await post({ name: 'Kaugummi 2', price_cents: 99, barcode: '036000291452' });
  assert.equal(same.status, 409);
  assert.equal(same.body.error.code, 'duplicate_barcode');
  assert.equal(same.body.error.field, 'barcode');
  const ean13 = await post({ name: 'Kaugummi 3', price_cents: 99, barcode: '0036000291452' });
  assert.equal(ean13.status, 409);
  const other = await post({ name: 'Lolli', price_cents: 50, barcode: '96385074' });
  const moved = await patch(other.body.id, { barcode: '0036000291452' });
  assert.equal(moved.status, 409);
  // Lookups accept either spelling.
  const byEan = await d.get('/api/v1/products/by-barcode/0036000291452');
  assert.equal(byEan.body.id, a.body.id);
});

test('GET /products?q= searches names (case-insensitive, umlauts) and barcodes', async () => {
  await post({ name: 'Grüner Tee', price_cents: 180, barcode: '5901234123457' });
  const byName = await d.get(`/api/v1/products?q=${encodeURIComponent('GRÜNER')}`);
  assert.deepEqual(
    byName.body.products.map((p: Product) => p.name),
    ['Grüner Tee'],
  );
  const byCode = await d.get('/api/v1/products?q=590123412');
  assert.deepEqual(
    byCode.body.products.map((p: Product) => p.barcode),
    ['5901234123457'],
  );
  assert.deepEqual((await d.get('/api/v1/products?q=nothing-like-this')).body.products, []);
  const all = (await d.get('/api/v1/products')).body.products as Product[];
  const names = all.map((p) => p.name);
  assert.deepEqual(
    names,
    [...names].sort((a, b) => a.localeCompare(b, 'de')),
    'sorted by name',
  );
  assert.equal((await d.get(`/api/v1/products?q=${'x'.repeat(101)}`)).status, 400);
  assert.equal((await d.get('/api/v1/products?q=a&q=b')).status, 400);
});

test('GET /products/by-barcode/:barcode finds a product; unknown → 404', async () => {
  const p = (await post({ name: 'Zimtschnecke', price_cents: 290, barcode: '4006381333931' })).body;
  const hit = await d.get('/api/v1/products/by-barcode/4006381333931');
  assert.equal(hit.status, 200);
  assert.equal(hit.body.id, p.id);
  const miss = await d.get('/api/v1/products/by-barcode/4000417025005');
  assert.equal(miss.status, 404);
  assert.equal(miss.body.error.code, 'not_found');
  assert.equal((await d.get(`/api/v1/products/by-barcode/${'9'.repeat(65)}`)).status, 400);
});

test('inactive products: listed as inactive, hidden by ?active=true, still found by barcode', async () => {
  const p = (await post({ name: 'Saisonartikel', price_cents: 300, barcode: '73513537' })).body;
  const off = await patch(p.id, { active: false });
  assert.equal(off.body.active, false);
  const all = (await d.get('/api/v1/products')).body.products as Product[];
  assert.equal(all.find((x) => x.id === p.id)?.active, false);
  const active = (await d.get('/api/v1/products?active=true')).body.products as Product[];
  assert.equal(
    active.find((x) => x.id === p.id),
    undefined,
  );
  assert.ok(active.every((x) => x.active));
  const scanned = await d.get('/api/v1/products/by-barcode/73513537');
  assert.equal(scanned.body.active, false);
});

test('DELETE /products/:id → 204, then 404', async () => {
  const p = (await post({ name: 'Weg damit', price_cents: 1 })).body;
  const del = await d.request('DELETE', `/api/v1/products/${p.id}`, { admin: true });
  assert.equal(del.status, 204);
  assert.equal((await d.get(`/api/v1/products/${p.id}`)).status, 404);
  assert.equal(
    (await d.request('DELETE', `/api/v1/products/${p.id}`, { admin: true })).status,
    404,
  );
});

test('admin writes: 401 without credentials, 403 with a wrong token, nothing changed', async () => {
  const before = await count();
  const none = await post({ name: 'Hack', price_cents: 1 }, false);
  assert.equal(none.status, 401);
  assert.equal(none.body.error.code, 'unauthorized');
  const wrong = await post({ name: 'Hack', price_cents: 1 }, 'not-the-token');
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.error.code, 'forbidden');
  const some = (await d.get('/api/v1/products')).body.products[0] as Product;
  assert.equal((await d.request('DELETE', `/api/v1/products/${some.id}`)).status, 401);
  assert.equal((await d.get('/api/v1/products/export.csv')).status, 401);
  assert.equal(await count(), before);
});

test('admin login: the session cookie authorises writes; repeated wrong tokens → 429', async () => {
  // A daemon of its own: the rate limit is per client address and would leak into others.
  const own = await startDaemon();
  try {
    const login = await own.post('/api/v1/admin/login', { token: 'demo-admin-token' });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!;
    assert.match(cookie, /pos_admin=[^;]+; path=\/; .*httponly/i);
    assert.match(cookie, /samesite=strict/i);
    const viaCookie = await own.post(
      '/api/v1/products',
      { name: 'Per Cookie', price_cents: 5 },
      { headers: { cookie: cookie.split(';')[0] } },
    );
    assert.equal(viaCookie.status, 201);

    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await own.post('/api/v1/products', {}, { admin: `wrong-${i}` })).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(403));
    assert.equal(statuses[10], 429);
    // Even the right token waits out the block from this address.
    const blocked = await own.post(
      '/api/v1/products',
      { name: 'X', price_cents: 1 },
      { admin: true },
    );
    assert.equal(blocked.status, 429);
    assert.ok(blocked.body.error.params.retry_after_s > 0);
  } finally {
    await own.stop();
  }
});

// ------------------------------------------------------------------------------ images

async function jpegWithExif(width: number, height: number, orientation = 1): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } },
  })
    .jpeg()
    .withMetadata({ orientation })
    .withExifMerge({
      IFD0: { Artist: 'Secret Photographer', Copyright: 'Private Location 52.52N' },
    })
    .toBuffer();
}

const putImage = (id: string, raw: Buffer | string, type = 'image/jpeg', admin = true) =>
  d.request('PUT', `/api/v1/products/${id}/image`, {
    admin,
    raw,
    headers: { 'content-type': type },
  });

test('PUT /products/:id/image: EXIF is stripped, output is WebP within 512 px, rotated upright', async () => {
  const input = await jpegWithExif(1600, 800, 6); // orientation 6: stored sideways
  const inMeta = await sharp(input).metadata();
  assert.ok(inMeta.exif, 'the input really carries EXIF');
  assert.equal(inMeta.orientation, 6);
  assert.ok(input.includes(Buffer.from('Secret Photographer')));

  const p = (await post({ name: 'Foto', price_cents: 100 })).body;
  const res = await putImage(p.id, input);
  assert.equal(res.status, 200);
  assert.match(res.body.image_url, new RegExp(`^/api/v1/products/${p.id}/image\\?v=[0-9a-f]{12}$`));

  const img = await fetch(d.url + res.body.image_url);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/webp');
  const out = Buffer.from(await img.arrayBuffer());
  const meta = await sharp(out).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(meta.exif, undefined, 'no EXIF');
  assert.equal(meta.orientation, undefined);
  assert.ok(!out.includes(Buffer.from('Secret Photographer')));
  assert.ok(!out.includes(Buffer.from('52.52N')));
  // 1600x800 turned by orientation 6 is 800x1600 upright, bounded to 256x512.
  assert.deepEqual([meta.width, meta.height], [256, 512]);
});

test('PUT image accepts PNG; a small image is not enlarged', async () => {
  const png = await sharp({
    create: { width: 64, height: 48, channels: 4, background: '#00aa0080' },
  })
    .png()
    .toBuffer();
  const p = (await post({ name: 'Klein', price_cents: 100 })).body;
  const res = await putImage(p.id, png, 'image/png');
  assert.equal(res.status, 200);
  const out = Buffer.from(await (await fetch(d.url + res.body.image_url)).arrayBuffer());
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 64, 48]);
});

test('PUT image: a text file named .png → 400; wrong type → 415; too large → 413', async () => {
  const p = (await post({ name: 'Kein Bild', price_cents: 100 })).body;
  const text = await putImage(p.id, 'this is not a picture, just text\n', 'image/png');
  assert.equal(text.status, 400);
  assert.equal(text.body.error.code, 'invalid_image');
  const truncated = (await jpegWithExif(300, 300)).subarray(0, 200);
  assert.equal((await putImage(p.id, truncated)).status, 400);
  assert.equal((await putImage(p.id, await jpegWithExif(10, 10), 'text/plain')).status, 415);
  const big = Buffer.alloc(8 * 1024 * 1024 + 1, 0xff);
  const tooBig = await putImage(p.id, big, 'image/jpeg');
  assert.equal(tooBig.status, 413);
  assert.equal(tooBig.body.error.code, 'payload_too_large');
  assert.equal((await d.get(`/api/v1/products/${p.id}`)).body.image_url, null, 'nothing stored');
  assert.equal((await d.get(`/api/v1/products/${p.id}/image`)).status, 404);
  assert.equal((await putImage(p.id, await jpegWithExif(10, 10), 'image/jpeg', false)).status, 401);
  assert.equal((await putImage('prd_nope', await jpegWithExif(10, 10))).status, 404);
});

test('PUT image: an image over the pixel limit → 413', async () => {
  // 8000 x 8000 = 64 MP > 40 MP; PNG of one colour compresses to a few KB.
  const huge = await sharp({
    create: { width: 8000, height: 8000, channels: 3, background: '#ffffff' },
  })
    .png({ compressionLevel: 9 })
    .toBuffer();
  const p = (await post({ name: 'Riesig', price_cents: 100 })).body;
  const res = await putImage(p.id, huge, 'image/png');
  assert.equal(res.status, 413);
});

test('GET /products/:id/image: ETag + immutable caching, 304 on If-None-Match', async () => {
  const p = (await post({ name: 'Cache', price_cents: 100 })).body;
  const first = (await putImage(p.id, await jpegWithExif(100, 100))).body.image_url as string;
  const res = await fetch(d.url + first);
  const etag = res.headers.get('etag')!;
  assert.match(etag, /^"[0-9a-f]{12}"$/);
  assert.match(res.headers.get('cache-control')!, /max-age=31536000/);
  const again = await fetch(d.url + first, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  const listed = await fetch(d.url + first, {
    headers: { 'if-none-match': `"0000", W/${etag}` },
  });
  assert.equal(listed.status, 304, 'weak and listed tags match too');
  const other = await fetch(d.url + first, { headers: { 'if-none-match': '"0000"' } });
  assert.equal(other.status, 200);
  // A new image gets a new URL and ETag, so cached copies never show the old one.
  const second = (await putImage(p.id, await jpegWithExif(120, 60))).body.image_url as string;
  assert.notEqual(second, first);
  const changed = await fetch(d.url + second, { headers: { 'if-none-match': etag } });
  assert.equal(changed.status, 200);
  // DELETE removes it.
  const del = await d.request('DELETE', `/api/v1/products/${p.id}/image`, { admin: true });
  assert.equal(del.body.image_url, null);
  assert.equal((await fetch(d.url + second)).status, 404);
});

// --------------------------------------------------------------------------------- CSV

const importCsv = (text: string | Buffer, type = 'text/csv', target: TestDaemon = d) =>
  target.request('POST', '/api/v1/products/import', {
    admin: true,
    raw: text,
    headers: { 'content-type': type },
  });

test('CSV export → import round trip reproduces the catalog, formulas neutralised', async () => {
  await post({ name: '=HYPERLINK("http://evil.example","Klick")', price_cents: 100 });
  await post({ name: 'Brezel, groß; "frisch"', price_cents: 135, category: 'Snacks' });
  await post({ name: '-Rabatt', price_cents: 0, vat_rate: 7, barcode: 'RABATT-1' });

  const exp = await d.get('/api/v1/products/export.csv', { admin: true });
  assert.equal(exp.status, 200);
  assert.match(exp.headers.get('content-type')!, /^text\/csv/);
  assert.match(exp.headers.get('content-disposition')!, /attachment; filename="products.csv"/);
  const lines = exp.text.split('\r\n');
  assert.equal(lines[0], 'barcode,name,price,category,vat_rate,active,deposit');
  assert.ok(lines.includes(`,"'=HYPERLINK(""http://evil.example"",""Klick"")",1.00,,19,yes,`));
  assert.ok(lines.some((l) => l.startsWith("RABATT-1,'-Rabatt,0.00,")));
  assert.ok(!lines.some((l) => /(^|,)=/.test(l)), 'no cell starts with =');

  // Into the same catalog: nothing changes.
  const same = await importCsv(exp.text);
  assert.equal(same.status, 200);
  const total = (await d.get('/api/v1/products')).body.products.length;
  assert.deepEqual(same.body, { created: 0, updated: 0, unchanged: total, errors: [] });

  // Into a fresh daemon: the same products come out.
  const fresh = await startDaemon({
    env: {
      APP_ENV: 'production',
      ADMIN_TOKEN: 'k7Qm2vXr9Lp4Wz8Tn3Bc6Hd1',
      SCANNER_API_SECRET: 'Zp5Rt8Vw2Xy7Qa4Mn9Kb3Lc6',
      SCANNER_PAIRING_SIGNING_SECRET: 'h3J8k2L7m4N9p1Q6r5S0t8U2',
    },
  });
  try {
    assert.equal((await fresh.get('/api/v1/products')).body.products.length, 0);
    const res = await fresh.request('POST', '/api/v1/products/import', {
      admin: 'k7Qm2vXr9Lp4Wz8Tn3Bc6Hd1',
      raw: exp.text,
      headers: { 'content-type': 'text/csv' },
    });
    assert.equal(res.body.created, total);
    const strip = (p: Product) => [
      p.barcode,
      p.name,
      p.price_cents,
      p.category,
      p.vat_rate,
      p.active,
    ];
    const a = ((await d.get('/api/v1/products')).body.products as Product[]).map(strip);
    const b = ((await fresh.get('/api/v1/products')).body.products as Product[]).map(strip);
    assert.deepEqual(b, a);
  } finally {
    await fresh.stop();
  }
});

test('CSV import: bad rows are reported by spreadsheet row number, good rows apply', async () => {
  const csv = [
    'barcode,name,price,category',
    '2012345000001,Import Gut Eins,1.20,Test', // row 2: ok
    '2012345000018,Import Schlecht Preis,zwei Euro,Test', // row 3: bad price
    '', // row 4: blank
    '2012345000019,Import Schlecht Code,1.00,Test', // row 5: wrong check digit
    '"2012345000025","Import Gut Zwei","0,99",Test', // row 6: ok (quoted, decimal comma)
    ',,,', // row 7: empty cells
    ',Import Ohne Preis,,Test', // row 8: missing price
  ].join('\n');
  const before = await count();
  const res = await importCsv(csv);
  assert.equal(res.status, 200);
  assert.equal(res.body.created, 2);
  assert.deepEqual(
    res.body.errors.map((e: { row: number; field?: string }) => [e.row, e.field]),
    [
      [3, 'price'],
      [5, 'barcode'],
      [8, 'price'],
    ],
  );
  assert.match(res.body.errors[1].message, /check digit/);
  assert.equal(await count(), before + 2);
  const two = await d.get('/api/v1/products/by-barcode/2012345000025');
  assert.equal(two.body.price_cents, 99);
  assert.equal(two.body.name, 'Import Gut Zwei');
  assert.equal((await d.get('/api/v1/products/by-barcode/2012345000018')).status, 404);
});

test('CSV import: UPC-A and its EAN-13 form twice in one file is a duplicate row', async () => {
  const res = await importCsv('barcode,name,price\n042100005264,Eins,1\n0042100005264,Zwei,1\n');
  assert.equal(res.body.created, 1);
  assert.deepEqual(
    res.body.errors.map((e: { row: number }) => e.row),
    [3],
  );
});

test('CSV import: a semicolon file from a German Excel (Windows-1252, German headers)', async () => {
  const text =
    'EAN;Artikel;Preis;Kategorie;MwSt;Aktiv\r\n' +
    '2023456000002;Käsebrötchen;2,50 €;Backwaren;7;ja\r\n' +
    '2023456000019;Spezi „Hausmarke“;1,80;Getränke;19%;nein\r\n';
  // Encode as Windows-1252 the way Excel saves "CSV (Trennzeichen-getrennt)".
  const map: Record<string, number> = { '€': 0x80, '„': 0x84, '“': 0x93 };
  const bytes = Buffer.from(
    [...text].map((ch) => map[ch] ?? ch.charCodeAt(0)).map((c) => c & 0xff),
  );
  assert.ok(bytes.includes(0xe4), 'ä as the single byte 0xE4');
  // Read as UTF-8 (the default) these rows are refused, by row, never silently re-decoded.
  const before = await count();
  const utf8 = await importCsv(bytes, 'application/vnd.ms-excel');
  assert.equal(utf8.status, 200, utf8.text);
  assert.equal(utf8.body.created, 0);
  assert.deepEqual(
    utf8.body.errors.map((e: { row: number; field: string; code: string }) => [
      e.row,
      e.field,
      e.code,
    ]),
    [
      [2, 'name', 'invalid_utf8'],
      [3, 'name', 'invalid_utf8'],
    ],
  );
  assert.equal(await count(), before);
  // Chosen by the owner: Windows-1252.
  const res = await d.request('POST', '/api/v1/products/import?encoding=windows-1252', {
    admin: true,
    raw: bytes,
    headers: { 'content-type': 'application/vnd.ms-excel' },
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.errors, []);
  assert.equal(res.body.created, 2);
  const kb = (await d.get('/api/v1/products/by-barcode/2023456000002')).body as Product;
  assert.deepEqual(
    [kb.name, kb.price_cents, kb.category, kb.vat_rate, kb.active],
    ['Käsebrötchen', 250, 'Backwaren', 7, true],
  );
  const sp = (await d.get('/api/v1/products/by-barcode/2023456000019')).body as Product;
  assert.deepEqual(
    [sp.name, sp.price_cents, sp.category, sp.vat_rate, sp.active],
    ['Spezi „Hausmarke“', 180, 'Getränke', 19, false],
  );
});

test('CSV import refuses what it cannot read, changing nothing', async () => {
  const before = await count();
  const cases: Array<[string, string, number, RegExp]> = [
    ['', 'text/csv', 400, /empty/],
    ['barcode,title\n1,2\n', 'text/csv', 400, /name and price/],
    ['name,price,colour\nA,1,red\n', 'text/csv', 400, /Unknown CSV column/],
    ['name,price\n"Offen,1\n', 'text/csv', 400, /unterminated/],
    ['name,price\nA,1\n', 'application/json', 415, /text\/csv/],
  ];
  for (const [body, type, status, msg] of cases) {
    const res = await importCsv(body, type);
    assert.equal(res.status, status, body);
    assert.match(res.body.error.message, msg);
  }
  const anon = await client(d.url).request('POST', '/api/v1/products/import', {
    raw: 'name,price\nA,1\n',
    headers: { 'content-type': 'text/csv' },
  });
  assert.equal(anon.status, 401);
  assert.equal(await count(), before);
});
