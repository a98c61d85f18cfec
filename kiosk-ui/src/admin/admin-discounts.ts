import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { DiscountPreset } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { t, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { pageStyles } from './admin-styles.js';

/** A preset as the form edits it: the value as typed, percent or euro. */
interface Row {
  id: string;
  name: string;
  value: string;
  kind: 'percent' | 'amount';
  cart: boolean;
}

/** "Happy Hour" → "happy-hour" (the preset's stable id, made once from its first name). */
function slug(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 24) || 'rabatt';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function toRow(p: DiscountPreset): Row {
  return {
    id: p.id,
    name: p.name,
    value:
      p.percent !== null
        ? String(p.percent)
        : ((p.amount_cents ?? 0) / 100).toFixed(2).replace('.', ','),
    kind: p.percent !== null ? 'percent' : 'amount',
    cart: p.cart,
  };
}

/** Cents or percent from what the owner typed ("0,50", "10"); NaN when it is not a number. */
function number(v: string): number {
  return Number(v.trim().replace(',', '.'));
}

/**
 * Discount presets (staff, happy hour) the till offers as buttons, and the limit above which a
 * discount needs a manager (settings section `discounts`).
 */
@customElement('admin-discounts')
export class AdminDiscounts extends LitElement {
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
        margin-top: 12px;
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
      input.value {
        width: 6em;
      }
    `,
  ];

  @state() private rows: Row[] = [];
  @state() private limit = '';
  @state() private error = '';
  @state() private message = '';
  private i18n = new I18nController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const s = await api.adminDiscountSettings();
      this.rows = s.presets.map(toRow);
      this.limit = s.manager_above_percent === null ? '' : String(s.manager_above_percent);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async save(): Promise<void> {
    this.error = '';
    this.message = '';
    const taken = new Set<string>();
    const presets: DiscountPreset[] = this.rows.map((r) => {
      const id = r.id || slug(r.name, new Set([...taken, ...this.rows.map((x) => x.id)]));
      taken.add(id);
      const v = number(r.value);
      return {
        id,
        name: r.name.trim(),
        percent: r.kind === 'percent' ? v : null,
        amount_cents: r.kind === 'amount' ? Math.round(v * 100) : null,
        cart: r.cart,
      };
    });
    try {
      const saved = await api.saveDiscountSettings({
        presets,
        manager_above_percent: this.limit.trim() === '' ? null : number(this.limit),
      });
      this.rows = saved.presets.map(toRow);
      this.message = t('sell.presets_saved');
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    const set = (i: number, patch: Partial<Row>) =>
      (this.rows = this.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    const val = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
    return html`<section aria-labelledby="disc-h">
      <h3 id="disc-h">${t('sell.presets')}</h3>
      <p class="count">${t('sell.presets_hint')}</p>
      ${this.error ? html`<p class="field-error" role="alert">${this.error}</p>` : ''}
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : ''}
      <ol>
        ${this.rows.map(
          (r, i) =>
            html`<li data-preset=${i}>
              <label
                >${t('sell.preset_name')}
                <input .value=${r.name} @change=${(e: Event) => set(i, { name: val(e) })}
              /></label>
              <label
                >${t('sell.preset_value')}
                <input
                  class="value"
                  inputmode="decimal"
                  .value=${r.value}
                  @change=${(e: Event) => set(i, { value: val(e) })}
              /></label>
              <select
                aria-label=${t('sell.preset_value')}
                @change=${(e: Event) => set(i, { kind: val(e) as Row['kind'] })}
              >
                <option value="percent" ?selected=${r.kind === 'percent'}>
                  ${t('sell.preset_kind_percent')}
                </option>
                <option value="amount" ?selected=${r.kind === 'amount'}>
                  ${t('sell.preset_kind_amount')}
                </option>
              </select>
              <select
                aria-label=${t('sell.discount')}
                @change=${(e: Event) => set(i, { cart: val(e) === 'cart' })}
              >
                <option value="cart" ?selected=${r.cart}>${t('sell.preset_scope_cart')}</option>
                <option value="line" ?selected=${!r.cart}>${t('sell.preset_scope_line')}</option>
              </select>
              <button @click=${() => (this.rows = this.rows.filter((_, j) => j !== i))}>
                ${t('sell.preset_remove')}
              </button>
            </li>`,
        )}
      </ol>
      <p>
        <label
          >${t('sell.manager_limit')}
          <input
            class="value"
            data-testid="discount-limit"
            inputmode="decimal"
            .value=${this.limit}
            @change=${(e: Event) => (this.limit = val(e))}
        /></label>
      </p>
      <div class="toolbar">
        <button
          ?disabled=${this.rows.length >= 12}
          @click=${() =>
            (this.rows = [
              ...this.rows,
              { id: '', name: '', value: '10', kind: 'percent', cart: true },
            ])}
        >
          ${t('sell.preset_add')}
        </button>
        <button class="primary" data-testid="discounts-save" @click=${() => void this.save()}>
          ${t('sell.presets_save')}
        </button>
      </div>
    </section>`;
  }
}
