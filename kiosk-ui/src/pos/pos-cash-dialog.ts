import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { moneyKeyPressed, moneyKeys } from './money-keys.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney } from '../lib/format.js';
import { QUICK_NOTES_CENTS, changeDue } from '../lib/cash.js';

/**
 * Cash payment: a keypad for the tendered amount (typed in cents like on a till), quick notes
 * 5/10/20/50 €, "exact", and the change shown large as soon as the amount covers the total.
 * Physical keyboard digits work too.
 *
 * @fires pos-cash-confirm - {tendered_cents}
 * @fires pos-cash-cancel - the dialog was dismissed
 */
@customElement('pos-cash-dialog')
export class PosCashDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      dialog {
        width: min(96vw, 720px);
        padding: 14px;
        user-select: none;
      }
      h2 {
        margin: 0 0 8px;
        font-size: 1.2rem;
      }
      .layout {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 14px;
      }
      dl {
        margin: 0;
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 4px 12px;
        align-items: baseline;
      }
      dt {
        color: var(--pos-muted);
      }
      dd {
        margin: 0;
        text-align: right;
        font-size: 1.5rem;
        font-variant-numeric: tabular-nums;
      }
      .change dd {
        font-size: 2.6rem;
        font-weight: 700;
        color: var(--pos-success);
      }
      .missing {
        color: var(--pos-danger);
        min-height: 1.5em;
        font-size: 1.1rem;
      }
      .notes {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 6px;
        margin-top: 8px;
      }
      .keys {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 6px;
      }
      .keys button,
      .notes button {
        min-height: 52px;
        font-size: 1.3rem;
        padding: 0;
      }
      .actions {
        display: flex;
        justify-content: space-between;
        gap: 10px;
        margin-top: 10px;
      }
      .actions button {
        min-height: 56px;
        flex: 1;
      }
      @media (max-height: 520px) {
        .keys button,
        .notes button {
          min-height: 44px;
        }
        dd {
          font-size: 1.25rem;
        }
        .change dd {
          font-size: 2rem;
        }
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ type: Number }) total = 0;
  @property({ attribute: false }) currency = 'EUR';
  @property({ type: Boolean }) busy = false;
  @state() private tendered = 0;
  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('open') && this.open) this.tendered = 0;
  }

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  override render() {
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    const change = changeDue(this.total, this.tendered);
    return html`<dialog
      aria-labelledby="cash-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.emit('pos-cash-cancel', {});
      }}
      @keydown=${this.onKey}
    >
      <h2 id="cash-title">${t('cash.title')}</h2>
      <div class="layout">
        <div>
          <dl>
            <dt>${t('cash.total')}</dt>
            <dd data-testid="cash-total">${money(this.total)}</dd>
            <dt>${t('cash.tendered')}</dt>
            <dd data-testid="cash-tendered" aria-live="polite">${money(this.tendered)}</dd>
          </dl>
          <dl class="change">
            <dt>${t('cash.change')}</dt>
            <dd data-testid="cash-change" aria-live="polite">
              ${change === null ? '–' : money(change)}
            </dd>
          </dl>
          <div class="missing">
            ${
              change === null && this.tendered > 0
                ? t('cash.not_enough', { amount: money(this.total - this.tendered) })
                : ''
            }
          </div>
          <div class="notes">
            ${QUICK_NOTES_CENTS.map(
              (n) =>
                html`<button data-note=${n} @click=${() => (this.tendered = n)}>
                  ${money(n)}
                </button>`,
            )}
            <button data-note="exact" @click=${() => (this.tendered = this.total)}>
              ${t('cash.exact')}
            </button>
            <button aria-label=${t('cash.key_clear')} @click=${() => (this.tendered = 0)}>C</button>
          </div>
        </div>
        <div class="keys">
          ${moneyKeys(
            () => this.tendered,
            (c) => (this.tendered = c),
            t('cash.key_back'),
          )}
        </div>
      </div>
      <div class="actions">
        <button @click=${() => this.emit('pos-cash-cancel', {})}>${t('common.cancel')}</button>
        <button
          class="success"
          data-testid="cash-confirm"
          ?disabled=${change === null || this.busy}
          @click=${() => this.emit('pos-cash-confirm', { tendered_cents: this.tendered })}
        >
          ${t('cash.confirm')}
        </button>
      </div>
    </dialog>`;
  }

  private onKey(e: KeyboardEvent): void {
    const next = moneyKeyPressed(this.tendered, e);
    if (next === null) return;
    this.tendered = next;
    e.preventDefault();
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
