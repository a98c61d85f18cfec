import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Product } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';

/**
 * Product search with a quick-pick grid (for items without a barcode) and manual barcode
 * entry (for a label the scanner cannot read). The parent loads the products.
 *
 * @fires pos-search - {q}: the search text changed (debounced by the parent's request cycle)
 * @fires pos-add-product - {product_id}: a tile was tapped
 * @fires pos-add-barcode - {barcode}: a barcode was typed and submitted
 */
@customElement('pos-picker')
export class PosPicker extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        gap: 8px;
      }
      form {
        display: flex;
        gap: 6px;
      }
      form input {
        flex: 1;
        min-width: 0;
      }
      .grid {
        flex: 1;
        overflow-y: auto;
        overscroll-behavior: contain;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
        grid-auto-rows: minmax(72px, auto);
        gap: 6px;
        align-content: start;
        padding: 2px;
      }
      .tile {
        flex-direction: column;
        align-items: flex-start;
        justify-content: center;
        text-align: left;
        padding: 6px 10px;
        gap: 2px;
        line-height: 1.2;
        hyphens: auto;
        overflow-wrap: anywhere;
      }
      .tile .n {
        font-weight: 600;
        font-size: 0.95rem;
      }
      .tile .p {
        color: var(--pos-muted);
        font-variant-numeric: tabular-nums;
      }
      .none {
        color: var(--pos-muted);
        padding: 12px;
      }
    `,
  ];

  @property({ attribute: false }) products: Product[] = [];
  @property({ attribute: false }) currency = 'EUR';
  @property({ type: Boolean }) disabled = false;
  @state() private barcode = '';
  private i18n = new I18nController(this);

  override render() {
    return html`
      <form role="search" @submit=${(e: Event) => e.preventDefault()}>
        <label class="visually-hidden" for="q">${t('search.label')}</label>
        <input
          id="q"
          name="q"
          type="search"
          autocomplete="off"
          placeholder=${t('search.placeholder')}
          @input=${(e: Event) =>
            this.emit('pos-search', { q: (e.target as HTMLInputElement).value.trim() })}
        />
      </form>
      <form @submit=${this.submitBarcode}>
        <label class="visually-hidden" for="barcode">${t('entry.barcode')}</label>
        <input
          id="barcode"
          name="barcode"
          inputmode="numeric"
          autocomplete="off"
          placeholder=${t('entry.barcode')}
          .value=${this.barcode}
          @input=${(e: Event) => (this.barcode = (e.target as HTMLInputElement).value)}
        />
        <button type="submit" ?disabled=${this.disabled || !this.barcode.trim()}>
          ${t('entry.add')}
        </button>
      </form>
      <div class="grid" role="group" aria-label=${t('search.label')}>
        ${
          this.products.length === 0
            ? html`<p class="none">${t('search.none')}</p>`
            : repeat(
                this.products,
                (p) => p.id,
                (p) => {
                  const price = formatMoney(p.price_cents, lang(), this.currency);
                  return html`<button
                    class="tile"
                    data-product-id=${p.id}
                    ?disabled=${this.disabled}
                    aria-label=${t('search.add', { name: p.name, price })}
                    @click=${() => this.emit('pos-add-product', { product_id: p.id })}
                  >
                    <span class="n">${p.name}</span><span class="p">${price}</span>
                  </button>`;
                },
              )
        }
      </div>
    `;
  }

  private submitBarcode(e: Event): void {
    e.preventDefault();
    const barcode = this.barcode.trim();
    if (!barcode || this.disabled) return;
    this.emit('pos-add-barcode', { barcode });
    this.barcode = '';
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
