import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ReceiptInfo, Sale } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { errorText } from '../lib/errors.js';
import { newIdempotencyKey } from '../lib/payment.js';
import { providerLabel } from '../lib/providers.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { formatMoney, formatTime } from '../lib/format.js';
import './pos-refund-lines.js';

/**
 * Today's sales of this till, newest first, for a manager (the daemon asks for one): void a
 * sale (a full refund to the way it was paid, through the refunds module; a second tap
 * confirms), refund part of a line's quantity (_Teilweise_ opens the sale's lines,
 * pos-refund-lines.ts), or its receipt again — printed when a printer is set up, else its QR
 * code.
 *
 * @fires pos-sales-close
 */
@customElement('pos-sales-dialog')
export class PosSalesDialog extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      dialog {
        width: min(96vw, 560px);
        max-height: 92vh;
        padding: 10px 14px;
      }
      h2 {
        margin: 0 0 6px;
        font-size: 1.1rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 52vh;
        overflow-y: auto;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
        padding: 4px 0;
        border-bottom: 1px solid var(--pos-border);
      }
      li .what {
        flex: 1;
        font-variant-numeric: tabular-nums;
      }
      li button {
        min-height: 44px;
        padding: 0 10px;
      }
      .done {
        color: var(--pos-muted);
      }
      .error {
        color: var(--pos-danger);
        font-weight: 600;
      }
      .qr {
        display: flex;
        gap: 10px;
        align-items: center;
      }
      .qr img {
        width: 110px;
        height: 110px;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        margin-top: 8px;
      }
    `,
  ];

  @property({ type: Boolean }) open = false;
  @property({ attribute: false }) terminalId = '';
  @property({ attribute: false }) timezone = 'Europe/Berlin';
  @property({ attribute: false }) currency = 'EUR';
  @property({ type: Boolean }) printer = false;
  @state() private sales: Sale[] = [];
  @state() private voided = new Set<string>();
  @state() private confirming: string | null = null;
  /** The sale whose lines are open for a partial refund. */
  @state() private partial: string | null = null;
  @state() private receipt: ReceiptInfo | null = null;
  @state() private error = '';
  @state() private notice = '';
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  private i18n = new I18nController(this);

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('open') && this.open) {
      this.sales = [];
      this.receipt = null;
      this.confirming = null;
      this.partial = null;
      this.error = '';
      this.notice = '';
      void this.run(async () => {
        this.sales = await api.tillSales(this.terminalId);
      });
    }
  }

  protected override updated(): void {
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await fn();
    } catch (err) {
      this.error = errorText(err, this.currency);
    } finally {
      this.busy = false;
    }
  }

  private void(s: Sale): Promise<void> {
    if (this.confirming !== s.id) {
      this.confirming = s.id;
      return Promise.resolve();
    }
    this.confirming = null;
    return this.run(async () => {
      await api.refundSale(s.id, {
        reason: t('till.void_reason'),
        idempotency_key: newIdempotencyKey(),
      });
      this.voided = new Set([...this.voided, s.id]);
      this.notice = t('till.voided', { n: s.number });
    });
  }

  private again(s: Sale): Promise<void> {
    return this.run(async () => {
      if (this.printer) {
        const r = await api.printReceiptCopy(s.id);
        this.notice = r.printed ? t('till.printed', { n: s.number }) : '';
        if (!r.printed) this.receipt = await api.saleReceipt(s.id);
      } else this.receipt = await api.saleReceipt(s.id);
    });
  }

  override render() {
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    return html`<dialog
      aria-labelledby="sales-title"
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.emit('pos-sales-close');
      }}
    >
      <h2 id="sales-title">${t('till.sales_title')}</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.notice ? html`<p role="status" data-testid="till-notice">${this.notice}</p>` : ''}
      ${
        this.receipt
          ? html`<div class="qr" data-testid="till-receipt">
              <img
                alt=${t('receipt.qr')}
                src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(this.receipt.qr_svg)}`}
              />
              <span
                >${t('till.receipt_of', { n: this.receipt.receipt.number })}
                ${money(this.receipt.receipt.total_cents)}</span
              >
            </div>`
          : ''
      }
      ${
        this.sales.length === 0 && !this.busy
          ? html`<p>${t('till.no_sales')}</p>`
          : html`<ul>
              ${this.sales.map((s) => {
                const gone = this.voided.has(s.id);
                return html`<li data-sale=${s.number}>
                  <span class="what ${gone ? 'done' : ''}"
                    >#${s.number} · ${formatTime(s.created_at, lang(), this.timezone)} ·
                    ${money(s.total_cents)} · ${providerLabel(s.provider, lang())}
                    ${gone ? `· ${t('till.voided_short')}` : ''}</span
                  >
                  <button
                    data-testid="till-receipt-again"
                    ?disabled=${this.busy}
                    @click=${() => void this.again(s)}
                  >
                    ${t('till.receipt')}
                  </button>
                  <button
                    data-testid="till-partial"
                    aria-expanded=${this.partial === s.id ? 'true' : 'false'}
                    ?disabled=${this.busy || gone}
                    @click=${() => (this.partial = this.partial === s.id ? null : s.id)}
                  >
                    ${t('till.partial')}
                  </button>
                  <button
                    class=${this.confirming === s.id ? 'danger' : ''}
                    data-testid="till-void"
                    ?disabled=${this.busy || gone}
                    @click=${() => void this.void(s)}
                  >
                    ${this.confirming === s.id ? t('till.void_confirm') : t('till.void')}
                  </button>
                  ${
                    this.partial === s.id && !gone
                      ? html`<pos-refund-lines
                          .sale=${s}
                          .currency=${this.currency}
                          @pos-refunded=${(
                            e: CustomEvent<{ message: string; complete: boolean }>,
                          ) => {
                            this.notice = e.detail.message;
                            this.error = '';
                            if (e.detail.complete) {
                              this.voided = new Set([...this.voided, s.id]);
                              this.partial = null;
                            }
                          }}
                        ></pos-refund-lines>`
                      : ''
                  }
                </li>`;
              })}
            </ul>`
      }
      <div class="actions">
        <button @click=${() => this.emit('pos-sales-close')}>${t('common.close')}</button>
      </div>
    </dialog>`;
  }

  private emit(name: string): void {
    this.dispatchEvent(new CustomEvent(name, { detail: {}, bubbles: true, composed: true }));
  }
}
