/**
 * DSFinV-K export: a month of sales (several VAT rates, cash and card, refunds, aborted
 * sales, cash movements) closed by a Z report each day; the ZIP (unzipped with yauzl) holds
 * index.xml, its DTD and every module's CSV, and its totals equal the Z reports' totals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { unzip } from '../helpers/unzip.js';
import { startDaemon } from '../helpers/daemon.js';
import { parseCsv } from '../../daemon/core/csv.js';
import type { Sale, ZReport } from '../../daemon/protocol.js';

const cents = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);

test('DSFinV-K export of a month: every file, and totals equal to the Z reports', async () => {
  let now = Date.parse('2026-11-01T09:00:00Z');
  const d = await startDaemon({ env: { APP_ENV: 'demo' }, clock: { now: () => now } });
  try {
    for (const [b, price, vat] of [
      ['D19', 1250, 19],
      ['D7', 330, 7],
      ['D0', 199, 0],
    ] as const) {
      const r = await d.post(
        '/api/v1/products',
        { barcode: b, name: `Artikel ${b}`, price_cents: price, vat_rate: vat },
        { admin: true },
      );
      assert.equal(r.status, 201, r.text);
    }
    const zs: ZReport[] = [];
    for (let day = 0; day < 30; day++) {
      now = Date.parse('2026-11-01T09:00:00Z') + day * 86_400_000;
      for (let i = 0; i < 3; i++) {
        now += 60_000;
        // Two tills: the third sale of a day (the one refunded) is made at the bar.
        const till = i === 2 ? 'bar' : 'kiosk';
        await d.post(`/api/v1/terminals/${till}/cart/items`, {
          barcode: 'D19',
          quantity: 1 + (i % 2),
        });
        await d.post(`/api/v1/terminals/${till}/cart/items`, {
          barcode: i === 1 ? 'D7' : 'D0',
          quantity: 1,
        });
        const card = (day + i) % 3 === 0;
        const r = await d.post<Sale>(`/api/v1/terminals/${till}/checkout`, {
          provider: card ? 'fake_card' : 'cash',
          idempotency_key: randomUUID(),
          ...(card ? {} : { tendered_cents: 100000 }),
        });
        assert.equal(r.status, 201, r.text);
        let s = r.body;
        // (Not on the first day: the appliance's very first sale, a paid one, must be in the
        // first Z's export — its time is the first period's start.)
        if (card && day % 5 === 0 && day > 0 && i === 0) {
          const cancel = await d.post(`/api/v1/sales/${s.id}/cancel`);
          // On a busy machine the demo card may have approved first: the cancel is then
          // refused (409 not_pending) and the sale goes on as a paid one.
          if (cancel.status !== 409) {
            assert.equal(cancel.status, 200, cancel.text);
            await d.request('DELETE', '/api/v1/terminals/kiosk/cart');
            continue;
          }
        }
        for (let k = 0; s.state === 'pending' && k < 2000; k++) {
          await new Promise((res) => setTimeout(res, 5));
          s = (await d.get<Sale>(`/api/v1/sales/${s.id}`)).body;
        }
        assert.equal(s.state, 'succeeded');
        if (i === 2 && day % 4 === 1) {
          const rf = await d.post(
            `/api/v1/sales/${s.id}/refunds`,
            { reason: 'zurück', idempotency_key: randomUUID(), line_indexes: [0] },
            { admin: true },
          );
          assert.equal(rf.status, 201, rf.text);
        }
      }
      if (day % 7 === 3) {
        const mv = await d.post(
          '/api/v1/closing/movements',
          { kind: 'payout', amount_cents: 500, reason: 'Lieferant', idempotency_key: randomUUID() },
          { admin: true },
        );
        assert.ok(mv.status < 300, mv.text);
      }
      now += 3_600_000;
      const x = (await d.get('/api/v1/closing/x', { admin: true })).body;
      const z = await d.post<ZReport>(
        '/api/v1/closing/z',
        {
          counted_cents: x.cash.expected_cents,
          next_float_cents: 0,
          idempotency_key: randomUUID(),
        },
        { admin: true },
      );
      assert.ok(z.status < 300, z.text);
      zs.push((z.body as unknown as { z?: ZReport }).z ?? z.body);
    }
    const res = await fetch(
      `${d.url}/api/v1/admin/exports/dsfinvk.zip?from=2026-11-01&to=2026-11-30`,
      { headers: { authorization: 'Bearer demo-admin-token' } },
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const files = await unzip(Buffer.from(await res.arrayBuffer()));
    const expected = [
      'index.xml',
      'gdpdu-01-09-2004.dtd',
      'cashpointclosing.csv',
      'location.csv',
      'cashregister.csv',
      'slaves.csv',
      'pa.csv',
      'vat.csv',
      'tse.csv',
      'businesscases.csv',
      'payment.csv',
      'cash_per_currency.csv',
      'transactions.csv',
      'transactions_vat.csv',
      'allocation_groups.csv',
      'datapayment.csv',
      'references.csv',
      'transactions_tse.csv',
      'lines.csv',
      'lines_vat.csv',
      'subitems.csv',
      'itemamounts.csv',
    ];
    assert.deepEqual([...files.keys()].sort(), [...expected].sort());
    const csv = (name: string) => {
      const [head, ...rows] = parseCsv(files.get(name)!, ';').filter((r) => r.length > 1);
      return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
    };
    const counts = Object.fromEntries(
      expected.filter((f) => f.endsWith('.csv')).map((f) => [f, csv(f).length]),
    );
    console.log('DSFinV-K files and rows:', JSON.stringify(counts));
    assert.match(files.get('index.xml')!, /<DecimalSymbol>,<\/DecimalSymbol>/);
    assert.match(files.get('index.xml')!, /<URL>transactions_tse.csv<\/URL>/);
    assert.equal(counts['cashpointclosing.csv'], 30);

    // Totals per Z: revenue by VAT key, payments, cash, number of documents.
    for (const z of zs) {
      const of = (rows: Record<string, string>[]) =>
        rows.filter((r) => r.Z_NR === String(z.number));
      const bc = of(csv('businesscases.csv')).filter((r) => r.GV_TYP === 'Umsatz');
      const gross = bc.reduce((s, r) => s + cents(r.Z_UMS_BRUTTO), 0);
      assert.equal(gross, z.sales_total_cents - z.refunds_total_cents, `Z ${z.number} gross`);
      for (const v of z.vat) {
        const key = v.rate === 19 ? '1' : v.rate === 7 ? '2' : '6';
        const row = bc.find((r) => r.UST_SCHLUESSEL === key)!;
        assert.equal(cents(row.Z_UMS_BRUTTO), v.gross_cents);
        assert.equal(cents(row.Z_UMS_NETTO), v.net_cents);
        assert.equal(cents(row.Z_UST), v.vat_cents);
      }
      const tx = of(csv('transactions.csv'));
      assert.equal(
        tx.reduce((s, r) => s + cents(r.UMS_BRUTTO), 0),
        z.sales_total_cents - z.refunds_total_cents,
      );
      assert.equal(tx.filter((r) => r.BON_TYP === 'Beleg').length, z.sale_count + z.refund_count);
      const cash = cents(of(csv('cash_per_currency.csv'))[0].ZAHLART_BETRAG_WAEH);
      assert.equal(
        cash,
        z.cash.cash_sales_cents -
          z.cash.cash_refunds_cents -
          z.cash.payouts_cents +
          z.cash.pay_ins_cents,
      );
      const pay = of(csv('payment.csv')).reduce((s, r) => s + cents(r.Z_ZAHLART_BETRAG), 0);
      assert.equal(
        pay,
        z.sales_total_cents - z.refunds_total_cents - z.cash.payouts_cents + z.cash.pay_ins_cents,
      );
      const tse = of(csv('transactions_tse.csv'));
      assert.equal(tse.length, tx.length, 'every document has its TSE row');
      assert.ok(tse.every((r) => r.TSE_TA_SIG && r.TSE_TA_VORGANGSART === 'Kassenbeleg-V1'));
      // Terminals (slaves.csv): exactly the tills this Z's documents were made at, once each.
      // A refund is a document of the till of its sale, never a terminal of its own.
      const slaves = of(csv('slaves.csv')).map((r) => r.TERMINAL_ID);
      assert.deepEqual(slaves, [...new Set(tx.map((r) => r.TERMINAL_ID))].sort(), `Z ${z.number}`);
      assert.deepEqual(slaves, ['bar', 'kiosk'], `Z ${z.number} slaves`);
      const tillOf = new Map(csv('transactions.csv').map((r) => [r.BON_ID, r.TERMINAL_ID]));
      for (const ref of of(csv('references.csv'))) {
        const refund = tx.find((r) => r.BON_ID === ref.BON_ID)!;
        assert.equal(refund.BON_NAME, 'Erstattung');
        assert.equal(refund.TERMINAL_ID, tillOf.get(ref.REF_BON_ID), `${ref.BON_ID}'s till`);
        assert.equal(refund.TERMINAL_ID, 'bar');
      }
    }
    assert.ok(csv('transactions.csv').some((r) => r.BON_TYP === 'AVBelegabbruch'));
    assert.ok(csv('references.csv').length > 0);
  } finally {
    await d.stop();
  }
});
