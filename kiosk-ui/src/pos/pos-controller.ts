/**
 * The till's controller: owns the state (pos-store.ts), the WebSocket and the requests. Views
 * call its methods (paying the sale: its `payment`, pos-payment.ts); every answer, event and
 * failure goes through a store step, whose effects (reload, reconnect, hide a toast later) run
 * here. The host re-renders on every change.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Cart, DiscountBody, OpenPriceInput, PrintResult } from '../../../daemon/protocol.js';
import { printNotice } from '../lib/errors.js';
import * as api from '../lib/api.js';
import { LiveSocket } from '../lib/socket.js';
import { chooseTerminal, watchUrl } from '../lib/terminal.js';
import { announceTerminal } from '../lib/dual.js';
import { initLang, setDefaultLang } from '../lib/i18n.js';
import { TOAST_MS } from '../lib/toasts.js';
import * as store from './pos-store.js';
import type { Effect, PosState, Step } from './pos-store.js';
import { PosPayment } from './pos-payment.js';

const SEARCH_DEBOUNCE_MS = 150;

export class PosController implements ReactiveController {
  state: PosState;
  private socket: LiveSocket | null = null;
  private query = '';
  private searchSeq = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private toastTimers = new Map<number, ReturnType<typeof setTimeout>>();
  /** `client.painted` went out on this connection (the update's mark-good check waits on it). */
  private paintedSent = false;
  /** Paying the sale (pay buttons, split parts, checkout, cancel, abandon): pos-payment.ts. */
  readonly payment = new PosPayment({
    state: () => this.state,
    terminalId: () => this.terminalId,
    run: (s) => this.run(s),
    update: (f) => this.update(f),
    fail: (err) => this.fail(err),
    busy: (on) => this.busy(on),
    cartCommand: (run) => this.cartCommand(run),
  });

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
        if (m.type === 'snapshot') {
          void this.reportPainted();
          // Framed by /kiosk/dual: the customer display beside it follows this till.
          announceTerminal(window, this.terminalId);
        }
      },
      onState: (conn) => {
        if (conn !== 'connected') this.paintedSent = false;
        this.set({ ...this.state, conn });
      },
    });
    this.socket.start();
    void this.loadProducts();
  }

  /**
   * Once per connection, after the snapshot is on screen (rendered, then the next frame
   * painted): tells the daemon the kiosk shows real data. A daemon that restarted gets it again.
   */
  private async reportPainted(): Promise<void> {
    if (this.paintedSent) return;
    this.paintedSent = true;
    await this.host.updateComplete;
    requestAnimationFrame(() => this.socket?.send({ type: 'client.painted' }));
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
        void this.payment.verifyCheckout(e.key);
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
