import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { VoucherInfo } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController, type MessageKey } from '../lib/i18n.js';
import { formatDateTime, formatMoney } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/**
 * The voucher book (Gutscheine): every voucher sold, its value, what is left on it, its state
 * (usable, used up, expired, not paid) and until when it can be redeemed; the total still
 * outstanding (what the shop owes its customers in vouchers).
 */
@customElement('admin-vouchers')
export class AdminVouchers extends LitElement {
  static override styles = [tokens, controls, pageStyles];

  @property() timezone = 'Europe/Berlin';
  @state() private vouchers: VoucherInfo[] = [];
  @state() private outstanding = 0;
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const r = await api.listVouchers();
      this.vouchers = r.vouchers;
      this.outstanding = r.outstanding_cents;
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    const money = (c: number) => formatMoney(c, lang());
    return html`<h2>${t('vouchers.title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p data-testid="vouchers-outstanding">
        ${t('vouchers.outstanding')}: <strong>${money(this.outstanding)}</strong>
      </p>
      ${
        this.vouchers.length === 0
          ? html`<p>${t('vouchers.none')}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>${t('vouchers.code')}</th>
                  <th>${t('vouchers.kind')}</th>
                  <th class="num">${t('vouchers.value')}</th>
                  <th class="num">${t('vouchers.balance')}</th>
                  <th>${t('vouchers.state')}</th>
                  <th>${t('vouchers.sold')}</th>
                  <th>${t('vouchers.expires')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.vouchers.map(
                  (v) =>
                    html`<tr data-code=${v.code}>
                      <td><code>${v.code}</code></td>
                      <td>${t(`vouchers.purpose.${v.purpose}` as MessageKey)}</td>
                      <td class="num">${money(v.amount_cents)}</td>
                      <td class="num">${money(v.balance_cents)}</td>
                      <td>${t(`vouchers.state.${v.state}` as MessageKey)}</td>
                      <td>${formatDateTime(v.issued_at, lang(), this.timezone)}</td>
                      <td>${v.expires_on}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`;
  }
}
