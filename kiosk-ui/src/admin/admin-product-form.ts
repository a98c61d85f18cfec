import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Category, Product, ProductInput } from '../../../daemon/protocol.js';
import { VAT_RATES_DEFAULT } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { centsToInput, parseEuroInput } from '../lib/format.js';
import { tokens, controls } from '../lib/styles.js';
import { pickStyles } from './admin-styles.js';

type FieldName =
  'name' | 'barcode' | 'price_cents' | 'category_id' | 'deposit_product_id' | 'vat_rate' | 'active';

/**
 * Create or edit one product in a modal: field-level validation messages from the daemon
 * (`error.field`), and an image upload with a preview of the picked file before it is sent.
 *
 * @fires admin-product-saved - {product, keep_open}: created or updated; keep_open when the
 *   image upload failed and the dialog stays for another try
 * @fires admin-product-close - the dialog was dismissed
 */
@customElement('admin-product-form')
export class AdminProductForm extends LitElement {
  static override styles = [
    tokens,
    controls,
    pickStyles,
    css`
      dialog {
        width: min(96vw, 560px);
      }
      form {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 12px;
      }
      .wide {
        grid-column: 1 / -1;
      }
      .f {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-weight: 600;
      }
      label.check {
        flex-direction: row;
        align-items: center;
        gap: 8px;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .preview {
        display: flex;
        gap: 12px;
        align-items: center;
      }
      .preview img {
        width: 96px;
        height: 96px;
        object-fit: cover;
        border-radius: 8px;
        border: 1px solid var(--pos-border);
        background: #fff;
      }
      .actions {
        grid-column: 1 / -1;
        display: flex;
        justify-content: flex-end;
        gap: 8px;
      }
      h2 {
        margin: 0 0 12px;
      }
      [aria-invalid='true'] {
        border-color: var(--pos-danger);
        border-width: 2px;
      }
    `,
  ];

