/**
 * Issue 19, finding 9: bidirectional control characters (U+202E and its kin) are refused in
 * product names and in scanned barcodes at every entry point, with 400 and one stable code;
 * a CSV import never silently re-decodes a file as Windows-1252 because of one bad byte.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { posReport } from '../helpers/scanner-fixtures.js';

const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];
const CODE = 'bidi_control_character';
const SCAN_SECRET = 'demo-scanner-secret';

let d: TestDaemon;
before(async () => {
  d = await startDaemon({
    env: { SCANNER_SIMULATOR: '1' },
  });
});
after(() => d.stop());

const names = async () =>
  ((await d.get('/api/v1/products')).body.products as Array<{ name: string }>).map((p) => p.name);

const importCsv = (body: Buffer | string, query = '', type = 'text/csv') =>
  d.request('POST', `/api/v1/products/import${query}`, {
    admin: true,
    raw: body,
    headers: { 'content-type': type },
  });

test('product names: every bidi control character is refused on create, update and CSV import', async () => {
  const p = await d.post(
    '/api/v1/products',
    { name: 'Apfelsaft', price_cents: 199, barcode: '2099999000014' },
    { admin: true },
  );
  assert.equal(p.status, 201, p.text);
  const before = await names();
  for (const ch of BIDI) {
    const hex = ch.charCodeAt(0).toString(16);
    // "Saft 1,99" that would display as something else: the override sits inside the name.
    const c = await d.post(
      '/api/v1/products',
      { name: `Saft ${ch}99,1`, price_cents: 100 },
      { admin: true },
    );
    assert.equal(c.status, 400, `create U+${hex}: ${c.text}`);
    assert.equal(c.body.error.code, CODE);
    assert.equal(c.body.error.field, 'name');
    const u = await d.request('PATCH', `/api/v1/products/${p.body.id}`, {
      admin: true,
      body: { name: `Apfel${ch}saft` },
    });
    assert.equal(u.status, 400, `update U+${hex}`);
    assert.equal(u.body.error.code, CODE);
    const cat = await d.request('PATCH', `/api/v1/products/${p.body.id}`, {
      admin: true,
      body: { category: `Ge${ch}tränke` },
    });
    assert.equal(cat.body.error?.code, CODE, `category U+${hex}`);
  }
  assert.deepEqual(await names(), before, 'nothing changed');

  const csv = ['name,price', 'Gute Zeile,1.00', 'Böse \u202eZeile,2.00', 'Noch eine,3.00'].join(
    '\r\n',
  );
  const r = await importCsv(csv);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 2);
  assert.deepEqual(r.body.errors, [
    {
      row: 3,
      field: 'name',
      code: CODE,
      message: 'name must not contain bidirectional control characters (U+202E)',
    },
  ]);
  assert.ok((await names()).includes('Gute Zeile'));
});

test('scanned barcodes: the network scan API and cart add-by-barcode answer 400, the cart stays as it was', async () => {
  const p = await d.post(
    '/api/v1/products',
    { name: 'Brezel', price_cents: 120, barcode: '2099999000021' },
    { admin: true },
  );
  assert.equal(p.status, 201, p.text);
  const cart = async () => (await d.get('/api/v1/terminals/kiosk/cart')).body.lines.length;
  const lines = await cart();
  for (const ch of ['\u202e', '\u2066', '\u200f', '\u061c']) {
    const code = `20999990${ch}00021`;
    const scan = await d.request('POST', '/api/v1/scanner/scan', {
      body: { barcode: code },
      headers: { 'x-scanner-secret': SCAN_SECRET, 'x-scanner-id': 'phone-1' },
    });
    assert.equal(scan.status, 400, scan.text);
    assert.equal(scan.body.error.code, CODE);
    assert.equal(scan.body.error.field, 'barcode');
    const add = await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: code });
    assert.equal(add.status, 400, add.text);
    assert.equal(add.body.error.code, CODE);
  }
  assert.equal(await cart(), lines);
  // The same code without the character still scans.
  const ok = await d.request('POST', '/api/v1/scanner/scan', {
    body: { barcode: '2099999000021' },
    headers: { 'x-scanner-secret': SCAN_SECRET, 'x-scanner-id': 'phone-1' },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(await cart(), lines + 1);
});

test('HID scans: a scan holding a bidi control character is dropped before it is routed or shown', async () => {
  const seen: string[] = [];
  const owner = {};
  d.app.events.on(owner, 'scan.unknown_barcode', ({ barcode }) => seen.push(barcode));
  d.app.events.on(owner, 'scan.received', ({ barcode }) => seen.push(barcode));
  try {
    const device = { vendor_id: 0x0c2e, product_id: 0x0b81, serial: 'BIDI-1', kind: 'hid_pos' };
    // A HID POS report carries bytes; valid UTF-8 is decoded as such (E2 80 AE = U+202E).
    const bytes = Buffer.from('2099999\u202e000022', 'utf8').toString('latin1');
    const r = await d.post(
      '/api/v1/scanners/simulate',
      { ...device, reports: [posReport(bytes)] },
      { admin: true },
    );
    assert.equal(r.status, 200, r.text);
    const plain = await d.post(
      '/api/v1/scanners/simulate',
      { ...device, reports: [posReport('2099999000039')] },
      { admin: true },
    );
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(seen, ['2099999000039', '2099999000039'], 'only the plain scan went on');
    assert.ok(
      d.logs.some((l) => /scan from .*BIDI-1 dropped: it holds bidirectional control/.test(l)),
    );
  } finally {
    d.app.events.offOwner(owner);
  }
});

// A file as UTF-8 with one stray Windows-1252 byte (0xE9, é) in one row.
const mixed = Buffer.concat([
  Buffer.from('name;price;category\r\nKäse;2,50;Molkerei\r\n', 'utf8'),
  Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x3b, 0x31, 0x3b, 0x47, 0x65, 0x74, 0x72, 0xe4, 0x6e, 0x6b]), // Caf\xe9;1;Getr\xe4nk
  Buffer.from('e\r\nGrüner Tee;1,80;Getränke\r\n', 'utf8'),
]);

test('CSV import: one invalid UTF-8 byte refuses its row only; valid rows keep their umlauts (no silent Windows-1252)', async () => {
  const r = await importCsv(mixed);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.created, 2);
  assert.deepEqual(
    r.body.errors.map((e: { row: number; field: string; code: string }) => [
      e.row,
      e.field,
      e.code,
    ]),
    [[3, 'name', 'invalid_utf8']],
  );
  assert.match(r.body.errors[0].message, /not UTF-8.*Windows-1252/);
  const all = (await d.get('/api/v1/products')).body.products as Array<{
    name: string;
    category: string;
  }>;
  const kaese = all.find((p) => p.name === 'Käse');
  assert.ok(kaese, `Käse imported as it is, not garbled: ${all.map((p) => p.name).join(', ')}`);
  assert.equal(kaese.category, 'Molkerei');
  assert.equal(all.find((p) => p.name === 'Grüner Tee')?.category, 'Getränke');
  assert.ok(!all.some((p) => /Ã/.test(p.name + p.category)), 'no mojibake anywhere');
});

test('CSV import: the encoding is chosen by ?encoding= or the Content-Type charset; unknown ones are refused', async () => {
  // "Eis am Stiel €" with € as the Windows-1252 byte 0x80, and "Crème" with è = 0xE8.
  const file = Buffer.concat([
    Buffer.from('name;price\r\n', 'latin1'),
    Buffer.from([...Buffer.from('Eis am Stiel ', 'latin1'), 0x80]),
    Buffer.from(';1\r\nCr\xe8me br\xfbl\xe9e;3\r\n', 'latin1'),
  ]);
  const bad = await importCsv(file, '?encoding=klingon');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'unsupported_encoding');
  const viaCharset = await importCsv(file, '', 'text/csv; charset=windows-1252');
  assert.equal(viaCharset.status, 200, viaCharset.text);
  assert.deepEqual(viaCharset.body.errors, []);
  assert.equal(viaCharset.body.created, 2);
  const got = await names();
  assert.ok(got.includes('Eis am Stiel €'), got.join(', '));
  assert.ok(got.includes('Crème brûlée'));
  // The same bytes named by the query parameter: all unchanged now.
  const again = await importCsv(file, '?encoding=windows-1252');
  assert.equal(again.body.unchanged, 2);
  // A header that is not UTF-8 cannot be read at all in UTF-8: one clear refusal.
  const header = await importCsv(Buffer.from('N\xe4me;Preis\r\nA;1\r\n', 'latin1'));
  assert.equal(header.status, 400);
  assert.equal(header.body.error.code, 'invalid_encoding');
});
