/**
 * The public receipt page (GET /r/:token): the customer's copy, readable without login and
 * printable, in the shop's language (money as 12,20 €, dates as dd.mm.yyyy on the shop's
 * clock). It shows exactly the receipt model — no ids, no payment provider data, no links
 * into the rest of the POS.
 */
import type { Receipt } from '../protocol.js';
import bwipjs from 'bwip-js';
import { escapeHtml as e } from '../core/html.js';
import { amount, dateTime, label, money, rate, type ShopLanguage } from './labels.js';

const STYLE = `body{font:16px/1.4 system-ui,sans-serif;color:#111;background:#f3f3f3;margin:0;padding:1rem}
main{max-width:26rem;margin:0 auto;background:#fff;padding:1.25rem 1.25rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;text-align:center;margin:.2rem 0}
.addr,.foot{text-align:center;color:#444;margin:0}
h2{font-size:1.05rem;margin:1rem 0 .2rem}
table{width:100%;border-collapse:collapse}
td,th{padding:.15rem .2rem;vertical-align:top;text-align:left;font-weight:400}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.q{white-space:nowrap;width:2.5rem}.c{width:1rem;color:#555}.u{font-size:.85em;color:#555}
.total td{font-weight:700;font-size:1.3rem;border-top:2px solid #111;padding-top:.4rem}
.vat{font-size:.85rem;color:#333}.vat td{border-top:1px solid #ddd}
.meta{color:#333;margin:.2rem 0}.refund{color:#a00}
.tse{font-size:.8rem;color:#333}.tse .w{word-break:break-all}.tsefail{font-weight:700;color:#a00;font-size:1rem}
.tseqr{max-width:12rem;margin:.5rem auto}.tseqr svg{width:100%;height:auto}
button{margin:1.5rem auto 0;display:block;font:inherit;padding:.5rem 1.2rem}
@media print{body{background:#fff;padding:0}main{box-shadow:none;max-width:none}button{display:none}}`;

