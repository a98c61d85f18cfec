import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { tokens, controls } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';

/**
 * The bar under the cart after a barcode the daemon does not know: the code, "sell as open
 * price", "create product" (in the admin pages, with the barcode filled in; offered when no PIN
 * login is in force or a manager is logged in) and close.
 *
 * @fires pos-sell-open - sell the code as an open-price item
 * @fires pos-unknown-dismiss
 */
@customElement('pos-unknown-barcode')
export class PosUnknownBarcode extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: block;
      }
      .unknown {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 4px 6px 4px 10px;
        background: #fde8e8;
        color: var(--pos-danger);
        font-weight: 600;
        border-top: 1px solid var(--pos-border);
      }
      .unknown span {
        flex: 1;
        min-width: 0;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .unknown button {
        min-height: 44px;
        padding: 0 10px;
      }
    `,
  ];

  @property() barcode = '';
  /** "Create product" is offered (no PIN login in force, or a manager is logged in). */
  @property({ type: Boolean }) canCreate = false;
  private i18n = new I18nController(this);

  override render() {
    return html`<div class="unknown" data-testid="unknown-banner">
      <span title=${t('scan.unknown', { code: this.barcode })}>${this.barcode}</span>
      <button data-testid="sell-open" @click=${() => this.emit('pos-sell-open')}>
        ${t('scan.sell_open')}
      </button>
      ${
        this.canCreate
          ? html`<button
              data-testid="create-product"
              @click=${() =>
                location.assign(`/admin#products?barcode=${encodeURIComponent(this.barcode)}`)}
            >
              ${t('scan.create_product')}
            </button>`
          : ''
      }
      <button aria-label=${t('common.close')} @click=${() => this.emit('pos-unknown-dismiss')}>
        ✕
      </button>
    </div>`;
  }

  private emit(name: string): void {
    this.dispatchEvent(new CustomEvent(name, { detail: {}, bubbles: true, composed: true }));
  }
}
