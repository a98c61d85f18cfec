import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { moneyKeyPressed, moneyKeys } from './money-keys.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';

/**
 * Open price ("Freier Betrag"): a keypad for the amount (typed in cents like on a till), the
 * VAT rate from the configured ones, and an optional text for the receipt. Physical keyboard
 * digits work too.
 *
 * @fires pos-open-price-confirm - {price_cents, vat_rate, name}
 * @fires pos-open-price-cancel - the dialog was dismissed
 */
@customElement('pos-open-price-dialog')
export class PosOpenPriceDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      dialog {
        width: min(96vw, 720px);
        padding: 12px 14px;
        user-select: none;
      }
      h2 {
        margin: 0 0 6px;
        font-size: 1.2rem;
      }
      .layout {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 14px;
      }
      .amount {
        font-size: 2.2rem;
        font-weight: 700;
        text-align: right;
        font-variant-numeric: tabular-nums;
        padding: 4px 8px;
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        margin-bottom: 8px;
      }
      fieldset {
        border: none;
        margin: 0 0 8px;
        padding: 0;
        display: flex;
        gap: 6px;
      }
      legend {
        color: var(--pos-muted);
        margin-bottom: 4px;
      }
      fieldset button {
        flex: 1;
      }
      fieldset button[aria-pressed='true'] {
        background: var(--pos-primary);
        border-color: var(--pos-primary);
        color: #fff;
        font-weight: 600;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        color: var(--pos-muted);
      }
      .keys {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 6px;
      }
      .keys button {
        min-height: 52px;
        font-size: 1.3rem;
        padding: 0;
      }
      .actions {
        display: flex;
        gap: 10px;
        margin-top: 10px;
      }
      .actions button {
        min-height: 52px;
        flex: 1;
      }
      @media (max-height: 520px) {
        .keys button {
          min-height: 46px;
        }
        .amount {
          font-size: 1.8rem;
        }
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ attribute: false }) currency = 'EUR';
  @property({ attribute: false }) rates: readonly number[] = [19, 7, 0];
  @property({ type: Boolean }) busy = false;
  @state() private cents = 0;
  @state() private rate = 19;
  @state() private text = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('open') && this.open) {
      this.cents = 0;
      this.rate = this.rates[0];
      this.text = '';
    }
  }

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  override render() {
    const fmt = new Intl.NumberFormat(lang() === 'de' ? 'de-DE' : 'en-GB');
    return html`<dialog
      aria-labelledby="op-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.emit('pos-open-price-cancel', {});
      }}
      @keydown=${this.onKey}
    >
      <h2 id="op-title">${t('open.title')}</h2>
      <div class="layout">
        <div>
          <div
            class="amount"
            data-testid="open-amount"
            aria-live="polite"
            aria-label=${t('open.amount')}
          >
            ${formatMoney(this.cents, lang(), this.currency)}
          </div>
          <fieldset>
            <legend>${t('open.vat')}</legend>
            ${this.rates.map(
              (r) =>
                html`<button
                  type="button"
                  data-rate=${r}
                  aria-pressed=${r === this.rate ? 'true' : 'false'}
                  @click=${() => (this.rate = r)}
                >
                  ${fmt.format(r)} %
                </button>`,
            )}
          </fieldset>
          <label
            >${t('open.text')}
            <input
              data-testid="open-text"
              maxlength="60"
              autocomplete="off"
              .value=${this.text}
              placeholder=${t('open.default_name')}
              @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)}
          /></label>
        </div>
        <div class="keys">
          ${moneyKeys(
            () => this.cents,
            (c) => (this.cents = c),
            t('open.backspace'),
          )}
        </div>
      </div>
      <div class="actions">
        <button @click=${() => this.emit('pos-open-price-cancel', {})}>${t('open.cancel')}</button>
        <button
          class="success"
          data-testid="open-confirm"
          ?disabled=${this.cents < 1 || this.busy}
          @click=${this.confirm}
        >
          ${t('open.add')}
        </button>
      </div>
    </dialog>`;
  }

  private confirm(): void {
    if (this.cents < 1) return;
    this.emit('pos-open-price-confirm', {
      price_cents: this.cents,
      vat_rate: this.rate,
      name: this.text.trim() || t('open.default_name'),
    });
  }

  private onKey(e: KeyboardEvent): void {
    // Typing into the text field stays typing.
    if ((e.composedPath()[0] as HTMLElement)?.tagName === 'INPUT') {
      if (e.key === 'Enter') this.confirm();
      return;
    }
    const next = moneyKeyPressed(this.cents, e);
    if (next !== null) this.cents = next;
    else if (e.key === 'Enter') this.confirm();
    else return;
    e.preventDefault();
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
