import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney, localeFor, parseEuroInput } from '../lib/format.js';
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
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import { closingStyles } from './admin-closing-styles.js';
import '../components/pos-confirm-dialog.js';

/** What POST /closing/z needs from the count. */
export interface CloseDayDetail {
  denominations?: Record<string, number>;
  counted_cents?: number;
  next_float_cents: number;
}

/**
 * Counting the drawer for the Z report: by note and coin or as one total, expected vs counted
 * and the difference, the float left for the next day, and "close the day" behind a confirm.
 *
 * @fires admin-close-day - {CloseDayDetail}: the count was confirmed
 */
@customElement('admin-cash-count')
export class AdminCashCount extends LitElement {
  static override styles = [tokens, controls, pageStyles, closingStyles];

  @property() currency = 'EUR';
  /** Expected cash in the drawer; null while the X report loads. */
  @property({ attribute: false }) expected: number | null = null;
  @property({ attribute: false }) openingFloat = 0;
  @property({ type: Boolean }) busy = false;
  @state() private byDenomination = true;
  @state() private count: DrawerCount = {};
  @state() private totalText = '';
  @state() private nextFloatText = '';
  @state() private confirmOpen = false;
  private i18n = new I18nController(this);

  /** Empties the form after the day was closed. */
  reset(): void {
    this.count = {};
    this.totalText = '';
    this.nextFloatText = '';
  }

  private money(c: number): string {
    return formatMoney(c, lang(), this.currency);
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

  private confirm(): void {
    this.confirmOpen = false;
    const counted = this.counted();
    if (counted === null) return;
    const nextFloat = this.nextFloat(counted);
    if (nextFloat === null) return;
    const detail: CloseDayDetail = {
      ...(this.byDenomination
        ? { denominations: denominationsBody(this.count) }
        : { counted_cents: counted }),
      next_float_cents: nextFloat,
    };
    this.dispatchEvent(
      new CustomEvent('admin-close-day', { detail, bubbles: true, composed: true }),
    );
  }

  override render() {
    const counted = this.counted();
    const expected = this.expected ?? 0;
    const diff = counted === null ? null : difference(counted, expected);
    const kind = diff === null ? '' : differenceKind(diff);
    const nextFloat = counted === null ? null : this.nextFloat(counted);
    const floatOk = nextFloat !== null && counted !== null && nextFloat <= counted;
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
      ${this.byDenomination && denoms.length ? this.renderGrid(denoms) : this.renderTotal()}
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
          ?disabled=${this.busy || counted === null || !floatOk || this.expected === null}
          @click=${() => (this.confirmOpen = true)}
        >
          ${t('closing.close_day')}
        </button>
      </div>
      <pos-confirm-dialog
        ?open=${this.confirmOpen}
        .message=${t('closing.confirm')}
        .confirmLabel=${t('closing.close_day')}
        @pos-confirm=${() => this.confirm()}
        @pos-cancel=${() => (this.confirmOpen = false)}
      ></pos-confirm-dialog>`;
  }

  private renderGrid(denoms: readonly number[]) {
    const locale = localeFor(lang());
    const label = (cents: number) =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: this.currency,
        minimumFractionDigits: cents % 100 ? 2 : 0,
      }).format(cents / 100);
    return html`<div class="grid" style="margin-top:8px">
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
              (this.count = setCount(this.count, d, Number((e.target as HTMLInputElement).value)))}
          />
          <button
            aria-label=${t('closing.more', { value: name })}
            @click=${() => (this.count = setCount(this.count, d, n + 1))}
          >
            +
          </button>
        </div>`;
      })}
    </div>`;
  }

  private renderTotal() {
    return html`<div class="row">
      <label class="field"
        >${t('closing.counted_total')}
        <input
          class="money"
          inputmode="decimal"
          .value=${this.totalText}
          @input=${(e: Event) => (this.totalText = (e.target as HTMLInputElement).value)}
      /></label>
    </div>`;
  }
}
