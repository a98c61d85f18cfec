import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CsvImportReport, Product, ServerMessage } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText, importRowNotice } from '../lib/errors.js';
import { t, tn, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';
import '../components/pos-confirm-dialog.js';
import './admin-product-form.js';

/**
 * Products: searchable table, create/edit (modal form), delete with confirmation, CSV import
 * with per-row errors, CSV export.
 */
@customElement('admin-products')
export class AdminProducts extends LitElement {
  static override styles = [
    tokens,
    controls,
    pageStyles,
    css`
      td img {
        width: 40px;
        height: 40px;
        object-fit: cover;
        border-radius: 6px;
      }
      .actions {
        display: flex;
        gap: 6px;
      }
      label.encoding {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
      }
      .import-errors li {
        margin: 2px 0;
      }
      input[type='search'] {
        min-width: 260px;
      }
    `,
  ];

  /** The latest admin WebSocket message (products.changed reloads the table). */
  @property({ attribute: false }) live: ServerMessage | null = null;
  @state() private products: Product[] = [];
  @state() private query = '';
  @state() private editing: Product | null = null;
  @state() private formOpen = false;
  /** A barcode the new-product form starts with (from the till), else ''. */
  private prefillBarcode = '';
  @state() private deleting: Product | null = null;
  @state() private importReport: CsvImportReport | null = null;
  @state() private importEncoding: 'utf-8' | 'windows-1252' = 'utf-8';
  @state() private message = '';
  @state() private error = '';
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    // From the till's unknown-barcode message (#products?barcode=…): a new product with it.
    const code = /[?&]barcode=([0-9A-Za-z-]{1,64})(?:&|$)/.exec(location.hash)?.[1];
    if (code) {
      this.prefillBarcode = code;
      this.formOpen = true;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('live') && this.live?.type === 'products.changed') void this.load();
  }

  private async load(): Promise<void> {
    const seq = ++this.seq;
    try {
      const list = await api.searchProducts(this.query);
      if (seq === this.seq) this.products = list;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    const money = (c: number) => formatMoney(c, lang());
    return html`
      <h2>${t('nav.products')}</h2>
      <div class="toolbar">
        <label class="visually-hidden" for="q">${t('products.search')}</label>
        <input
          id="q"
          type="search"
          placeholder=${t('products.search')}
          @input=${(e: Event) => {
            this.query = (e.target as HTMLInputElement).value.trim();
            clearTimeout(this.timer);
            this.timer = setTimeout(() => void this.load(), 150);
          }}
        />
        <span class="grow"></span>
        <button
          class="primary"
          @click=${() => {
            this.editing = null;
            this.formOpen = true;
          }}
        >
          ${t('products.new')}
        </button>
        <label class="encoding"
          >${t('import.encoding')}
          <select
            data-testid="csv-encoding"
            .value=${this.importEncoding}
            @change=${(e: Event) =>
              (this.importEncoding = (e.target as HTMLSelectElement).value as
                'utf-8' | 'windows-1252')}
          >
            <option value="utf-8">${t('import.encoding_utf8')}</option>
            <option value="windows-1252">${t('import.encoding_cp1252')}</option>
          </select></label
        >
        <label class="btn"
          >${t('products.import')}
          <input
            class="visually-hidden"
            type="file"
            accept=".csv,text/csv"
            data-testid="csv-import"
            @change=${this.importCsv}
        /></label>
        <a class="btn" href=${api.PRODUCTS_EXPORT_URL} download="products.csv"
          >${t('products.export')}</a
        >
      </div>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.importReport ? this.renderImport(this.importReport) : ''}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>${t('products.image')}</th>
              <th>${t('products.name')}</th>
              <th>${t('products.barcode')}</th>
              <th class="num">${t('products.price')}</th>
              <th>${t('products.category')}</th>
              <th class="num">${t('products.vat')}</th>
              <th>${t('products.active')}</th>
              <th>${t('products.actions')}</th>
            </tr>
          </thead>
          <tbody>
            ${
              this.products.length === 0
                ? html`<tr>
                    <td colspan="8" class="muted">${t('products.none')}</td>
                  </tr>`
                : repeat(
                    this.products,
                    (p) => p.id,
                    (p) =>
                      html`<tr data-product-id=${p.id}>
                        <td>${p.image_url ? html`<img src=${p.image_url} alt="" />` : ''}</td>
                        <td>${p.name}</td>
                        <td>${p.barcode ?? ''}</td>
                        <td class="num">${money(p.price_cents)}</td>
                        <td>${p.category ?? ''}</td>
                        <td class="num">${p.vat_rate}</td>
                        <td>${p.active ? t('common.yes') : t('common.no')}</td>
                        <td class="actions">
                          <button
                            aria-label="${t('common.edit')}: ${p.name}"
                            @click=${() => {
                              this.editing = p;
                              this.formOpen = true;
                            }}
                          >
                            ${t('common.edit')}
                          </button>
                          <button
                            aria-label="${t('common.delete')}: ${p.name}"
                            @click=${() => (this.deleting = p)}
                          >
                            ${t('common.delete')}
                          </button>
                        </td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>
      </div>
      <admin-product-form
        ?open=${this.formOpen}
        .product=${this.editing}
        .barcode=${this.prefillBarcode}
        @admin-product-saved=${(e: CustomEvent<{ product: Product; keep_open: boolean }>) => {
          if (!e.detail.keep_open) this.formOpen = false;
          this.message = `${t('products.saved')}: ${e.detail.product.name}`;
          void this.load();
        }}
        @admin-product-close=${() => (this.formOpen = false)}
      ></admin-product-form>
      <pos-confirm-dialog
        ?open=${!!this.deleting}
        .message=${t('products.delete_confirm', { name: this.deleting?.name ?? '' })}
        .confirmLabel=${t('common.delete')}
        @pos-confirm=${() => void this.confirmDelete()}
        @pos-cancel=${() => (this.deleting = null)}
      ></pos-confirm-dialog>
    `;
  }

  private renderImport(r: CsvImportReport) {
    return html`<div class="card" role="status" data-testid="import-report">
      <div>${t('import.result', r as unknown as Record<string, number>)}</div>
      ${
        r.errors.length
          ? html`<p class="error">${t('import.errors', { n: r.errors.length })}</p>
              <ul class="import-errors">
                ${r.errors.map(
                  (e) =>
                    html`<li>
                      <strong>${t('import.row', { row: e.row })}</strong>: ${tn(importRowNotice(e))}
                    </li>`,
                )}
              </ul>`
          : ''
      }
    </div>`;
  }

  private async importCsv(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.error = '';
    this.message = '';
    this.importReport = null;
    try {
      this.importReport = await api.importProductsCsv(file, this.importEncoding);
      void this.load();
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async confirmDelete(): Promise<void> {
    const p = this.deleting;
    this.deleting = null;
    if (!p) return;
    try {
      await api.deleteProduct(p.id);
      this.products = this.products.filter((x) => x.id !== p.id);
    } catch (err) {
      this.error = errorText(err);
    }
  }
}
