/**
 * The till's controller: owns the state (pos-store.ts), the WebSocket and the requests. Views
 * call its methods; every answer, event and failure goes through a store step, whose effects
 * (reload, reconnect, hide a toast later) run here. The host re-renders on every change.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Cart, DiscountBody, OpenPriceInput, PrintResult } from '../../../daemon/protocol.js';
import { printNotice } from '../lib/errors.js';
import * as api from '../lib/api.js';
import { LiveSocket } from '../lib/socket.js';
import { chooseTerminal, watchUrl } from '../lib/terminal.js';
import { topUp } from '../lib/topup.js';
import { initLang, setDefaultLang } from '../lib/i18n.js';
import { newIdempotencyKey, payButtonState } from '../lib/payment.js';
import type { PartRequest } from '../lib/split.js';
import { TOAST_MS } from '../lib/toasts.js';
import * as store from './pos-store.js';
import type { Effect, PosState, RetryKey, Step } from './pos-store.js';

const SEARCH_DEBOUNCE_MS = 150;

export class PosController implements ReactiveController {
  state: PosState;
  private socket: LiveSocket | null = null;
  private query = '';
  private searchSeq = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private toastTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Reused when the same payment is retried after a network error (no double charge). */
  private retryKey: RetryKey | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
    initLang();
    this.state = store.initialState(
      chooseTerminal(location.search, location.hostname, localStorage),
    );
  }

  hostConnected(): void {
    this.socket = new LiveSocket({
      query: () => `terminal_id=${encodeURIComponent(this.terminalId)}`,
      onMessage: (m) => {
        this.run(store.onServerMessage(this.state, m));
        if (m.type === 'snapshot' && m.language) setDefaultLang(m.language);
      },
      onState: (conn) => this.set({ ...this.state, conn }),
    });
    this.socket.start();
    void this.loadProducts();
  }

  hostDisconnected(): void {
    this.socket?.stop();
    this.socket = null;
    clearTimeout(this.searchTimer);
    for (const t of this.toastTimers.values()) clearTimeout(t);
    this.toastTimers.clear();
  }

  get terminalId(): string {
    return store.terminalOf(this.state);
  }

  // ----------------------------------------------------------------- state plumbing
  private set(next: PosState): void {
    if (next === this.state) return;
    this.state = next;
    this.host.requestUpdate();
  }

  private run(s: Step): void {
    this.set(s.state);
    for (const e of s.effects) this.effect(e);
  }

  private update(f: (s: PosState) => PosState): void {
    this.set(f(this.state));
  }

  private effect(e: Effect): void {
    switch (e.type) {
      case 'reconnect':
        this.socket?.reconnect();
        break;
      case 'refresh_sale':
        void this.refreshSale(e.sale_id);
        break;
      case 'refresh_cart':
        void this.refreshCart();
        break;
      case 'check_cashier':
        void this.checkCashier();
        break;
      case 'check_printer':
        void this.checkPrinter();
        break;
      case 'verify_checkout':
        void this.verifyCheckout(e.key);
        break;
      case 'load_products':
        void this.loadProducts();
        break;
      case 'load_receipt':
        void this.loadReceipt(e.sale_id);
        break;
      case 'expire_toast':
        this.toastTimers.set(
          e.id,
          setTimeout(() => this.dismissToast(e.id), TOAST_MS),
        );
        break;
    }
  }

  private fail(err: unknown): void {
    this.run(store.failed(this.state, err));
  }

  private busy(on: boolean): void {
    this.update((s) => (s.busy === on ? s : { ...s, busy: on }));
  }

  // ---------------------------------------------------------------------- loading
  private async refreshCart(): Promise<void> {
    try {
      const cart = await api.getCart(this.terminalId);
      this.update((s) => store.applyCart(s, cart));
    } catch (err) {
      this.fail(err);
    }
  }

  private async refreshSale(id: string): Promise<void> {
    try {
      const sale = await api.getSale(id);
      this.run(store.applySale(this.state, sale));
    } catch {
      /* the next event or snapshot brings it */
    }
  }

  private async loadProducts(): Promise<void> {
    const seq = ++this.searchSeq;
    try {
      const [list, categories, quickKeys, depositProducts, discountSettings, tipSettings] =
        await Promise.all([
          api.searchProducts(this.query, true),
          api.listCategories(),
          api.getQuickKeys(),
          api.depositProducts(),
          api.discountSettings(),
          api.tipSettings(),
        ]);
      if (seq === this.searchSeq)
        this.update((s) => ({
          ...s,
          products: list,
          categories,
          quickKeys,
          depositProducts,
          discountSettings,
          tipSettings,
        }));
    } catch (err) {
      if (seq === this.searchSeq) this.fail(err);
    }
  }

  /** The receipt QR code and print result for the success screen (after the auto print). */
  private async loadReceipt(saleId: string): Promise<void> {
    try {
      const r = await api.saleReceipt(saleId, true);
      this.update((s) => store.applyReceipt(s, saleId, r));
    } catch {
      /* no receipts module, or the sale was refunded meanwhile: the screen works without */
    }
  }

  private async checkCashier(): Promise<void> {
    try {
      const st = await api.cashierStatus(this.terminalId);
      this.update((s) => store.cashierStatus(s, st));
    } catch {
      /* older daemon without PIN login, or offline: the next snapshot retries */
    }
  }

  /** Asks the daemon whether the lost checkout made a sale (by its idempotency key). */
  private async verifyCheckout(key: string): Promise<void> {
    try {
      const sale = await api.saleByCheckoutKey(this.terminalId, key);
      this.run(store.checkoutVerified(this.state, key, sale));
    } catch (err) {
      if (err instanceof api.ApiRequestError && err.status === 404)
        this.run(store.checkoutVerified(this.state, key, null));
      /* still away: the next snapshot asks again */
    }
  }

  /** A tap on the locked till while the daemon is away. */
  blocked(): void {
    this.run(store.blockedTap(this.state));
  }

  private async checkPrinter(): Promise<void> {
    try {
      const p = await api.printerStatus();
      this.update((s) => (s.printer === p.configured ? s : { ...s, printer: p.configured }));
    } catch {
      /* offline: the next snapshot asks again */
    }
  }

  // ------------------------------------------------------------------------- cart
  search(q: string): void {
    this.query = q;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadProducts(), SEARCH_DEBOUNCE_MS);
  }

  /** Runs one cart command; the response cart is applied at once. */
  private async cartCommand(run: (tid: string) => Promise<Cart>, barcode?: string): Promise<void> {
    const tid = this.terminalId;
    if (!tid) return;
    this.busy(true);
    try {
      const cart = await run(tid);
      this.update((s) => store.applyCart(s, cart));
    } catch (err) {
      this.run(store.cartCommandFailed(this.state, err, barcode));
    } finally {
      this.busy(false);
    }
  }

  addProduct(productId: string): void {
    void this.cartCommand((tid) => api.addProduct(tid, productId));
  }

  addBarcode(barcode: string): void {
    void this.cartCommand((tid) => api.addBarcode(tid, barcode), barcode);
  }

  /** The open-price keypad: opened from the picker or the unknown-barcode offer. */
  showOpenPrice(open: boolean): void {
    this.update((s) => ({ ...s, openPrice: open, unknownBarcode: open ? null : s.unknownBarcode }));
  }

  /** The quantity keypad for a cart line (null closes it). */
  showQuantity(line: { line_id: string; name: string } | null): void {
    this.update((s) => ({ ...s, quantityFor: line }));
  }

  async confirmQuantity(lineId: string, quantity: number): Promise<void> {
    this.showQuantity(null);
    await this.cartCommand((tid) => api.setLineQuantity(tid, lineId, quantity));
  }

  dismissUnknown(): void {
    this.update((s) => ({ ...s, unknownBarcode: null }));
  }

  async addOpenPrice(input: OpenPriceInput): Promise<void> {
    await this.cartCommand((tid) => api.addOpenPrice(tid, input));
    this.update((s) => ({ ...s, openPrice: false }));
  }

  /** "Pfand zurück": one more returned deposit of that product. */
  addDepositReturn(productId: string): void {
    void this.cartCommand((tid) => api.addDepositReturn(tid, productId));
  }

  showDiscount(open: boolean): void {
    this.update((s) => ({ ...s, discountOpen: open }));
  }

  async addDiscount(body: DiscountBody): Promise<void> {
    await this.cartCommand((tid) => api.addDiscount(tid, body));
    this.update((s) => ({ ...s, discountOpen: false }));
  }

  removeDiscount(id: string): void {
    void this.cartCommand((tid) => api.removeDiscount(tid, id));
  }

  setQuantity(lineId: string, quantity: number): void {
    void this.cartCommand((tid) => api.setLineQuantity(tid, lineId, quantity));
  }

  removeLine(lineId: string): void {
    void this.cartCommand((tid) => api.removeLine(tid, lineId));
  }

  askClear(open: boolean): void {
    this.update((s) => ({ ...s, confirmClear: open }));
  }

  clearCart(): void {
    this.askClear(false);
    void this.cartCommand((tid) => api.clearCart(tid));
  }

  // ---------------------------------------------------------------------- payment
  async pay(providerId: string): Promise<void> {
    const { providers, cart, busy } = this.state;
    const provider = providers.find((p) => p.id === providerId);
    const tid = this.terminalId;
    if (!provider || !tid || !cart) return;
    const s = payButtonState(provider, cart.total_cents, busy);
    if (!s.enabled) return;
    if (s.missing_cents > 0) {
      if (!s.can_top_up) return;
      this.busy(true);
      try {
        const topped = await topUp(tid, provider, s.missing_cents);
        this.update((st) => store.applyCart(st, topped));
      } catch (err) {
        this.busy(false);
        this.fail(err);
        return;
      }
      this.busy(false);
    }
    // Below zero (a deposit return) the drawer pays out: nothing to tender.
    if (provider.id === 'cash' && cart.total_cents < 0) return this.startCheckout('cash');
    if (provider.id === 'cash') {
      this.update((st) => ({ ...st, cashOpen: true }));
      return;
    }
    // A voucher needs its code (and pays at most its balance): the part dialog asks.
    if (provider.id === 'voucher') return this.openSplit('pay', 'voucher');
    await this.startCheckout(provider.id);
  }

  // ------------------------------------------------------------ split payment, vouchers
  openSplit(mode: 'pay' | 'sell', initial = ''): void {
    this.update((s) => ({ ...s, split: { mode, initial } }));
  }

  closeSplit(): void {
    this.update((s) => ({ ...s, split: null }));
  }

  /** One part of the sale (amount, tip, cash given, voucher code). */
  async payPart(req: PartRequest): Promise<void> {
    const tid = this.terminalId;
    if (!tid) return;
    this.busy(true);
    try {
      const sale = await api.checkout(tid, { ...req, idempotency_key: newIdempotencyKey() });
      this.update((s) => ({ ...s, split: null }));
      this.run(store.applySale(this.state, sale));
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy(false);
    }
  }

  async sellVoucher(amountCents: number): Promise<void> {
    this.update((s) => ({ ...s, split: null }));
    await this.cartCommand((tid) => api.addVoucher(tid, amountCents));
  }

  /** Gives up a partly paid sale: its parts are paid back; the result shows what by hand. */
  async abandonSale(saleId: string): Promise<void> {
    this.busy(true);
    try {
      const out = await api.abandonSale(saleId);
      this.run(store.applySale(this.state, out.sale));
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy(false);
    }
  }

  closeCash(): void {
    this.update((s) => ({ ...s, cashOpen: false }));
  }

  async startCheckout(provider: string, tendered?: number): Promise<void> {
    const tid = this.terminalId;
    const cart = this.state.cart;
    if (!tid || !cart) return;
    this.retryKey = store.checkoutKey(this.retryKey, provider, cart.version, newIdempotencyKey);
    const key = this.retryKey;
    this.busy(true);
    try {
      const sale = await api.checkout(tid, {
        provider,
        idempotency_key: key.key,
        ...(tendered !== undefined ? { tendered_cents: tendered } : {}),
      });
      this.retryKey = null;
      this.update((s) => ({ ...s, cashOpen: false }));
      this.run(store.applySale(this.state, sale));
    } catch (err) {
      this.retryKey = store.keyAfterFailure(key, err);
      // No answer: the daemon may have booked it. Say so, and ask when it is back.
      if (err instanceof api.ApiRequestError && err.code === 'network')
        this.update((s) => store.checkoutLost(s, key.key, provider));
      else this.fail(err);
    } finally {
      this.busy(false);
    }
  }

  async cancelPayment(saleId: string): Promise<void> {
    this.busy(true);
    try {
      const sale = await api.cancelSale(saleId);
      this.run(store.applySale(this.state, sale));
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy(false);
    }
  }

  paymentDone(): void {
    this.update(store.paymentDone);
  }

  // --------------------------------------------------------------------- receipts
  async printCopy(saleId: string): Promise<void> {
    await this.print(() => api.printReceiptCopy(saleId));
  }

  /** Prints a copy of the last receipt this till printed (from the main screen). */
  async reprintLast(): Promise<void> {
    await this.print(() => api.reprintLast(this.terminalId));
  }

  private async print(run: () => Promise<PrintResult>) {
    try {
      const r = await run();
      const said = printNotice(r) ?? { key: 'err.printer_not_configured' };
      this.run(store.toast(this.state, said, r.printed ? 'success' : 'error'));
    } catch (err) {
      this.fail(err);
    }
  }

  // ------------------------------------------------------------------------ toasts
  dismissToast(id: number): void {
    clearTimeout(this.toastTimers.get(id));
    this.toastTimers.delete(id);
    this.update((s) => store.dismissToast(s, id));
  }

  // ----------------------------------------------------------------------- pairing
  async openPairing(): Promise<void> {
    const tid = this.terminalId;
    if (!tid) return;
    this.update(store.pairingOpened);
    try {
      const secret = await api.pairingSecret(tid);
      this.update((s) => store.pairingSecret(s, secret));
    } catch (err) {
      this.update((s) => store.pairingFailed(s, err));
    }
  }

  closePairing(): void {
    this.update(store.pairingClosed);
  }

  // ------------------------------------------------------------------ cashier PIN
  async pinLogin(pin: string, employeeId?: string): Promise<boolean> {
    this.update((s) => ({ ...s, pin: { ...s.pin, busy: true, error: null } }));
    try {
      const { cashier } = await api.cashierLogin(this.terminalId, pin, employeeId);
      this.update((s) => ({ ...s, pin: { ...s.pin, cashier } }));
      return true;
    } catch (err) {
      this.update((s) => ({ ...s, pin: { ...s.pin, error: store.pinRefusal(err) } }));
      return false;
    } finally {
      this.update((s) => ({ ...s, pin: { ...s.pin, busy: false } }));
    }
  }

  async pinLogout(): Promise<void> {
    try {
      await api.cashierLogout(this.terminalId);
    } catch (err) {
      this.fail(err);
    }
    this.update((s) => ({ ...s, pin: { ...s.pin, cashier: null } }));
    await this.checkCashier();
  }

  // ---------------------------------------------------------------------- terminal
  /** Opens another till to watch (or back to this browser's own with null). */
  switchTerminal(watch: string | null): void {
    location.assign(watchUrl(location.href, watch));
  }
}
