import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Cart, Product } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';
import './pos-cart.js';
import './pos-cart-tools.js';
import './pos-unknown-barcode.js';

/**
 * The cart side of the checkout screen: the heading with the item count, the note while a
 * payment holds the cart, the lines (pos-cart), the keys under them (pos-cart-tools) and the
 * bar after an unknown barcode (pos-unknown-barcode). A view: its parts' events bubble out
 * (pos-quantity, pos-remove, pos-quantity-keypad, pos-discount-open, pos-deposit-return,
 * pos-sell-open, pos-unknown-dismiss) to pos-app.
 */
@customElement('pos-cart-panel')
export class PosCartPanel extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      /* Clipped like the section: as a grid item it then takes its column's share, never
         its content's width. */
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        overflow: hidden;
      }
      section {
        flex: 1;
        display: flex;
        flex-direction: column;
        min-height: 0;
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        overflow: hidden;
        background: var(--pos-surface);
      }
      h2 {
        margin: 0;
        padding: 6px 10px;
        font-size: 1rem;
        display: flex;
        justify-content: space-between;
        border-bottom: 1px solid var(--pos-border);
        color: var(--pos-muted);
      }
      .locked {
        color: var(--pos-warning-fg);
        background: var(--pos-warning-bg);
        padding: 4px 10px;
      }
      pos-cart {
        flex: 1;
        min-height: 0;
      }
    `,
  ];

  @property({ attribute: false }) cart: Cart | null = null;
  @property() currency = 'EUR';
  /** A payment holds the cart. */
  @property({ type: Boolean }) locked = false;
  /** Deposit products for "Pfand zurück". */
  @property({ attribute: false }) deposits: Product[] = [];
  /** The barcode the daemon did not know (null: no bar). */
  @property({ attribute: false }) unknownBarcode: string | null = null;
  /** The unknown-barcode bar offers "create product". */
  @property({ type: Boolean }) canCreate = false;
  private i18n = new I18nController(this);

  override render() {
    const cart = this.cart;
    return html`<section aria-labelledby="cart-h">
      <h2 id="cart-h">
        <span>${t('cart.title')}</span><span>${t('cart.items', { n: cart?.item_count ?? 0 })}</span>
      </h2>
      ${this.locked ? html`<div class="locked" role="status">${t('cart.locked')}</div>` : ''}
      <pos-cart .cart=${cart} .currency=${this.currency} ?locked=${this.locked}></pos-cart>
      <pos-cart-tools
        .deposits=${this.deposits}
        ?locked=${this.locked}
        ?lines=${!!cart?.lines.length}
      ></pos-cart-tools>
      ${
        this.unknownBarcode
          ? html`<pos-unknown-barcode
              .barcode=${this.unknownBarcode}
              ?canCreate=${this.canCreate}
            ></pos-unknown-barcode>`
          : ''
      }
    </section>`;
  }
}
