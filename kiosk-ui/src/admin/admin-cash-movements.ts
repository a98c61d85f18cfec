import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { XReport } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney, parseEuroInput } from '../lib/format.js';
import { newIdempotencyKey } from '../lib/payment.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import { closingStyles } from './admin-closing-styles.js';
import { movementTable } from './admin-closing-parts.js';

/**
 * Cash in and out of the drawer between closings (payout to a supplier, float top-up): the
 * form that books one, and the movements of the open period.
 *
 * @fires admin-closing-changed - a movement was booked (the page reloads its X report)
 */
@customElement('admin-cash-movements')
export class AdminCashMovements extends LitElement {
  static override styles = [tokens, controls, pageStyles, closingStyles];

  /** The open period's X report (its movements are listed). */
  @property({ attribute: false }) report: XReport | null = null;
  @property() timezone = 'Europe/Berlin';
  @state() private kind: 'payout' | 'pay_in' = 'payout';
  @state() private amount = '';
  @state() private reason = '';
  @state() private error = '';
  @state() private busy = false;
  private key = newIdempotencyKey();
  private i18n = new I18nController(this);

  private money(c: number): string {
    return formatMoney(c, lang(), this.report?.currency ?? 'EUR');
  }

  private async book(e: Event): Promise<void> {
    e.preventDefault();
    const amount = parseEuroInput(this.amount);
    if (!amount) {
      this.error = t('closing.amount_invalid');
      return;
    }
    if (!this.reason.trim()) {
      this.error = t('closing.reason_required');
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await api.cashMovement({
        kind: this.kind,
        amount_cents: amount,
        reason: this.reason.trim(),
        idempotency_key: this.key,
      });
      this.key = newIdempotencyKey();
      this.amount = '';
      this.reason = '';
      this.dispatchEvent(
        new CustomEvent('admin-closing-changed', { bubbles: true, composed: true }),
      );
    } catch (err) {
      // A network error keeps the key: booking again cannot book twice.
      if (!(err instanceof api.ApiRequestError && err.code === 'network'))
        this.key = newIdempotencyKey();
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const x = this.report;
    return html`<h3>${t('closing.movements')}</h3>
      <form class="no-print" @submit=${(e: Event) => void this.book(e)}>
        <div class="seg" role="group" aria-label=${t('closing.movement_kind')}>
          <button
            type="button"
            aria-pressed=${this.kind === 'payout' ? 'true' : 'false'}
            @click=${() => (this.kind = 'payout')}
          >
            ${t('closing.payout')}
          </button>
          <button
            type="button"
            aria-pressed=${this.kind === 'pay_in' ? 'true' : 'false'}
            @click=${() => (this.kind = 'pay_in')}
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
              .value=${this.amount}
              @input=${(e: Event) => (this.amount = (e.target as HTMLInputElement).value)}
          /></label>
          <label class="field grow"
            >${t('closing.reason')}
            <input
              .value=${this.reason}
              placeholder=${t(
                this.kind === 'payout'
                  ? 'closing.reason_payout_hint'
                  : 'closing.reason_pay_in_hint',
              )}
              @input=${(e: Event) => (this.reason = (e.target as HTMLInputElement).value)}
          /></label>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('closing.book')}</button>
        </div>
        <p class="muted">${t('closing.drawer_opens')}</p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </form>
      ${
        x && x.movements.length
          ? movementTable(x, (c) => this.money(c), this.timezone)
          : html`<p class="muted">${t('closing.no_movements')}</p>`
      }`;
  }
}
