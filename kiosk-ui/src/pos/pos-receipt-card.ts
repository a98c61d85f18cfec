import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ReceiptWithPrint } from '../lib/api.js';
import { tokens, controls } from '../lib/styles.js';
import { t, tn, I18nController } from '../lib/i18n.js';
import { printNotice } from '../lib/errors.js';

/**
 * The receipt of a paid sale on the result screen: its QR code (the customer's phone opens the
 * receipt page), whether it printed (or why not), and "print a copy" when a printer is set up.
 *
 * @fires pos-receipt-print - {sale_id}: print a copy of the receipt
 */
@customElement('pos-receipt-card')
export class PosReceiptCard extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      .receipt {
        display: flex;
        gap: 14px;
        align-items: center;
        text-align: left;
      }
      .receipt-qr {
        width: 110px;
        height: 110px;
      }
      .receipt-side {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .receipt-side button {
        min-height: 48px;
        min-width: 0;
        font-size: 1rem;
      }
      .not-printed {
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
        font-size: 0.9rem;
        color: var(--pos-warning-fg);
        background: var(--pos-warning-bg);
        padding: 0 8px;
        border-top: 3px solid var(--pos-warning-bg);
        border-bottom: 3px solid var(--pos-warning-bg);
        border-radius: 6px;
      }
      @media (max-height: 520px) {
        .receipt-qr {
          width: 84px;
          height: 84px;
        }
      }
    `,
  ];

  @property() saleId = '';
  @property({ attribute: false }) receipt: ReceiptWithPrint | null = null;
  /** A receipt printer is set up. */
  @property({ type: Boolean }) printer = false;
  private i18n = new I18nController(this);

  override render() {
    const r = this.receipt;
    if (!r) return nothing;
    const printed = printNotice(r.print);
    return html`<div class="receipt">
      <img
        class="receipt-qr"
        data-testid="receipt-qr"
        alt=${t('receipt.qr')}
        src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(r.qr_svg)}`}
      />
      <div class="receipt-side">
        <div>${t('receipt.qr')}</div>
        ${
          printed
            ? html`<div class=${r.print?.printed ? 'printed' : 'not-printed'} role="status">
                ${tn(printed)}
              </div>`
            : nothing
        }
        ${
          this.printer
            ? html`<button
                @click=${() =>
                  this.dispatchEvent(
                    new CustomEvent('pos-receipt-print', {
                      detail: { sale_id: this.saleId },
                      bubbles: true,
                      composed: true,
                    }),
                  )}
              >
                ${t('receipt.print_copy')}
              </button>`
            : nothing
        }
      </div>
    </div>`;
  }
}
