import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type {
  Cart,
  PairingSecret,
  Product,
  ProviderInfo,
  Sale,
  ScannerInfo,
  ServerMessage,
} from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { LiveSocket } from '../lib/socket.js';
import type { ConnectionState } from '../lib/backoff.js';
import {
  chooseTerminal,
  isLoopbackHost,
  KIOSK_TERMINAL_ID,
  withDefaultTerminal,
  type TerminalChoice,
} from '../lib/terminal.js';
import { t, lang, setLang, initLang, I18nController } from '../lib/i18n.js';
import { newIdempotencyKey, payButtonState } from '../lib/payment.js';
import { tokens, controls } from '../lib/styles.js';
import { isFinal } from '../lib/sale.js';
import type { Toast } from '../components/pos-toasts.js';
import '../components/pos-toasts.js';
import '../components/pos-confirm-dialog.js';
import './pos-status-dot.js';
import './pos-cart.js';
import './pos-picker.js';
import './pos-pay-bar.js';
import './pos-cash-dialog.js';
import './pos-payment-screen.js';
import './pos-pairing-dialog.js';
import './pos-pin-login.js';
import type { PosPinLogin } from './pos-pin-login.js';

const TOAST_MS = 6000;

/**
 * The checkout screen (/pos): one terminal's live cart, product picker, pay bar and payment
 * screens. All state comes from the daemon: the WebSocket snapshot on every (re)connect, then
 * events; REST calls only send commands (their responses are applied too, so the screen
 * does not wait for the echo).
 */
