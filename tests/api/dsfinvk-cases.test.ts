/**
 * DSFinV-K business cases of deposits and discounts (issue 15.7): a sale with a deposit, a
 * deposit return and a cart discount, closed by a Z report; the export books the products as
 * `Umsatz` at their price, the discount as `Rabatt`, the deposit as `Pfand` and the return as
 * `PfandRueckzahlung`, each under its VAT key, adding up to what was paid; lines carry their
 * GV_TYP and the discount as a price-finding step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startDaemon } from '../helpers/daemon.js';
import { unzip } from '../helpers/unzip.js';
import { parseCsv } from '../../daemon/core/csv.js';
import type { Cart, Product, Sale } from '../../daemon/protocol.js';

test('DSFinV-K: Umsatz, Rabatt, Pfand and PfandRueckzahlung per VAT key, to the cent', async () => {
  const d = await startDaemon({ env: { APP_ENV: 'demo' } });
  try {
    const make = async (p: Record<string, unknown>) => {
      const r = await d.post<Product>('/api/v1/products', p, { admin: true });
      assert.equal(r.status, 201, r.text);
      return r.body;
    };
    const pfand = await make({ name: 'Pfand 0,25', price_cents: 25, vat_rate: 19 });
    const beer = await make({
      name: 'Bier X',
      price_cents: 350,
      vat_rate: 19,
      deposit_product_id: pfand.id,
    });
    const wurst = await make({ name: 'Wurst X', price_cents: 380, vat_rate: 7 });
    const cart = '/api/v1/terminals/k/cart';
    await d.post(`${cart}/items`, { product_id: beer.id });
    await d.post(`${cart}/items`, { product_id: wurst.id });
    await d.post(`${cart}/items`, { deposit_return: pfand.id });
    const c = await d.post<Cart>(`${cart}/discounts`, { percent: 10 });
    // 10 % of 350 + 380 = 73, spread 35 / 38; 350 + 25 + 380 - 25 - 73 = 657.
    assert.equal(c.body.total_cents, 657, c.text);
    const paid = await d.post<Sale>('/api/v1/terminals/k/checkout', {
      provider: 'cash',
      idempotency_key: randomUUID(),
    });
    assert.equal(paid.status, 201, paid.text);
    const x = (await d.get('/api/v1/closing/x', { admin: true })).body;
    const z = await d.post(
      '/api/v1/closing/z',
      { counted_cents: x.cash.expected_cents, next_float_cents: 0, idempotency_key: randomUUID() },
      { admin: true },
    );
    assert.ok(z.status < 300, z.text);
    const day = d.shopDay(paid.body.created_at);
    const res = await fetch(`${d.url}/api/v1/admin/exports/dsfinvk.zip?from=${day}&to=${day}`, {
      headers: { authorization: 'Bearer demo-admin-token' },
    });
    assert.equal(res.status, 200);
    const files = await unzip(Buffer.from(await res.arrayBuffer()));
    const table = (name: string) => {
      const [head, ...rows] = parseCsv(files.get(name)!, ';').filter((r) => r.length > 1);
      return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
    };
    const cents = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);

    const cases = table('businesscases.csv').map((r) => [
      r.GV_TYP,
      Number(r.UST_SCHLUESSEL),
      cents(r.Z_UMS_BRUTTO),
    ]);
    assert.deepEqual(cases, [
      ['Umsatz', 1, 350],
      ['Rabatt', 1, -35],
      ['Pfand', 1, 25],
      ['PfandRueckzahlung', 1, -25],
      ['Umsatz', 2, 380],
      ['Rabatt', 2, -38],
    ]);
    assert.equal(
      cases.reduce((s, r) => s + (r[2] as number), 0),
      657,
    );
    assert.deepEqual(
      table('lines.csv').map((r) => [r.ARTIKELTEXT, r.GV_TYP]),
      [
        ['Bier X', 'Umsatz'],
        ['Pfand 0,25', 'Pfand'],
        ['Wurst X', 'Umsatz'],
        ['Pfand 0,25', 'PfandRueckzahlung'],
      ],
    );
    // Line VAT after the discount; the price finding: base amount, then the discount.
    assert.deepEqual(
      table('lines_vat.csv').map((r) => cents(r.POS_BRUTTO)),
      [315, 25, 342, -25],
    );
    assert.deepEqual(
      table('itemamounts.csv').map((r) => [r.POS_ZEILE, r.TYP, cents(r.PF_BRUTTO)]),
      [
        ['1', 'base_amount', 350],
        ['1', 'discount', -35],
        ['2', 'base_amount', 25],
        ['3', 'base_amount', 380],
        ['3', 'discount', -38],
        ['4', 'base_amount', -25],
      ],
    );
    const vat = table('transactions_vat.csv').map((r) => [
      Number(r.UST_SCHLUESSEL),
      cents(r.BON_BRUTTO),
    ]);
    assert.deepEqual(vat, [
      [1, 315],
      [2, 342],
    ]);
  } finally {
    await d.stop();
  }
});
