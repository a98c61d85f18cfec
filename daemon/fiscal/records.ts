/**
 * What the TSE is asked to sign and what the journal keeps of its answer, as pure functions:
 *
 *   saleInput(sale)       a settled sale: `Beleg` when paid, `AVBelegabbruch` when not
 *   refundInput(refund)   a refund: its own `Beleg` with negative amounts
 *   signedRecord(...)     the TseRecord of a signature (the QR code built when the TSE gives none)
 *   unsignedRecord(...)   the TseRecord of a transaction left unsigned (outage), with its code
 */
import type { Refund, Sale, TseRecord } from '../protocol.js';
import { fiscalView, isCash, refundMoney, refundVoucherLines } from '../sale-payments.js';
import { grossByRate, processData, qrCodeData } from './process-data.js';
import type { FinishInput, TseDescription, TseTransaction } from './provider.js';

/** The fields every record of a key carries, signed or not. */
export type RecordBase = Pick<
  TseRecord,
  'provider' | 'process_type' | 'process_data' | 'client_serial'
>;

export function saleInput(sale: Sale): FinishInput {
  const paid = sale.state === 'succeeded';
  // Tips and voucher redemptions are lines of their own (sale-payments.ts fiscalView), so
  // the gross per rate adds up to the payments: Bar (cash) and Unbar (cards...), each part
  // with its tip; a voucher pays no Bar/Unbar, it is a negative line.
  const view = fiscalView(sale);
  const gross = grossByRate(
    view.lines.map((l) => ({ vat_rate: l.vat_rate, line_total_cents: l.gross_cents })),
  );
  let cash = 0;
  let nonCash = 0;
  for (const p of paid ? view.payments : []) {
    if (isCash(p.provider)) cash += p.amount_cents;
    else nonCash += p.amount_cents;
  }
  const kind = paid ? 'Beleg' : 'AVBelegabbruch';
  return {
    kind,
    vat_gross_cents: gross,
    cash_cents: cash,
    non_cash_cents: nonCash,
    process_data: processData(kind, gross, cash, nonCash),
  };
}

export function refundInput(refund: Refund): FinishInput {
  // Per part (split refunds): a voucher part takes its redemption back (a positive line in
  // its slot), cash parts are Bar, the others Unbar.
  const gross = grossByRate([
    ...refund.lines.map((l) => ({
      ...l,
      line_total_cents: -l.line_total_cents,
      discount_cents: -(l.discount_cents ?? 0),
    })),
    ...refundVoucherLines(refund).map((l) => ({
      vat_rate: l.vat_rate,
      line_total_cents: l.gross_cents,
    })),
  ]);
  const money = refundMoney(refund);
  // 0 - x, not -x: a refund without a cash (or card) part books 0, not -0.
  const cash = 0 - money.cash;
  const nonCash = 0 - money.nonCash;
  return {
    kind: 'Beleg',
    vat_gross_cents: gross,
    cash_cents: cash,
    non_cash_cents: nonCash,
    process_data: processData('Beleg', gross, cash, nonCash),
  };
}

export function signedRecord(base: RecordBase, tx: TseTransaction, d: TseDescription): TseRecord {
  return {
    ...base,
    serial_number: d.serial_number,
    signature_counter: tx.signature_counter,
    transaction_number: tx.number,
    time_start: tx.time_start,
    time_end: tx.time_end,
    signature: tx.signature,
    signature_algorithm: d.signature_algorithm,
    time_format: d.time_format,
    public_key: d.public_key,
    qr_code_data:
      tx.qr_code_data ??
      qrCodeData({
        client_serial: base.client_serial,
        process_data: base.process_data,
        transaction_number: tx.number,
        signature_counter: tx.signature_counter,
        time_start: tx.time_start,
        time_end: tx.time_end,
        signature_algorithm: d.signature_algorithm ?? '',
        time_format: d.time_format ?? '',
        signature: tx.signature,
        public_key: d.public_key ?? '',
      }),
    failed: false,
    error: null,
  };
}

export function unsignedRecord(base: RecordBase, code: string): TseRecord {
  return {
    ...base,
    serial_number: null,
    signature_counter: null,
    transaction_number: null,
    time_start: null,
    time_end: null,
    signature: null,
    signature_algorithm: null,
    time_format: null,
    public_key: null,
    qr_code_data: null,
    failed: true,
    error: code,
  };
}
