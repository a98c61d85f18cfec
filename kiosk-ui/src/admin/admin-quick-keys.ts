import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Product, QuickKeyPage, ServerMessage } from '../../../daemon/protocol.js';
import { QUICK_KEY_PAGES_MAX, QUICK_KEYS_PER_PAGE } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { moved } from '../lib/reorder.js';
import { listSectionStyles, pageStyles } from './admin-styles.js';

/** The quick-keys pages: up to 24 product tiles a page, in the owner's order (up/down). */
@customElement('admin-quick-keys')
export class AdminQuickKeys extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    listSectionStyles,
    css`
      .page-head {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-bottom: 8px;
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @state() private products: Product[] = [];
  @state() private pages: QuickKeyPage[] = [];
  @state() private dirty = false;
  @state() private message = '';
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Another admin's change reloads, unless the pages are being edited here.
    if (changed.has('live') && this.live?.type === 'products.changed' && !this.dirty)
      void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [products, pages] = await Promise.all([api.searchProducts(''), api.getQuickKeys()]);
      this.products = products;
      this.pages = pages.length ? pages : [{ name: t('quick.default_page'), product_ids: [] }];
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    return html`<section aria-labelledby="quick-h">
      <h3 id="quick-h">${t('quick.title')}</h3>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
      ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : ''}
      <p class="count">${t('quick.help', { max: QUICK_KEYS_PER_PAGE })}</p>
      ${this.pages.map((p, i) => this.pageEditor(p, i))}
      <div class="toolbar">
        <button
          ?disabled=${this.pages.length >= QUICK_KEY_PAGES_MAX}
          @click=${() => {
            this.pages = [
              ...this.pages,
              { name: t('quick.page_n', { n: this.pages.length + 1 }), product_ids: [] },
            ];
            this.dirty = true;
          }}
        >
          ${t('quick.add_page')}
        </button>
        <button
          class="primary"
          data-testid="quick-save"
          ?disabled=${!this.dirty}
          @click=${this.save}
        >
          ${t('common.save')}
        </button>
      </div>
    </section>`;
  }

  private pageEditor(page: QuickKeyPage, pi: number) {
    const byId = new Map(this.products.map((p) => [p.id, p]));
    const set = (next: QuickKeyPage) => {
      this.pages = this.pages.map((p, i) => (i === pi ? next : p));
      this.dirty = true;
    };
    const full = page.product_ids.length >= QUICK_KEYS_PER_PAGE;
    return html`<div class="quick-page" data-page=${pi}>
      <div class="page-head">
        <label
          >${t('quick.page_name')}
          <input
            .value=${page.name}
            @change=${(e: Event) => set({ ...page, name: (e.target as HTMLInputElement).value })}
        /></label>
        <span class="count">${page.product_ids.length} / ${QUICK_KEYS_PER_PAGE}</span>
        <button
          aria-label=${t('quick.remove_page', { name: page.name })}
          @click=${() => {
            this.pages = this.pages.filter((_, i) => i !== pi);
            this.dirty = true;
          }}
        >
          ✕
        </button>
      </div>
      <ol>
        ${page.product_ids.map((id, i) => {
          const name = byId.get(id)?.name ?? id;
          return html`<li>
            <span class="name">${i + 1}. ${name}</span>
            <button
              aria-label=${t('categories.up', { name })}
              ?disabled=${i === 0}
              @click=${() => set({ ...page, product_ids: moved(page.product_ids, i, -1) })}
            >
              ↑
            </button>
            <button
              aria-label=${t('categories.down', { name })}
              ?disabled=${i === page.product_ids.length - 1}
              @click=${() => set({ ...page, product_ids: moved(page.product_ids, i, 1) })}
            >
              ↓
            </button>
            <button
              aria-label=${t('quick.remove', { name })}
              @click=${() =>
                set({ ...page, product_ids: page.product_ids.filter((x) => x !== id) })}
            >
              ✕
            </button>
          </li>`;
        })}
      </ol>
      <label
        >${t('quick.add_product')}
        <select
          ?disabled=${full}
          data-testid="quick-add-${pi}"
          @change=${(e: Event) => {
            const sel = e.target as HTMLSelectElement;
            if (sel.value) set({ ...page, product_ids: [...page.product_ids, sel.value] });
            sel.value = '';
          }}
        >
          <option value="">${t('quick.choose')}</option>
          ${this.products
            .filter((p) => !page.product_ids.includes(p.id))
            .map((p) => html`<option value=${p.id}>${p.name}</option>`)}
        </select></label
      >
    </div>`;
  }

  private async save(): Promise<void> {
    this.error = '';
    this.message = '';
    try {
      this.pages = (await api.saveQuickKeys(this.pages)).pages;
      this.message = t('products.saved');
      this.dirty = false;
    } catch (err) {
      this.error = errorText(err);
    }
  }
}
