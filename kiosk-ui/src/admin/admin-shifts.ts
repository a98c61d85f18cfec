import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ShiftCashierTotals, ShiftReport } from '../../../daemon/protocol.js';
import { t, tn, lang, I18nController } from '../lib/i18n.js';
import { formatDateTime, formatMoney, isoDateIn, parseEuroInput } from '../lib/format.js';
import { providerLabel } from '../lib/providers.js';
import { errorText, printNotice } from '../lib/errors.js';
import * as api from '../lib/api-shifts.js';
import { printerStatus } from '../lib/api-admin.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * Cash-up per cashier (Kassenabschluss je Kassierer): for a date range, one card per cashier
 * with sales, payments by provider, cash taken, tips, discounts, refunds, the cash their shift
 * left in the drawer and what was sold; printable on the receipt printer (where one is set up)
 * and in the browser; a drawer count per cashier at shift end (counted vs expected).
 */
@customElement('admin-shifts')
export class AdminShifts extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      .cashiers {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
        gap: 12px;
      }
      dl {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 4px 12px;
        margin: 0 0 8px;
      }
      dd {
        margin: 0;
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      dt.sub {
        padding-left: 12px;
        color: var(--pos-muted);
      }
      .strong {
        font-weight: 700;
      }
      .neg {
        color: var(--pos-danger);
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: end;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        font-size: 0.9rem;
      }
      input {
        font: inherit;
        min-height: 40px;
        padding: 0 8px;
        max-width: 9em;
      }
      details summary {
        cursor: pointer;
        margin: 6px 0;
      }
    `,
  ];

  @property() timezone = 'Europe/Berlin';
  @state() private from = '';
  @state() private to = '';
  @state() private report: ShiftReport | null = null;
  @state() private error = '';
  @state() private notice = '';
  @state() private printer = false;
  /** The cashier whose drawer is being counted (key: name, '' for no login), or null. */
  @state() private counting: string | null = null;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    const today = isoDateIn(new Date(), this.timezone);
    this.from = today;
    this.to = today;
    void this.load();
    void printerStatus()
      .then((p) => (this.printer = p.configured))
      .catch(() => {});
  }

  private money(c: number): string {
    return formatMoney(c, lang(), this.report?.currency ?? 'EUR');
  }

  private async load(): Promise<void> {
    this.error = '';
    try {
      this.report = await api.shiftReport(this.from, this.to);
    } catch (err) {
      this.error = t('common.error', { message: errorText(err) });
    }
  }

  private async print(): Promise<void> {
    try {
      const r = await api.printShiftReport(this.from, this.to);
      const n = printNotice(r);
      this.notice = n ? tn(n) : '';
    } catch (err) {
      this.notice = t('common.error', { message: errorText(err) });
    }
  }

  private async count(c: ShiftCashierTotals, form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const counted = parseEuroInput(String(data.get('counted') ?? ''));
    const float = parseEuroInput(String(data.get('float') ?? '') || '0');
    if (counted === null || float === null) {
      this.error = t('shift.amount_invalid');
      return;
    }
    this.error = '';
    try {
      const res = await api.countShift({
        cashier: c.cashier,
        from: this.report!.from,
        float_cents: float,
        counted_cents: counted,
        idempotency_key: crypto.randomUUID(),
      });
      this.notice = t('shift.counted', {
        cashier: c.cashier ?? t('shift.no_cashier'),
        difference: this.money(res.difference_cents),
      });
      this.counting = null;
      await this.load();
    } catch (err) {
      this.error = t('common.error', { message: errorText(err) });
    }
  }

  override render() {
    void this.i18n;
    const r = this.report;
    return html`
      <h2>${t('shift.title')}</h2>
      <form
        class="toolbar no-print"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.load();
        }}
      >
        <label
          >${t('shift.from')}
          <input
            type="date"
            data-testid="shift-from"
            .value=${this.from}
            @change=${(e: Event) => (this.from = (e.target as HTMLInputElement).value)}
        /></label>
        <label
          >${t('shift.to')}
          <input
            type="date"
            data-testid="shift-to"
            .value=${this.to}
            @change=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)}
        /></label>
        <button type="submit">${t('shift.show')}</button>
        ${
          this.printer
            ? html`<button type="button" @click=${() => void this.print()}>
                ${t('shift.print')}
              </button>`
            : nothing
        }
        <button type="button" @click=${() => window.print()}>${t('shift.print_view')}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${
        !r
          ? html`<p>${t('common.loading')}</p>`
          : html`<p class="muted">
                ${t('shift.range', {
                  from: formatDateTime(r.from, lang(), r.timezone),
                  to: formatDateTime(r.to, lang(), r.timezone),
                })}
              </p>
              ${
                r.cashiers.length === 0
                  ? html`<p data-testid="shift-empty">${t('shift.empty')}</p>`
                  : html`<div class="cashiers">${r.cashiers.map((c) => this.card(c))}</div>
                      <section class="card" data-testid="shift-totals">
                        <h3>${t('shift.totals')}</h3>
                        <dl>
                          <dt>${t('shift.sales', { n: r.totals.sale_count })}</dt>
                          <dd>${this.money(r.totals.sales_cents)}</dd>
                          <dt>${t('shift.cash_taken')}</dt>
                          <dd>${this.money(r.totals.cash_cents)}</dd>
                          <dt>${t('shift.tips')}</dt>
                          <dd>${this.money(r.totals.tips_cents)}</dd>
                          ${this.businessTips(r.totals.tips_business_cents)}
                          <dt>${t('shift.discounts')}</dt>
                          <dd>${this.money(r.totals.discount_cents)}</dd>
                          <dt>${t('shift.refunds_total')}</dt>
                          <dd>${this.money(-r.totals.refunds_cents || 0)}</dd>
                        </dl>
                      </section>`
              }`
      }
    `;
  }

  /** The part of the tips that belongs to the business (not the cashier's), when there is one. */
  private businessTips(cents: number | undefined) {
    return cents
      ? html`<dt class="sub">${t('shift.tips_business')}</dt>
          <dd data-testid="shift-tips-business">${this.money(cents)}</dd>`
      : nothing;
  }

  private card(c: ShiftCashierTotals) {
    const key = c.cashier ?? '';
    const name = c.cashier ?? t('shift.no_cashier');
    return html`<section class="card" data-testid="shift-cashier" data-cashier=${key}>
      <h3>${name}</h3>
      <dl>
        <dt class="strong">${t('shift.sales', { n: c.sale_count })}</dt>
        <dd class="strong">${this.money(c.sales_cents)}</dd>
        ${c.by_provider.map(
          (b) =>
            html`<dt class="sub">${providerLabel(b.provider, lang())} (${b.count})</dt>
              <dd>${this.money(b.amount_cents)}</dd>`,
        )}
        <dt>${t('shift.tips')}</dt>
        <dd>${this.money(c.tips_cents)}</dd>
        ${this.businessTips(c.tips_business_cents)}
        <dt>${t('shift.discounts')}</dt>
        <dd>${this.money(c.discount_cents)}</dd>
        <dt>${t('shift.refunds', { n: c.refund_count })}</dt>
        <dd>${this.money(-c.refunds_cents || 0)}</dd>
        <dt>${t('shift.cash_taken')}</dt>
        <dd>${this.money(c.cash_cents)}</dd>
        <dt>${t('shift.cash_tips')}</dt>
        <dd>${this.money(c.cash_tips_cents)}</dd>
        <dt>${t('shift.cash_refunds')}</dt>
        <dd>${this.money(-c.cash_refunds_cents || 0)}</dd>
        <dt class="strong">${t('shift.expected')}</dt>
        <dd class="strong" data-testid="shift-expected">${this.money(c.expected_cash_cents)}</dd>
      </dl>
      ${c.counts.map(
        (n) =>
          html`<p data-testid="shift-count">
            ${t('shift.count_line', {
              time: formatDateTime(n.at, lang(), this.report!.timezone),
              counted: this.money(n.counted_cents),
              expected: this.money(n.expected_cents),
            })}
            <span class=${n.difference_cents < 0 ? 'neg strong' : 'strong'}
              >${t('shift.difference', { amount: this.money(n.difference_cents) })}</span
            >
          </p>`,
      )}
      ${
        c.products.length
          ? html`<details>
              <summary>${t('shift.products', { n: c.products.length })}</summary>
              <dl>
                ${c.products.map(
                  (p) =>
                    html`<dt>${p.quantity} × ${p.name}</dt>
                      <dd>${this.money(p.total_cents)}</dd>`,
                )}
              </dl>
            </details>`
          : nothing
      }
      ${
        this.counting === key
          ? html`<form
              class="no-print"
              data-testid="shift-count-form"
              @submit=${(e: Event) => {
                e.preventDefault();
                void this.count(c, e.target as HTMLFormElement);
              }}
            >
              <label
                >${t('shift.float')}<input name="float" inputmode="decimal" placeholder="0,00"
              /></label>
              <label
                >${t('shift.counted_label')}<input name="counted" inputmode="decimal" required
              /></label>
              <button type="submit">${t('shift.save_count')}</button>
              <button type="button" @click=${() => (this.counting = null)}>
                ${t('common.cancel')}
              </button>
            </form>`
          : html`<button class="no-print" @click=${() => (this.counting = key)}>
              ${t('shift.count_drawer')}
            </button>`
      }
    </section>`;
  }
}
