import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Category, Product, QuickKeyPage } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { entryAction, pickerTabs, tilesFor, type PickerTab } from './pos-derived.js';

/**
 * The product picker: one entry field (search by name, or a barcode typed or read by a
 * keyboard-mode scanner), tabs (the owner's quick-keys pages, the categories in their order,
 * everything; a category's image small beside its name) and the tiles of the chosen tab, with
 * the product's image when it has one. A product without a barcode sells with at most two
 * taps: its tab, its tile.
 *
 * @fires pos-search - {q}: the entry text changed (the parent searches)
 * @fires pos-add-product - {product_id}: a tile was tapped, or Enter found one product
 * @fires pos-add-barcode - {barcode}: a barcode was entered
 * @fires pos-open-price - the "open price" key was tapped
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
        min-width: 0;
        gap: 6px;
      }
      form {
        display: flex;
        gap: 6px;
      }
      form input {
        flex: 1;
        min-width: 0;
      }
      .open {
        padding: 0 10px;
        font-weight: 600;
        white-space: nowrap;
      }
      /* Every tab in reach without scrolling: they wrap, two rows at most on the 7" screen. */
      .tabs {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        max-height: 84px;
        overflow-y: auto;
        overscroll-behavior: contain;
        flex: none;
      }
      .tabs button {
        min-height: 40px;
        min-width: 0;
        padding: 0 8px;
        white-space: nowrap;
        font-size: 0.9rem;
        border-bottom: 4px solid var(--tab, var(--pos-border));
        flex: none;
      }
      /* A category's picture, small beside its name (the name stays one line). */
      .tabs button img {
        width: 24px;
        height: 24px;
        object-fit: cover;
        border-radius: 4px;
        margin-right: 6px;
        flex: none;
      }
      .tabs button[aria-selected='true'] {
        background: var(--tab, var(--pos-primary));
        border-color: var(--tab, var(--pos-primary));
        color: #fff;
        font-weight: 600;
      }
      .grid {
        flex: 1;
        overflow-y: auto;
        overscroll-behavior: contain;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(128px, 1fr));
        grid-auto-rows: minmax(64px, auto);
        gap: 6px;
        align-content: start;
        padding: 2px;
      }
      .tile {
        justify-content: flex-start;
        text-align: left;
        padding: 4px 8px 4px 6px;
        gap: 6px;
        line-height: 1.15;
        border-left: 5px solid var(--cat, var(--pos-border));
        /* Words stay whole: a line breaks between words only. */
        overflow-wrap: normal;
        word-break: normal;
        hyphens: manual;
      }
      .tile img {
        width: 44px;
        height: 44px;
        object-fit: cover;
        border-radius: 6px;
        flex: none;
      }
      .tile .txt {
        display: flex;
        flex-direction: column;
        gap: 2px;
        min-width: 0;
      }
      .tile .n {
        font-weight: 600;
        font-size: 0.9rem;
      }
      .tile .p {
        color: var(--pos-muted);
        font-variant-numeric: tabular-nums;
        font-size: 0.9rem;
      }
      .none {
        color: var(--pos-muted);
        padding: 12px;
      }
    `,
  ];

  @property({ attribute: false }) products: Product[] = [];
  @property({ attribute: false }) categories: Category[] = [];
  @property({ attribute: false }) quickKeys: QuickKeyPage[] = [];
  @property({ attribute: false }) currency = 'EUR';
  @property({ type: Boolean }) disabled = false;
  @state() private text = '';
  @state() private tab: string | null = null;
  private tabProducts: Product[] = [];
  private i18n = new I18nController(this);

  override render() {
    const searching = this.text.trim() !== '';
    // While searching, the list holds matches only: the tabs keep the ones they had.
    if (!searching) this.tabProducts = this.products;
    const tabs = pickerTabs(this.categories, this.quickKeys, this.tabProducts);
    const current = searching ? undefined : (tabs.find((x) => x.id === this.tab) ?? tabs[0]);
    const tiles = searching ? this.products : tilesFor(current, this.products, this.quickKeys);
    const colour = new Map(this.categories.map((c) => [c.id, c.color]));
    return html`
      <form role="search" @submit=${this.submit}>
        <label class="visually-hidden" for="q">${t('entry.label')}</label>
        <input
          id="q"
          name="q"
          type="search"
          autocomplete="off"
          enterkeyhint="enter"
          placeholder=${t('search.placeholder')}
          .value=${this.text}
          @input=${(e: Event) => {
            this.text = (e.target as HTMLInputElement).value;
            this.emit('pos-search', { q: this.text.trim() });
          }}
        />
        <button
          type="button"
          class="open"
          data-testid="open-price"
          ?disabled=${this.disabled}
          @click=${() => this.emit('pos-open-price', {})}
        >
          ${t('open.key')}
        </button>
      </form>
      <div class="tabs" role="tablist" aria-label=${t('tabs.label')}>
        ${tabs.map((tab) => this.renderTab(tab, tab === current))}
      </div>
      <div class="grid" role="group" aria-label=${t('search.label')}>
        ${
          tiles.length === 0
            ? html`<p class="none">${t(searching ? 'search.none' : 'tabs.empty')}</p>`
            : repeat(
                tiles,
                (p) => p.id,
                (p) => {
                  const price = formatMoney(p.price_cents, lang(), this.currency);
                  const cat = p.category_id ? colour.get(p.category_id) : undefined;
                  return html`<button
                    class="tile"
                    lang="de"
                    data-product-id=${p.id}
                    style=${styleMap(cat ? { '--cat': cat } : {})}
                    ?disabled=${this.disabled}
                    aria-label=${t('search.add', { name: p.name, price })}
                    @click=${() => this.emit('pos-add-product', { product_id: p.id })}
                  >
                    ${p.image_url ? html`<img src=${p.image_url} alt="" loading="lazy" />` : nothing}
                    <span class="txt"
                      ><span class="n">${p.name}</span><span class="p">${price}</span></span
                    >
                  </button>`;
                },
              )
        }
      </div>
    `;
  }

  private renderTab(tab: PickerTab, selected: boolean) {
    const label =
      tab.kind === 'quick'
        ? `★ ${tab.name}`
        : tab.kind === 'category'
          ? `${tab.category.icon ? `${tab.category.icon} ` : ''}${tab.category.name}`
          : t('tabs.all');
    const colour = tab.kind === 'category' ? tab.category.color : undefined;
    const image = tab.kind === 'category' ? tab.category.image_url : null;
    return html`<button
      role="tab"
      data-tab=${tab.id}
      aria-selected=${selected ? 'true' : 'false'}
      style=${styleMap(colour ? { '--tab': colour } : {})}
      @click=${() => {
        this.tab = tab.id;
        if (this.text) {
          this.text = '';
          this.emit('pos-search', { q: '' });
        }
      }}
    >
      ${image ? html`<img src=${image} alt="" />` : nothing}${label}
    </button>`;
  }

  private submit(e: Event): void {
    e.preventDefault();
    if (this.disabled) return;
    const action = entryAction(this.text, this.products);
    if (!action) return;
    if ('barcode' in action) this.emit('pos-add-barcode', action);
    else this.emit('pos-add-product', action);
    this.text = '';
    this.emit('pos-search', { q: '' });
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
