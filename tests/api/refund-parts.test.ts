/**
 * Refunding part of a line's quantity (issue 15.6) against the real daemon: 2 of 6 discounted
 * beers with their deposits, then (after a restart, and after refunds.json is lost and rebuilt
 * from the journal) 3 more and a pretzel, then the rest; every amount to the cent, the parts
 * adding up to what was paid; over-refunds refused with stable codes and changing nothing;
 * the refund receipt, the X report and the sales CSV show the parts. A refund journalled
 * before parts existed (no line_quantity) still counts as the whole line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cart, Product, Refund, Sale } from '../../daemon/protocol.js';
import { ADMIN_TOKEN, startShop } from '../helpers/shop-ops.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { parseCsv } from '../../daemon/core/csv.js';
import { SALES_COLUMNS } from '../../daemon/exports/index.js';
import { unzip } from '../helpers/unzip.js';

const admin = { admin: ADMIN_TOKEN };
const CART = '/api/v1/terminals/kiosk/cart';

async function make(d: TestDaemon, p: Record<string, unknown>): Promise<Product> {
  const r = await d.post<Product>('/api/v1/products', p, admin);
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const refund = (d: TestDaemon, saleId: string, body: Record<string, unknown>) =>
  d.post(
    `/api/v1/sales/${saleId}/refunds`,
    { reason: 'zurückgegeben', idempotency_key: randomUUID(), ...body },
    admin,
  );

const lines = (r: Refund) =>
  r.lines.map((l) => [l.name, l.quantity, l.line_total_cents, l.discount_cents ?? 0]);

async function refundedQuantities(d: TestDaemon, saleId: string) {
  return (await d.get(`/api/v1/sales/${saleId}/refunds`, admin)).body.refunded_quantities;
}

/** The journal files (one per business day) under DATA_DIR. */
async function journalFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    for (const e of await readdir(p, { withFileTypes: true })) {
      const full = path.join(p, e.name);
      if (e.isDirectory() && e.name !== 'audit') await walk(full);
      else if (/^\d{4}-\d{2}-\d{2}\.jsonl$/.test(e.name)) out.push(full);
    }
  };
  await walk(dir);
  return out;
}

