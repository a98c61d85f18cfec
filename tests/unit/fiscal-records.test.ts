/**
 * What the TSE is asked to sign and what the journal keeps of its answer
 * (daemon/fiscal/records.ts), as pure functions: process data per outcome, refunds negative,
 * the receipt QR code built from the signature when the TSE gives none, the unsigned record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  refundInput,
  saleInput,
  signedRecord,
  unsignedRecord,
  type RecordBase,
} from '../../daemon/fiscal/records.js';
import type { TseDescription, TseTransaction } from '../../daemon/fiscal/provider.js';
import type { Refund, Sale, SaleLine } from '../../daemon/protocol.js';

function line(vat_rate: number, cents: number, extra: Partial<SaleLine> = {}): SaleLine {
  return {
    product_id: `p${vat_rate}`,
    barcode: null,
    name: `P ${vat_rate}`,
    unit_price_cents: cents,
    vat_rate,
    quantity: 1,
    line_total_cents: cents,
    ...extra,
  };
}

function sale(state: Sale['state'], provider: string, lines: SaleLine[]): Sale {
  const total = lines.reduce((s, l) => s + l.line_total_cents - (l.discount_cents ?? 0), 0);
  return {
    id: 's_20260504_7',
    number: 7,
    terminal_id: 'kiosk',
    provider,
    state,
    lines,
    total_cents: total,
    tendered_cents: null,
    change_cents: null,
    cashier: null,
    created_at: '2026-05-04T10:00:00.000Z',
    updated_at: '2026-05-04T10:00:00.000Z',
    reason: null,
    payment: {},
  };
}

test('a paid sale is a Beleg: gross per rate after discounts, cash as Bar, a card as Unbar', () => {
  const lines = [line(19, 1000, { discount_cents: 100 }), line(7, 250)];
  const cash = saleInput(sale('succeeded', 'cash', lines));
  assert.deepEqual(cash, {
    kind: 'Beleg',
    vat_gross_cents: [900, 250, 0, 0, 0],
    cash_cents: 1150,
    non_cash_cents: 0,
    process_data: 'Beleg^9.00_2.50_0.00_0.00_0.00^11.50:Bar',
  });
  const card = saleInput(sale('succeeded', 'fake_card', lines));
  assert.equal(card.process_data, 'Beleg^9.00_2.50_0.00_0.00_0.00^11.50:Unbar');
  assert.deepEqual([card.cash_cents, card.non_cash_cents], [0, 1150]);
});

test('a failed or cancelled sale is an AVBelegabbruch with its lines and no payment', () => {
  for (const state of ['failed', 'cancelled'] as const) {
    const input = saleInput(sale(state, 'fake_card', [line(19, 1250)]));
    assert.equal(input.kind, 'AVBelegabbruch');
    assert.deepEqual([input.cash_cents, input.non_cash_cents], [0, 0]);
    assert.equal(input.process_data, 'AVBelegabbruch^12.50_0.00_0.00_0.00_0.00^');
  }
});

test('a refund is a Beleg with negative amounts, Bar for cash, Unbar otherwise', () => {
  const refund = (provider: string): Refund => ({
    id: 'r_1',
    number: 1,
    sale_id: 's_20260504_7',
    sale_number: 7,
    provider,
    method: provider === 'cash' ? 'cash' : 'provider',
    lines: [
      {
        line_index: 0,
        product_id: 'p19',
        name: 'P',
        quantity: 1,
        unit_price_cents: 400,
        line_total_cents: 400,
        vat_rate: 19,
      },
      {
        line_index: 1,
        product_id: 'p7',
        name: 'Q',
        quantity: 2,
        unit_price_cents: 100,
        line_total_cents: 200,
        vat_rate: 7,
      },
    ],
    total_cents: 600,
    reason: '',
    by: null,
    created_at: '2026-05-04T11:00:00.000Z',
    payment: {},
  });
  assert.deepEqual(refundInput(refund('cash')), {
    kind: 'Beleg',
    vat_gross_cents: [-400, -200, 0, 0, 0],
    cash_cents: -600,
    non_cash_cents: 0,
    process_data: 'Beleg^-4.00_-2.00_0.00_0.00_0.00^-6.00:Bar',
  });
  assert.equal(
    refundInput(refund('sumup_solo')).process_data,
    'Beleg^-4.00_-2.00_0.00_0.00_0.00^-6.00:Unbar',
  );
});

const base: RecordBase = {
  provider: 'fake',
  process_type: 'Kassenbeleg-V1',
  process_data: 'Beleg^12.50_0.00_0.00_0.00_0.00^12.50:Bar',
  client_serial: 'CPOS-1',
};
const tx: TseTransaction = {
  number: 12,
  signature_counter: 34,
  signature: 'SIG',
  time_start: '2026-05-04T10:00:00.000Z',
  time_end: '2026-05-04T10:00:01.000Z',
  qr_code_data: null,
};
const described: TseDescription = {
  state: 'INITIALIZED',
  serial_number: 'TSE-SERIAL',
  public_key: 'PUB',
  signature_algorithm: 'ecdsa-plain-SHA256',
  time_format: 'unixTime',
  bsi_certificate_id: null,
  signature_counter: null,
  tss_id: null,
  client_id: null,
};

test('a signed record carries the signature and the TSE data; the QR code is built when the TSE gives none', () => {
  const record = signedRecord(base, tx, described);
  assert.equal(record.failed, false);
  assert.equal(record.error, null);
  assert.deepEqual(
    [record.serial_number, record.transaction_number, record.signature_counter, record.signature],
    ['TSE-SERIAL', 12, 34, 'SIG'],
  );
  assert.equal(
    record.qr_code_data,
    'V0;CPOS-1;Kassenbeleg-V1;Beleg^12.50_0.00_0.00_0.00_0.00^12.50:Bar;12;34;' +
      '2026-05-04T10:00:00.000Z;2026-05-04T10:00:01.000Z;ecdsa-plain-SHA256;unixTime;SIG;PUB',
  );
  const own = signedRecord(base, { ...tx, qr_code_data: 'FROM-TSE' }, described);
  assert.equal(own.qr_code_data, 'FROM-TSE', "the provider's own QR code wins");
});

test('an unsigned record keeps the process data, says failed with its code, and holds no signature', () => {
  const record = unsignedRecord(base, 'tse_timeout');
  assert.equal(record.failed, true);
  assert.equal(record.error, 'tse_timeout');
  assert.equal(record.process_data, base.process_data);
  assert.equal(record.client_serial, 'CPOS-1');
  for (const k of ['serial_number', 'signature', 'transaction_number', 'qr_code_data'] as const)
    assert.equal(record[k], null, k);
});
