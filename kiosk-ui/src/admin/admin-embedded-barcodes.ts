import { LitElement, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { EmbeddedScheme } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { listSectionStyles, pageStyles } from './admin-styles.js';

/** Price- and weight-embedded barcodes: one layout per prefix 20-29 (docs/SELLING.md). */
@customElement('admin-embedded-barcodes')
export class AdminEmbeddedBarcodes extends LitElement {
  static override styles = [tokens, controls, pageStyles, listSectionStyles];

  @state() private schemes: EmbeddedScheme[] = [];
  @state() private message = '';
  @state() private error = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void api.sellingSettings().then(
      (s) => (this.schemes = s.embedded_barcodes),
      (err) => (this.error = errorText(err)),
    );
  }

  private set(i: number, patch: Partial<EmbeddedScheme>): void {
    this.schemes = this.schemes.map((s, j) => (j === i ? { ...s, ...patch } : s));
  }

  private async save(): Promise<void> {
    this.error = '';
    this.message = '';
    try {
      this.schemes = (
        await api.saveSellingSettings({ embedded_barcodes: this.schemes })
      ).embedded_barcodes;
      this.message = t('products.saved');
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    return html`<section aria-labelledby="emb-h">
      <h3 id="emb-h">${t('embedded.title')}</h3>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
      ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : ''}
      <p class="count">${t('embedded.help')}</p>
      <ol>
        ${this.schemes.map((s, i) => this.row(s, i))}
      </ol>
      <div class="toolbar">
        <button
          ?disabled=${this.schemes.length >= 10}
          @click=${() =>
            (this.schemes = [...this.schemes, { prefix: '2', kind: 'price', item_digits: 5 }])}
        >
          ${t('embedded.add')}
        </button>
        <button class="primary" data-testid="embedded-save" @click=${this.save}>
          ${t('common.save')}
        </button>
      </div>
    </section>`;
  }

  private row(s: EmbeddedScheme, i: number) {
    return html`<li data-scheme=${i}>
      <label
        >${t('embedded.prefix')}
        <input
          class="icon"
          inputmode="numeric"
          maxlength="2"
          .value=${s.prefix}
          @change=${(e: Event) => this.set(i, { prefix: (e.target as HTMLInputElement).value })}
      /></label>
      <label
        >${t('embedded.kind')}
        <select
          @change=${(e: Event) =>
            this.set(i, {
              kind: (e.target as HTMLSelectElement).value as EmbeddedScheme['kind'],
            })}
        >
          <option value="price" ?selected=${s.kind === 'price'}>${t('embedded.price')}</option>
          <option value="weight" ?selected=${s.kind === 'weight'}>${t('embedded.weight')}</option>
        </select></label
      >
      <label
        >${t('embedded.item_digits')}
        <select
          @change=${(e: Event) =>
            this.set(i, { item_digits: Number((e.target as HTMLSelectElement).value) })}
        >
          ${[3, 4, 5, 6].map((n) => html`<option ?selected=${s.item_digits === n}>${n}</option>`)}
        </select></label
      >
      <button
        aria-label=${t('embedded.remove', { prefix: s.prefix })}
        @click=${() => (this.schemes = this.schemes.filter((_, j) => j !== i))}
      >
        ✕
      </button>
    </li>`;
  }
}
