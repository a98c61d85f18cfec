import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { PrintResult, ServerMessage, XReport, ZReport } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText, printNotice } from '../lib/errors.js';
import { t, tn, lang, I18nController } from '../lib/i18n.js';
import { formatDateTime, formatMoney } from '../lib/format.js';
import { differenceKind } from '../lib/closing.js';
import { newIdempotencyKey } from '../lib/payment.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import { closingStyles } from './admin-closing-styles.js';
import { hasStart, movementTable, periodSummary } from './admin-closing-parts.js';
import type { AdminCashCount, CloseDayDetail } from './admin-cash-count.js';
import './admin-cash-count.js';
import './admin-cash-movements.js';

/**
 * Day closing (Tagesabschluss): the X report of the open period (expected cash), cash
 * movements in and out, the Z report (drawer counted by note and coin or as one total,
 * expected vs counted and the difference, confirm), the numbered result printable in the
 * browser and on the receipt printer, and the list of past Z reports. The daemon decides who
 * may do this (manager or admin).
 */
@customElement('admin-closing')
export class AdminClosing extends LitElement {
  static override styles = [tokens, controls, pageStyles, closingStyles];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @property() timezone = 'Europe/Berlin';
  @state() private x: XReport | null = null;
  @state() private zList: api.ZReportEntry[] = [];
  @state() private openingFloat = 0;
  @state() private error = '';
  @state() private notice = '';
  @state() private busy = false;
  /** Print-on-printer buttons only where a printer is set up (issue 14.2: no printer, no word of it). */
  @state() private printer = false;
  /** The Z report on show: just closed, or picked from the list. */
  @state() private z: ZReport | null = null;
  @query('admin-cash-count') private countForm?: AdminCashCount;
  private zKey = newIdempotencyKey();
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
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

  private get currency(): string {
    return this.x?.currency ?? 'EUR';
  }

  private money(c: number): string {
    return formatMoney(c, lang(), this.currency);
  }

  private async load(): Promise<void> {
    try {
      const [x, list, printer] = await Promise.all([
        api.xReport(),
        api.listZReports(),
        api.printerStatus().catch(() => null),
      ]);
      this.printer = printer?.configured ?? false;
      this.x = x;
      this.zList = [...list.z_reports].sort((a, b) => b.number - a.number);
      this.openingFloat = list.opening_float_cents;
      this.error = '';
    } catch (err) {
      this.error = t('common.error', { message: errorText(err) });
    }
  }