test('parts of a discounted line with deposit, over a restart and a lost refunds.json, to the cent', async () => {
  let { d } = await startShop();
  try {
    const pfand = await make(d, { name: 'Pfand 0,25', price_cents: 25, vat_rate: 19 });
    const beer = await make(d, {
      name: 'Bier',
      barcode: '8101',
      price_cents: 350,
      vat_rate: 19,
      deposit_product_id: pfand.id,
    });
    await make(d, { name: 'Brezel', barcode: '8102', price_cents: 250, vat_rate: 7 });
    let cart = (await d.post<Cart>(`${CART}/items`, { product_id: beer.id, quantity: 6 })).body;
    cart = (await d.post<Cart>(`${CART}/items`, { barcode: '8102', quantity: 3 })).body;
    const beerLine = cart.lines[0].line_id;
    const disc = await d.post<Cart>(`${CART}/discounts`, { percent: 10, line_id: beerLine });
    assert.equal(disc.status, 200, disc.text);
    // 6 × 3,50 = 21,00 − 2,10 = 18,90; Pfand 6 × 0,25 = 1,50; 3 × Brezel 2,50 = 7,50.
    assert.equal(disc.body.total_cents, 1890 + 150 + 750);
    const paid = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
      provider: 'cash',
      idempotency_key: randomUUID(),
      tendered_cents: 3000,
    });
    assert.equal(paid.status, 201, paid.text);
    const sale = paid.body;
    assert.deepEqual(
      sale.lines.map((l) => [l.name, l.quantity, l.line_total_cents, l.discount_cents ?? 0]),
      [
        ['Bier', 6, 2100, 210],
        ['Pfand 0,25', 6, 150, 0],
        ['Brezel', 3, 750, 0],
      ],
    );

    // 2 of 6 beers: 18,90 · 2/6 = 6,30 (discount 0,70), and their 2 deposits come along.
    const first = await refund(d, sale.id, { parts: [{ line_index: 0, quantity: 2 }] });
    assert.equal(first.status, 201, first.text);
    assert.deepEqual(lines(first.body.refund), [
      ['Bier', 2, 630, 70],
      ['Pfand 0,25', 2, 50, 0],
    ]);
    assert.equal(first.body.refund.total_cents, 680);
    assert.equal(first.body.refund.method, 'cash');
    assert.deepEqual(first.body.refunded_quantities, { 0: 2, 1: 2 });
    assert.deepEqual(first.body.refunded_line_indexes, []);

    // The refund's receipt shows the parts, negative.
    const rc = await d.get(`/api/v1/refunds/${first.body.refund.id}/receipt`, admin);
    assert.equal(rc.body.receipt.total_cents, -680);
    assert.deepEqual(
      rc.body.receipt.lines.map((l: any) => [l.name, l.quantity, l.line_total_cents]),
      [
        ['Bier', 2, -630],
        ['Pfand 0,25', 2, -50],
      ],
    );

    // Over-refunds and a deposit named alone are refused and change nothing.
    const over = await refund(d, sale.id, { parts: [{ line_index: 0, quantity: 5 }] });
    assert.equal(over.status, 409, over.text);
    assert.equal(over.body.error.code, 'refund_exceeds_quantity');
    assert.equal(over.body.error.params.remaining, 4);
    const dep = await refund(d, sale.id, { parts: [{ line_index: 1, quantity: 1 }] });
    assert.equal(dep.status, 400);
    assert.equal(dep.body.error.code, 'refund_deposit_follows');
    for (const bad of [
      { parts: [{ line_index: 0, quantity: 0 }] },
      { parts: [{ line_index: 0, quantity: 1.5 }] },
      { parts: [] },
      { parts: [{ line_index: 9, quantity: 1 }] },
      { parts: [{ line_index: 0, quantity: 1, extra: 1 }] },
      { parts: [{ line_index: 0, quantity: 1 }], line_indexes: [2] },
    ]) {
      const r = await refund(d, sale.id, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'invalid_field');
    }
    assert.deepEqual(await refundedQuantities(d, sale.id), { 0: 2, 1: 2 });

    // A restart keeps the refunded quantities; so does losing refunds.json (journal catch-up).
    d = await d.restart();
    assert.deepEqual(await refundedQuantities(d, sale.id), { 0: 2, 1: 2 });
    await d.app.stop();
    await rm(path.join(d.dataDir, 'refunds.json'));
    ({ d } = await startShop({ dataDir: d.dataDir, keepData: true }));
    assert.deepEqual(await refundedQuantities(d, sale.id), { 0: 2, 1: 2 });

    // 3 more beers (cumulative: 18,90 · 5/6 = 15,75 − 6,30 = 9,45) and one pretzel.
    const second = await refund(d, sale.id, {
      parts: [
        { line_index: 2, quantity: 1 },
        { line_index: 0, quantity: 3 },
      ],
    });
    assert.equal(second.status, 201, second.text);
    assert.deepEqual(lines(second.body.refund), [
      ['Bier', 3, 945, 105],
      ['Pfand 0,25', 3, 75, 0],
      ['Brezel', 1, 250, 0],
    ]);
    assert.equal(second.body.refund.total_cents, 1270);
    assert.equal(second.body.refund.number, first.body.refund.number + 1, 'numbers go on');

    // The rest (a void of what is left): the last beer takes the remainder.
    const rest = await refund(d, sale.id, {});
    assert.equal(rest.status, 201, rest.text);
    assert.deepEqual(lines(rest.body.refund), [
      ['Bier', 1, 315, 35],
      ['Pfand 0,25', 1, 25, 0],
      ['Brezel', 2, 500, 0],
    ]);
    assert.equal(680 + 1270 + rest.body.refund.total_cents, sale.total_cents, 'all, no more');
    assert.deepEqual(rest.body.refunded_line_indexes, [0, 1, 2]);
    const again = await refund(d, sale.id, { parts: [{ line_index: 2, quantity: 1 }] });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_refunded');

    // X report: three refunds, all of the sale; the deposits sold are taken back out.
    const x = (await d.get('/api/v1/closing/x', admin)).body;
    assert.equal(x.refund_count, 3);
    assert.equal(x.refunds_total_cents, sale.total_cents);
    assert.equal(x.cash.cash_refunds_cents, sale.total_cents);
    assert.deepEqual([x.deposits.sold_count, x.deposits.sold_cents], [0, 0]);
    assert.deepEqual(
      x.vat.map((v: any) => [v.rate, v.gross_cents]),
      x.vat.map((v: any) => [v.rate, 0]),
      'every rate back to zero',
    );

    // The sales CSV: one row per refunded part, gross, discount and paid apart.
    const day = d.shopDay(sale.created_at);
    const csv = await d.get(`/api/v1/admin/exports/sales.csv?from=${day}&to=${day}`, admin);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
    const col = (row: string[], name: (typeof SALES_COLUMNS)[number]) =>
      row[SALES_COLUMNS.indexOf(name)];
    assert.deepEqual(
      rows
        .slice(1)
        .filter((r) => col(r, 'kind') === 'refund')
        .map((r) =>
          ['name', 'quantity', 'line_total_cents', 'discount_cents', 'paid_cents'].map((c) =>
            col(r, c as (typeof SALES_COLUMNS)[number]),
          ),
        ),
      [
        ['Bier', '-2', '-700', '-70', '-630'],
        ['Pfand 0,25', '-2', '-50', '0', '-50'],
        ['Bier', '-3', '-1050', '-105', '-945'],
        ['Pfand 0,25', '-3', '-75', '0', '-75'],
        ['Brezel', '-1', '-250', '0', '-250'],
        ['Bier', '-1', '-350', '-35', '-315'],
        ['Pfand 0,25', '-1', '-25', '0', '-25'],
        ['Brezel', '-2', '-500', '0', '-500'],
      ],
    );

    // DSFinV-K (after the Z report): each refund a document of its own, its lines with the
    // refunded quantity and what was paid back, under the sale's VAT key.
    const z = await d.post(
      '/api/v1/closing/z',
      { counted_cents: x.cash.expected_cents, next_float_cents: 0, idempotency_key: randomUUID() },
      admin,
    );
    assert.ok(z.status < 300, z.text);
    const zip = await fetch(`${d.url}/api/v1/admin/exports/dsfinvk.zip?from=${day}&to=${day}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(zip.status, 200);
    const files = await unzip(Buffer.from(await zip.arrayBuffer()));
    const table = (name: string) => {
      const [head, ...rest] = parseCsv(files.get(name)!, ';').filter((r) => r.length > 1);
      return rest.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
    };
    const num = (v: string) => Number(v.replace(',', '.'));
    const refundLines = table('lines.csv').filter((r) => num(r.MENGE) < 0);
    assert.deepEqual(
      refundLines.map((r) => [r.ARTIKELTEXT, num(r.MENGE)]),
      [
        ['Bier', -2],
        ['Pfand 0,25', -2],
        ['Bier', -3],
        ['Pfand 0,25', -3],
        ['Brezel', -1],
        ['Bier', -1],
        ['Pfand 0,25', -1],
        ['Brezel', -2],
      ],
    );
    const ids = new Set(refundLines.map((r) => `${r.BON_ID}/${r.POS_ZEILE}`));
    const paidBack = table('lines_vat.csv')
      .filter((r) => ids.has(`${r.BON_ID}/${r.POS_ZEILE}`))
      .map((r) => Math.round(num(r.POS_BRUTTO) * 100));
    assert.deepEqual(paidBack, [-630, -50, -945, -75, -250, -315, -25, -500]);
  } finally {
    await d.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});

test('a refund journalled before parts (no line_quantity) is the whole line when rebuilt', async () => {
  let { d } = await startShop();
  try {
    await make(d, { name: 'Kaffee', barcode: '8201', price_cents: 200, vat_rate: 19 });
    await d.post(`${CART}/items`, { barcode: '8201', quantity: 4 });
    const sale = (
      await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
        provider: 'cash',
        idempotency_key: randomUUID(),
        tendered_cents: 800,
      })
    ).body;
    const r = await refund(d, sale.id, { parts: [{ line_index: 0, quantity: 1 }] });
    assert.equal(r.status, 201, r.text);
    await d.app.stop();
    // Make the journal line look like one written before parts existed: that refunded the
    // whole line, whatever its quantity says.
    for (const file of await journalFiles(d.dataDir)) {
      const text = await readFile(file, 'utf8');
      if (text.includes('"line_quantity":4'))
        await writeFile(
          file,
          text.replace('"line_quantity":4,', '').replace(',"line_quantity":4', ''),
        );
    }
    await rm(path.join(d.dataDir, 'refunds.json'));
    ({ d } = await startShop({ dataDir: d.dataDir, keepData: true }));
    const got = (await d.get(`/api/v1/sales/${sale.id}/refunds`, admin)).body;
    assert.deepEqual(got.refunded_line_indexes, [0]);
    assert.deepEqual(got.refunded_quantities, { 0: 4 });
    const more = await refund(d, sale.id, { parts: [{ line_index: 0, quantity: 1 }] });
    assert.equal(more.status, 409);
    assert.equal(more.body.error.code, 'already_refunded');
  } finally {
    await d.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});
