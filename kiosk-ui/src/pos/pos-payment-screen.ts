import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Sale } from '../../../daemon/protocol.js';
import type { ReceiptWithPrint } from '../lib/api.js';
import { tokens, controls } from '../lib/styles.js';
import { t, lang, I18nController } from '../lib/i18n.js';
import { reasonText } from '../lib/errors.js';
import { formatMoney } from '../lib/format.js';
import { appSwitchOf, payBackOf } from '../lib/sale.js';
import { providerLabel } from '../lib/providers.js';
import './pos-receipt-card.js';

/**
 * Full-screen payment state for one sale: waiting (with cancel and, for app-switch providers,
 * the link and QR code), then success (change large for cash) or failure/cancelled (the cart
 * stays for another try); a paid sale's receipt: pos-receipt-card.
 *
 * @fires pos-payment-cancel - {sale_id}: cancel pressed while waiting
 * @fires pos-payment-done - the result was acknowledged
 * @fires pos-receipt-print - {sale_id}: print a copy of the receipt
 */
@customElement('pos-payment-screen')
export class PosPaymentScreen extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 20;
        display: flex;
        align-items: center;
        justify-content: center;
        background: rgb(0 0 0 / 55%);
        user-select: none;
      }
      .panel {
        background: var(--pos-surface);
        border-radius: 16px;
        padding: 24px 28px;
        width: min(94vw, 560px);
        max-height: 94vh;
        overflow: auto;
        text-align: center;
        display: flex;
        flex-direction: column;
        gap: 12px;
        align-items: center;
        box-shadow: inset 0 10px 0 var(--accent, var(--pos-primary));
        padding-top: 32px;
      }
      .succeeded {
        --accent: var(--pos-success);
      }
      .failed,
      .cancelled {
        --accent: var(--pos-danger);
      }
      h2 {
        margin: 0;
        font-size: 2rem;
      }
      .amount {
        font-size: 1.6rem;
        font-variant-numeric: tabular-nums;
      }
      .change {
        font-size: 3rem;
        font-weight: 800;
        color: var(--pos-success);
        font-variant-numeric: tabular-nums;
      }
      .reason {
        font-size: 1.15rem;
      }
      .warning {
        margin: 0;
        padding: 6px 10px;
        border-radius: 6px;
        color: var(--pos-warning-fg);
        background: var(--pos-warning-bg);
        text-align: left;
      }
      .spinner {
        width: 56px;
        height: 56px;
        border-radius: 50%;
        border: 6px solid #d5dcea;
        border-top-color: var(--pos-primary);
        animation: spin 1s linear infinite;
      }
      @media (prefers-reduced-motion: reduce) {
        .spinner {
          animation-duration: 4s;
        }
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      .qr {
        width: 200px;
        height: 200px;
      }
      button {
        min-height: 60px;
        min-width: 220px;
        font-size: 1.2rem;
      }
      @media (max-height: 520px) {
        .panel {
          padding: 20px 18px 12px;
          gap: 4px;
        }
        h2 {
          font-size: 1.6rem;
        }
        .change {
          font-size: 2.4rem;
        }
        /* Tap to Pay: QR code, app button, a warning and cancel fit 480 px without scrolling. */
        .qr {
          width: 132px;
          height: 132px;
        }
        .spinner {
          width: 32px;
          height: 32px;
          border-width: 4px;
        }
        .warning {
          font-size: 0.9rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) sale: Sale | null = null;
  @property({ attribute: false }) currency = 'EUR';
  /** The paid sale's receipt (QR code of the digital receipt, automatic print result). */
  @property({ attribute: false }) receipt: ReceiptWithPrint | null = null;
  /** A receipt printer is set up (else no "print receipt" button). */
  @property({ type: Boolean }) printer = false;
  /** A cancel request is running. */
  @property({ type: Boolean }) busy = false;
  private i18n = new I18nController(this);

  protected override updated(changed: Map<string, unknown>): void {
    // Focus follows the screen (keyboard and screen-reader users land on its one action).
    const prev = changed.get('sale') as Sale | null | undefined;
    // After the current task: a modal closing in the same update (the cash keypad) would
    // otherwise hand focus back to the button that opened it.
    if (changed.has('sale') && this.sale && prev?.state !== this.sale.state)
      setTimeout(() => this.renderRoot.querySelector<HTMLElement>('.panel button')?.focus());
  }

  override render() {
    const s = this.sale;
    if (!s) return nothing;
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    const state = s.state;
    if (state === 'pending') {
      const app = appSwitchOf(s);
      return html`<div
        class="panel pending"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="h"
        data-state="pending"
      >
        <div class="spinner" aria-hidden="true"></div>
        <h2 id="h">${t('card.waiting')}</h2>
        <div class="amount">${money(s.total_cents)}</div>
        ${
          app
            ? html`${
                app.qr_svg
                  ? html`<img
                      class="qr"
                      alt=${t('card.scan_qr')}
                      src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(app.qr_svg)}`}
                    />`
                  : nothing
              }
              ${
                app.url
                  ? html`<a class="btn primary" href=${app.url}>${t('card.app_switch')}</a>`
                  : nothing
              }`
            : html`<p>${t('card.waiting_hint')}</p>`
        }
        ${
          typeof s.payment.warning === 'string' && s.payment.warning
            ? html`<p class="warning" role="status" data-testid="payment-warning">
                ${t('card.phone_warning')}
              </p>`
            : nothing
        }
        <button
          class="danger"
          ?disabled=${this.busy}
          @click=${() => this.emit('pos-payment-cancel', { sale_id: s.id })}
        >
          ${t('card.cancel')}
        </button>
      </div>`;
    }
    if (state === 'open') return this.renderOpen(s);
    const ok = state === 'succeeded';
    const back = state === 'cancelled' ? payBackOf(s) : { cash: 0, manual: 0 };
    return html`<div
      class="panel ${state}"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="h"
      data-state=${state}
    >
      <h2 id="h">
        ${
          ok
            ? t('result.success')
            : state === 'cancelled'
              ? t('result.cancelled')
              : t('result.failed')
        }
      </h2>
      <div class="amount">${money(s.total_cents)}</div>
      ${
        ok && s.change_cents !== null && s.tendered_cents !== null
          ? html`<div>${t('result.change')}</div>
              <div class="change" data-testid="result-change">${money(s.change_cents)}</div>`
          : nothing
      }
      ${ok && (s.payments?.length ?? 0) > 1 ? this.renderParts(s) : nothing}
      ${
        back.cash > 0
          ? html`<div>${t('split.pay_back_cash')}</div>
              <div class="change" data-testid="pay-back-cash">${money(back.cash)}</div>`
          : nothing
      }
      ${
        back.manual > 0
          ? html`<div data-testid="pay-back-manual">
              ${t('split.pay_back_manual')}: ${money(back.manual)}
            </div>`
          : nothing
      }
      ${ok ? html`<div>${t('result.sale_no', { n: s.number })}</div>` : nothing}
      ${
        ok && this.receipt
          ? html`<pos-receipt-card
              .saleId=${s.id}
              .receipt=${this.receipt}
              ?printer=${this.printer}
            ></pos-receipt-card>`
          : nothing
      }
      ${
        state === 'failed' || (state === 'cancelled' && s.reason_code)
          ? html`<p class="reason" data-testid="result-reason">${reasonText(s)}</p>`
          : nothing
      }
      ${!ok ? html`<p>${t('result.cart_kept')}</p>` : nothing}
      <button class=${ok ? 'success' : 'primary'} @click=${() => this.emit('pos-payment-done', {})}>
        ${ok ? t('result.new_sale') : t('common.ok')}
      </button>
    </div>`;
  }

  /** Partly paid: what was paid by what, what remains; pay more or abandon the sale. */
  private renderOpen(s: Sale) {
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    return html`<div
      class="panel open"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="h"
      data-state="open"
    >
      <h2 id="h">${t('split.open_title')}</h2>
      <div class="amount">${money(s.total_cents)}</div>
      ${this.renderParts(s)}
      <div class="amount">
        ${t('split.paid')} <strong data-testid="sale-paid">${money(s.paid_cents ?? 0)}</strong> ·
        ${t('split.remaining')}
        <strong data-testid="sale-remaining">${money(s.remaining_cents ?? 0)}</strong>
      </div>
      ${
        s.reason_code
          ? html`<p class="reason" data-testid="result-reason">${reasonText(s)}</p>`
          : nothing
      }
      <div class="receipt">
        <button
          class="danger"
          data-testid="abandon"
          ?disabled=${this.busy}
          @click=${() => this.emit('pos-abandon', { sale_id: s.id })}
        >
          ${t('split.abandon')}
        </button>
        <button
          class="primary"
          data-testid="pay-more"
          ?disabled=${this.busy}
          @click=${() => this.emit('pos-part-more', {})}
        >
          ${t('split.continue')}
        </button>
      </div>
    </div>`;
  }

  private renderParts(s: Sale) {
    const money = (c: number) => formatMoney(c, lang(), this.currency);
    const parts = (s.payments ?? []).filter((p) => p.state === 'succeeded');
    return html`<ul
      class="parts"
      data-testid="sale-parts"
      style="margin:0;padding:0;list-style:none"
    >
      ${parts.map(
        (p) =>
          html`<li>
            ${providerLabel(p.provider, lang())} ${money(p.amount_cents + p.tip_cents)}
            ${p.tip_cents ? html`(${t('split.tip_line', { amount: money(p.tip_cents) })})` : nothing}
          </li>`,
      )}
    </ul>`;
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