function page(lang: ShopLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>
${STYLE}
</style></head>
<body><main>
${body}
</main></body></html>`;
}

/** The KassenSichV block: the TSE's answer, its QR code, the till serial and the software. */
function tseSection(r: Receipt): string {
  const lang = r.language;
  const L = (k: Parameters<typeof label>[1]) => e(label(lang, k));
  const t = r.tse;
  if (!t && !r.till_serial) return '';
  const row = (k: Parameters<typeof label>[1], v: string | number | null) =>
    v === null || v === '' ? '' : `<tr><td>${L(k)}</td><td class="w">${e(String(v))}</td></tr>`;
  let body = row('till_serial', r.till_serial);
  if (t?.failed)
    body += `<tr><td colspan="2" class="tsefail">${L('tse_failed')}</td></tr><tr><td colspan="2">${L('tse_failed_note')}</td></tr>`;
  else if (t) {
    body +=
      row('tse_serial', t.serial_number) +
      row('tse_tx', t.transaction_number) +
      row('tse_counter', t.signature_counter) +
      row('tse_start', t.time_start) +
      row('tse_end', t.time_end) +
      row('tse_algorithm', t.signature_algorithm) +
      row('tse_time_format', t.time_format) +
      row('tse_signature', t.signature) +
      row('tse_public_key', t.public_key);
  }
  body += row('software', r.software);
  const qr = t?.qr_code_data
    ? `<div class="tseqr">${bwipjs.toSVG({ bcid: 'qrcode', text: t.qr_code_data, eclevel: 'L' } as Parameters<typeof bwipjs.toSVG>[0])}</div>`
    : '';
  return `<h2>${L('tse_title')}</h2>\n<table class="tse">${body}</table>${qr}`;
}

export function receiptPage(r: Receipt): string {
  const lang = r.language;
  const L = (k: Parameters<typeof label>[1], v?: Record<string, string | number>) =>
    e(label(lang, k, v));
  const start = dateTime(r.started_at, r.timezone, lang);
  const end = dateTime(r.ended_at, r.timezone, lang);
  const title =
    r.kind === 'refund'
      ? L('refund_title', { n: r.number, sale: r.refers_to_sale_number ?? '' })
      : L('receipt_no', { n: r.number });
  const rows = r.lines
    .map((l) => {
      const name = l.kind === 'deposit_return' ? `${L('deposit_return')}: ${e(l.name)}` : e(l.name);
      const row = `<tr><td class="q">${l.quantity}&times;</td><td>${name}<div class="u">${l.quantity > 1 ? L('each', { price: amount(l.unit_price_cents, lang) }) : ''}</div></td><td class="n">${amount(l.line_total_cents, lang)}</td><td class="c">${e(l.vat_code)}</td></tr>`;
      if (!l.discount_cents) return row;
      // Original price, discount, new price.
      return `${row}<tr class="disc"><td></td><td>${L('discount')}</td><td class="n">${amount(-l.discount_cents, lang)}</td><td></td></tr><tr class="disc"><td></td><td>${L('discounted')}</td><td class="n">${amount(l.line_total_cents - l.discount_cents, lang)}</td><td></td></tr>`;
    })
    .join('');
  const vat = r.vat
    .map(
      (v) =>
        `<tr><td>${e(v.code)}</td><td>${e(rate(v.rate, lang))}</td><td class="n">${amount(v.net_cents, lang)}</td><td class="n">${amount(v.vat_cents, lang)}</td><td class="n">${amount(v.gross_cents, lang)}</td></tr>`,
    )
    .join('');
  const change =
    r.payment.tendered_cents !== null && r.payment.change_cents !== null
      ? `<tr><td>${L('given')}</td><td class="n">${amount(r.payment.tendered_cents, lang)}</td></tr><tr><td>${L('change')}</td><td class="n">${amount(r.payment.change_cents, lang)}</td></tr>`
      : '';
  return page(
    lang,
    `${e(r.shop.name)} – ${title}`,
    `<h1>${e(r.shop.name)}</h1>
${r.shop.address_lines.map((l) => `<p class="addr">${e(l)}</p>`).join('\n')}
${r.shop.tax_id ? `<p class="addr">${L('tax_id')} ${e(r.shop.tax_id)}</p>` : ''}
<h2 class="${r.kind === 'refund' ? 'refund' : ''}">${title}</h2>
<p class="meta">${e(start.date)} ${e(start.time)}${end.time !== start.time ? `–${e(end.time)}` : ''}</p>
<p class="meta">${e(r.terminal_name)}${r.cashier ? ` · ${L('cashier')} ${e(r.cashier)}` : ''}</p>
<table class="lines">${rows}
<tr class="total"><td></td><td>${r.kind === 'refund' ? L('refund_total_page') : L('total_page')}</td><td class="n" colspan="2">${e(money(r.total_cents, lang, r.currency))}</td></tr>
</table>
${
  r.payments?.length
    ? paymentsTable(r)
    : `<table><tr><td>${e(r.payment.label)}</td><td class="n">${amount(r.total_cents, lang)}</td></tr>${change}
${r.payment.reference ? `<tr><td>${L('reference')}</td><td class="n">${e(r.payment.reference)}</td></tr>` : ''}</table>`
}
${vouchersSection(r)}
<h2>${L('vat')}</h2>
<table class="vat"><tr><th></th><th>${L('rate')}</th><th class="n">${L('net')}</th><th class="n">${L('vat')}</th><th class="n">${L('gross')}</th></tr>${vat}</table>
${tseSection(r)}
<p class="foot" style="margin-top:1rem">${e(r.shop.footer)}</p>
<button onclick="print()">${L('print')}</button>`,
  );
}

/** Every payment of the sale with its tip, cash given and change, voucher rest. */
function paymentsTable(r: Receipt): string {
  const lang = r.language;
  const L = (k: Parameters<typeof label>[1], v?: Record<string, string | number>) =>
    e(label(lang, k, v));
  const row = (a: string, b: string) => `<tr><td>${a}</td><td class="n">${b}</td></tr>`;
  const rows = (r.payments ?? []).map((p) =>
    [
      row(e(p.label), amount(p.amount_cents + p.tip_cents, lang)),
      p.tip_cents > 0 ? row(`&nbsp;&nbsp;${L('tip')}`, amount(p.tip_cents, lang)) : '',
      p.tendered_cents !== null && p.change_cents !== null
        ? row(`&nbsp;&nbsp;${L('given')}`, amount(p.tendered_cents, lang)) +
          row(`&nbsp;&nbsp;${L('change')}`, amount(p.change_cents, lang))
        : '',
      p.voucher_code
        ? row(
            `&nbsp;&nbsp;${L('voucher_left', { code: p.voucher_code, amount: amount(p.voucher_balance_cents ?? 0, lang) })}`,
            '',
          )
        : '',
      p.reference ? row(`&nbsp;&nbsp;${L('reference')}`, e(p.reference)) : '',
    ].join(''),
  );
  return `<table class="payments">${rows.join('')}</table>`;
}

/** Vouchers sold: the code as a Code 128 barcode (bwip-js SVG) and as text. */
function vouchersSection(r: Receipt): string {
  return (r.vouchers ?? [])
    .map((v) => {
      const svg = bwipjs.toSVG({
        bcid: 'code128',
        text: v.code,
        height: 12,
        includetext: true,
      } as Parameters<typeof bwipjs.toSVG>[0]);
      return `<div class="voucher" style="text-align:center;margin:1rem 0"><p>${e(label(r.language, 'voucher_sold', { code: v.code }))} · ${amount(v.amount_cents, r.language)}</p><div style="max-width:18rem;margin:0 auto">${svg}</div></div>`;
    })
    .join('');
}

/** The answer for a receipt link that leads nowhere, in the shop's language. */
export function receiptNotFoundPage(lang: ShopLanguage): string {
  return page(lang, e(label(lang, 'not_found')), `<p>${e(label(lang, 'not_found'))}</p>`);
}
