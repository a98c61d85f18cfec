/**
 * Open price ("Freier Betrag", issue 15.2) against the real daemon: a typed amount with a VAT
 * rate and an optional text becomes a line of its own; bad input is refused and changes
 * nothing; sold together with catalog products, the receipt's VAT rows, the X report, the
 * day report and the sales CSV are right to the cent, and a refund of the line works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Cart, Sale } from '../../daemon/protocol.js';
import { ADMIN_TOKEN, product, startShop } from '../helpers/shop-ops.js';
import { parseCsv } from '../../daemon/core/csv.js';
import { SALES_COLUMNS } from '../../daemon/exports/index.js';

const admin = { admin: ADMIN_TOKEN };

test('open price: own lines, validation, and VAT right to the cent in receipt, reports and CSV', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '7001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    const items = (body: unknown) => d.post<Cart>('/api/v1/terminals/kiosk/cart/items', body);

    // Refusals first: each names the field and leaves the cart as it was.
    for (const [body, field] of [
      [{ open_price: { price_cents: 0, vat_rate: 19 } }, 'price_cents'],
      [{ open_price: { price_cents: 1.5, vat_rate: 19 } }, 'price_cents'],
      [{ open_price: { price_cents: 10_000_001, vat_rate: 19 } }, 'price_cents'],
      [{ open_price: { price_cents: 100, vat_rate: 5 } }, 'vat_rate'],
      [{ open_price: { price_cents: 100 } }, 'vat_rate'],
      [{ open_price: { price_cents: 100, vat_rate: 19, name: 'x'.repeat(61) } }, 'name'],
      [{ open_price: { price_cents: 100, vat_rate: 19, name: 'Re\u202Egnal' } }, 'name'],
      [{ open_price: { price_cents: 100, vat_rate: 19, extra: 1 } }, 'extra'],
      [{ open_price: 'x' }, 'open_price'],
    ] as const) {
      const r = await items(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((r.body as any).error.field, field, JSON.stringify(body));
    }
    const both = await items({ barcode: '7001', open_price: { price_cents: 1, vat_rate: 19 } });
    assert.equal(both.status, 400);
    assert.equal((await d.get<Cart>('/api/v1/terminals/kiosk/cart')).body.lines.length, 0);

    // 12.34 at 7 % with a text, twice the same amount at 19 % without: three lines.
    let r = await items({ open_price: { price_cents: 1234, vat_rate: 7, name: ' Kuchenstück ' } });
    assert.equal(r.status, 200, r.text);
    r = await items({ open_price: { price_cents: 333, vat_rate: 19 }, quantity: 3 });
    r = await items({ open_price: { price_cents: 333, vat_rate: 19 } });
    r = await items({ barcode: '7001', quantity: 2 });
    const cart = r.body;
    assert.deepEqual(
      cart.lines.map((l) => [
        l.name,
        l.product_id,
        l.open_price ?? false,
        l.quantity,
        l.line_total_cents,
      ]),
      [
        ['Kuchenstück', 'open_price', true, 1, 1234],
        ['Freier Betrag', 'open_price', true, 3, 999],
        ['Freier Betrag', 'open_price', true, 1, 333],
        ['Cola', cart.lines[3].product_id, false, 2, 500],
      ],
    );
    assert.equal(cart.total_cents, 1234 + 999 + 333 + 500);
    // The quantity of an open-price line changes like any other.
    const q = await d.request(
      'PATCH',
      `/api/v1/terminals/kiosk/cart/items/${cart.lines[2].line_id}`,
      {
        body: { quantity: 2 },
      },
    );
    assert.equal(q.body.total_cents, 1234 + 999 + 666 + 500);

    const co = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
      provider: 'cash',
      idempotency_key: randomUUID(),
      tendered_cents: 5000,
    });
    assert.equal(co.status, 201, co.text);
    const sale = co.body;
    assert.equal(sale.state, 'succeeded');
    assert.equal(sale.total_cents, 3399);
    assert.equal(sale.lines[0].open_price, true);

    // VAT per rate from the gross sums: 19 % on 999+666+500 = 2165 → 346; 7 % on 1234 → 81.
    const receipt = (await d.get(`/api/v1/sales/${sale.id}/receipt`)).body.receipt;
    assert.deepEqual(
      receipt.vat.map((v: any) => [v.rate, v.gross_cents, v.net_cents, v.vat_cents]),
      [
        [19, 2165, 1819, 346],
        [7, 1234, 1153, 81],
      ],
    );
    assert.equal(receipt.lines[0].name, 'Kuchenstück');
    assert.equal(receipt.total_cents, 3399);

    const x = (await d.get('/api/v1/closing/x', admin)).body;
    assert.equal(x.sales_total_cents, 3399);
    assert.deepEqual(
      x.vat.map((v: any) => [v.rate, v.gross_cents, v.vat_cents]),
      [
        [19, 2165, 346],
        [7, 1234, 81],
      ],
    );
    const day = d.shopDay(sale.created_at);
    const report = (await d.get(`/api/v1/reports/daily?date=${day}`, admin)).body;
    const open19 = report.top_products.find((p: any) => p.product_id === 'open_price:19');
    assert.deepEqual([open19.quantity, open19.total_cents], [5, 1665]);

    // Refund the 7 % open-price line: a negative row in the CSV with its kind.
    const rf = await d.post(
      `/api/v1/sales/${sale.id}/refunds`,
      { line_indexes: [0], reason: 'falsch getippt', idempotency_key: randomUUID() },
      admin,
    );
    assert.equal(rf.status, 201, rf.text);
    const x2 = (await d.get('/api/v1/closing/x', admin)).body;
    assert.equal(x2.refunds_total_cents, 1234);
    // The refund takes its VAT back at its own rate; the 19 % row is untouched.
    assert.deepEqual(
      x2.vat.map((v: any) => [v.rate, v.gross_cents, v.vat_cents]),
      [
        [19, 2165, 346],
        [7, 0, 0],
      ],
    );

    const csv = await d.get(`/api/v1/admin/exports/sales.csv?from=${day}&to=${day}`, admin);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    assert.deepEqual(rows[0], [...SALES_COLUMNS]);
    const col = (row: string[], name: (typeof SALES_COLUMNS)[number]) =>
      row[SALES_COLUMNS.indexOf(name)];
    const data = rows.slice(1).filter((row) => row.length > 1);
    assert.deepEqual(
      data.map((row) => [
        col(row, 'kind'),
        col(row, 'name'),
        col(row, 'line_total_cents'),
        col(row, 'vat_rate'),
        col(row, 'line_kind'),
      ]),
      [
        ['sale', 'Kuchenstück', '1234', '7', 'open_price'],
        ['sale', 'Freier Betrag', '999', '19', 'open_price'],
        ['sale', 'Freier Betrag', '666', '19', 'open_price'],
        ['sale', 'Cola', '500', '19', 'product'],
        ['refund', 'Kuchenstück', '-1234', '7', 'open_price'],
      ],
    );
  } finally {
    await d.stop();
  }
});
