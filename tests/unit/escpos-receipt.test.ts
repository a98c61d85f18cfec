/**
 * Printed receipts and reports, read back: the bytes the layouts make (through
 * receipt-printer-encoder, profile epson-tm-t20iii) decode to the German (or English) text a
 * customer reads, in TIMEZONE, with money as 12,20 and VAT per rate. Golden bytes per printer
 * profile: tests/unit/printer-profiles.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sale } from '../../daemon/protocol.js';
import { saleReceipt, refundReceipt, RECEIPT_DEFAULTS } from '../../daemon/receipts/model.js';
import { receiptBytes, columns } from '../../daemon/printer/layout.js';
import { reportBytes } from '../../daemon/printer/report-layout.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';

const sale: Sale = {
  id: 's_20260301_42',
  number: 42,
  terminal_id: 'kiosk',
  provider: 'cash',
  state: 'succeeded',
  lines: [
    {
      product_id: 'p1',
      barcode: '4000001',
      name: 'Apfelschorle 0,5 l',
      unit_price_cents: 250,
      vat_rate: 19,
      quantity: 2,
      line_total_cents: 500,
    },
    {
      product_id: 'p2',
      barcode: null,
      name: 'Brezel',
      unit_price_cents: 120,
      vat_rate: 7,
      quantity: 1,
      line_total_cents: 120,
    },
  ],
  total_cents: 620,
  tendered_cents: 1000,
  change_cents: 380,
  cashier: 'Anna',
  created_at: '2026-03-01T13:05:10.000Z',
  updated_at: '2026-03-01T13:06:02.000Z',
  reason: null,
  payment: {},
};

const ctx = {
  settings: {
    ...RECEIPT_DEFAULTS,
    shop_name: 'Kiosk Süd',
    address_lines: ['Hauptstr. 1', '12345 Berlin'],
    tax_id: 'DE123456789',
  },
  shopName: 'unused',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  url: 'http://pos.local/r/TOKEN',
  kioskId: 'kiosk',
};
const en = { ...ctx, settings: { ...ctx.settings, language: 'en' as const } };
const p58 = { model: 'epson-tm-t20iii' as const, width: 58 as const };
const p80 = { model: 'epson-tm-t20iii' as const, width: 80 as const };
const text = (b: Uint8Array) =>
  decodeEscPos(b)
    .lines.map((l) => l.trim())
    .join('\n');

test('a German cash receipt: umlauts, dd.mm.yyyy in TIMEZONE, 12,20-style money, VAT per rate', () => {
  const d = decodeEscPos(receiptBytes(saleReceipt(sale, ctx), { profile: p58, drawer: true }));
  const t = d.lines.map((l) => l.trim()).join('\n');
  assert.match(t, /^Kiosk Süd$/m);
  assert.match(t, /^St\.-Nr\. DE123456789$/m);
  assert.match(t, /^Beleg Nr\. 42$/m);
  assert.match(t, /^01\.03\.2026 +14:05-14:06$/m); // 13:05 UTC = 14:05 in Berlin (CET)
  assert.match(t, /^Kasse 1 +Bediener Anna$/m);
  assert.match(t, /^Apfelschorle 0,5 l$/m);
  assert.match(t, /^2 x 2,50 +5,00 A$/m);
  assert.match(t, /^Brezel +1,20 B$/m);
  assert.match(t, /^Bar +6,20$/m);
  assert.match(t, /^Gegeben +10,00$/m);
  assert.match(t, /^Rückgeld +3,80$/m);
  // VAT: 500 at 19 % → 79.83 → 80; 120 at 7 % → 7.85 → 8.
  assert.match(t, /^Satz +Netto +MwSt\. +Brutto$/m);
  assert.match(t, /^A 19 % +4,20 +0,80 +5,00$/m);
  assert.match(t, /^B 7 % +1,12 +0,08 +1,20$/m);
  assert.match(t, /^Digitaler Beleg: QR-Code scannen$/m);
  assert.match(t, /^Vielen Dank für Ihren Besuch!$/m);
  assert.ok(d.emphasised.some((l) => /^SUMME +6,20 €$/.test(l)));
  assert.equal(d.ops.filter((o) => o.op === 'drawer').length, 1);
  assert.deepEqual(
    d.ops.find((o) => o.op === 'qr'),
    { op: 'qr', data: ctx.url, module_size: 4, error_level: 'M' },
  );
  assert.equal(d.ops.filter((o) => o.op === 'codepage').at(0)?.page, 19);
  assert.equal(d.ops.at(-1)?.op, 'cut');
  for (const l of d.lines) assert.ok(l.length <= columns(58), `too wide: "${l}"`);
});

test('the same receipt in an English shop', () => {
  const t = text(receiptBytes(saleReceipt(sale, en), { profile: p58, drawer: false }));
  assert.match(t, /^Receipt no\. 42$/m);
  assert.match(t, /^01\/03\/2026 +14:05-14:06$/m);
  assert.match(t, /^Till 1 +Cashier Anna$/m);
  assert.match(t, /^Given +10\.00$/m);
  assert.match(t, /^Thank you for your visit!$/m);
  assert.match(t, /^TOTAL +€6\.20$/m);
});

test('a refund receipt: negative amounts, pointing at its sale', () => {
  const refund = {
    id: 'rf_1',
    number: 7,
    sale_id: sale.id,
    sale_number: 42,
    provider: 'cash',
    method: 'cash' as const,
    lines: [{ line_index: 1, ...sale.lines[1] }],
    total_cents: 120,
    reason: 'stale',
    by: 'Max',
    created_at: '2026-03-02T09:00:00.000Z',
    payment: {},
  };
  const t = text(receiptBytes(refundReceipt(refund, sale, ctx), { profile: p80, drawer: true }));
  assert.match(t, /^ERSTATTUNG R-7$/m);
  assert.match(t, /^zu Beleg Nr\. 42$/m);
  assert.match(t, /^Brezel +-1,20 A$/m);
  assert.match(t, /^ERSTATTET +-1,20 €$/m);
});

test('80 mm keeps every line within 48 columns', () => {
  const long = { ...sale, lines: [{ ...sale.lines[0], name: 'X'.repeat(80), quantity: 1 }] };
  const d = decodeEscPos(receiptBytes(saleReceipt(long, ctx), { profile: p80, drawer: false }));
  for (const l of d.lines) assert.ok(l.length <= 48, `too wide: "${l}"`);
  assert.ok(d.lines.some((l) => l.startsWith('XXXX') && l.endsWith('5,00 A')));
});

test('a reprint says KOPIE', () => {
  const t = text(receiptBytes(saleReceipt(sale, ctx), { profile: p58, drawer: false, copy: true }));
  assert.match(t, /^\*\*\* KOPIE \*\*\*$/m);
});

const z = {
  number: 3,
  period_start: '2026-03-01T05:00:00.000Z',
  at: '2026-03-01T20:00:00.000Z',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  sale_count: 2,
  sales_total_cents: 1620,
  refund_count: 0,
  refunds_total_cents: 0,
  by_provider: [
    { provider: 'cash', sale_count: 2, sales_cents: 1620, refund_count: 0, refunds_cents: 0 },
  ],
  vat: [
    { code: 'A', rate: 19, gross_cents: 1500, net_cents: 1261, vat_cents: 239 },
    { code: 'B', rate: 7, gross_cents: 120, net_cents: 112, vat_cents: 8 },
  ],
  cash: {
    opening_float_cents: 10000,
    cash_sales_cents: 1620,
    cash_refunds_cents: 0,
    payouts_cents: 500,
    pay_ins_cents: 0,
    expected_cents: 11120,
  },
  movements: [],
  pending_count: 0,
  counted_cents: 11100,
  denominations: { '10000': 1, '1000': 1, '100': 1 },
  difference_cents: -20,
  next_float_cents: 10000,
  closed_by: 'Anna',
};

test('a Z report prints VAT per rate (net, VAT, gross), expected, counted and the difference', () => {
  const d = decodeEscPos(reportBytes(z, p58, 'Kiosk', 'de'));
  const t = d.lines.map((l) => l.trim()).join('\n');
  assert.match(t, /^Z-BERICHT 3$/m);
  assert.match(t, /^Von +01\.03\.2026 06:00$/m);
  assert.match(t, /^Bar +16,20$/m);
  assert.match(t, /^MwSt\. je Satz$/m);
  assert.match(t, /^19 % +12,61 +2,39 +15,00$/m);
  assert.match(t, /^7 % +1,12 +0,08 +1,20$/m);
  assert.match(t, /^= Soll +111,20$/m);
  assert.match(t, /^Gezählt +111,00$/m);
  assert.match(t, /^1 x 100,00 +100,00$/m);
  assert.ok(d.emphasised.some((l) => /^Differenz +-0,20$/.test(l)));
});

test('an X report of the first period says "since the first sale", not 1970', () => {
  const x = { ...z, period_start: '1970-01-01T00:00:00.000Z' } as Partial<typeof z>;
  delete x.number;
  const t = text(reportBytes(x as never, p58, 'Kiosk', 'de'));
  assert.match(t, /^X-BERICHT$/m);
  assert.match(t, /^Von +seit dem ersten Verkauf$/m);
  assert.doesNotMatch(t, /1970/);
});
