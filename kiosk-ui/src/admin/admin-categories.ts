import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Category, ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { moved } from '../lib/reorder.js';
import { listSectionStyles, pageStyles, pickStyles } from './admin-styles.js';
import './admin-quick-keys.js';
import './admin-embedded-barcodes.js';

/** Colours offered for a new category in turn. */
const CATEGORY_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490'];

/**
 * Admin → Kategorien & Schnelltasten: the categories (the till's tabs: name, colour, symbol,
 * image, order) here; the quick-keys pages (admin-quick-keys.ts) and the price/weight barcode
 * layouts (admin-embedded-barcodes.ts) beside them.
 */
@customElement('admin-categories')
export class AdminCategories extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    pickStyles,
    listSectionStyles,
    css`
      input[type='color'] {
        width: 56px;
        padding: 2px;
      }
      /* Name and order keys on the first line; colour, symbol and image below. */
      li.cat {
        display: grid;
        grid-template-columns: 10px minmax(6em, 1fr) auto auto auto;
        gap: 6px;
      }
      li.cat .more {
        grid-column: 2 / -1;
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .swatch {
        width: 10px;
        grid-row: span 2;
        align-self: stretch;
        border-radius: 4px;
      }
      .thumb {
        width: 36px;
        height: 36px;
        object-fit: cover;
        border-radius: 6px;
        border: 1px solid var(--pos-border);
      }
      form.add {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
      }
    `,
  ];

  @property({ attribute: false }) live: ServerMessage | null = null;
  @state() private categories: Category[] = [];
  @state() private message = '';
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    // Another admin's change reloads the list.
    if (changed.has('live') && this.live?.type === 'products.changed') void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.categories = await api.listCategories();
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
      <div class="cols">
        <section aria-labelledby="cat-h">
          <h3 id="cat-h">${t('categories.title')}</h3>
          ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
          ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : ''}
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
        <admin-quick-keys .live=${this.live}></admin-quick-keys>
        <admin-embedded-barcodes></admin-embedded-barcodes>
      </div>
    `;
  }

  private categoryRow(c: Category, i: number) {
    const patch = (body: Record<string, unknown>) =>
      this.run(async () => {
        await api.updateCategory(c.id, body);
        await this.load();
      }, true);
    return html`<li class="cat" data-category=${c.id}>
      <span class="swatch" style="background:${c.color}"></span>
      <input
        class="name"
        aria-label=${t('categories.name_of', { name: c.name })}
        .value=${c.name}
        @change=${(e: Event) => void patch({ name: (e.target as HTMLInputElement).value })}
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
      <div class="more">
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
        ${this.imageControls(c)}
      </div>
    </li>`;
  }

  /** The category's picture: a thumbnail, a file picker that uploads at once, a remove key. */
  private imageControls(c: Category) {
    const upload = (e: Event) => {
      const input = e.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = '';
      if (!file) return;
      void this.run(async () => {
        await api.uploadCategoryImage(c.id, file);
        await this.load();
      }, true);
    };
    return html`${
        c.image_url
          ? html`<img
              class="thumb"
              src=${c.image_url}
              alt=${t('categories.image_of', { name: c.name })}
            />`
          : ''
      }
      <label class="pick"
        >${t('categories.image')}
        <input
          type="file"
          accept="image/*"
          aria-label=${t('categories.image_of', { name: c.name })}
          @change=${upload}
      /></label>
      ${
        c.image_url
          ? html`<button
              aria-label=${t('categories.image_remove', { name: c.name })}
              @click=${() =>
                void this.run(async () => {
                  await api.deleteCategoryImage(c.id);
                  await this.load();
                }, true)}
            >
              ${t('categories.image_remove_short')}
            </button>`
          : ''
      }`;
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
}
