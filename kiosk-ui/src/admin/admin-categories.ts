import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type {
  Category,
  EmbeddedScheme,
  Product,
  QuickKeyPage,
  ServerMessage,
} from '../../../daemon/protocol.js';
import { QUICK_KEY_PAGES_MAX, QUICK_KEYS_PER_PAGE } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { moved } from '../lib/reorder.js';
import { pageStyles } from './admin-styles.js';

/** Colours offered for a new category in turn. */
const CATEGORY_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490'];

/**
 * Categories (the till's tabs: name, colour, symbol, order) and the quick-keys pages (up to
 * 24 product tiles a page, in the owner's order, moved with up/down).
 */
@customElement('admin-categories')
export class AdminCategories extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      section {
        background: var(--pos-surface);
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        padding: 12px;
      }
      ol {
        list-style: none;
        margin: 0 0 10px;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      li {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      li .name {
        flex: 1;
        min-width: 8em;
      }
      input.icon {
        width: 6.5em;
      }
      input[type='color'] {
        width: 56px;
        padding: 2px;
      }
      .swatch {
        width: 10px;
        align-self: stretch;
        border-radius: 4px;
      }
      form.add {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
      .page-head {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-bottom: 8px;
      }
      .count {
        color: var(--pos-muted);
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @state() private categories: Category[] = [];
  @state() private products: Product[] = [];
  @state() private pages: QuickKeyPage[] = [];
  @state() private dirty = false;
  @state() private schemes: EmbeddedScheme[] = [];
  @state() private message = '';
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Another admin's change reloads, unless quick keys are being edited here.
    if (changed.has('live') && this.live?.type === 'products.changed' && !this.dirty)
      void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [categories, products, pages, selling] = await Promise.all([
        api.listCategories(),
        api.searchProducts(''),
        api.getQuickKeys(),
        api.sellingSettings(),
      ]);
      this.schemes = selling.embedded_barcodes;
      this.categories = categories;
      this.products = products;
      this.pages = pages.length ? pages : [{ name: t('quick.default_page'), product_ids: [] }];
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async run(f: () => Promise<unknown>, saved = false): Promise<boolean> {
    this.error = '';
    this.message = '';
    try {
      await f();
      if (saved) this.message = t('products.saved');
      return true;
    } catch (err) {
      this.error = errorText(err);
      return false;
    }
  }

  override render() {
    return html`
      <h2>${t('nav.categories')}</h2>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
      ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : ''}
      <div class="cols">
        <section aria-labelledby="cat-h">
          <h3 id="cat-h">${t('categories.title')}</h3>
          <ol>
            ${repeat(
              this.categories,
              (c) => c.id,
              (c, i) => this.categoryRow(c, i),
            )}
          </ol>
          <form class="add" @submit=${this.addCategory}>
            <label class="visually-hidden" for="new-cat">${t('categories.new')}</label>
            <input id="new-cat" name="name" placeholder=${t('categories.new')} required />
            <input
              type="color"
              name="color"
              aria-label=${t('categories.new_color')}
              .value=${CATEGORY_COLOURS[this.categories.length % CATEGORY_COLOURS.length]}
            />
            <button class="primary" type="submit">${t('categories.add')}</button>
          </form>
        </section>
        <section aria-labelledby="quick-h">
          <h3 id="quick-h">${t('quick.title')}</h3>
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
              @click=${this.saveQuickKeys}
            >
              ${t('common.save')}
            </button>
          </div>
        </section>
        ${this.embeddedEditor()}
      </div>
    `;
  }

  /** Price- and weight-embedded barcodes: one layout per prefix 20-29. */
  private embeddedEditor() {
    const set = (i: number, patch: Partial<EmbeddedScheme>) =>
      (this.schemes = this.schemes.map((s, j) => (j === i ? { ...s, ...patch } : s)));
    return html`<section aria-labelledby="emb-h">
      <h3 id="emb-h">${t('embedded.title')}</h3>
      <p class="count">${t('embedded.help')}</p>
      <ol>
        ${this.schemes.map(
          (s, i) =>
            html`<li data-scheme=${i}>
              <label
                >${t('embedded.prefix')}
                <input
                  class="icon"
                  inputmode="numeric"
                  maxlength="2"
                  .value=${s.prefix}
                  @change=${(e: Event) => set(i, { prefix: (e.target as HTMLInputElement).value })}
              /></label>
              <label
                >${t('embedded.kind')}
                <select
                  @change=${(e: Event) =>
                    set(i, {
                      kind: (e.target as HTMLSelectElement).value as EmbeddedScheme['kind'],
                    })}
                >
                  <option value="price" ?selected=${s.kind === 'price'}>
                    ${t('embedded.price')}
                  </option>
                  <option value="weight" ?selected=${s.kind === 'weight'}>
                    ${t('embedded.weight')}
                  </option>
                </select></label
              >
              <label
                >${t('embedded.item_digits')}
                <select
                  @change=${(e: Event) =>
                    set(i, { item_digits: Number((e.target as HTMLSelectElement).value) })}
                >
                  ${[3, 4, 5, 6].map(
                    (n) => html`<option ?selected=${s.item_digits === n}>${n}</option>`,
                  )}
                </select></label
              >
              <button
                aria-label=${t('embedded.remove', { prefix: s.prefix })}
                @click=${() => (this.schemes = this.schemes.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </li>`,
        )}
      </ol>
      <div class="toolbar">
        <button
          ?disabled=${this.schemes.length >= 10}
          @click=${() =>
            (this.schemes = [...this.schemes, { prefix: '2', kind: 'price', item_digits: 5 }])}
        >
          ${t('embedded.add')}
        </button>
        <button
          class="primary"
          data-testid="embedded-save"
          @click=${() =>
            void this.run(async () => {
              this.schemes = (
                await api.saveSellingSettings({ embedded_barcodes: this.schemes })
              ).embedded_barcodes;
            }, true)}
        >
          ${t('common.save')}
        </button>
      </div>
    </section>`;
  }

  private categoryRow(c: Category, i: number) {
    const patch = (body: Record<string, unknown>) =>
      this.run(async () => {
        await api.updateCategory(c.id, body);
        await this.load();
      }, true);
    return html`<li data-category=${c.id}>
      <span class="swatch" style="background:${c.color}"></span>
      <input
        class="name"
        aria-label=${t('categories.name_of', { name: c.name })}
        .value=${c.name}
        @change=${(e: Event) => void patch({ name: (e.target as HTMLInputElement).value })}
      />
      <input
        type="color"
        aria-label=${t('categories.color_of', { name: c.name })}
        .value=${c.color}
        @change=${(e: Event) => void patch({ color: (e.target as HTMLInputElement).value })}
      />
      <input
        class="icon"
        aria-label=${t('categories.icon_of', { name: c.name })}
        placeholder=${t('categories.icon')}
        .value=${c.icon ?? ''}
        @change=${(e: Event) => void patch({ icon: (e.target as HTMLInputElement).value })}
      />
      <button
        aria-label=${t('categories.up', { name: c.name })}
        ?disabled=${i === 0}
        @click=${() => void this.order(i, -1)}
      >
        ↑
      </button>
      <button
        aria-label=${t('categories.down', { name: c.name })}
        ?disabled=${i === this.categories.length - 1}
        @click=${() => void this.order(i, 1)}
      >
        ↓
      </button>
      <button
        class="danger"
        aria-label=${t('categories.delete', { name: c.name })}
        @click=${() =>
          void this.run(async () => {
            await api.deleteCategory(c.id);
            await this.load();
          })}
      >
        ✕
      </button>
    </li>`;
  }

  private async order(i: number, by: -1 | 1): Promise<void> {
    const ids = moved(
      this.categories.map((c) => c.id),
      i,
      by,
    );
    await this.run(async () => {
      this.categories = (await api.orderCategories(ids)).categories;
    });
  }

  private async addCategory(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const color = String(data.get('color') ?? CATEGORY_COLOURS[0]);
    if (!name) return;
    if (
      await this.run(async () => {
        await api.createCategory({ name, color });
        await this.load();
      })
    )
      form.reset();
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

  private async saveQuickKeys(): Promise<void> {
    if (
      await this.run(async () => {
        this.pages = await api.saveQuickKeys(this.pages).then((r) => r.pages);
      }, true)
    )
      this.dirty = false;
  }
}
