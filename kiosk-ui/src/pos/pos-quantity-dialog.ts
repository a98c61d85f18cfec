import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { tokens, controls } from '../lib/styles.js';
import { t, I18nController } from '../lib/i18n.js';
import { quantityKey } from '../lib/cash.js';

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', 'C', '0', 'back'] as const;

/**
 * The quantity keypad (12 × Brötchen): opened by tapping a line's quantity in the cart.
 *
 * @fires pos-quantity-confirm - {line_id, quantity}
 * @fires pos-quantity-cancel
 */
@customElement('pos-quantity-dialog')
export class PosQuantityDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      dialog {
        width: min(92vw, 360px);
        padding: 12px 14px;
      }
      h2 {
        margin: 0 0 6px;
        font-size: 1.1rem;
        overflow-wrap: normal;
      }
      output {
        display: block;
        font-size: 2rem;
        font-weight: 700;
        text-align: right;
        padding: 2px 10px;
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        margin-bottom: 8px;
        font-variant-numeric: tabular-nums;
      }
      .keys {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 6px;
      }
      .keys button {
        min-height: 48px;
        font-size: 1.3rem;
        padding: 0;
      }
      .actions {
        display: flex;
        gap: 8px;
        margin-top: 8px;
      }
      .actions button {
        flex: 1;
      }
      @media (max-height: 520px) {
        .keys button {
          min-height: 44px;
        }
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ attribute: false }) lineId = '';
  @property({ attribute: false }) name = '';
  @state() private quantity = 0;
  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('open') && this.open) this.quantity = 0;
  }

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  override render() {
    return html`<dialog
      aria-labelledby="qty-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.emit('pos-quantity-cancel', {});
      }}
      @keydown=${this.onKey}
    >
      <h2 id="qty-title">${t('qty.title', { name: this.name })}</h2>
      <output data-testid="qty-value" aria-live="polite">${this.quantity || ''}</output>
      <div class="keys">
        ${KEYS.map(
          (k) =>
            html`<button
              data-qkey=${k}
              aria-label=${k === 'back' ? t('open.backspace') : k === 'C' ? t('open.clear') : k}
              @click=${() => (this.quantity = quantityKey(this.quantity, k))}
            >
              ${k === 'back' ? '⌫' : k}
            </button>`,
        )}
      </div>
      <div class="actions">
        <button @click=${() => this.emit('pos-quantity-cancel', {})}>${t('open.cancel')}</button>
        <button
          class="success"
          data-testid="qty-confirm"
          ?disabled=${this.quantity < 1}
          @click=${this.confirm}
        >
          ${t('qty.set')}
        </button>
      </div>
    </dialog>`;
  }

  private confirm(): void {
    if (this.quantity < 1) return;
    this.emit('pos-quantity-confirm', { line_id: this.lineId, quantity: this.quantity });
  }

  private onKey(e: KeyboardEvent): void {
    if (/^[0-9]$/.test(e.key)) this.quantity = quantityKey(this.quantity, e.key);
    else if (e.key === 'Backspace') this.quantity = quantityKey(this.quantity, 'back');
    else if (e.key === 'Enter') this.confirm();
    else return;
    e.preventDefault();
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
