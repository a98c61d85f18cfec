import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SALES_COLUMNS, Z_COLUMNS } from '../../daemon/exports/index.js';
import { ADMIN_TOKEN, product, sell, startShop } from '../helpers/shop-ops.js';

const admin = { admin: ADMIN_TOKEN };

/** Minimal RFC 4180 reader for the assertions (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

test('sales CSV: one row per line, stable columns, refunds negative, text cells quoted and formula-safe', async () => {
  const { d } = await startShop();
  try {
    await product(d, {
      barcode: '7001',
      name: 'Saft, groß "frisch"',
      price_cents: 330,
      vat_rate: 19,
    });
    await product(d, { barcode: '7002', name: '=HYPERLINK("x")', price_cents: 100, vat_rate: 7 });
    const a = await sell(
      d,
      [
        ['7001', 2],
        ['7002', 1],
      ],
      'cash',
      1000,
    );
    const b = await sell(d, [['7002', 3]], 'fake_card');
    await d.post(
      `/api/v1/sales/${a.id}/refunds`,
      { line_indexes: [1], reason: 'x', idempotency_key: randomUUID() },
      admin,
    );
    const day = d.app.checkout.calendar.day(d.app.clock.now());
    const res = await d.get(`/api/v1/admin/exports/sales.csv?from=${day}&to=${day}`, admin);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/csv/);
    assert.match(res.headers.get('content-disposition')!, new RegExp(`sales_${day}_${day}\\.csv`));
    const raw = Buffer.from(
      await (
        await fetch(`${d.url}/api/v1/admin/exports/sales.csv?from=${day}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).arrayBuffer(),
    );
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for spreadsheets');
    // (fetch's text() drops the BOM)
    const rows = parseCsv(res.text);
    assert.deepEqual(rows[0], [...SALES_COLUMNS]);
    const col = (r: string[], name: (typeof SALES_COLUMNS)[number]) =>
      r[SALES_COLUMNS.indexOf(name)];
    const data = rows.slice(1);
    assert.equal(data.length, 4); // 2 lines + 1 line + 1 refund line
    assert.deepEqual(
      data.map((r) => [
        col(r, 'kind'),
        col(r, 'number'),
        col(r, 'name'),
        col(r, 'quantity'),
        col(r, 'line_total_cents'),
      ]),
      [
        ['sale', String(a.number), 'Saft, groß "frisch"', '2', '660'],
        ['sale', String(a.number), `'=HYPERLINK("x")`, '1', '100'],
        ['sale', String(b.number), `'=HYPERLINK("x")`, '3', '300'],
        ['refund', '1', `'=HYPERLINK("x")`, '-1', '-100'],
      ],
    );
    assert.equal(col(data[3], 'sale_number'), String(a.number));
    assert.equal(col(data[3], 'refund_method'), 'cash');
    assert.equal(col(data[0], 'vat_rate'), '19');
    assert.equal(col(data[0], 'document_total_cents'), '760');
    assert.equal(col(data[2], 'provider'), 'fake_card');
    assert.match(col(data[0], 'at_utc'), /^\d{4}-\d{2}-\d{2}T.*Z$/);
    assert.match(col(data[0], 'at_local'), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // A range without sales: header only.
    const empty = await d.get(
      '/api/v1/admin/exports/sales.csv?from=2001-01-01&to=2001-12-31',
      admin,
    );
    assert.equal(parseCsv(empty.text).length, 1);
  } finally {
    await d.stop();
  }
});

test('Z reports CSV: one row per Z report', async () => {
  const { d } = await startShop();
  try {
    for (const counted of [0, 1234]) {
      const r = await d.post(
        '/api/v1/closing/z',
        { counted_cents: counted, next_float_cents: 0, idempotency_key: randomUUID() },
        admin,
      );
      assert.equal(r.status, 201);
    }
    const res = await d.get('/api/v1/admin/exports/z-reports.csv', admin);
    const rows = parseCsv(res.text);
    assert.deepEqual(rows[0], [...Z_COLUMNS]);
    assert.deepEqual(
      rows
        .slice(1)
        .map((r) => [
          r[0],
          r[Z_COLUMNS.indexOf('counted_cents')],
          r[Z_COLUMNS.indexOf('difference_cents')],
        ]),
      [
        ['1', '0', '0'],
        ['2', '1234', '1234'],
      ],
    );
  } finally {
    await d.stop();
  }
});

test('exports: admin only, dates validated', async () => {
  const { d } = await startShop();
  try {
    assert.equal((await d.get('/api/v1/admin/exports/sales.csv')).status, 401);
    assert.equal((await d.get('/api/v1/admin/exports/z-reports.csv')).status, 401);
    for (const q of [
      'from=2026-13-01',
      'from=yesterday',
      'from=2026-02-30',
      'from=2026-03-02&to=2026-03-01',
      'from=2026-01-01&from=2026-01-02',
    ]) {
      const r = await d.get(`/api/v1/admin/exports/sales.csv?${q}`, admin);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 'invalid_query', q);
    }
  } finally {
    await d.stop();
  }
});
