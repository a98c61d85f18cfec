import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { isLoopbackHost } from '../lib/terminal.js';
import { t, tn, I18nController } from '../lib/i18n.js';
import { tokens, controls } from '../lib/styles.js';
import { PosController } from './pos-controller.js';
import type { DiscountBody, OpenPriceInput } from '../../../daemon/protocol.js';
import { VAT_RATES_DEFAULT } from '../../../daemon/protocol.js';
import { isOffline, pickable } from './pos-store.js';
import '../components/pos-toasts.js';
import '../components/pos-confirm-dialog.js';
import './pos-header.js';
import './pos-cart-panel.js';
import './pos-picker.js';
import './pos-pay-bar.js';
import './pos-cash-dialog.js';
import './pos-open-price-dialog.js';
import './pos-quantity-dialog.js';
import './pos-discount-dialog.js';
import './pos-sales-dialog.js';
import './pos-payment-screen.js';
import './pos-split-dialog.js';
import type { PartRequest } from '../lib/split.js';
import { payableProviders } from '../lib/payment.js';
import './pos-pairing-dialog.js';
import './pos-pin-login.js';
import type { PosPinLogin } from './pos-pin-login.js';

/**
 * The checkout screen (/pos): one terminal's live cart, product picker, pay bar and payment
 * screens. A view only: the state and every request live in PosController (pos-controller.ts,
 * pos-store.ts); this element lays out the parts and hands their events to it.
 */
