import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Cart, DiscountBody, DiscountSettings } from '../../../daemon/protocol.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney, parseEuroInput } from '../lib/format.js';

const PERCENTS = [5, 10, 15, 20, 25, 50] as const;

/**
 * The discount dialog: on the whole purchase or on the line last touched (a product line),
 * by one of the owner's presets, a percent or an amount typed in; the discounts given so far,
 * each removable.
 * Above the owner's limit the daemon asks for a manager (the refusal shows as a toast).
 *
 * @fires pos-discount-add - DiscountBody
 * @fires pos-discount-remove - {id}
 * @fires pos-discount-cancel
 */
@customElement('pos-discount-dialog')
export class PosDiscountDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      dialog {
        width: min(94vw, 460px);
        padding: 10px 14px;
      }
      h2 {
        margin: 0 0 6px;
        font-size: 1.1rem;
      }
      .scope,
      .row {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
        margin-bottom: 8px;
      }
      .scope button {
        flex: 1;
        min-height: 44px;
        overflow-wrap: normal;
      }
      .scope button[aria-pressed='true'] {
        background: var(--pos-primary);
        color: #fff;
      }
      .row button {
        min-height: 48px;
        min-width: 64px;
        font-size: 1.1rem;
      }
      .presets button {
        flex: 1 1 40%;
      }
      label.amount {
        display: flex;
        align-items: center;
        gap: 6px;
        flex: 1;
      }
      label.amount input {
        flex: 1;
        min-width: 0;
        min-height: 44px;
        font-size: 1.1rem;
      }
      ul {
        list-style: none;
        margin: 0 0 8px;
        padding: 0;
      }
      li {
        display: flex;
        align-items: center;
        gap: 8px;
        border-bottom: 1px solid var(--pos-border);
        padding: 2px 0;
      }
      li span {
        flex: 1;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ attribute: false }) cart: Cart | null = null;
  @property({ attribute: false }) settings: DiscountSettings = {
    presets: [],
    manager_above_percent: null,
  };
  @property({ attribute: false }) currency = 'EUR';
  @property({ type: Boolean }) busy = false;
  /** On the whole purchase (true) or on the line last touched. */
  @state() private onCart = true;
  /** The amount typed for an amount discount ("2,50"); cents when it parses. */
  @state() private amountText = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('open') && this.open) {
      this.onCart = true;
      this.amountText = '';
    }
  }

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  /** The line a line discount goes to: the last touched one, when it is a product. */
  private get line() {
    const id = this.cart?.last_line_id;
    const l = this.cart?.lines.find((x) => x.line_id === id);
    return l && (!l.kind || l.kind === 'product') ? l : null;
  }

  override render() {
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    const line = this.line;
    const onCart = this.onCart || !line;
    const presets = this.settings.presets.filter((p) => p.cart === onCart);
    const target = onCart ? {} : { line_id: line!.line_id };
    const given = this.cart?.discounts ?? [];
    const limit = this.settings.manager_above_percent;
    return html`<dialog
      aria-labelledby="disc-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.emit('pos-discount-cancel', {});
      }}
    >
      <h2 id="disc-title">${t('sell.discount_title')}</h2>
      <div class="scope" role="group">
        <button aria-pressed=${onCart ? 'true' : 'false'} @click=${() => (this.onCart = true)}>
          ${t('sell.discount_cart')}
        </button>
        ${
          line
            ? html`<button
                data-testid="disc-line"
                aria-pressed=${onCart ? 'false' : 'true'}
                @click=${() => (this.onCart = false)}
              >
                ${t('sell.discount_line', { name: line.name })}
              </button>`
            : ''
        }
      </div>
      ${
        presets.length
          ? html`<div class="row presets">
              ${presets.map(
                (p) =>
                  html`<button
                    class="primary"
                    data-preset=${p.id}
                    ?disabled=${this.busy}
                    @click=${() => this.emit('pos-discount-add', { preset: p.id, ...target })}
                  >
                    ${p.name}
                    (${p.percent !== null ? `${p.percent} %` : money(p.amount_cents ?? 0)})
                  </button>`,
              )}
            </div>`
          : ''
      }
      <div class="row" role="group" aria-label=${t('sell.discount_percent')}>
        ${PERCENTS.map(
          (n) =>
            html`<button
              data-percent=${n}
              ?disabled=${this.busy}
              @click=${() => this.emit('pos-discount-add', { percent: n, ...target })}
            >
              ${n} %
            </button>`,
        )}
      </div>
      <form
        class="row"
        aria-label=${t('sell.discount_amount')}
        @submit=${(e: Event) => {
          e.preventDefault();
          const cents = parseEuroInput(this.amountText);
          if (cents) this.emit('pos-discount-add', { amount_cents: cents, ...target });
        }}
      >
        <label class="amount"
          >${t('sell.discount_amount')}
          <input
            data-testid="disc-amount"
            inputmode="decimal"
            autocomplete="off"
            placeholder="0,00"
            .value=${this.amountText}
            @input=${(e: Event) => (this.amountText = (e.target as HTMLInputElement).value)}
        /></label>
        <button
          type="submit"
          data-testid="disc-amount-apply"
          ?disabled=${this.busy || !parseEuroInput(this.amountText)}
        >
          ${t('sell.discount_apply')}
        </button>
      </form>
      ${limit !== null ? html`<p>${t('sell.discount_needs_manager', { limit })}</p>` : ''}
      ${
        given.length
          ? html`<ul>
              ${given.map(
                (d) =>
                  html`<li>
                    <span
                      >${d.reason ?? (d.percent !== null ? `${d.percent} %` : '')}
                      ${d.line_id ? `· ${this.cart?.lines.find((l) => l.line_id === d.line_id)?.name ?? ''}` : ''}</span
                    >
                    <span>−${money(d.amount_cents)}</span>
                    <button
                      aria-label=${t('sell.discount_remove')}
                      @click=${() => this.emit('pos-discount-remove', { id: d.id })}
                    >
                      ✕
                    </button>
                  </li>`,
              )}
            </ul>`
          : ''
      }
      <div class="actions">
        <button @click=${() => this.emit('pos-discount-cancel', {})}>${t('common.close')}</button>
      </div>
    </dialog>`;
  }

  private emit(name: string, detail: DiscountBody | Record<string, unknown>): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
