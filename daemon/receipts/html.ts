/**
 * The public receipt page (GET /r/:token): the customer's copy, readable without login and
 * printable. It shows exactly the receipt model — no ids, no payment provider data, no links
 * into the rest of the POS.
 */
import type { Receipt } from '../protocol.js';
import { escapeHtml as e } from '../core/html.js';
import { localDateTime } from '../time.js';
import { formatCents, formatRate } from './model.js';

export function receiptPage(r: Receipt): string {
  const start = localDateTime(r.started_at, r.timezone);
  const end = localDateTime(r.ended_at, r.timezone);
  const title =
    r.kind === 'refund'
      ? `Refund R-${r.number} for receipt no. ${r.refers_to_sale_number}`
      : `Receipt no. ${r.number}`;
  const rows = r.lines
    .map(
      (l) =>
        `<tr><td class="q">${l.quantity}&times;</td><td>${e(l.name)}<div class="u">${l.quantity > 1 ? `${formatCents(l.unit_price_cents)} each` : ''}</div></td><td class="n">${formatCents(l.line_total_cents)}</td><td class="c">${e(l.vat_code)}</td></tr>`,
    )
    .join('');
  const vat = r.vat
    .map(
      (v) =>
        `<tr><td>${e(v.code)}</td><td>${e(formatRate(v.rate))}</td><td class="n">${formatCents(v.net_cents)}</td><td class="n">${formatCents(v.vat_cents)}</td><td class="n">${formatCents(v.gross_cents)}</td></tr>`,
    )
    .join('');
  const change =
    r.payment.tendered_cents !== null && r.payment.change_cents !== null
      ? `<tr><td>Given</td><td class="n">${formatCents(r.payment.tendered_cents)}</td></tr><tr><td>Change</td><td class="n">${formatCents(r.payment.change_cents)}</td></tr>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(r.shop.name)} – ${e(title)}</title>
<style>
body{font:16px/1.4 system-ui,sans-serif;color:#111;background:#f3f3f3;margin:0;padding:1rem}
main{max-width:26rem;margin:0 auto;background:#fff;padding:1.25rem 1.25rem 2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;text-align:center;margin:.2rem 0}
.addr,.foot{text-align:center;color:#444;margin:0}
h2{font-size:1.05rem;margin:1rem 0 .2rem}
table{width:100%;border-collapse:collapse}
td{padding:.15rem .2rem;vertical-align:top}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.q{white-space:nowrap;width:2.5rem}.c{width:1rem;color:#555}.u{font-size:.85em;color:#555}
.total td{font-weight:700;font-size:1.3rem;border-top:2px solid #111;padding-top:.4rem}
.vat{font-size:.85rem;color:#333}.vat td{border-top:1px solid #ddd}
.meta{color:#333;margin:.2rem 0}.refund{color:#a00}
button{margin:1.5rem auto 0;display:block;font:inherit;padding:.5rem 1.2rem}
@media print{body{background:#fff;padding:0}main{box-shadow:none;max-width:none}button{display:none}}
</style></head>
<body><main>
<h1>${e(r.shop.name)}</h1>
${r.shop.address_lines.map((l) => `<p class="addr">${e(l)}</p>`).join('\n')}
${r.shop.tax_id ? `<p class="addr">Tax ID ${e(r.shop.tax_id)}</p>` : ''}
<h2 class="${r.kind === 'refund' ? 'refund' : ''}">${e(title)}</h2>
<p class="meta">${e(start.date)} ${e(start.time)}${end.time !== start.time ? `–${e(end.time)}` : ''} (${e(r.timezone)})</p>
<p class="meta">Till ${e(r.terminal_id)}${r.cashier ? ` · Cashier ${e(r.cashier)}` : ''}</p>
<table class="lines">${rows}
<tr class="total"><td></td><td>${r.kind === 'refund' ? 'Refund' : 'Total'}</td><td class="n" colspan="2">${formatCents(r.total_cents)} ${e(r.currency)}</td></tr>
</table>
<table><tr><td>${e(r.payment.label)}</td><td class="n">${formatCents(r.total_cents)}</td></tr>${change}
${r.payment.reference ? `<tr><td>Reference</td><td class="n">${e(r.payment.reference)}</td></tr>` : ''}</table>
<h2>VAT</h2>
<table class="vat"><tr><td></td><td>Rate</td><td class="n">Net</td><td class="n">VAT</td><td class="n">Gross</td></tr>${vat}</table>
<p class="foot" style="margin-top:1rem">${e(r.shop.footer)}</p>
<button onclick="print()">Print</button>
</main></body></html>`;
}