@customElement('pos-app')
export class PosApp extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: grid;
        grid-template-rows: auto auto 1fr auto;
        height: 100vh;
        height: 100dvh;
        overflow: hidden;
        background: var(--pos-bg);
        user-select: none;
        -webkit-user-select: none;
        -webkit-tap-highlight-color: transparent;
      }
      pos-header {
        grid-row: 1;
        grid-column: 1;
      }
      .banners {
        grid-row: 2;
        grid-column: 1;
      }
      main {
        grid-row: 3;
        grid-column: 1;
      }
      pos-pay-bar {
        grid-row: 4;
        grid-column: 1;
      }
      .banner {
        margin: 0;
        padding: 6px 12px;
        background: var(--pos-warning-bg);
        color: var(--pos-warning-fg);
        font-weight: 600;
        font-size: 1rem;
        line-height: 1.3;
      }
      .banner.unsure {
        background: #fde8e8;
        color: var(--pos-danger);
      }
      main.away,
      pos-pay-bar.away {
        opacity: 0.45;
      }
      /* Over the locked cart, picker and pay bar: every tap there gets an answer. */
      .blocker {
        grid-row: 3 / 5;
        grid-column: 1;
        z-index: 5;
        background: transparent;
      }
      main {
        display: grid;
        grid-template-columns: 1.15fr 1fr;
        gap: 8px;
        padding: 8px;
        min-height: 0;
      }
      pos-picker {
        min-height: 0;
      }
      @media (max-width: 900px) {
        main {
          grid-template-columns: 1.1fr 1fr;
        }
      }
      @media (max-width: 640px) {
        main {
          grid-template-columns: 1fr;
          grid-template-rows: 1fr 1fr;
        }
      }
    `,
  ];

  private i18n = new I18nController(this);
  private ctl = new PosController(this);
  /** Today's sales (void, receipt again) are showing. */
  @state() private salesOpen = false;
  private pickCache: { in: unknown[]; out: ReturnType<typeof pickable> } | null = null;

  /** The picker's products without top-up items, recomputed only when its inputs change. */
  private pickable() {
    const { products, providers } = this.ctl.state;
    const c = this.pickCache;
    if (c && c.in[0] === products && c.in[1] === providers) return c.out;
    const out = pickable(products, providers);
    this.pickCache = { in: [products, providers], out };
    return out;
  }

  private async pinLogin(pin: string, employeeId?: string): Promise<void> {
    if (!(await this.ctl.pinLogin(pin, employeeId)))
      this.renderRoot.querySelector<PosPinLogin>('pos-pin-login')?.reset();
  }

  override render() {
    const ctl = this.ctl;
    const s = ctl.state;
    const cart = s.cart;
    const locked = !!cart?.pending_sale_id;
    const away = isOffline(s);
    return html`
      <pos-header
        .choice=${s.choice}
        .name=${s.terminalName}
        .conn=${s.conn}
        .cashier=${s.pin.cashier}
        .kioskId=${s.kioskId}
        ?printer=${s.printer}
        ?remote=${!isLoopbackHost(location.hostname)}
        @pos-logout=${() => void ctl.pinLogout()}
        @pos-reprint=${() => void ctl.reprintLast()}
        @pos-sales=${() => (this.salesOpen = true)}
        @pos-pair=${() => void ctl.openPairing()}
        @pos-watch=${(e: CustomEvent<{ terminal_id: string | null }>) =>
          ctl.switchTerminal(e.detail.terminal_id)}
      ></pos-header>
      <div class="banners" role="status" aria-live="polite">
        ${
          s.unsure
            ? html`<p class="banner unsure" data-testid="unsure-banner">${t('unsure.banner')}</p>`
            : ''
        }
        ${away ? html`<p class="banner" data-testid="offline-banner">${t('offline.banner')}</p>` : ''}
      </div>
      ${away ? html`<div class="blocker" data-testid="blocker" @click=${() => ctl.blocked()}></div>` : ''}
      <main class=${away ? 'away' : ''} ?inert=${away}>
        <pos-cart-panel
          .cart=${cart}
          .currency=${s.currency}
          ?locked=${locked}
          .deposits=${s.depositProducts}
          .unknownBarcode=${away ? null : s.unknownBarcode}
          ?canCreate=${!s.pin.required || s.pin.cashier?.role === 'manager'}
          @pos-quantity=${(e: CustomEvent<{ line_id: string; quantity: number }>) =>
            ctl.setQuantity(e.detail.line_id, e.detail.quantity)}
          @pos-remove=${(e: CustomEvent<{ line_id: string }>) => ctl.removeLine(e.detail.line_id)}
          @pos-quantity-keypad=${(e: CustomEvent<{ line_id: string; name: string }>) =>
            ctl.showQuantity(e.detail)}
          @pos-discount-open=${() => ctl.showDiscount(true)}
          @pos-deposit-return=${(e: CustomEvent<{ product_id: string }>) =>
            ctl.addDepositReturn(e.detail.product_id)}
          @pos-sell-open=${() => ctl.showOpenPrice(true)}
          @pos-unknown-dismiss=${() => ctl.dismissUnknown()}
        ></pos-cart-panel>
        <pos-picker
          .products=${this.pickable()}
          .categories=${s.categories}
          .quickKeys=${s.quickKeys}
          .currency=${s.currency}
          ?disabled=${locked}
          @pos-search=${(e: CustomEvent<{ q: string }>) => ctl.search(e.detail.q)}
          @pos-add-product=${(e: CustomEvent<{ product_id: string }>) =>
            ctl.addProduct(e.detail.product_id)}
          @pos-add-barcode=${(e: CustomEvent<{ barcode: string }>) =>
            ctl.addBarcode(e.detail.barcode)}
          @pos-open-price=${() => ctl.showOpenPrice(true)}
        ></pos-picker>
      </main>
      <pos-pay-bar
        class=${away ? 'away' : ''}
        ?inert=${away}
        .total=${cart?.total_cents ?? 0}
        .itemCount=${cart?.item_count ?? 0}
        .providers=${s.providers}
        .currency=${s.currency}
        ?busy=${s.busy || locked || !!s.unsure}
        @pos-pay=${(e: CustomEvent<{ provider: string }>) => void ctl.payment.pay(e.detail.provider)}
        @pos-split=${() => ctl.payment.openSplit('pay')}
        @pos-sell-voucher=${() => ctl.payment.openSplit('sell')}
        @pos-clear=${() => ctl.askClear(true)}
      ></pos-pay-bar>
      <pos-confirm-dialog
        ?open=${s.confirmClear}
        .message=${t('cart.clear_confirm')}
        .confirmLabel=${t('cart.clear')}
        @pos-confirm=${() => ctl.clearCart()}
        @pos-cancel=${() => ctl.askClear(false)}
      ></pos-confirm-dialog>
      <pos-quantity-dialog
        ?open=${!!s.quantityFor}
        .lineId=${s.quantityFor?.line_id ?? ''}
        .name=${s.quantityFor?.name ?? ''}
        @pos-quantity-confirm=${(e: CustomEvent<{ line_id: string; quantity: number }>) =>
          void ctl.confirmQuantity(e.detail.line_id, e.detail.quantity)}
        @pos-quantity-cancel=${() => ctl.showQuantity(null)}
      ></pos-quantity-dialog>
      <pos-open-price-dialog
        ?open=${s.openPrice}
        .currency=${s.currency}
        .rates=${VAT_RATES_DEFAULT}
        ?busy=${s.busy}
        @pos-open-price-confirm=${(e: CustomEvent<OpenPriceInput>) =>
          void ctl.addOpenPrice(e.detail)}
        @pos-open-price-cancel=${() => ctl.showOpenPrice(false)}
      ></pos-open-price-dialog>
      <pos-sales-dialog
        ?open=${this.salesOpen}
        .terminalId=${ctl.terminalId}
        .timezone=${s.timezone}
        .currency=${s.currency}
        ?printer=${s.printer}
        @pos-sales-close=${() => (this.salesOpen = false)}
      ></pos-sales-dialog>
      <pos-discount-dialog
        ?open=${s.discountOpen}
        .cart=${cart}
        .settings=${s.discountSettings}
        .currency=${s.currency}
        ?busy=${s.busy}
        @pos-discount-add=${(e: CustomEvent<DiscountBody>) => void ctl.addDiscount(e.detail)}
        @pos-discount-remove=${(e: CustomEvent<{ id: string }>) => ctl.removeDiscount(e.detail.id)}
        @pos-discount-cancel=${() => ctl.showDiscount(false)}
      ></pos-discount-dialog>
      <pos-cash-dialog
        ?open=${s.cashOpen}
        .total=${cart?.total_cents ?? 0}
        .currency=${s.currency}
        ?busy=${s.busy}
        @pos-cash-confirm=${(e: CustomEvent<{ tendered_cents: number }>) =>
          void ctl.payment.startCheckout('cash', e.detail.tendered_cents)}
        @pos-cash-cancel=${() => ctl.payment.closeCash()}
      ></pos-cash-dialog>
      ${
        s.sale
          ? html`<pos-payment-screen
              .sale=${s.sale}
              .receipt=${s.receipt}
              ?printer=${s.printer}
              .currency=${s.currency}
              ?busy=${s.busy}
              @pos-payment-cancel=${(e: CustomEvent<{ sale_id: string }>) =>
                void ctl.payment.cancelPayment(e.detail.sale_id)}
              @pos-receipt-print=${(e: CustomEvent<{ sale_id: string }>) =>
                void ctl.printCopy(e.detail.sale_id)}
              @pos-payment-done=${() => ctl.payment.paymentDone()}
              @pos-part-more=${() => ctl.payment.openSplit('pay')}
              @pos-abandon=${(e: CustomEvent<{ sale_id: string }>) =>
                void ctl.payment.abandonSale(e.detail.sale_id)}
            ></pos-payment-screen>`
          : ''
      }
      ${
        s.split
          ? html`<pos-split-dialog
              .providers=${payableProviders(s.providers)}
              .remaining=${s.sale?.state === 'open' ? (s.sale.remaining_cents ?? 0) : (cart?.total_cents ?? 0)}
              .currency=${s.currency}
              .mode=${s.split.mode}
              .initial=${s.split.initial}
              .scanned=${s.split.code ?? ''}
              .tips=${s.tipSettings}
              ?busy=${s.busy}
              @pos-part-confirm=${(e: CustomEvent<PartRequest>) => void ctl.payment.payPart(e.detail)}
              @pos-voucher-sell=${(e: CustomEvent<{ amount_cents: number }>) =>
                void ctl.payment.sellVoucher(e.detail.amount_cents)}
              @pos-part-cancel=${() => ctl.payment.closeSplit()}
            ></pos-split-dialog>`
          : ''
      }
      <pos-pairing-dialog
        ?open=${s.pairing.open}
        .secret=${s.pairing.secret}
        .error=${s.pairing.error}
        .paired=${s.pairing.paired}
        .refused=${s.pairing.refused}
        .timezone=${s.timezone}
        @pos-pairing-close=${() => ctl.closePairing()}
      ></pos-pairing-dialog>
      ${
        s.pin.required && !s.pin.cashier
          ? html`<pos-pin-login
              .employees=${s.pin.employees}
              .error=${s.pin.error ? tn(s.pin.error) : ''}
              ?busy=${s.pin.busy}
              @pos-pin-submit=${(e: CustomEvent<{ pin: string; employee_id?: string }>) =>
                void this.pinLogin(e.detail.pin, e.detail.employee_id)}
            ></pos-pin-login>`
          : ''
      }
      <pos-toasts
        .toasts=${s.toasts}
        @pos-toast-dismiss=${(e: CustomEvent<{ id: number }>) => ctl.dismissToast(e.detail.id)}
      ></pos-toasts>
    `;
  }
}
