/**
 * The exports a German tax adviser reads: sales lines and Z reports "auf Deutsch" (`;`,
 * decimal comma, euros, German headers, UTF-8 with BOM) and the DATEV-friendly daily revenue
 * per VAT rate and payment type — read back with csv-parse as a spreadsheet would, numbers
 * checked against the receipts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { REVENUE_COLUMNS, SALES_COLUMNS_DE } from '../../daemon/exports/german.js';
import { ADMIN_TOKEN, product, sell, startShop } from '../helpers/shop-ops.js';

const admin = { admin: ADMIN_TOKEN };
const num = (s: string) => Number(s.replace(',', '.'));

/** The file as a spreadsheet gets it: bytes, UTF-8 with BOM, `;` between cells. */
async function readGerman(url: string): Promise<string[][]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(res.status, 200);
  const raw = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with BOM');
  return parse(raw.subarray(3).toString('utf8'), { delimiter: ';' }) as string[][];
}

test('German sales CSV, Z reports and the DATEV daily revenue read back with ; and decimal comma', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '7001', name: 'Käsebrötchen', price_cents: 250, vat_rate: 7 });
    await product(d, { barcode: '7002', name: 'Limonade', price_cents: 320, vat_rate: 19 });
    const cash = await sell(
      d,
      [
        ['7001', 2],
        ['7002', 1],
      ],
      'cash',
      1000,
    );
    const card = await sell(d, [['7002', 1]], 'fake_card');
    const ref = await d.post(
      `/api/v1/sales/${cash.id}/refunds`,
      { line_indexes: [1], reason: 'zu warm', idempotency_key: randomUUID() },
      admin,
    );
    assert.equal(ref.status, 201, ref.text);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    const [y, m, dd] = day.split('-');
    const german = `${dd}.${m}.${y}`;

    const sales = await d.get(
      `/api/v1/admin/exports/sales.csv?from=${day}&to=${day}&format=de`,
      admin,
    );
    assert.equal(sales.status, 200);
    assert.match(sales.headers.get('content-disposition') ?? '', /verkaeufe_/);
    const rows = await readGerman(
      `${d.url}/api/v1/admin/exports/sales.csv?from=${day}&to=${day}&format=de`,
    );
    assert.deepEqual(rows[0], [...SALES_COLUMNS_DE]);
    const col = (name: (typeof SALES_COLUMNS_DE)[number]) => SALES_COLUMNS_DE.indexOf(name);
    const kaese = rows.find((r) => r[col('Artikel')] === 'Käsebrötchen')!;
    assert.equal(kaese[col('Art')], 'Verkauf');
    assert.equal(kaese[col('Geschäftstag')], german);
    assert.equal(kaese[col('Zahlungsart')], 'Bar');
    assert.equal(kaese[col('Einzelpreis (EUR)')], '2,50');
    assert.equal(kaese[col('Betrag (EUR)')], '5,00');
    assert.equal(kaese[col('MwSt.-Satz (%)')], '7');
    assert.equal(kaese[col('Belegsumme (EUR)')], '8,20');
    const refund = rows.find((r) => r[col('Art')] === 'Erstattung')!;
    assert.equal(refund[col('Betrag (EUR)')], '-3,20', 'negative amounts stay numbers');
    assert.equal(refund[col('Erstattungsart')], 'bar');

    const z = await readGerman(`${d.url}/api/v1/admin/exports/z-reports.csv?format=de`);
    assert.equal(z[0][0], 'Z-Nr.');

    const r = await readGerman(`${d.url}/api/v1/admin/exports/revenue.csv?from=${day}&to=${day}`);
    assert.deepEqual(r[0], [...REVENUE_COLUMNS]);
    const rc = (name: (typeof REVENUE_COLUMNS)[number]) => REVENUE_COLUMNS.indexOf(name);
    const row = (provider: string, rate: string) =>
      r.find((x) => x[rc('Zahlungsart')] === provider && x[rc('MwSt.-Satz (%)')] === rate)!;
    // Cash: 5,00 at 7 % (VAT 0,33), 3,20 − 3,20 refunded at 19 %.
    const cash7 = row('Bar', '7');
    assert.equal(cash7[rc('Datum')], german);
    assert.deepEqual(
      [cash7[rc('Umsatz brutto (EUR)')], cash7[rc('Netto (EUR)')], cash7[rc('Umsatzsteuer (EUR)')]],
      ['5,00', '4,67', '0,33'],
    );
    assert.equal(cash7[rc('Konto')], '1000');
    assert.equal(cash7[rc('Gegenkonto')], '8300');
    assert.equal(cash7[rc('Soll/Haben')], 'S');
    assert.equal(row('Bar', '19')[rc('Umsatz brutto (EUR)')], '0,00');
    assert.equal(row('Bar', '19')[rc('Belege')], '2', 'the sale and its refund');
    const card19 = row('Karte (Demo)', '19');
    assert.deepEqual(
      [
        card19[rc('Umsatz brutto (EUR)')],
        card19[rc('Netto (EUR)')],
        card19[rc('Umsatzsteuer (EUR)')],
      ],
      ['3,20', '2,69', '0,51'],
    );
    assert.equal(card19[rc('Konto')], '1360');
    assert.equal(card19[rc('Gegenkonto')], '8400');
    // net + VAT = gross on every row; all rows add up to the day's takings.
    let total = 0;
    for (const x of r.slice(1)) {
      assert.equal(
        Math.round(num(x[rc('Netto (EUR)')]) * 100 + num(x[rc('Umsatzsteuer (EUR)')]) * 100),
        Math.round(num(x[rc('Umsatz brutto (EUR)')]) * 100),
      );
      total += Math.round(num(x[rc('Umsatz brutto (EUR)')]) * 100);
    }
    assert.equal(total, cash.total_cents + card.total_cents - 320);
    const bad = await d.get('/api/v1/admin/exports/sales.csv?format=xls', admin);
    assert.equal(bad.status, 400);
  } finally {
    await d.stop();
  }
});
