import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ProviderInfo, ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { availabilityText, errorText } from '../lib/errors.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { providerLabel } from '../lib/providers.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import './admin-sumup-readers.js';

/** Payment providers: which are available, and why not (e.g. "SumUp API key missing"). */
@customElement('admin-providers')
export class AdminProviders extends LitElement {
  static override styles = [tokens, controls, pageStyles];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @state() private providers: ProviderInfo[] = [];
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('live') && this.live?.type === 'providers.changed')
      this.providers = this.live.providers;
  }

  private async load(): Promise<void> {
    try {
      this.providers = await api.listProviders();
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    return html`
      <h2>${t('providers.title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${
        this.providers.length === 0
          ? html`<p class="muted">${t('providers.none')}</p>`
          : html`<div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>${t('providers.title')}</th>
                    <th>${t('sales.state')}</th>
                    <th class="num">${t('providers.minimum')}</th>
                    <th>${t('providers.topup')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.providers.map(
                    (p) =>
                      html`<tr data-provider=${p.id}>
                        <td>
                          <strong>${providerLabel(p.id, lang(), p.label)}</strong>
                          <div class="muted">${p.id}</div>
                        </td>
                        <td>
                          ${
                            p.available
                              ? html`<span class="ok">${t('providers.available')}</span>`
                              : html`<span class="error"
                                  >${t('providers.unavailable', { reason: availabilityText(p) })}</span
                                >`
                          }
                        </td>
                        <td class="num">
                          ${p.minimum_payment_cents ? formatMoney(p.minimum_payment_cents, lang()) : '–'}
                        </td>
                        <td>${p.minimum_topup_barcode ?? '–'}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <admin-sumup-readers></admin-sumup-readers>
    `;
  }
}
