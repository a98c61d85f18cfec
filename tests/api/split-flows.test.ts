/**
 * Split payment, tips and vouchers through everything after the sale (real daemon, demo mode
 * with its fake TSE): the receipt (JSON and page) lists each payment, the tip and the sold
 * voucher's barcode; the X report keeps tips apart per cashier; the TSE signs Bar/Unbar per
 * part; the DSFinV-K export after a Z report has TrinkgeldAN, MehrzweckgutscheinKauf and
 * MehrzweckgutscheinEinloesung lines and one payment row per part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsfinvkTables } from '../helpers/dsfinvk-tables.js';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';

function pay(d: TestDaemon, terminal: string, body: object) {
  return d.post(`/api/v1/terminals/${terminal}/checkout`, { idempotency_key: newKey(), ...body });
}

async function settled(d: TestDaemon, id: string): Promise<any> {
  for (let i = 0; i < 1000; i++) {
    const s = (await d.get(`/api/v1/sales/${id}`)).body;
    if (s.state !== 'pending') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`sale ${id} stayed pending`);
}

test(
  'receipt, X report, TSE process data and DSFinV-K export of a voucher sale and a split sale with tips',
  { timeout: 90_000 },
  async () => {
    const d = await startDaemon({ env: { APP_ENV: 'demo' } });
    try {
      // A 20,00 € multi-purpose voucher sold for cash.
      await addItem(d, 't1', { voucher: { amount_cents: 2000 } });
      const sold = (await pay(d, 't1', { provider: 'cash' })).body;
      const code = sold.lines[0].voucher_code;
      assert.equal(sold.tse.process_data, 'Beleg^0.00_0.00_0.00_0.00_20.00^20.00:Bar');
      const soldReceipt = (await d.get(`/api/v1/sales/${sold.id}/receipt`)).body;
      assert.deepEqual(soldReceipt.receipt.vouchers, [{ code, amount_cents: 2000 }]);
      const page = await fetch(`${d.url}${new URL(soldReceipt.receipt.url, d.url).pathname}`);
      const html = await page.text();
      assert.match(html, new RegExp(`Gutschein ${code}`));
      assert.match(html, /<svg/);

      // 40,00 € of 19 % goods: voucher 20,00, card 15,00 + 2,00 tip, cash 5,00 + 0,50 "Stimmt so".
      const p = await makeProduct(d, { price_cents: 4000 });
      await addItem(d, 't1', { product_id: p.id });
      const a = await pay(d, 't1', { provider: 'voucher', voucher_code: code });
      assert.equal(a.body.paid_cents, 2000);
      const b = await pay(d, 't1', { provider: 'fake_card', amount_cents: 1500, tip_cents: 200 });
      assert.equal(b.status, 201, b.text);
      assert.equal((await settled(d, a.body.id)).paid_cents, 3500);
      const c = await pay(d, 't1', { provider: 'cash', tendered_cents: 550, tip_cents: 50 });
      const sale = c.body;
      assert.equal(sale.state, 'succeeded', c.text);
      // Goods 40,00 at 19 %; tips 2,50 and the voucher's −20,00 in the not-taxable slot;
      // Bar 5,50 and Unbar 17,00 (the card part with its tip): lines and payments add up.
      assert.equal(sale.tse.process_data, 'Beleg^40.00_0.00_0.00_0.00_-17.50^5.50:Bar_17.00:Unbar');

      const receipt = (await d.get(`/api/v1/sales/${sale.id}/receipt`)).body.receipt;
      assert.deepEqual(
        receipt.payments.map((x: any) => [x.provider, x.amount_cents, x.tip_cents]),
        [
          ['voucher', 2000, 0],
          ['fake_card', 1500, 200],
          ['cash', 500, 50],
        ],
      );
      assert.equal(receipt.payments[0].voucher_code, code);
      assert.equal(receipt.payments[0].voucher_balance_cents, 0);
      assert.equal(receipt.tip_cents, 250);
      const salePage = await (
        await fetch(`${d.url}${new URL(receipt.url, d.url).pathname}`)
      ).text();
      assert.match(salePage, /davon Trinkgeld/);
      assert.match(salePage, /Gutschein/);

      const x = (await d.get('/api/v1/closing/x', { admin: true })).body;
      assert.equal(x.tips_total_cents, 250);
      assert.deepEqual(
        x.tips.map((t: any) => [t.cashier, t.provider, t.tip_cents]),
        [
          [null, 'cash', 50],
          [null, 'fake_card', 200],
        ],
      );
      assert.equal(x.sales_total_cents, 6000, 'voucher sale 20,00 + goods 40,00; no tips');
      const by = Object.fromEntries(x.by_provider.map((r: any) => [r.provider, r.sales_cents]));
      assert.deepEqual(by, { cash: 2500, fake_card: 1500, voucher: 2000 });
      assert.equal(x.cash.cash_sales_cents, 2500);
      assert.equal(x.cash.cash_tips_cents, 50);
      assert.equal(x.cash.expected_cents, 2550);
      assert.deepEqual([x.vouchers_sold_cents, x.vouchers_redeemed_cents], [2000, 2000]);

      const z = await d.post(
        '/api/v1/closing/z',
        { counted_cents: 2550, next_float_cents: 0, idempotency_key: newKey() },
        { admin: true },
      );
      assert.ok(z.status < 300, z.text);
      const today = d.shopDay(sale.created_at);
      const csv = await dsfinvkTables(d.url, ADMIN, today);
      const lines = csv('lines.csv').filter((r) => r.BON_ID === sale.id);
      assert.deepEqual(
        lines.map((r) => r.GV_TYP),
        ['Umsatz', 'MehrzweckgutscheinEinloesung', 'TrinkgeldAN', 'TrinkgeldAN'],
      );
      const vatOf = csv('lines_vat.csv').filter((r) => r.BON_ID === sale.id);
      assert.deepEqual(
        vatOf.map((r) => r.UST_SCHLUESSEL),
        ['1', '5', '5', '5'],
      );
      const soldLine = csv('lines.csv').find((r) => r.BON_ID === sold.id)!;
      assert.equal(soldLine.GV_TYP, 'MehrzweckgutscheinKauf');
      const payments = csv('datapayment.csv').filter((r) => r.BON_ID === sale.id);
      assert.deepEqual(
        payments.map((r) => [r.ZAHLART_TYP, r.BASISWAEH_BETRAG]),
        [
          ['Unbar', '17,00'],
          ['Bar', '5,50'],
        ],
      );
      const cases = csv('businesscases.csv').map((r) => `${r.GV_TYP}:${r.UST_SCHLUESSEL}`);
      for (const gv of [
        'TrinkgeldAN:5',
        'MehrzweckgutscheinKauf:5',
        'MehrzweckgutscheinEinloesung:5',
        'Umsatz:1',
      ])
        assert.ok(cases.includes(gv), `${gv} in ${cases.join(', ')}`);
    } finally {
      await d.stop();
    }
  },
);
