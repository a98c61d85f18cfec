import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Product } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';

/**
 * The keys under the cart: the discount dialog, and "Pfand zurück" (one tap; with several
 * deposit products one key each, named after the product).
 *
 * @fires pos-discount-open
 * @fires pos-deposit-return - {product_id}
 */
@customElement('pos-cart-tools')
export class PosCartTools extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: flex;
        gap: 6px;
        padding: 4px 6px;
        border-top: 1px solid var(--pos-border);
        overflow-x: auto;
      }
      button {
        min-height: 44px;
        padding: 0 10px;
        white-space: nowrap;
      }
    `,
  ];

  @property({ attribute: false }) deposits: Product[] = [];
  @property({ type: Boolean }) locked = false;
  /** The cart has lines (else there is nothing to discount). */
  @property({ type: Boolean }) lines = false;
  private i18n = new I18nController(this);

  override render() {
    return html`<button
        data-testid="discount-open"
        ?disabled=${this.locked || !this.lines}
        @click=${() => this.emit('pos-discount-open', {})}
      >
        % ${t('sell.discount')}
      </button>
      ${this.deposits.map(
        (p) =>
          html`<button
            data-testid="deposit-return"
            data-product-id=${p.id}
            ?disabled=${this.locked}
            @click=${() => this.emit('pos-deposit-return', { product_id: p.id })}
          >
            ↩ ${this.deposits.length === 1 ? t('sell.deposit_return') : p.name}
          </button>`,
      )}`;
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
