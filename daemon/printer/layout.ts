/**
 * Paper layouts: receipts and closing reports as ESC/POS bytes. Widths are in Font A columns:
 * 58 mm paper prints 32 columns (384 dots / 12), 80 mm paper 48 columns (576 dots / 12).
 */
import type { Receipt, XReport, ZReport } from '../protocol.js';
import { formatCents, formatRate } from '../receipts/model.js';
import { localDateTime } from '../time.js';
import { EscPos } from './escpos.js';

export type PaperWidth = 58 | 80;

export function columns(width: PaperWidth): number {
  return width === 58 ? 32 : 48;
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

export interface ReceiptPrintOptions {
  width: PaperWidth;
  /** Kick the cash drawer (ESC p) before printing: cash sales and cash refunds only. */
  drawer: boolean;
  /** Marks a reprint so a copy is never mistaken for the original. */
  copy?: boolean;
}

export function receiptBytes(r: Receipt, opts: ReceiptPrintOptions): Buffer {
  const cols = columns(opts.width);
  const rule = '-'.repeat(cols);
  const p = new EscPos().init();
  if (opts.drawer) p.drawerKick();
  p.align('center').bold(true).size(2, 2);
  for (const l of wrap(r.shop.name, Math.floor(cols / 2))) p.line(l);
  p.size(1, 1).bold(false);
  for (const l of r.shop.address_lines) p.line(l.slice(0, cols));
  if (r.shop.tax_id) p.line(`Tax ID ${r.shop.tax_id}`.slice(0, cols));
  if (opts.copy) p.bold(true).line('*** COPY ***').bold(false);
  p.align('left').line(rule);
  const start = localDateTime(r.started_at, r.timezone);
  const end = localDateTime(r.ended_at, r.timezone);
  if (r.kind === 'refund') {
    p.bold(true).line(`REFUND R-${r.number}`).bold(false);
    p.line(`for receipt no. ${r.refers_to_sale_number}`);
  } else p.line(`Receipt no. ${r.number}`);
  p.line(
    twoCols(start.date, start.time === end.time ? start.time : `${start.time}-${end.time}`, cols),
  );
  p.line(twoCols(`Till ${r.terminal_id}`, r.cashier ? `Cashier ${r.cashier}` : '', cols).trimEnd());
  p.line(rule);
  for (const l of r.lines) {
    const amount = `${formatCents(l.line_total_cents)} ${l.vat_code}`;
    if (l.quantity === 1) p.line(twoCols(l.name, amount, cols));
    else {
      p.line(l.name.slice(0, cols));
      p.line(twoCols(`  ${l.quantity} x ${formatCents(l.unit_price_cents)}`, amount, cols));
    }
  }
  p.line(rule);
  p.bold(true).size(1, 2);
  p.line(
    twoCols(
      r.kind === 'refund' ? 'REFUND' : 'TOTAL',
      `${formatCents(r.total_cents)} ${r.currency}`,
      cols,
    ),
  );
  p.size(1, 1).bold(false);
  p.line(twoCols(r.payment.label, formatCents(r.total_cents), cols));
  if (r.payment.tendered_cents !== null && r.payment.change_cents !== null) {
    p.line(twoCols('Given', formatCents(r.payment.tendered_cents), cols));
    p.line(twoCols('Change', formatCents(r.payment.change_cents), cols));
  }
  if (r.payment.reference) p.line(`Ref. ${r.payment.reference}`.slice(0, cols));
  p.line(rule);
  for (const v of r.vat) {
    p.line(twoCols(`${v.code} VAT ${formatRate(v.rate)}`, `net ${formatCents(v.net_cents)}`, cols));
    p.line(
      twoCols('', `VAT ${formatCents(v.vat_cents)}  gross ${formatCents(v.gross_cents)}`, cols),
    );
  }
  if (r.url) {
    p.align('center').feed(1);
    p.qr(r.url, { moduleSize: opts.width === 58 ? 4 : 6, errorLevel: 'M' });
    p.line('Scan for your digital receipt');
  }
  p.align('center');
  for (const l of wrap(r.shop.footer, cols)) p.line(l);
  return p.align('left').cut(3).bytes();
}

/** Drawer kick alone (manager's "open drawer"). */
export function drawerKickBytes(): Buffer {
  return new EscPos().init().drawerKick().bytes();
}

export function reportBytes(r: XReport | ZReport, width: PaperWidth, shopName: string): Buffer {
  const cols = columns(width);
  const rule = '-'.repeat(cols);
  const row = (l: string, cents: number) => p.line(twoCols(l, formatCents(cents), cols));
  const p = new EscPos().init().align('center').bold(true).size(2, 2);
  const z = 'number' in r ? (r as ZReport) : null;
  p.line(z ? `Z REPORT ${z.number}` : 'X REPORT')
    .size(1, 1)
    .bold(false);
  p.line(shopName.slice(0, cols)).align('left').line(rule);
  const from = localDateTime(r.period_start, r.timezone);
  const to = localDateTime(r.at, r.timezone);
  p.line(twoCols('From', `${from.date} ${from.time}`, cols));
  p.line(twoCols('To', `${to.date} ${to.time}`, cols));
  p.line(rule);
  p.line(twoCols(`Sales (${r.sale_count})`, formatCents(r.sales_total_cents), cols));
  p.line(twoCols(`Refunds (${r.refund_count})`, formatCents(-r.refunds_total_cents), cols));
  for (const b of r.by_provider) {
    p.line(twoCols(`  ${b.provider}`, formatCents(b.sales_cents - b.refunds_cents), cols));
  }
  p.line(rule);
  for (const v of r.vat) {
    p.line(twoCols(`VAT ${formatRate(v.rate)} gross`, formatCents(v.gross_cents), cols));
    p.line(
      twoCols(`  net / VAT`, `${formatCents(v.net_cents)} / ${formatCents(v.vat_cents)}`, cols),
    );
  }
  p.line(rule).bold(true).line('CASH').bold(false);
  row('Opening float', r.cash.opening_float_cents);
  row('+ Cash sales', r.cash.cash_sales_cents);
  row('- Cash refunds', r.cash.cash_refunds_cents);
  row('- Payouts', r.cash.payouts_cents);
  row('+ Pay-ins', r.cash.pay_ins_cents);
  p.bold(true);
  row('= Expected', r.cash.expected_cents);
  p.bold(false);
  if (z) {
    if (z.denominations) {
      for (const [value, count] of Object.entries(z.denominations).sort(
        (a, b) => Number(b[0]) - Number(a[0]),
      )) {
        if (count > 0) row(`  ${count} x ${formatCents(Number(value))}`, Number(value) * count);
      }
    }
    row('Counted', z.counted_cents);
    p.bold(true).size(1, 2);
    row('Difference', z.difference_cents);
    p.size(1, 1).bold(false);
    row('Next opening float', z.next_float_cents);
    row('Taken out', z.counted_cents - z.next_float_cents);
  }
  if (r.pending_count > 0) p.line(`${r.pending_count} payment(s) still pending`);
  return p.cut(3).bytes();
}
