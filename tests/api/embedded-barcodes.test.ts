/**
 * Price- and weight-embedded EAN-13 (issue 15.3) against the real daemon: schemes per prefix
 * in the admin settings, the product found by the label's code with the value zeroed, the
 * printed price or the weight × price per kg on the line, a wrong check digit refused, and
 * the sale's receipt VAT right to the cent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Cart, Sale } from '../../daemon/protocol.js';
import { gs1CheckDigit } from '../../daemon/catalog/barcode.js';
import { weightPrice } from '../../daemon/catalog/embedded.js';
import { ADMIN_TOKEN, startShop } from '../helpers/shop-ops.js';

const admin = { admin: ADMIN_TOKEN };
const ean = (body12: string) => body12 + gs1CheckDigit(body12);

test('weight price rounds half up to a cent', () => {
  assert.equal(weightPrice(1290, 482), 622); // 621.78
  assert.equal(weightPrice(1000, 5), 5);
  assert.equal(weightPrice(999, 500), 500); // 499.5 → 500
  assert.equal(weightPrice(1290, 0), 0);
});

test('embedded barcodes: settings, price and weight labels, check digit, VAT to the cent', async () => {
  const { d } = await startShop();
  try {
    const put = (body: unknown) =>
      d.request('PUT', '/api/v1/admin/settings/selling', { ...admin, body });
    for (const [body, field] of [
      [{ embedded_barcodes: [{ prefix: '30', kind: 'price', item_digits: 5 }] }, 'prefix'],
      [{ embedded_barcodes: [{ prefix: '22', kind: 'count', item_digits: 5 }] }, 'kind'],
      [{ embedded_barcodes: [{ prefix: '22', kind: 'price', item_digits: 7 }] }, 'item_digits'],
      [
        {
          embedded_barcodes: [
            { prefix: '22', kind: 'price', item_digits: 5 },
            { prefix: '22', kind: 'weight', item_digits: 5 },
          ],
        },
        'prefix',
      ],
      [{ other: 1 }, 'other'],
    ] as const) {
      const r = await put(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.field, field);
    }
    assert.equal(
      (await d.request('PUT', '/api/v1/admin/settings/selling', { body: {} })).status,
      401,
    );
    const ok = await put({
      embedded_barcodes: [
        { prefix: '22', kind: 'price', item_digits: 5 },
        { prefix: '28', kind: 'weight', item_digits: 5 },
      ],
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(
      (await d.get('/api/v1/admin/settings/selling', admin)).body.embedded_barcodes.length,
      2,
    );

    const mk = async (barcode: string, name: string, price_cents: number, vat_rate: number) => {
      const r = await d.post('/api/v1/products', { barcode, name, price_cents, vat_rate }, admin);
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    const kaese = await mk(ean('281234500000'), 'Bergkäse', 1290, 7); // per kg
    const torte = await mk(ean('220004200000'), 'Torte', 0, 7);
    const wein = await mk('4006381333931', 'Wein', 899, 19);

    const add = (barcode: string) =>
      d.post<Cart>('/api/v1/terminals/kiosk/cart/items', { barcode });
    let r = await add(ean('281234500482')); // 482 g
    assert.equal(r.status, 200, r.text);
    r = await add(ean('220004201299')); // 12.99
    r = await add(ean('220004200450')); // 4.50: a second label, a line of its own
    r = await add('4006381333931');
    const lines = r.body.lines;
    assert.deepEqual(
      lines.map((l) => [l.product_id, l.name, l.unit_price_cents, l.quantity, l.embedded ?? null]),
      [
        [kaese.id, 'Bergkäse', 622, 1, { kind: 'weight', grams: 482, price_per_kg_cents: 1290 }],
        [torte.id, 'Torte', 1299, 1, { kind: 'price' }],
        [torte.id, 'Torte', 450, 1, { kind: 'price' }],
        [wein.id, 'Wein', 899, 1, null],
      ],
    );
    assert.equal(lines[0].barcode, ean('281234500482'), 'the line keeps the label code');

    // A wrong check digit is refused, not taken as another article; nothing changes.
    const label = ean('220004201299');
    const wrong = label.slice(0, 12) + String((Number(label[12]) + 1) % 10);
    const bad = await add(wrong);
    assert.equal(bad.status, 400);
    assert.equal((bad.body as any).error.code, 'invalid_check_digit');
    // A prefix without a scheme is an ordinary (here unknown) barcode.
    assert.equal((await add(ean('230004201299'))).status, 404);
    assert.equal((await d.get<Cart>('/api/v1/terminals/kiosk/cart')).body.lines.length, 4);

    // A price change of the product leaves a label's printed price alone.
    await d.request('PATCH', `/api/v1/products/${kaese.id}`, {
      ...admin,
      body: { price_cents: 1590 },
    });
    const after = (await d.get<Cart>('/api/v1/terminals/kiosk/cart')).body;
    assert.equal(after.lines[0].unit_price_cents, 622);
    assert.equal(after.total_cents, 622 + 1299 + 450 + 899);

    const co = await d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
      provider: 'cash',
      idempotency_key: randomUUID(),
      tendered_cents: 5000,
    });
    assert.equal(co.status, 201, co.text);
    assert.equal(co.body.total_cents, 3270);
    const receipt = (await d.get(`/api/v1/sales/${co.body.id}/receipt`)).body.receipt;
    // 19 % on 899 → 144; 7 % on 622+1299+450 = 2371 → 155.
    assert.deepEqual(
      receipt.vat.map((v: any) => [v.rate, v.gross_cents, v.vat_cents]),
      [
        [19, 899, 144],
        [7, 2371, 155],
      ],
    );
  } finally {
    await d.stop();
  }
});
