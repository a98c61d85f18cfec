import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { DailyReport, Sale, ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController, type MessageKey } from '../lib/i18n.js';
import { formatMoney, formatTime, isoDateIn } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { providerLabel } from '../lib/providers.js';
import { pageStyles } from './admin-styles.js';
import './admin-hour-chart.js';
import './admin-sale-detail.js';

/**
 * Sales of one day (day picker, default today in TIMEZONE): the list with state and provider,
 * a sale's detail with refunds (whole sale or chosen lines; the daemon asks for a manager),
 * and the day report (revenue per hour chart, totals per provider).
 */
@customElement('admin-sales')
export class AdminSales extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: 14px;
        align-items: start;
      }
      @media (max-width: 900px) {
        .layout {
          grid-template-columns: 1fr;
        }
      }
      tr.selected td {
        background: var(--pos-highlight);
      }
      tbody tr {
        cursor: pointer;
      }
      .state-failed,
      .state-cancelled {
        color: var(--pos-danger);
      }
      .state-succeeded {
        color: var(--pos-success);
      }
      .kpis {
        display: flex;
        gap: 18px;
        flex-wrap: wrap;
        font-size: 1.1rem;
      }
      .kpis strong {
        font-size: 1.5rem;
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @property() timezone = 'Europe/Berlin';
  @state() private date = '';
  @state() private sales: Sale[] = [];
  @state() private report: DailyReport | null = null;
  @state() private selected: Sale | null = null;
  @state() private error = '';
  private seq = 0;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.date = isoDateIn(new Date(), this.timezone);
    void this.load();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (
      changed.has('live') &&
      this.live?.type === 'payment.updated' &&
      this.live.sale.state !== 'pending'
    )
      void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    this.error = '';
    try {
      const [sales, report] = await Promise.all([
        api.listSales(this.date),
        api.dailyReport(this.date),
      ]);
      if (seq !== this.seq) return;
      this.sales = sales;
      this.report = report;
      if (this.selected) this.selected = sales.find((s) => s.id === this.selected?.id) ?? null;
    } catch (err) {
      if (seq === this.seq) this.error = errorText(err);
    }
  }

  override render() {
    const money = (c: number) => formatMoney(c, lang());
    const tz = this.report?.timezone ?? this.timezone;
    return html`
      <h2>${t('nav.sales')}</h2>
      <div class="toolbar">
        <label class="field"
          >${t('sales.day')}
          <input
            type="date"
            .value=${this.date}
            @change=${(e: Event) => {
              const v = (e.target as HTMLInputElement).value;
              if (!v) return;
              this.date = v;
              this.selected = null;
              void this.load();
            }}
        /></label>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <div class="layout">
        <section aria-label=${t('nav.sales')}>
          ${
            this.sales.length === 0
              ? html`<p class="muted">${t('sales.none')}</p>`
              : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th class="num">${t('sales.number')}</th>
                        <th>${t('sales.time')}</th>
                        <th>${t('sales.terminal')}</th>
                        <th>${t('sales.provider')}</th>
                        <th>${t('sales.state')}</th>
                        <th class="num">${t('sales.total')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${repeat(
                        this.sales,
                        (s) => s.id,
                        (s) =>
                          html`<tr
                            class=${this.selected?.id === s.id ? 'selected' : ''}
                            @click=${() => (this.selected = s)}
                          >
                            <td class="num">
                              <button
                                aria-label=${t('sales.detail', { n: s.number })}
                                @click=${(e: Event) => {
                                  e.stopPropagation();
                                  this.selected = s;
                                }}
                              >
                                ${s.number}
                              </button>
                            </td>
                            <td>${formatTime(s.created_at, lang(), tz)}</td>
                            <td>${s.terminal_id}</td>
                            <td>${providerLabel(s.provider, lang())}</td>
                            <td class="state-${s.state}">${t(`state.${s.state}` as MessageKey)}</td>
                            <td class="num">${money(s.total_cents)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }
          ${
            this.selected
              ? html`<admin-sale-detail
                  .sale=${this.selected}
                  .timezone=${tz}
                  @admin-sale-changed=${() => void this.load()}
                ></admin-sale-detail>`
              : ''
          }
        </section>
        <section aria-labelledby="report-h">${this.renderReport()}</section>
      </div>
    `;
  }

  private renderReport() {
    const r = this.report;
    const money = (c: number) => formatMoney(c, lang());
    if (!r) return html`<h3 id="report-h">${t('sales.report')}</h3>`;
    return html`<div class="card" data-testid="day-report">
      <h3 id="report-h">${t('sales.report')}</h3>
      <div class="kpis">
        <div><strong data-testid="report-total">${money(r.total_cents)}</strong></div>
        <div>${t('sales.count', { n: r.sale_count })}</div>
        <div class="muted">
          ${t('sales.failed_cancelled', { failed: r.failed_count, cancelled: r.cancelled_count })}
        </div>
      </div>
      <h4>${t('sales.revenue_per_hour')}</h4>
      <admin-hour-chart .byHour=${r.by_hour}></admin-hour-chart>
      <h4>${t('sales.by_provider')}</h4>
      <div class="table-wrap">
        <table>
          <tbody>
            ${r.by_provider.map(
              (p) =>
                html`<tr>
                  <td>${providerLabel(p.provider, lang())}</td>
                  <td class="num">${p.count}</td>
                  <td class="num">${money(p.total_cents)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>`;
  }
}
