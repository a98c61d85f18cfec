/**
 * Printer profiles: every model the settings offer prints German text through code page 858
 * (Ä 0x8E, ä 0x84, ö 0x94, ü 0x81, ß 0xE1, € 0xD5) after its own code page command, and a
 * fixed receipt is compared byte for byte with tests/fixtures/printer-golden/<model>.hex for
 * one model of each command family (Epson-style ESC/POS with its code page numbers, StarPRNT,
 * StarLine). The code page bytes come from the CP858 table (IBM code page 858), not from the
 * encoder. To re-bless after an intended layout change: GOLDEN_UPDATE=1 node --test --import
 * tsx tests/unit/printer-profiles.test.ts, then read the decoded text it prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sale } from '../../daemon/protocol.js';
import { saleReceipt, RECEIPT_DEFAULTS } from '../../daemon/receipts/model.js';
import { receiptBytes } from '../../daemon/printer/layout.js';
import { printerModels, type PrinterModel } from '../../daemon/printer/profiles.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { ROOT } from '../helpers/daemon.js';

const CP858 = { Ä: 0x8e, ä: 0x84, ö: 0x94, ü: 0x81, ß: 0xe1, '€': 0xd5 } as const;
const umlauts = Buffer.from(Object.values(CP858));

/** The code page command each family sends for CP858 (Epson: ESC t 19; Star: ESC GS t 4). */
const CODEPAGE_COMMAND: Partial<Record<PrinterModel, number[]>> = {
  'epson-tm-t20iii': [0x1b, 0x74, 19],
  'epson-tm-t88vi': [0x1b, 0x74, 19],
  'citizen-ct-s310ii': [0x1b, 0x74, 2],
  'hp-a779': [0x1b, 0x74, 6],
  'star-tsp100iv': [0x1b, 0x1d, 0x74, 4],
  'star-tsp650ii': [0x1b, 0x1d, 0x74, 4],
};
const GOLDEN: PrinterModel[] = [
  'epson-tm-t20iii',
  'epson-tm-t88vi',
  'citizen-ct-s310ii',
  'hp-a779',
  'bixolon-srp350iii',
  'xprinter-xp-n160ii',
  'star-tsp100iv',
  'star-tsp650ii',
];

const sale: Sale = {
  id: 's_golden',
  number: 7,
  terminal_id: 'kiosk',
  provider: 'cash',
  state: 'succeeded',
  lines: [
    {
      product_id: 'p1',
      barcode: null,
      name: 'Süße Äpfel groß',
      unit_price_cents: 250,
      vat_rate: 7,
      quantity: 2,
      line_total_cents: 500,
    },
    {
      product_id: 'p2',
      barcode: null,
      name: 'Öko-Müsli',
      unit_price_cents: 720,
      vat_rate: 19,
      quantity: 1,
      line_total_cents: 720,
    },
  ],
  total_cents: 1220,
  tendered_cents: 2000,
  change_cents: 780,
  cashier: null,
  created_at: '2026-03-01T13:05:10.000Z',
  updated_at: '2026-03-01T13:05:40.000Z',
  reason: null,
  payment: {},
};
const receipt = saleReceipt(sale, {
  settings: { ...RECEIPT_DEFAULTS, shop_name: 'Bäckerei Größ', address_lines: ['Fußweg 1'] },
  shopName: 'x',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  url: 'http://pos.local/r/T',
  kioskId: 'kiosk',
});

function bytesFor(model: PrinterModel): Buffer {
  return Buffer.from(receiptBytes(receipt, { profile: { model, width: 58 }, drawer: true }));
}

function indexOfSeq(b: Buffer, seq: number[]): number {
  return b.indexOf(Buffer.from(seq));
}

test('every offered profile prints umlauts, ß and € in code page 858', () => {
  const models = printerModels();
  assert.ok(models.length >= 20, `only ${models.length} profiles`);
  for (const { id } of models) {
    const b = bytesFor(id);
    for (const [ch, code] of Object.entries(CP858))
      assert.ok(b.includes(code), `${id}: no 0x${code.toString(16)} for ${ch}`);
    // "Süße" reaches the printer as S 0x81 0xE1 e, the money as 12,20 0xD5.
    assert.ok(b.includes(Buffer.from([0x53, 0x81, 0xe1, 0x65])), `${id}: Süße`);
    assert.ok(b.includes(Buffer.from('12,20 \u00d5', 'latin1')), `${id}: 12,20 €`);
    assert.equal(b.includes(Buffer.from('€', 'utf8')), false, `${id}: UTF-8 leaked`);
    const cmd = CODEPAGE_COMMAND[id];
    if (cmd) {
      const at = indexOfSeq(b, cmd);
      assert.ok(at >= 0, `${id}: code page command ${cmd}`);
      assert.ok(at < b.indexOf(umlauts[5]), `${id}: code page chosen before the first €`);
    }
  }
});

test('ESC/POS profiles decode to the German receipt with a native QR code', () => {
  const d = decodeEscPos(bytesFor('epson-tm-t20iii'));
  const text = d.lines.map((l) => l.trim()).join('\n');
  assert.match(text, /^Bäckerei Größ$/m);
  assert.match(text, /^Fußweg 1$/m);
  assert.match(text, /^Süße Äpfel groß$/m);
  assert.match(text, /^Öko-Müsli +7,20 A$/m);
  assert.ok(d.emphasised.some((l) => /^SUMME +12,20 €$/.test(l.trim())));
  assert.ok(d.ops.some((o) => o.op === 'qr' && o.data === 'http://pos.local/r/T'));
  assert.ok(d.ops.some((o) => o.op === 'drawer'));
});

function toFixture(b: Buffer): string {
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

for (const model of GOLDEN) {
  test(`golden bytes: ${model}`, () => {
    const file = path.join(ROOT, 'tests', 'fixtures', 'printer-golden', `${model}.hex`);
    const actual = toFixture(bytesFor(model));
    if (process.env.GOLDEN_UPDATE) writeFileSync(file, actual);
    assert.equal(actual, readFileSync(file, 'utf8'), `bytes differ from ${model}.hex`);
  });
}
