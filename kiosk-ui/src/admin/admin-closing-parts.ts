/**
 * Pieces the X report, the Z report and the movements card share: the period summary (sales,
 * refunds, per payment type, the cash reconciliation) and the table of cash movements. Plain
 * template functions, so they render inside the page's own styles.
 */
import { html, nothing } from 'lit';
import type { XReport } from '../../../daemon/protocol.js';
import { t, lang } from '../lib/i18n.js';
import { formatDateTime } from '../lib/format.js';
import { providerLabel } from '../lib/providers.js';

type Money = (cents: number) => string;

/** "19 %", "7 %", "8,1 %" in the UI language. */
function formatRate(rate: number): string {
  return `${new Intl.NumberFormat(lang() === 'de' ? 'de-DE' : 'en-GB').format(rate)} %`;
}

/** The first period starts at the epoch (no Z report yet): show "since the first sale". */
export function hasStart(iso: string): boolean {
  return !!iso && Date.parse(iso) > 0;
}

export function periodSummary(r: XReport, money: Money) {
  const c = r.cash;
  return html`<div class="table-wrap">
      <table>
        <tbody>
          <tr>
            <td>${t('closing.sales', { n: r.sale_count })}</td>
            <td class="num">${money(r.sales_total_cents)}</td>
          </tr>
          <tr>
            <td>${t('closing.refunds', { n: r.refund_count })}</td>
            <td class="num">${money(r.refunds_total_cents ? -r.refunds_total_cents : 0)}</td>
          </tr>
          ${r.by_provider.map(
            (p) =>
              html`<tr>
                <td>· ${providerLabel(p.provider, lang())}</td>
                <td class="num">${money(p.sales_cents - p.refunds_cents)}</td>
              </tr>`,
          )}
          ${
            r.deposits && (r.deposits.sold_count || r.deposits.returned_count)
              ? html`<tr data-testid="x-deposits-sold">
                    <td>${t('closing.deposits_sold', { n: r.deposits.sold_count })}</td>
                    <td class="num">${money(r.deposits.sold_cents)}</td>
                  </tr>
                  <tr data-testid="x-deposits-returned">
                    <td>${t('closing.deposits_returned', { n: r.deposits.returned_count })}</td>
                    <td class="num">${money(-r.deposits.returned_cents)}</td>
                  </tr>`
              : ''
          }
          ${
            r.discounts_cents
              ? html`<tr data-testid="x-discounts">
                  <td>${t('closing.discounts')}</td>
                  <td class="num">${money(-r.discounts_cents)}</td>
                </tr>`
              : ''
          }
        </tbody>
      </table>
    </div>
    <h4>${t('closing.vat_title')}</h4>
    <div class="table-wrap">
      <table data-testid="vat-table">
        <thead>
          <tr>
            <th>${t('closing.vat_rate')}</th>
            <th class="num">${t('closing.vat_net')}</th>
            <th class="num">${t('closing.vat_amount')}</th>
            <th class="num">${t('closing.vat_gross')}</th>
          </tr>
        </thead>
        <tbody>
          ${r.vat.map(
            (v) =>
              html`<tr>
                <td>${formatRate(v.rate)}</td>
                <td class="num">${money(v.net_cents)}</td>
                <td class="num">${money(v.vat_cents)}</td>
                <td class="num">${money(v.gross_cents)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h4>${t('closing.cash')}</h4>
    <div class="table-wrap">
      <table>
        <tbody>
          <tr>
            <td>${t('closing.opening_float')}</td>
            <td class="num">${money(c.opening_float_cents)}</td>
          </tr>
          <tr>
            <td>+ ${t('closing.cash_sales')}</td>
            <td class="num">${money(c.cash_sales_cents)}</td>
          </tr>
          <tr>
            <td>− ${t('closing.cash_refunds')}</td>
            <td class="num">${money(c.cash_refunds_cents)}</td>
          </tr>
          <tr>
            <td>− ${t('closing.payouts')}</td>
            <td class="num">${money(c.payouts_cents)}</td>
          </tr>
          <tr>
            <td>+ ${t('closing.pay_ins')}</td>
            <td class="num">${money(c.pay_ins_cents)}</td>
          </tr>
          <tr>
            <th>${t('closing.expected')}</th>
            <th class="num" data-testid="expected">${money(c.expected_cents)}</th>
          </tr>
        </tbody>
      </table>
    </div>
    ${
      r.pending_count > 0
        ? html`<p class="notice">${t('closing.pending', { n: r.pending_count })}</p>`
        : nothing
    }`;
}

export function movementTable(r: XReport, money: Money, timezone: string) {
  return html`<div class="table-wrap">
    <table aria-label=${t('closing.movements')}>
      <tbody>
        ${r.movements.map(
          (m) =>
            html`<tr>
              <td>${formatDateTime(m.at, lang(), r.timezone || timezone)}</td>
              <td>${m.kind === 'payout' ? t('closing.payout') : t('closing.pay_in')}</td>
              <td>${m.reason}</td>
              <td class="num">${money(m.kind === 'payout' ? -m.amount_cents : m.amount_cents)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
