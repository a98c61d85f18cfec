import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProviderInfo } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney, formatTopupHint } from '../lib/format.js';
import { providerLabel } from '../lib/providers.js';
import { payButtonState, payableProviders } from '../lib/payment.js';

/**
 * The fixed bottom bar: running total, clear, and one pay button per available provider.
 * Below a provider's minimum the missing amount shows under its button as "(+x,xx €)"; a
 * provider with a top-up barcode stays pressable (the parent tops up, then pays).
 *
 * @fires pos-pay - {provider}: a pay button was pressed
 * @fires pos-clear - the clear button was pressed (the parent asks for confirmation)
 * @fires pos-split - "Teilbetrag": pay a part (split payment)
 * @fires pos-sell-voucher - "Gutschein verkaufen"
 */
@customElement('pos-pay-bar')
export class PosPayBar extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: flex;
        align-items: stretch;
        gap: 10px;
        padding: 8px 10px;
        background: var(--pos-surface);
        border-top: 2px solid var(--pos-border);
      }
      .total {
        display: flex;
        flex-direction: column;
        justify-content: center;
        min-width: 9em;
      }
      .total .label {
        color: var(--pos-muted);
        font-size: 0.9rem;
      }
      .total output {
        font-size: 2rem;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
        line-height: 1.1;
      }
      .clear {
        min-width: 88px;
      }
      .extra {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .extra button {
        min-height: 32px;
        font-size: 0.85rem;
        padding: 2px 8px;
      }
      .providers {
        flex: 1;
        display: flex;
        gap: 8px;
        justify-content: flex-end;
        flex-wrap: nowrap;
        overflow-x: auto;
      }
      .providers button {
        flex-direction: column;
        min-height: 68px;
        min-width: 120px;
        padding: 4px 14px;
        font-size: 1.1rem;
        gap: 0;
      }
      .hint {
        font-size: 0.9rem;
        font-weight: 500;
        font-variant-numeric: tabular-nums;
      }
      .none {
        align-self: center;
        color: var(--pos-muted);
      }
    `,
  ];

  @property({ type: Number }) total = 0;
  @property({ type: Number, attribute: 'item-count' }) itemCount = 0;
  @property({ attribute: false }) providers: ProviderInfo[] = [];
  @property({ attribute: false }) currency = 'EUR';
  /** True while a payment or cart request runs: buttons wait. */
  @property({ type: Boolean }) busy = false;
  private i18n = new I18nController(this);

  override render() {
    const providers = payableProviders(this.providers);
    return html`
      <div class="total">
        <span class="label" id="total-label">${t('cart.total')}</span>
        <output aria-labelledby="total-label" data-testid="cart-total"
          >${formatMoney(this.total, lang(), this.currency)}</output
        >
      </div>
      <button
        class="clear"
        ?disabled=${this.busy || this.itemCount === 0}
        @click=${() => this.emit('pos-clear', {})}
      >
        ${t('cart.clear')}
      </button>
      <div class="extra">
        <button
          data-testid="sell-voucher"
          ?disabled=${this.busy}
          @click=${() => this.emit('pos-sell-voucher', {})}
        >
          ${t('voucher.sell_button')}
        </button>
        <button
          data-testid="split-open"
          ?disabled=${this.busy || this.itemCount === 0}
          @click=${() => this.emit('pos-split', {})}
        >
          ${t('split.open_button')}
        </button>
      </div>
      <div class="providers" role="group" aria-label=${t('pay.title')}>
        ${
          providers.length === 0
            ? html`<span class="none">${t('pay.no_providers')}</span>`
            : providers.map((p) => {
                const s = payButtonState(p, this.total, this.busy);
                const hint = s.missing_cents
                  ? formatTopupHint(s.missing_cents, lang(), this.currency)
                  : '';
                return html`<button
                  class="primary"
                  data-provider=${p.id}
                  ?disabled=${!s.enabled}
                  title=${s.can_top_up ? t('pay.topup_note') : ''}
                  aria-label=${t('pay.with', { label: providerLabel(p.id, lang(), p.label) }) + (hint ? ` ${hint}` : '')}
                  @click=${() => this.emit('pos-pay', { provider: p.id })}
                >
                  <span>${providerLabel(p.id, lang(), p.label)}</span>
                  ${hint ? html`<span class="hint" data-testid="min-hint">${hint}</span>` : ''}
                  ${
                    this.total < 0 && s.enabled
                      ? html`<span class="hint" data-testid="payout-hint"
                          >${t('sell.payout')}</span
                        >`
                      : ''
                  }
                </button>`;
              })
        }
      </div>
    `;
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
