/**
 * DSFinV-K facts for the TSE: the process data of a Kassenbeleg-V1 transaction and the receipt
 * QR code.
 *
 *   process data  `<Vorgangstyp>^<gross 19 %>_<7 %>_<10.7 %>_<5.5 %>_<0 %>^<amount>:Bar_<amount>:Unbar`
 *                 amounts with two decimals and a point, payments only when not zero
 *   QR code       `V0;<till serial>;Kassenbeleg-V1;<process data>;<tx number>;<signature counter>;
 *                  <start>;<end>;<algorithm>;<time format>;<signature>;<public key>`
 */
import type { SaleLine } from '../protocol.js';

export const PROCESS_TYPE = 'Kassenbeleg-V1';

/** The five rates in the DSFinV-K order (percent). */
export const RATE_ORDER = [19, 7, 10.7, 5.5, 0] as const;

/** Index of a VAT rate in RATE_ORDER; other rates count as the nearest German slot (never). */
export function rateSlot(rate: number): number {
  const r = Math.round(rate * 100) / 100;
  const i = RATE_ORDER.findIndex((x) => x === r);
  if (i >= 0) return i;
  // A rate outside the German ones (a shop outside Germany runs `off`): the normal rate.
  return r === 0 ? 4 : 0;
}

/** 1234 → "12.34", -50 → "-0.50". */
export function decimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export type FiveAmounts = [number, number, number, number, number];

/**
 * Gross cents per DSFinV-K rate slot, after discounts (deposit lines in their own rate's slot,
 * a returned deposit negative); `sign` -1 for refunds.
 */
export function grossByRate(
  lines: Array<Pick<SaleLine, 'vat_rate' | 'line_total_cents' | 'discount_cents'>>,
  sign = 1,
): FiveAmounts {
  const out: FiveAmounts = [0, 0, 0, 0, 0];
  for (const l of lines)
    out[rateSlot(l.vat_rate)] += sign * (l.line_total_cents - (l.discount_cents ?? 0));
  return out;
}

export function processData(
  kind: 'Beleg' | 'AVBelegabbruch',
  gross: FiveAmounts,
  cashCents: number,
  nonCashCents: number,
): string {
  const payments: string[] = [];
  if (cashCents !== 0) payments.push(`${decimal(cashCents)}:Bar`);
  if (nonCashCents !== 0) payments.push(`${decimal(nonCashCents)}:Unbar`);
  return `${kind}^${gross.map(decimal).join('_')}^${payments.join('_')}`;
}

/** The QR code content of a signed receipt (DSFinV-K, Anhang I). */
export function qrCodeData(f: {
  client_serial: string;
  process_data: string;
  transaction_number: number;
  signature_counter: number;
  time_start: string;
  time_end: string;
  signature_algorithm: string;
  time_format: string;
  signature: string;
  public_key: string;
}): string {
  return [
    'V0',
    f.client_serial,
    PROCESS_TYPE,
    f.process_data,
    f.transaction_number,
    f.signature_counter,
    f.time_start,
    f.time_end,
    f.signature_algorithm,
    f.time_format,
    f.signature,
    f.public_key,
  ].join(';');
}