  /** The product to edit; null for a new one. */
  @property({ attribute: false }) product: Product | null = null;
  @property({ type: Boolean }) open = false;
  /** A new product starts with this barcode (the till's unknown-barcode message). */
  @property({ attribute: false }) barcode = '';
  @state() private errors: Partial<Record<FieldName | 'image' | 'form', string>> = {};
  @state() private previewUrl = '';
  @state() private busy = false;
  @state() private categories: Category[] = [];
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('form') private form!: HTMLFormElement;
  private file: File | null = null;
  /** The product being edited; set after the first save of a new one (image retry). */
  private editingId: string | null = null;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if ((changed.has('open') || changed.has('product')) && this.open) {
      this.editingId = this.product?.id ?? null;
      this.errors = {};
      this.file = null;
      if (this.previewUrl.startsWith('blob:')) URL.revokeObjectURL(this.previewUrl);
      this.previewUrl = this.product?.image_url ?? '';
      void this.loadCategories();
    }
  }

  private async loadCategories(): Promise<void> {
    try {
      this.categories = await api.listCategories();
    } catch {
      /* the select then offers "none" and the product's own category only */
    }
  }

  /** The product's category, chosen from the managed list (admin → Categories). */
  private categoryPicker(current: string | null) {
    const error = this.errors.category_id;
    const known = this.categories.some((c) => c.id === current);
    return html`<div class="f">
      <label
        >${t('products.category')}
        <select
          name="category_id"
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby="err-category_id"
        >
          <option value="" ?selected=${!current}>${t('products.no_category')}</option>
          ${this.categories.map(
            (c) => html`<option value=${c.id} ?selected=${c.id === current}>${c.name}</option>`,
          )}
          ${
            current && !known
              ? html`<option value=${current} selected>
                  ${this.product?.category ?? current}
                </option>`
              : ''
          }
        </select></label
      >
      ${error ? html`<span class="field-error" id="err-category_id">${error}</span>` : ''}
    </div>`;
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
    if (changed.has('product') || (changed.has('open') && this.open)) this.form.reset();
  }

  /** One labelled input; the daemon's message for it sits below, linked for screen readers. */
  private field(
    name: FieldName,
    label: string,
    value: string,
    cls = '',
    inputmode: 'text' | 'decimal' = 'text',
  ) {
    const error = this.errors[name];
    return html`<div class="f ${cls}">
      <label
        >${label}
        <input
          name=${name}
          inputmode=${inputmode}
          .defaultValue=${value}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby="err-${name}"
      /></label>
      ${error ? html`<span class="field-error" id="err-${name}">${error}</span>` : ''}
    </div>`;
  }

  /** The VAT rate as a choice of the configured rates (a product's own odd rate stays). */
  private vatPicker(current: number) {
    const rates = VAT_RATES_DEFAULT.includes(current)
      ? VAT_RATES_DEFAULT
      : [...VAT_RATES_DEFAULT, current];
    const error = this.errors.vat_rate;
    const fmt = new Intl.NumberFormat(lang() === 'de' ? 'de-DE' : 'en-GB');
    return html`<div class="f">
      <label
        >${t('products.vat')}
        <select
          name="vat_rate"
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby="err-vat_rate"
        >
          ${rates.map(
            (r) =>
              html`<option value=${String(r)} ?selected=${r === current}>
                ${fmt.format(r)} %
              </option>`,
          )}
        </select></label
      >
      ${error ? html`<span class="field-error" id="err-vat_rate">${error}</span>` : ''}
    </div>`;
  }

  override render() {
    const p = this.product;
    return html`<dialog
      aria-labelledby="pf-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.close();
      }}
    >
      <h2 id="pf-title">${p ? t('products.edit_title') : t('products.new_title')}</h2>
      <form @submit=${this.submit} novalidate>
        ${this.field('name', t('products.name'), p?.name ?? '', 'wide')}
        ${this.field('barcode', t('products.barcode'), p ? (p.barcode ?? '') : this.barcode)}
        ${this.field(
          'price_cents',
          t('products.price'),
          p ? centsToInput(p.price_cents, lang()) : '',
          '',
          'decimal',
        )}
        ${this.categoryPicker(p?.category_id ?? null)}
        ${this.vatPicker(p?.vat_rate ?? VAT_RATES_DEFAULT[0])}
        <label class="check"
          ><input name="active" type="checkbox" .defaultChecked=${p?.active ?? true} />
          ${t('products.active')}</label
        >
        <div class="wide preview">
          ${
            this.previewUrl
              ? html`<img
                  src=${this.previewUrl}
                  alt=${t('products.image')}
                  data-testid="preview"
                />`
              : ''
          }
          <span class="row"
            ><label class="pick"
              >${t('products.image_upload')}<input
                name="image"
                type="file"
                accept="image/*"
                @change=${this.pickImage} /></label
            ><span class="chosen muted">${this.file?.name ?? t('common.no_file')}</span></span
          >${
            this.errors.image
              ? html`<span class="field-error" id="err-image">${this.errors.image}</span>`
              : ''
          }
        </div>
        ${
          this.errors.form
            ? html`<p class="wide field-error" role="alert">${this.errors.form}</p>`
            : ''
        }
        <div class="actions">
          <button type="button" @click=${this.close}>${t('common.cancel')}</button>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('common.save')}</button>
        </div>
      </form>
    </dialog>`;
  }

  private pickImage(e: Event): void {
    const f = (e.target as HTMLInputElement).files?.[0] ?? null;
    this.file = f;
    if (this.previewUrl.startsWith('blob:')) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = f ? URL.createObjectURL(f) : (this.product?.image_url ?? '');
  }

  private readInput(): ProductInput | null {
    const data = new FormData(this.form);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    const cents = parseEuroInput(text('price_cents'));
    if (cents === null) {
      this.errors = { price_cents: t('products.price_invalid') };
      return null;
    }
    const vat = Number(text('vat_rate').replace(',', '.'));
    return {
      name: text('name'),
      barcode: text('barcode') || null,
      price_cents: cents,
      category_id: text('category_id') || null,
      vat_rate: Number.isFinite(vat) ? vat : Number.NaN,
      active: data.get('active') === 'on',
    };
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    this.errors = {};
    const input = this.readInput();
    if (!input) return;
    this.busy = true;
    try {
      let saved = this.editingId
        ? await api.updateProduct(this.editingId, input)
        : await api.createProduct(input);
      this.editingId = saved.id;
      if (this.file) {
        try {
          saved = await api.uploadProductImage(saved.id, this.file);
        } catch (err) {
          // The product is saved; the dialog stays open on it to retry the image.
          this.errors = { image: errorText(err) };
          this.emit('admin-product-saved', { product: saved, keep_open: true });
          return;
        }
      }
      this.emit('admin-product-saved', { product: saved, keep_open: false });
    } catch (err) {
      const field = err instanceof api.ApiRequestError ? err.field : undefined;
      const msg = errorText(err);
      this.errors =
        field &&
        [
          'name',
          'barcode',
          'price_cents',
          'category_id',
          'deposit_product_id',
          'vat_rate',
          'active',
        ].includes(field)
          ? { [field]: msg }
          : { form: msg };
    } finally {
      this.busy = false;
    }
  }

  private close(): void {
    this.emit('admin-product-close', {});
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
