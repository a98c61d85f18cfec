import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ServerMessage, XReport, ZReport } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatDateTime, formatMoney, localeFor, parseEuroInput } from '../lib/format.js';
import {
  countTotal,
  denominationsBody,
  denominationsFor,
  difference,
  differenceKind,
  isNote,
  setCount,
  type DrawerCount,
} from '../lib/closing.js';
import { providerLabel } from '../lib/providers.js';
import { newIdempotencyKey } from '../lib/payment.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import '../components/pos-confirm-dialog.js';

/**
 * Day closing (Tagesabschluss): the X report of the open period (expected cash), cash
 * movements in and out, the Z report (drawer counted by note and coin or as one total,
 * expected vs counted and the difference, confirm), the numbered result printable in the
 * browser and on the receipt printer, and the list of past Z reports. The daemon decides who
 * may do this (manager or admin).
 */
@customElement('admin-closing')
export class AdminClosing extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        gap: 8px;
      }
      .denom {
        display: grid;
        grid-template-columns: 44px 1fr 44px;
        grid-template-rows: auto auto;
        gap: 2px 4px;
        align-items: center;
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        padding: 6px;
        background: #fafbfc;
      }
      .denom.note {
        background: #eef4ff;
      }
      .denom .value {
        grid-column: 1 / -1;
        font-weight: 700;
        display: flex;
        justify-content: space-between;
      }
      .denom .value span {
        font-weight: 400;
        color: var(--pos-muted);
        font-variant-numeric: tabular-nums;
      }
      .denom input {
        width: 100%;
        min-height: 44px;
        text-align: center;
        font-size: 1.15rem;
      }
      .denom button {
        min-height: 44px;
        padding: 0;
        font-size: 1.3rem;
      }
      .recon {
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 8px;
        text-align: center;
        margin: 12px 0;
      }
      .recon div {
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        padding: 8px;
      }
      .recon strong {
        display: block;
        font-size: 1.5rem;
        font-variant-numeric: tabular-nums;
      }
      .recon .missing {
        background: #fde8e8;
        color: var(--pos-danger);
      }
      .recon .over {
        background: var(--pos-warning-bg);
        color: var(--pos-warning-fg);
      }
      .recon .balanced {
        background: #e6f4ea;
        color: var(--pos-success);
      }
      .seg {
        display: inline-flex;
        gap: 4px;
      }
      .seg button[aria-pressed='true'] {
        background: var(--pos-primary);
        color: #fff;
        border-color: var(--pos-primary);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
        margin: 8px 0;
      }
      .row .grow {
        flex: 1;
        min-width: 160px;
      }
      input.money {
        width: 9em;
      }
      .z-number {
        font-size: 1.6rem;
      }
      @media print {
        .no-print,
        .cols > :not(.z-view) {
          display: none !important;
        }
        .card {
          border: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @property() timezone = 'Europe/Berlin';
  @state() private x: XReport | null = null;
  @state() private zList: api.ZReportEntry[] = [];
  @state() private openingFloat = 0;
  @state() private error = '';
  @state() private notice = '';
  @state() private byDenomination = true;
  @state() private count: DrawerCount = {};
  @state() private totalText = '';
  @state() private nextFloatText = '';
  @state() private confirmOpen = false;
  @state() private busy = false;
  /** The Z report on show: just closed, or picked from the list. */
  @state() private z: ZReport | null = null;
  @state() private moveKind: 'payout' | 'pay_in' = 'payout';
  @state() private moveAmount = '';
  @state() private moveReason = '';
  @state() private moveError = '';
  private zKey = newIdempotencyKey();
  private moveKey = newIdempotencyKey();
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
      const [x, list] = await Promise.all([api.xReport(), api.listZReports()]);
      this.x = x;
      this.zList = [...list.z_reports].sort((a, b) => b.number - a.number);
      this.openingFloat = list.opening_float_cents;
      this.error = '';
    } catch (err) {
      this.error = t('common.error', { message: errorText(err) });
    }
  }

  private counted(): number | null {
    // Nothing counted yet is not a count of zero (an empty drawer is entered as a total).
    if (this.byDenomination) return Object.keys(this.count).length ? countTotal(this.count) : null;
    return this.totalText.trim() ? parseEuroInput(this.totalText) : null;
  }

  private nextFloat(counted: number): number | null {
    if (!this.nextFloatText.trim()) return Math.min(this.openingFloat, counted);
    return parseEuroInput(this.nextFloatText);
  }

  private async close(): Promise<void> {
    this.confirmOpen = false;
    const counted = this.counted();
    if (counted === null) return;
    const nextFloat = this.nextFloat(counted);
    if (nextFloat === null) return;
    this.busy = true;
    this.error = '';
    try {
      const res = await api.closeDay({
        ...(this.byDenomination
          ? { denominations: denominationsBody(this.count) }
          : { counted_cents: counted }),
        next_float_cents: nextFloat,
        idempotency_key: this.zKey,
      });
      this.z = res.z;
      this.zKey = newIdempotencyKey();
      this.count = {};
      this.totalText = '';
      this.nextFloatText = '';
      this.notice = res.print
        ? res.print.printed
          ? t('receipt.printed')
          : t('receipt.not_printed')
        : '';
      await this.load();
    } catch (err) {
      if (!(err instanceof api.ApiRequestError && err.code === 'network'))
        this.zKey = newIdempotencyKey();
      this.error = t('closing.z_failed', { message: errorText(err) });
    } finally {
      this.busy = false;
    }
  }

  private async movement(e: Event): Promise<void> {
    e.preventDefault();
    const amount = parseEuroInput(this.moveAmount);
    if (!amount) {
      this.moveError = t('closing.amount_invalid');
      return;
    }
    if (!this.moveReason.trim()) {
      this.moveError = t('closing.reason_required');
      return;
    }
    this.busy = true;
    this.moveError = '';
    try {
      await api.cashMovement({
        kind: this.moveKind,
        amount_cents: amount,
        reason: this.moveReason.trim(),
        idempotency_key: this.moveKey,
      });
      this.moveKey = newIdempotencyKey();
      this.moveAmount = '';
      this.moveReason = '';
      await this.load();
    } catch (err) {
      if (!(err instanceof api.ApiRequestError && err.code === 'network'))
        this.moveKey = newIdempotencyKey();
      this.moveError = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  private async print(run: () => Promise<{ printed: boolean; message: string | null }>) {
    try {
      const r = await run();
      this.notice = r.printed ? t('receipt.printed') : t('receipt.not_printed');
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
        <section class="card" data-testid="z-form">${this.renderCount()}</section>
        <section class="card">${this.renderMovements()}</section>
        <section class="card">${this.renderList()}</section>
      </div>
      <pos-confirm-dialog
        ?open=${this.confirmOpen}
        .message=${t('closing.confirm')}
        .confirmLabel=${t('closing.close_day')}
        @pos-confirm=${() => void this.close()}
        @pos-cancel=${() => (this.confirmOpen = false)}
      ></pos-confirm-dialog>
    `;
  }

  private renderSummary(r: XReport) {
    const c = r.cash;
    return html`<div class="table-wrap">
        <table>
          <tbody>
            <tr>
              <td>${t('closing.sales', { n: r.sale_count })}</td>
              <td class="num">${this.money(r.sales_total_cents)}</td>
            </tr>
            <tr>
              <td>${t('closing.refunds', { n: r.refund_count })}</td>
              <td class="num">${this.money(r.refunds_total_cents ? -r.refunds_total_cents : 0)}</td>
            </tr>
            ${r.by_provider.map(
              (p) =>
                html`<tr>
                  <td>· ${providerLabel(p.provider, lang())}</td>
                  <td class="num">${this.money(p.sales_cents - p.refunds_cents)}</td>
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
              <td class="num">${this.money(c.opening_float_cents)}</td>
            </tr>
            <tr>
              <td>+ ${t('closing.cash_sales')}</td>
              <td class="num">${this.money(c.cash_sales_cents)}</td>
            </tr>
            <tr>
              <td>− ${t('closing.cash_refunds')}</td>
              <td class="num">${this.money(c.cash_refunds_cents)}</td>
            </tr>
            <tr>
              <td>− ${t('closing.payouts')}</td>
              <td class="num">${this.money(c.payouts_cents)}</td>
            </tr>
            <tr>
              <td>+ ${t('closing.pay_ins')}</td>
              <td class="num">${this.money(c.pay_ins_cents)}</td>
            </tr>
            <tr>
              <th>${t('closing.expected')}</th>
              <th class="num" data-testid="expected">${this.money(c.expected_cents)}</th>
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
      ${this.renderSummary(x)}
      <div class="row no-print">
        <button @click=${() => void this.load()}>${t('closing.refresh')}</button>
        <button @click=${() => void this.print(api.printXReport)}>${t('closing.print_x')}</button>
      </div>`;
  }

  private renderCount() {
    const x = this.x;
    const counted = this.counted();
    const expected = x?.cash.expected_cents ?? 0;
    const diff = counted === null ? null : difference(counted, expected);
    const kind = diff === null ? '' : differenceKind(diff);
    const nextFloat = counted === null ? null : this.nextFloat(counted);
    const floatOk = nextFloat !== null && counted !== null && nextFloat <= counted;
    const locale = localeFor(lang());
    const label = (cents: number) =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: this.currency,
        minimumFractionDigits: cents % 100 ? 2 : 0,
      }).format(cents / 100);
    const denoms = denominationsFor(this.currency);
    return html`<h3>${t('closing.z_title')}</h3>
      <div class="seg" role="group" aria-label=${t('closing.count_how')}>
        <button
          aria-pressed=${this.byDenomination ? 'true' : 'false'}
          @click=${() => (this.byDenomination = true)}
          ?disabled=${denoms.length === 0}
        >
          ${t('closing.by_denomination')}
        </button>
        <button
          aria-pressed=${this.byDenomination ? 'false' : 'true'}
          @click=${() => (this.byDenomination = false)}
        >
          ${t('closing.by_total')}
        </button>
      </div>
      ${
        this.byDenomination && denoms.length
          ? html`<div class="grid" style="margin-top:8px">
              ${denoms.map((d) => {
                const n = this.count[d] ?? 0;
                const name = label(d);
                return html`<div class="denom ${isNote(d, this.currency) ? 'note' : ''}">
                  <div class="value">${name}<span>${n ? this.money(n * d) : ''}</span></div>
                  <button
                    aria-label=${t('closing.less', { value: name })}
                    @click=${() => (this.count = setCount(this.count, d, n - 1))}
                  >
                    −
                  </button>
                  <input
                    type="number"
                    inputmode="numeric"
                    min="0"
                    aria-label=${t('closing.count_of', { value: name })}
                    .value=${n ? String(n) : ''}
                    @input=${(e: Event) =>
                      (this.count = setCount(
                        this.count,
                        d,
                        Number((e.target as HTMLInputElement).value),
                      ))}
                  />
                  <button
                    aria-label=${t('closing.more', { value: name })}
                    @click=${() => (this.count = setCount(this.count, d, n + 1))}
                  >
                    +
                  </button>
                </div>`;
              })}
            </div>`
          : html`<div class="row">
              <label class="field"
                >${t('closing.counted_total')}
                <input
                  class="money"
                  inputmode="decimal"
                  .value=${this.totalText}
                  @input=${(e: Event) => (this.totalText = (e.target as HTMLInputElement).value)}
              /></label>
            </div>`
      }
      <div class="recon" data-testid="reconciliation">
        <div>${t('closing.expected')}<strong>${this.money(expected)}</strong></div>
        <div>
          ${t('closing.counted')}
          <strong data-testid="counted">${counted === null ? '–' : this.money(counted)}</strong>
        </div>
        <div class=${kind} data-testid="difference" data-kind=${kind}>
          ${t('closing.difference')}
          <strong>${diff === null ? '–' : (diff > 0 ? '+' : '') + this.money(diff)}</strong>
          ${kind ? t(`closing.diff_${kind}` as 'closing.diff_missing') : ''}
        </div>
      </div>
      <div class="row">
        <label class="field"
          >${t('closing.next_float')}
          <input
            class="money"
            inputmode="decimal"
            placeholder=${counted === null ? '' : this.money(Math.min(this.openingFloat, counted))}
            .value=${this.nextFloatText}
            @input=${(e: Event) => (this.nextFloatText = (e.target as HTMLInputElement).value)}
        /></label>
        <span class="muted grow">
          ${
            counted !== null && floatOk
              ? t('closing.take_out', { amount: this.money(counted - nextFloat) })
              : counted !== null
                ? t('closing.float_too_high')
                : ''
          }
        </span>
        <button
          class="primary"
          data-testid="close-day"
          ?disabled=${this.busy || counted === null || !floatOk || !x}
          @click=${() => (this.confirmOpen = true)}
        >
          ${t('closing.close_day')}
        </button>
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
      ${this.renderSummary(z)}
      ${
        z.movements.length
          ? html`<h4>${t('closing.movements')}</h4>
              ${this.renderMovementTable(z)}`
          : nothing
      }
      <p>
        ${t('closing.next_float')}: ${this.money(z.next_float_cents)} · ${t('closing.taken_out')}:
        ${this.money(z.counted_cents - z.next_float_cents)}
      </p>
      <div class="row no-print">
        <button @click=${() => window.print()}>${t('closing.print_view')}</button>
        <button @click=${() => void this.print(() => api.printZReport(z.number))}>
          ${t('closing.print_printer')}
        </button>
        <button @click=${() => (this.z = null)}>${t('common.close')}</button>
      </div>
    </section>`;
  }

  private renderMovements() {
    const x = this.x;
    return html`<h3>${t('closing.movements')}</h3>
      <form class="no-print" @submit=${(e: Event) => void this.movement(e)}>
        <div class="seg" role="group" aria-label=${t('closing.movement_kind')}>
          <button
            type="button"
            aria-pressed=${this.moveKind === 'payout' ? 'true' : 'false'}
            @click=${() => (this.moveKind = 'payout')}
          >
            ${t('closing.payout')}
          </button>
          <button
            type="button"
            aria-pressed=${this.moveKind === 'pay_in' ? 'true' : 'false'}
            @click=${() => (this.moveKind = 'pay_in')}
          >
            ${t('closing.pay_in')}
          </button>
        </div>
        <div class="row">
          <label class="field"
            >${t('closing.amount')}
            <input
              class="money"
              inputmode="decimal"
              .value=${this.moveAmount}
              @input=${(e: Event) => (this.moveAmount = (e.target as HTMLInputElement).value)}
          /></label>
          <label class="field grow"
            >${t('closing.reason')}
            <input
              .value=${this.moveReason}
              placeholder=${t(
                this.moveKind === 'payout'
                  ? 'closing.reason_payout_hint'
                  : 'closing.reason_pay_in_hint',
              )}
              @input=${(e: Event) => (this.moveReason = (e.target as HTMLInputElement).value)}
          /></label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('closing.book')}</button>
        </div>
        <p class="muted">${t('closing.drawer_opens')}</p>
        ${this.moveError ? html`<p class="error" role="alert">${this.moveError}</p>` : nothing}
      </form>
      ${
        x && x.movements.length
          ? this.renderMovementTable(x)
          : html`<p class="muted">${t('closing.no_movements')}</p>`
      }`;
  }

  private renderMovementTable(r: XReport) {
    return html`<div class="table-wrap">
      <table aria-label=${t('closing.movements')}>
        <tbody>
          ${r.movements.map(
            (m) =>
              html`<tr>
                <td>${formatDateTime(m.at, lang(), r.timezone || this.timezone)}</td>
                <td>${m.kind === 'payout' ? t('closing.payout') : t('closing.pay_in')}</td>
                <td>${m.reason}</td>
                <td class="num">
                  ${this.money(m.kind === 'payout' ? -m.amount_cents : m.amount_cents)}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
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

/** The first period starts at the epoch (no Z report yet): show "since the first sale". */
function hasStart(iso: string): boolean {
  return !!iso && Date.parse(iso) > 0;
}