@customElement('pos-app')
export class PosApp extends LitElement {
  static override styles = [
    tokens,
    controls,
    css`
      :host {
        display: grid;
        grid-template-rows: auto 1fr auto;
        height: 100vh;
        height: 100dvh;
        overflow: hidden;
        background: var(--pos-bg);
        user-select: none;
        -webkit-user-select: none;
        -webkit-tap-highlight-color: transparent;
      }
      input {
        user-select: text;
        -webkit-user-select: text;
      }
      header {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 4px 8px;
        background: #20242b;
        color: #fff;
        min-height: 56px;
      }
      header .who {
        font-weight: 600;
        font-size: 1.05rem;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      header .spacer {
        flex: 1;
      }
      header button,
      header a.btn {
        background: #353b45;
        color: #fff;
        border-color: #59606c;
        min-height: 44px;
        padding: 0 12px;
      }
      header pos-status-dot {
        --pos-fg: #fff;
        color: #fff;
      }
      header .short {
        display: none;
      }
      /* 800 px wide: room for the cashier's logout and "watch kiosk" next to it. */
      @media (max-width: 900px) {
        header .long {
          display: none;
        }
        header .short {
          display: inline;
        }
      }
      main {
        display: grid;
        grid-template-columns: 1.15fr 1fr;
        gap: 8px;
        padding: 8px;
        min-height: 0;
      }
      .cart {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border: 1px solid var(--pos-border);
        border-radius: var(--pos-radius);
        overflow: hidden;
        background: var(--pos-surface);
      }
      .cart h2 {
        margin: 0;
        padding: 6px 10px;
        font-size: 1rem;
        display: flex;
        justify-content: space-between;
        border-bottom: 1px solid var(--pos-border);
        color: var(--pos-muted);
      }
      .locked {
        color: var(--pos-warning-fg);
        background: var(--pos-warning-bg);
        padding: 4px 10px;
      }
      pos-cart {
        flex: 1;
        min-height: 0;
      }
      pos-picker {
        min-height: 0;
      }
      @media (max-width: 900px) {
        main {
          grid-template-columns: 1.45fr 1fr;
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

  @state() private choice: TerminalChoice = {
    id: KIOSK_TERMINAL_ID,
    own: KIOSK_TERMINAL_ID,
    watching: false,
  };
  @state() private terminalId = KIOSK_TERMINAL_ID;
  @state() private cart: Cart | null = null;
  @state() private providers: ProviderInfo[] = [];
  @state() private scanners: ScannerInfo[] = [];
  @state() private products: Product[] = [];
  @state() private conn: ConnectionState = 'connecting';
  @state() private timezone = 'Europe/Berlin';
  @state() private currency = 'EUR';
  @state() private toasts: Toast[] = [];
  /** DEFAULT_TERMINAL_ID from the snapshot: the kiosk's till ("watch kiosk"). */
  @state() private kioskId = KIOSK_TERMINAL_ID;
  @state() private busy = false;
  @state() private confirmClear = false;
  @state() private cashOpen = false;
  /** The sale shown on the payment screen (pending, or a result until acknowledged). */
  @state() private sale: Sale | null = null;
  @state() private receipt: api.ReceiptWithPrint | null = null;
  @state() private pairingOpen = false;
  @state() private pairing: PairingSecret | null = null;
  @state() private pairingError = '';
  @state() private pairedName = '';
  @state() private pairingRefused = '';
  /** Cashier PIN login: in force on this appliance, and who is logged in on this till. */
  @state() private pinRequired = false;
  @state() private cashier: api.CashierInfo | null = null;
  @state() private employees: Array<{ id: string; name: string }> = [];
  @state() private pinError = '';
  @state() private pinBusy = false;

  private i18n = new I18nController(this);
  private socket: LiveSocket | null = null;
  private toastSeq = 0;
  private query = '';
  private searchSeq = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reused when the same payment is retried after a network error (no double charge). */
  private retryKey: { provider: string; version: number; key: string } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    initLang();
    this.choice = chooseTerminal(location.search, location.hostname, localStorage);
    this.terminalId = this.choice.id;
    this.socket = new LiveSocket({
      query: () => `terminal_id=${encodeURIComponent(this.terminalId)}`,
      onMessage: (m) => this.onMessage(m),
      onState: (s) => (this.conn = s),
    });
    this.socket.start();
    void this.loadProducts();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket?.stop();
    clearTimeout(this.searchTimer);
  }

  // ---------------------------------------------------------------------------- events
  private onMessage(m: ServerMessage): void {
    const mine = (tid: string | null | undefined) => !!tid && tid === this.terminalId;
    switch (m.type) {
      case 'snapshot': {
        if (m.default_terminal_id) this.kioskId = m.default_terminal_id;
        const adopted = withDefaultTerminal(this.choice, m.default_terminal_id);
        if (adopted) {
          // The kiosk's till is not the built-in id: watch the configured one instead.
          this.choice = adopted;
          this.terminalId = adopted.id;
          this.cart = null;
          this.socket?.reconnect();
          break;
        }
        this.cart = m.cart;
        this.providers = m.providers;
        this.scanners = m.scanners;
        this.timezone = m.timezone;
        this.currency = m.currency || 'EUR';
        if (m.pending_sale && mine(m.pending_sale.terminal_id)) this.applySale(m.pending_sale);
        else if (this.sale?.state === 'pending') void this.refreshSale(this.sale.id);
        if (!m.cart) void this.refreshCart();
        void this.checkCashier();
        break;
      }
      case 'cart.updated':
        if (mine(m.cart.terminal_id)) this.applyCart(m.cart);
        break;
      case 'scan.unknown_barcode':
        if (mine(m.terminal_id)) this.toast(t('scan.unknown', { code: m.barcode }), 'error');
        break;
      case 'scan.refused':
        if (mine(m.terminal_id)) this.toast(t('scan.refused', { reason: m.reason }), 'error');
        break;
      case 'payment.updated':
        if (!mine(m.sale.terminal_id)) break;
        // Another sale of this till only takes over the screen when it starts.
        if (!this.sale || this.sale.id === m.sale.id || m.sale.state === 'pending')
          this.applySale(m.sale);
        break;
      case 'scanner.paired':
        if (mine(m.terminal_id)) {
          const name = this.scannerName(m.scanner_id);
          if (this.pairingOpen) this.pairedName = name;
          else this.toast(t('pairing.paired', { name }), 'success');
        }
        break;
      case 'scanner.unpaired':
        if (mine(m.terminal_id))
          this.toast(t('pairing.unpaired', { name: this.scannerName(m.scanner_id) }), 'info');
        break;
      case 'scanner.pairing_refused':
        if (mine(m.terminal_id)) {
          if (this.pairingOpen) this.pairingRefused = m.reason;
          else this.toast(t('pairing.refused', { reason: m.reason }), 'error');
        }
        break;
      case 'scanners.changed':
        this.scanners = m.scanners;
        break;
      case 'providers.changed':
        this.providers = m.providers;
        break;
      case 'products.changed':
        void this.loadProducts();
        break;
      case 'settings.changed':
        void this.checkCashier();
        break;
      case 'error':
        this.toast(m.message, 'error');
        break;
      default:
        break;
    }
  }

  /**
   * Shows a sale unless it is older than the one on screen: HTTP responses and WebSocket
   * events race, and a payment never goes back from a final state to pending.
   */
  private applySale(sale: Sale): void {
    const cur = this.sale;
    if (cur && cur.id === sale.id) {
      if (sale.updated_at < cur.updated_at) return;
      if (isFinal(cur.state) && !isFinal(sale.state)) return;
    }
    const wasPaid = cur?.id === sale.id && cur.state === 'succeeded';
    if (cur?.id !== sale.id) this.receipt = null;
    this.sale = sale;
    // The event may beat the HTTP answer: once the payment exists, the keypad is done.
    this.cashOpen = false;
    if (sale.state === 'succeeded' && !wasPaid) void this.loadReceipt(sale.id);
  }

  private applyCart(cart: Cart): void {
    if (cart.terminal_id !== this.terminalId) return;
    // Carts carry a version; an older response arriving after a newer event is ignored.
    if (this.cart && this.cart.terminal_id === cart.terminal_id && cart.version < this.cart.version)
      return;
    this.cart = cart;
  }

  private scannerName(id: string): string {
    return this.scanners.find((s) => s.id === id)?.name || id;
  }

  // --------------------------------------------------------------------------- actions
  private toast(text: string, kind: Toast['kind'] = 'info'): void {
    // A manual entry may be answered by both the HTTP error and a broadcast; show it once.
    if (this.toasts.some((x) => x.text === text)) return;
    const id = ++this.toastSeq;
    this.toasts = [...this.toasts.slice(-2), { id, text, kind }];
    setTimeout(() => this.dismissToast(id), TOAST_MS);
  }

  private dismissToast(id: number): void {
    this.toasts = this.toasts.filter((x) => x.id !== id);
  }

  private fail(err: unknown): void {
    if (err instanceof api.ApiRequestError && err.code === 'cashier_login_required') {
      // The PIN session ended (idle logout, or PIN login was just switched on).
      this.cashier = null;
      this.pinRequired = true;
      void this.checkCashier();
      return;
    }
    this.toast(err instanceof Error ? err.message : String(err), 'error');
  }

  private async checkCashier(): Promise<void> {
    try {
      const s = await api.cashierStatus(this.terminalId);
      this.pinRequired = s.required;
      this.cashier = s.cashier;
      this.employees = s.employees;
      if (s.locked_for_s > 0) this.pinError = t('pin.locked', { s: s.locked_for_s });
    } catch {
      /* older daemon without PIN login, or offline: the next snapshot retries */
    }
  }

  private async pinLogin(pin: string, employeeId?: string): Promise<void> {
    this.pinBusy = true;
    this.pinError = '';
    try {
      this.cashier = (await api.cashierLogin(this.terminalId, pin, employeeId)).cashier;
    } catch (err) {
      const e = err as api.ApiRequestError;
      const wait = (e.params as { retry_after_s?: number } | undefined)?.retry_after_s;
      this.pinError =
        e.code === 'pin_locked' && wait
          ? t('pin.locked', { s: wait })
          : e.code === 'wrong_pin'
            ? t('pin.wrong')
            : e.message;
      this.renderRoot.querySelector<PosPinLogin>('pos-pin-login')?.reset();
    } finally {
      this.pinBusy = false;
    }
  }

  private async pinLogout(): Promise<void> {
    try {
      await api.cashierLogout(this.terminalId);
    } catch (err) {
      this.fail(err);
    }
    this.cashier = null;
    await this.checkCashier();
  }

  /** Runs one cart command; the response cart is applied at once. */
  private async cartCommand(run: (tid: string) => Promise<Cart>, barcode?: string): Promise<void> {
    const tid = this.terminalId;
    if (!tid) return;
    this.busy = true;
    try {
      this.applyCart(await run(tid));
    } catch (err) {
      if (barcode && err instanceof api.ApiRequestError && err.status === 404)
        this.toast(t('scan.unknown', { code: barcode }), 'error');
      else this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private async refreshCart(): Promise<void> {
    if (!this.terminalId) return;
    try {
      this.applyCart(await api.getCart(this.terminalId));
    } catch (err) {
      this.fail(err);
    }
  }

  private async refreshSale(id: string): Promise<void> {
    try {
      this.applySale(await api.getSale(id));
    } catch {
      /* the next event or snapshot brings it */
    }
  }

  private async loadProducts(): Promise<void> {
    const seq = ++this.searchSeq;
    try {
      const list = await api.searchProducts(this.query, true);
      if (seq === this.searchSeq) this.products = list;
    } catch (err) {
      if (seq === this.searchSeq) this.fail(err);
    }
  }

  private onSearch(q: string): void {
    this.query = q;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadProducts(), 150);
  }

  private async onPay(providerId: string): Promise<void> {
    const provider = this.providers.find((p) => p.id === providerId);
    const tid = this.terminalId;
    if (!provider || !tid || !this.cart) return;
    const s = payButtonState(provider, this.cart.total_cents, this.busy);
    if (!s.enabled) return;
    if (s.missing_cents > 0) {
      if (!s.can_top_up) return;
      this.busy = true;
      try {
        this.applyCart(await this.topUp(tid, provider, s.missing_cents));
      } catch (err) {
        this.busy = false;
        this.fail(err);
        return;
      }
      this.busy = false;
    }
    if (provider.id === 'cash') {
      this.cashOpen = true;
      return;
    }
    await this.startCheckout(provider.id);
  }

  /** Adds the top-up product: through the daemon's top-up command, else as plain items. */
  private async topUp(tid: string, provider: ProviderInfo, missing: number): Promise<Cart> {
    try {
      return await api.topUpCart(tid, provider.id);
    } catch (err) {
      if (!(err instanceof api.ApiRequestError) || (err.status !== 404 && err.status !== 405))
        throw err;
    }
    const [product] = (await api.searchProducts(provider.minimum_topup_barcode ?? '')).filter(
      (p) => p.barcode === provider.minimum_topup_barcode,
    );
    if (!product)
      throw new Error(t('scan.unknown', { code: provider.minimum_topup_barcode ?? '' }));
    const perUnit = Math.max(1, product.price_cents);
    return api.addProduct(tid, product.id, Math.ceil(missing / perUnit));
  }

  private async startCheckout(provider: string, tendered?: number): Promise<void> {
    const tid = this.terminalId;
    if (!tid || !this.cart) return;
    const version = this.cart.version;
    if (!this.retryKey || this.retryKey.provider !== provider || this.retryKey.version !== version)
      this.retryKey = { provider, version, key: newIdempotencyKey() };
    this.busy = true;
    try {
      const sale = await api.checkout(tid, {
        provider,
        idempotency_key: this.retryKey.key,
        ...(tendered !== undefined ? { tendered_cents: tendered } : {}),
      });
      this.retryKey = null;
      this.cashOpen = false;
      this.applySale(sale);
    } catch (err) {
      // A network error keeps the key: pressing again retries the same checkout.
      if (!(err instanceof api.ApiRequestError && err.code === 'network')) this.retryKey = null;
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  /** The receipt QR code and print result for the success screen (after the auto print). */
  private async loadReceipt(saleId: string): Promise<void> {
    try {
      const r = await api.saleReceipt(saleId, true);
      if (this.sale?.id === saleId) this.receipt = r;
    } catch {
      /* no receipts module, or the sale was refunded meanwhile: the screen works without */
    }
  }

  private async printCopy(saleId: string): Promise<void> {
    try {
      const r = await api.printReceiptCopy(saleId);
      this.toast(
        r.printed ? t('receipt.printed') : t('receipt.not_printed', { message: r.message ?? '–' }),
        r.printed ? 'success' : 'error',
      );
    } catch (err) {
      this.fail(err);
    }
  }

  /** Prints a copy of the last receipt this till printed (from the main screen). */
  private async reprintLast(): Promise<void> {
    try {
      const r = await api.reprintLast(this.terminalId);
      this.toast(
        r.printed ? t('receipt.printed') : t('receipt.not_printed', { message: r.message ?? '–' }),
        r.printed ? 'success' : 'error',
      );
    } catch (err) {
      this.fail(err);
    }
  }

  private async cancelPayment(saleId: string): Promise<void> {
    this.busy = true;
    try {
      this.applySale(await api.cancelSale(saleId));
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private async openPairing(): Promise<void> {
    if (!this.terminalId) return;
    this.pairingOpen = true;
    this.pairing = null;
    this.pairingError = '';
    this.pairedName = '';
    this.pairingRefused = '';
    try {
      this.pairing = await api.pairingSecret(this.terminalId);
    } catch (err) {
      this.pairingError = err instanceof Error ? err.message : String(err);
    }
  }

  private switchTerminal(watch: string | null): void {
    const url = new URL(location.href);
    url.searchParams.delete('terminal');
    if (watch) url.searchParams.set('watch', watch);
    else url.searchParams.delete('watch');
    location.assign(url.toString());
  }

  /** The quick-pick grid hides the technical top-up products (added by the pay buttons). */
  private pickable(): Product[] {
    const { products, providers } = this;
    const c = this.pickCache;
    if (c && c.products === products && c.providers === providers) return c.out;
    const topups = new Set(providers.map((p) => p.minimum_topup_barcode).filter(Boolean));
    const out = products.filter((p) => !p.barcode || !topups.has(p.barcode));
    this.pickCache = { products, providers, out };
    return out;
  }
  private pickCache: { products: Product[]; providers: ProviderInfo[]; out: Product[] } | null =
    null;

  // ---------------------------------------------------------------------------- render
  override render() {
    const cart = this.cart;
    const locked = !!cart?.pending_sale_id;
    const tid = this.terminalId;
    const remote = !isLoopbackHost(location.hostname);
    return html`
      <header>
        <span class="who" data-testid="terminal-label">
          ${
            this.choice.watching
              ? t('terminal.watching', { id: tid })
              : t('terminal.label', { id: tid })
          }
        </span>
        <pos-status-dot .state=${this.conn}></pos-status-dot>
        <span class="spacer"></span>
        ${
          this.cashier
            ? html`<button @click=${() => void this.pinLogout()}>
                ${t('pin.logout', { name: this.cashier.name })}
              </button>`
            : ''
        }
        <button
          data-testid="reprint-last"
          aria-label=${t('receipt.reprint_last')}
          @click=${() => void this.reprintLast()}
        >
          <span class="long">${t('receipt.reprint_last')}</span
          ><span class="short">${t('receipt.reprint_short')}</span>
        </button>
        <button data-testid="pair-button" @click=${() => void this.openPairing()}>
          ${t('pairing.button')}
        </button>
        ${
          this.choice.watching
            ? html`<button @click=${() => this.switchTerminal(null)}>
                ${t('terminal.back_own')}
              </button>`
            : remote
              ? html`<button @click=${() => this.switchTerminal(this.kioskId)}>
                  ${t('terminal.watch_kiosk')}
                </button>`
              : ''
        }
        <button
          lang=${lang() === 'de' ? 'en' : 'de'}
          aria-label=${`${t('lang.label')}: ${t('lang.switch')}`}
          @click=${() => setLang(lang() === 'de' ? 'en' : 'de')}
        >
          ${lang() === 'de' ? 'EN' : 'DE'}
        </button>
      </header>
      <main>
        <section class="cart" aria-labelledby="cart-h">
          <h2 id="cart-h">
            <span>${t('cart.title')}</span
            ><span>${t('cart.items', { n: cart?.item_count ?? 0 })}</span>
          </h2>
          ${locked ? html`<div class="locked" role="status">${t('cart.locked')}</div>` : ''}
          <pos-cart
            .cart=${cart}
            .currency=${this.currency}
            ?locked=${locked}
            @pos-quantity=${(e: CustomEvent<{ line_id: string; quantity: number }>) =>
              void this.cartCommand((tid) =>
                api.setLineQuantity(tid, e.detail.line_id, e.detail.quantity),
              )}
            @pos-remove=${(e: CustomEvent<{ line_id: string }>) =>
              void this.cartCommand((tid) => api.removeLine(tid, e.detail.line_id))}
          ></pos-cart>
        </section>
        <pos-picker
          .products=${this.pickable()}
          .currency=${this.currency}
          ?disabled=${locked}
          @pos-search=${(e: CustomEvent<{ q: string }>) => this.onSearch(e.detail.q)}
          @pos-add-product=${(e: CustomEvent<{ product_id: string }>) =>
            void this.cartCommand((tid) => api.addProduct(tid, e.detail.product_id))}
          @pos-add-barcode=${(e: CustomEvent<{ barcode: string }>) =>
            void this.cartCommand((tid) => api.addBarcode(tid, e.detail.barcode), e.detail.barcode)}
        ></pos-picker>
      </main>
      <pos-pay-bar
        .total=${cart?.total_cents ?? 0}
        .itemCount=${cart?.item_count ?? 0}
        .providers=${this.providers}
        .currency=${this.currency}
        ?busy=${this.busy || locked}
        @pos-pay=${(e: CustomEvent<{ provider: string }>) => void this.onPay(e.detail.provider)}
        @pos-clear=${() => (this.confirmClear = true)}
      ></pos-pay-bar>
      <pos-confirm-dialog
        ?open=${this.confirmClear}
        .message=${t('cart.clear_confirm')}
        .confirmLabel=${t('cart.clear')}
        @pos-confirm=${() => {
          this.confirmClear = false;
          void this.cartCommand((tid) => api.clearCart(tid));
        }}
        @pos-cancel=${() => (this.confirmClear = false)}
      ></pos-confirm-dialog>
      <pos-cash-dialog
        ?open=${this.cashOpen}
        .total=${cart?.total_cents ?? 0}
        .currency=${this.currency}
        ?busy=${this.busy}
        @pos-cash-confirm=${(e: CustomEvent<{ tendered_cents: number }>) =>
          void this.startCheckout('cash', e.detail.tendered_cents)}
        @pos-cash-cancel=${() => (this.cashOpen = false)}
      ></pos-cash-dialog>
      ${
        this.sale
          ? html`<pos-payment-screen
              .sale=${this.sale}
              .receipt=${this.receipt}
              .currency=${this.currency}
              ?busy=${this.busy}
              @pos-payment-cancel=${(e: CustomEvent<{ sale_id: string }>) =>
                void this.cancelPayment(e.detail.sale_id)}
              @pos-receipt-print=${(e: CustomEvent<{ sale_id: string }>) =>
                void this.printCopy(e.detail.sale_id)}
              @pos-payment-done=${() => {
                this.sale = null;
                this.receipt = null;
              }}
            ></pos-payment-screen>`
          : ''
      }
      <pos-pairing-dialog
        ?open=${this.pairingOpen}
        .secret=${this.pairing}
        .error=${this.pairingError}
        .paired=${this.pairedName}
        .refused=${this.pairingRefused}
        .timezone=${this.timezone}
        @pos-pairing-close=${() => (this.pairingOpen = false)}
      ></pos-pairing-dialog>
      ${
        this.pinRequired && !this.cashier
          ? html`<pos-pin-login
              .employees=${this.employees}
              .error=${this.pinError}
              ?busy=${this.pinBusy}
              @pos-pin-submit=${(e: CustomEvent<{ pin: string; employee_id?: string }>) =>
                void this.pinLogin(e.detail.pin, e.detail.employee_id)}
            ></pos-pin-login>`
          : ''
      }
      <pos-toasts
        .toasts=${this.toasts}
        @pos-toast-dismiss=${(e: CustomEvent<{ id: number }>) => this.dismissToast(e.detail.id)}
      ></pos-toasts>
    `;
  }
}
