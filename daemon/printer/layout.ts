/**
 * Paper layouts: receipts and the test page as printer bytes (closing reports:
 * report-layout.ts), through @point-of-sale/receipt-printer-encoder for the chosen printer
 * profile (ESC/POS, StarPRNT or StarLine; code page 858 for umlauts, ß and €; the printer's own
 * QR code command). The words are the shop's language (receipts/labels.ts). Widths are in
 * Font A columns: 58 mm paper prints 32 columns, 80 mm paper 48.
 */
import type { Receipt } from '../protocol.js';
import { amount, dateTime, label, money, rate, type ShopLanguage } from '../receipts/labels.js';
import { CODEPAGE, columns, newEncoder, type PaperWidth, type PrinterModel } from './profiles.js';

export { columns, type PaperWidth };

export interface PrintProfile {
  model: PrinterModel;
  width: PaperWidth;
}

/** Left text and right text on one line; the left side is cut to fit. */
export function twoCols(left: string, right: string, cols: number): string {
  const room = cols - right.length - 1;
  const l = left.length > room ? left.slice(0, Math.max(0, room)) : left;
  return l + ' '.repeat(Math.max(1, cols - l.length - right.length)) + right;
}

/** Splits text into lines of at most `cols` characters at spaces where possible. */
export function wrap(text: string, cols: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > cols) {
    let cut = rest.lastIndexOf(' ', cols);
    if (cut <= 0) cut = cols;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** A print job for the profile: the printer initialised, code page 858 selected. */
export function startJob(p: PrintProfile) {
  return newEncoder(p.model, p.width).initialize().codepage(CODEPAGE);
}

export interface ReceiptPrintOptions {
  profile: PrintProfile;
  /** Kick the cash drawer before printing: cash sales and cash refunds only. */
  drawer: boolean;
  /** Marks a reprint so a copy is never mistaken for the original. */
  copy?: boolean;
}

export function receiptBytes(r: Receipt, opts: ReceiptPrintOptions): Uint8Array {
  const lang = r.language;
  const L = (k: Parameters<typeof label>[1], v?: Record<string, string | number>) =>
    label(lang, k, v);
  const cols = columns(opts.profile.width);
  const rule = '-'.repeat(cols);
  const e = startJob(opts.profile);
  if (opts.drawer) e.pulse();
  e.align('center').bold(true).size(2, 2);
  for (const l of wrap(r.shop.name, Math.floor(cols / 2))) e.line(l);
  e.size(1, 1).bold(false);
  for (const l of r.shop.address_lines) e.line(l.slice(0, cols));
  if (r.shop.tax_id) e.line(`${L('tax_id')} ${r.shop.tax_id}`.slice(0, cols));
  if (opts.copy) e.bold(true).line(L('copy')).bold(false);
  e.align('left').line(rule);
  const from = dateTime(r.started_at, r.timezone, lang);
  const to = dateTime(r.ended_at, r.timezone, lang);
  if (r.kind === 'refund') {
    e.bold(true)
      .line(L('refund_short', { n: r.number }))
      .bold(false);
    e.line(L('for_receipt', { n: r.refers_to_sale_number ?? '' }));
  } else e.line(L('receipt_no', { n: r.number }));
  e.line(twoCols(from.date, from.time === to.time ? from.time : `${from.time}-${to.time}`, cols));
  e.line(twoCols(r.terminal_name, r.cashier ? `${L('cashier')} ${r.cashier}` : '', cols).trimEnd());
  e.line(rule);
  for (const l of r.lines) {
    const right = `${amount(l.line_total_cents, lang)} ${l.vat_code}`;
    const name = l.kind === 'deposit_return' ? `${L('deposit_return')}: ${l.name}` : l.name;
    if (l.quantity === 1) e.line(twoCols(name, right, cols));
    else {
      e.line(name.slice(0, cols));
      e.line(twoCols(`  ${l.quantity} x ${amount(l.unit_price_cents, lang)}`, right, cols));
    }
    if (l.discount_cents) {
      // Original price (above), discount, new price.
      e.line(twoCols(`  ${L('discount')}`, `${amount(-l.discount_cents, lang)}  `, cols));
      e.line(
        twoCols(
          `  ${L('discounted')}`,
          `${amount(l.line_total_cents - l.discount_cents, lang)}  `,
          cols,
        ),
      );
    }
  }
  e.line(rule);
  e.bold(true).size(1, 2);
  e.line(
    twoCols(
      r.kind === 'refund' ? L('refund_total') : L('total'),
      money(r.total_cents, lang, r.currency),
      cols,
    ),
  );
  e.size(1, 1).bold(false);
  // One payment without tip or voucher: printed as it always was.
  const plain =
    (r.payments?.length ?? 0) <= 1 && !r.payments?.some((p) => p.tip_cents > 0 || p.voucher_code);
  if (!plain) paymentLines(e, r, cols);
  else {
    e.line(twoCols(r.payment.label, amount(r.total_cents, lang), cols));
    if (r.payment.tendered_cents !== null && r.payment.change_cents !== null) {
      e.line(twoCols(L('given'), amount(r.payment.tendered_cents, lang), cols));
      e.line(twoCols(L('change'), amount(r.payment.change_cents, lang), cols));
    }
    if (r.payment.reference) e.line(`${L('reference')} ${r.payment.reference}`.slice(0, cols));
  }
  e.line(rule);
  for (const v of r.vouchers ?? []) {
    // The voucher's code as a barcode the till scans to redeem it (Code 128).
    e.align('center');
    e.line(label(lang, 'voucher_sold', { code: v.code }));
    e.barcode(v.code, 'code128', { height: 60, text: true });
    e.align('left');
    e.line(rule);
  }
  vatTable(e, r.vat, lang, cols, true);
  tseBlock(e, r, cols, opts.profile.width);
  if (r.url) {
    e.newline();
    e.align('center');
    e.qrcode(r.url, { model: 2, size: opts.profile.width === 58 ? 4 : 6, errorlevel: 'm' });
    e.line(L('scan_qr'));
  }
  e.align('center');
  for (const l of wrap(r.shop.footer, cols)) e.line(l);
  return e.align('left').cut('partial').encode();
}

type Encoder = ReturnType<typeof startJob>;

/** Each payment with its tip, cash given and change, a voucher's code and what is left on it. */
function paymentLines(e: Encoder, r: Receipt, cols: number): void {
  const lang = r.language;
  const L = (k: Parameters<typeof label>[1]) => label(lang, k);
  for (const p of r.payments ?? []) {
    e.line(twoCols(p.label, amount(p.amount_cents + p.tip_cents, lang), cols));
    if (p.tip_cents > 0) e.line(twoCols(`  ${L('tip')}`, amount(p.tip_cents, lang), cols));
    if (p.tendered_cents !== null && p.change_cents !== null) {
      e.line(twoCols(`  ${L('given')}`, amount(p.tendered_cents, lang), cols));
      e.line(twoCols(`  ${L('change')}`, amount(p.change_cents, lang), cols));
    }
    if (p.voucher_code)
      e.line(
        `  ${label(lang, 'voucher_left', { code: p.voucher_code, amount: amount(p.voucher_balance_cents ?? 0, lang) })}`.slice(
          0,
          cols,
        ),
      );
    if (p.reference) e.line(`  ${L('reference')} ${p.reference}`.slice(0, cols));
  }
}

/**
 * The KassenSichV block: till serial, the TSE's answer (serial, transaction, counter, times,
 * algorithm, time format, signature, public key) and the DSFinV-K QR code; in an outage a bold
 * "TSE ausgefallen". Long values are broken over lines, never cut.
 */
function tseBlock(e: Encoder, r: Receipt, cols: number, width: number): void {
  const lang = r.language;
  const t = r.tse;
  if (!t && !r.till_serial) return;
  e.line('-'.repeat(cols));
  const long = (name: string, value: string | null) => {
    if (!value) return;
    e.line(`${name}:`);
    for (let i = 0; i < value.length; i += cols) e.line(value.slice(i, i + cols));
  };
  const pair = (name: string, value: string | number | null) => {
    if (value === null || value === '') return;
    const v = String(value);
    if (name.length + v.length + 1 <= cols) e.line(twoCols(name, v, cols));
    else long(name, v);
  };
  if (t) e.bold(true).line(L(lang, 'tse_title')).bold(false);
  pair(L(lang, 'till_serial'), r.till_serial);
  if (t?.failed) {
    e.bold(true).size(1, 2).line(L(lang, 'tse_failed')).size(1, 1).bold(false);
    for (const l of wrap(L(lang, 'tse_failed_note'), cols)) e.line(l);
  } else if (t) {
    long(L(lang, 'tse_serial'), t.serial_number);
    pair(L(lang, 'tse_tx'), t.transaction_number);
    pair(L(lang, 'tse_counter'), t.signature_counter);
    pair(L(lang, 'tse_start'), t.time_start);
    pair(L(lang, 'tse_end'), t.time_end);
    pair(L(lang, 'tse_algorithm'), t.signature_algorithm);
    pair(L(lang, 'tse_time_format'), t.time_format);
    long(L(lang, 'tse_signature'), t.signature);
    long(L(lang, 'tse_public_key'), t.public_key);
    if (t.qr_code_data) {
      e.align('center');
      e.qrcode(t.qr_code_data, { model: 2, size: width === 58 ? 3 : 4, errorlevel: 'l' });
      e.align('left');
    }
  }
  pair(L(lang, 'software'), r.software);
}

/** One block per VAT rate: rate, net, VAT and gross, each on its own right-aligned column. */
export function vatTable(
  e: Encoder,
  rows: Array<{
    code?: string;
    rate: number;
    net_cents: number;
    vat_cents: number;
    gross_cents: number;
  }>,
  lang: ShopLanguage,
  cols: number,
  codes: boolean,
): void {
  const w = Math.floor((cols - 8) / 3);
  const pad = (s: string) => s.padStart(w);
  e.line(
    `${L(lang, 'rate').padEnd(8)}${pad(L(lang, 'net'))}${pad(L(lang, 'vat'))}${pad(L(lang, 'gross'))}`.slice(
      0,
      cols,
    ),
  );
  for (const v of rows) {
    const name = `${codes && v.code ? `${v.code} ` : ''}${rate(v.rate, lang)}`;
    e.line(
      `${name.padEnd(8)}${pad(amount(v.net_cents, lang))}${pad(amount(v.vat_cents, lang))}${pad(amount(v.gross_cents, lang))}`.slice(
        0,
        cols,
      ),
    );
  }
}

function L(
  lang: ShopLanguage,
  k: Parameters<typeof label>[1],
  v?: Record<string, string | number>,
) {
  return label(lang, k, v);
}

/** Drawer kick alone (manager's "open drawer"). */
export function drawerKickBytes(profile: PrintProfile): Uint8Array {
  return newEncoder(profile.model, profile.width).initialize().pulse().encode();
}

/** The settings page's test print: profile, paper, and the characters that must come out. */
export function testPageBytes(profile: PrintProfile, lang: ShopLanguage): Uint8Array {
  const cols = columns(profile.width);
  const e = startJob(profile);
  e.align('center').bold(true).size(2, 2).line('Counter POS').size(1, 1).bold(false);
  e.line(L(lang, 'test_title')).align('left').line('-'.repeat(cols));
  e.line(L(lang, 'test_profile', { model: profile.model }).slice(0, cols));
  e.line(L(lang, 'test_paper', { mm: profile.width, cols }).slice(0, cols));
  e.line('äöüß ÄÖÜ € 0123456789');
  e.line(money(1220, lang));
  e.line('1234567890'.repeat(10).slice(0, cols));
  return e.cut('partial').encode();
}