  private async close(count: CloseDayDetail): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const res = await api.closeDay({ ...count, idempotency_key: this.zKey });
      this.z = res.z;
      this.zKey = newIdempotencyKey();
      this.countForm?.reset();
      const said = printNotice(res.print);
      this.notice = said ? tn(said) : '';
      await this.load();
    } catch (err) {
      // A network error keeps the key: closing again cannot close twice.
      if (!(err instanceof api.ApiRequestError && err.code === 'network'))
        this.zKey = newIdempotencyKey();
      this.error = t('closing.z_failed', { message: errorText(err) });
    } finally {
      this.busy = false;
    }
  }

  private async print(run: () => Promise<PrintResult>) {
    try {
      const r = await run();
      this.notice = tn(printNotice(r) ?? { key: 'err.printer_not_configured' });
    } catch (err) {
      this.notice = t('common.error', { message: errorText(err) });
    }
  }

  private async showZ(n: number): Promise<void> {
    try {
      this.z = await api.getZReport(n);
      await this.updateComplete;
      this.renderRoot.querySelector('.z-view')?.scrollIntoView({ block: 'start' });
    } catch (err) {
      this.error = t('common.error', { message: errorText(err) });
    }
  }

  override render() {
    return html`
      <h2>${t('nav.closing')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="notice no-print" role="status">${this.notice}</p>` : nothing}
      <div class="cols">
        ${this.z ? this.renderZ(this.z) : nothing}
        <section class="card" data-testid="x-report">${this.renderX()}</section>
        <section class="card" data-testid="z-form">
          <admin-cash-count
            .currency=${this.currency}
            .expected=${this.x ? this.x.cash.expected_cents : null}
            .openingFloat=${this.openingFloat}
            ?busy=${this.busy}
            @admin-close-day=${(e: CustomEvent<CloseDayDetail>) => void this.close(e.detail)}
          ></admin-cash-count>
        </section>
        <section class="card">
          <admin-cash-movements
            .report=${this.x}
            .timezone=${this.timezone}
            @admin-closing-changed=${() => void this.load()}
          ></admin-cash-movements>
        </section>
        <section class="card">${this.renderList()}</section>
      </div>
    `;
  }

  private renderX() {
    const x = this.x;
    if (!x)
      return html`<h3>${t('closing.x_title')}</h3>
        <p>${t('common.loading')}</p>`;
    const tz = x.timezone || this.timezone;
    return html`<h3>${t('closing.x_title')}</h3>
      <p class="muted">
        ${
          hasStart(x.period_start)
            ? t('closing.since', { time: formatDateTime(x.period_start, lang(), tz) })
            : t('closing.since_start')
        }
      </p>
      ${periodSummary(x, (c) => this.money(c))}
      <div class="row no-print">
        <button @click=${() => void this.load()}>${t('closing.refresh')}</button>
        ${
          this.printer
            ? html`<button @click=${() => void this.print(api.printXReport)}>
                ${t('closing.print_x')}
              </button>`
            : nothing
        }
      </div>`;
  }
  private renderZ(z: ZReport) {
    const tz = z.timezone || this.timezone;
    const kind = differenceKind(z.difference_cents);
    return html`<section class="card z-view" data-testid="z-report" style="grid-column: 1 / -1">
      <h3 class="z-number">${t('closing.z_number', { n: z.number })}</h3>
      <p>
        ${
          hasStart(z.period_start)
            ? t('closing.period', {
                from: formatDateTime(z.period_start, lang(), tz),
                to: formatDateTime(z.at, lang(), tz),
              })
            : t('closing.period_first', { to: formatDateTime(z.at, lang(), tz) })
        }
        ${z.closed_by ? html` · ${z.closed_by}` : nothing}
      </p>
      <div class="recon">
        <div>${t('closing.expected')}<strong>${this.money(z.cash.expected_cents)}</strong></div>
        <div>${t('closing.counted')}<strong>${this.money(z.counted_cents)}</strong></div>
        <div class=${kind} data-testid="z-difference">
          ${t('closing.difference')}
          <strong>${(z.difference_cents > 0 ? '+' : '') + this.money(z.difference_cents)}</strong>
          ${t(`closing.diff_${kind}` as 'closing.diff_missing')}
        </div>
      </div>
      ${periodSummary(z, (c) => this.money(c))}
      ${
        z.movements.length
          ? html`<h4>${t('closing.movements')}</h4>
              ${movementTable(z, (c) => this.money(c), this.timezone)}`
          : nothing
      }
      <p>
        ${t('closing.next_float')}: ${this.money(z.next_float_cents)} · ${t('closing.taken_out')}:
        ${this.money(z.counted_cents - z.next_float_cents)}
      </p>
      <div class="row no-print">
        <button @click=${() => window.print()}>${t('closing.print_view')}</button>
        ${
          this.printer
            ? html`<button @click=${() => void this.print(() => api.printZReport(z.number))}>
                ${t('closing.print_printer')}
              </button>`
            : nothing
        }
        <button @click=${() => (this.z = null)}>${t('common.close')}</button>
      </div>
    </section>`;
  }
  private renderList() {
    return html`<h3>${t('closing.past')}</h3>
      ${
        this.zList.length === 0
          ? html`<p class="muted">${t('closing.none')}</p>`
          : html`<div class="table-wrap">
              <table>
                <tbody>
                  ${this.zList.map(
                    (e) =>
                      html`<tr>
                        <td>${t('closing.z_number', { n: e.number })}</td>
                        <td>${formatDateTime(e.at, lang(), this.timezone)}</td>
                        <td class="num">
                          <button @click=${() => void this.showZ(e.number)}>
                            ${t('closing.show')}
                          </button>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`;
  }
}
