/**
 * Golden bytes: the whole receipt stream for a fixed sale is compared byte for byte with
 * tests/fixtures/escpos/*.hex (one printed line per fixture line, so a diff shows which line
 * moved). To re-bless after an intended layout change: GOLDEN_UPDATE=1 node --test ...; then
 * read the decoded text this test prints before committing the fixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sale } from '../../daemon/protocol.js';
import { saleReceipt, refundReceipt, RECEIPT_DEFAULTS } from '../../daemon/receipts/model.js';
import { receiptBytes, reportBytes, columns } from '../../daemon/printer/layout.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { ROOT } from '../helpers/daemon.js';

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
};

function toFixture(b: Buffer): string {
  // One line per printed line: split after every LF byte.
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) {
      parts.push(b.subarray(start, i + 1).toString('hex'));
      start = i + 1;
    }
  }
  if (start < b.length) parts.push(b.subarray(start).toString('hex'));
  return parts.join('\n') + '\n';
}

function golden(name: string, bytes: Buffer): void {
  const file = path.join(ROOT, 'tests', 'fixtures', 'escpos', name);
  const actual = toFixture(bytes);
  if (process.env.GOLDEN_UPDATE) {
    writeFileSync(file, actual);
    console.log(decodeEscPos(bytes).lines.join('\n'));
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `bytes differ from ${name}`);
}

test('receiptBytes(): 58 mm cash receipt with drawer kick, QR and cut — golden bytes', () => {
  golden(
    'receipt-58mm-cash.hex',
    receiptBytes(saleReceipt(sale, ctx), { width: 58, drawer: true }),
  );
});

test('receiptBytes(): 80 mm refund receipt — golden bytes', () => {
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
  golden(
    'refund-80mm-cash.hex',
    receiptBytes(refundReceipt(refund, sale, ctx), { width: 80, drawer: true }),
  );
});

test('receiptBytes(): decodes to the receipt text in TIMEZONE, total emphasised', () => {
  const d = decodeEscPos(receiptBytes(saleReceipt(sale, ctx), { width: 58, drawer: false }));
  const text = d.lines.join('\n');
  assert.match(text, /^Kiosk Süd$/m);
  assert.match(text, /^Tax ID DE123456789$/m);
  assert.match(text, /^Receipt no\. 42$/m);
  assert.match(text, /^2026-03-01 +14:05-14:06$/m); // 13:05 UTC = 14:05 in Berlin (CET)
  assert.match(text, /^Till kiosk +Cashier Anna$/m);
  assert.match(text, /^Apfelschorle 0,5 l$/m);
  assert.match(text, /^ {2}2 x 2\.50 +5\.00 A$/m);
  assert.match(text, /^Brezel +1\.20 B$/m);
  assert.match(text, /^Given +10\.00$/m);
  assert.match(text, /^Change +3\.80$/m);
  // VAT: 500 at 19 % → 79.83 → 80; 120 at 7 % → 7.85 → 8.
  assert.match(text, /^A VAT 19 % +net 4\.20$/m);
  assert.match(text, /VAT 0\.80 {2}gross 5\.00$/m);
  assert.match(text, /^B VAT 7 % +net 1\.12$/m);
  assert.ok(d.emphasised.some((l) => /^TOTAL +6\.20 EUR$/.test(l)));
  assert.equal(d.ops.filter((o) => o.op === 'drawer').length, 0);
  assert.deepEqual(
    d.ops.find((o) => o.op === 'qr'),
    { op: 'qr', data: ctx.url, module_size: 4, error_level: 'M' },
  );
  assert.equal(d.ops.at(-1)?.op, 'cut');
  for (const l of d.lines) assert.ok(l.length <= columns(58), `too wide: "${l}"`);
});

test('receiptBytes(): 80 mm keeps every line within 48 columns', () => {
  const long = { ...sale, lines: [{ ...sale.lines[0], name: 'X'.repeat(80), quantity: 1 }] };
  const d = decodeEscPos(receiptBytes(saleReceipt(long, ctx), { width: 80, drawer: false }));
  for (const l of d.lines) assert.ok(l.length <= 48, `too wide: "${l}"`);
  assert.ok(d.lines.some((l) => l.startsWith('XXXX') && l.endsWith('5.00 A')));
});

test('receiptBytes(): a reprint says COPY', () => {
  const d = decodeEscPos(
    receiptBytes(saleReceipt(sale, ctx), { width: 58, drawer: false, copy: true }),
  );
  assert.ok(d.lines.includes('*** COPY ***'));
});

test('reportBytes(): a Z report prints expected, counted and the difference', () => {
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
    vat: [],
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
  const d = decodeEscPos(reportBytes(z, 58, 'Kiosk'));
  const text = d.lines.join('\n');
  assert.match(text, /^Z REPORT 3$/m);
  assert.match(text, /^= Expected +111\.20$/m);
  assert.match(text, /^Counted +111\.00$/m);
  assert.match(text, /^ {2}1 x 100\.00 +100\.00$/m);
  assert.ok(d.emphasised.some((l) => /^Difference +-0\.20$/.test(l)));
});
