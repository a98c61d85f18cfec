/**
 * Paying the till's sale, for the controller (pos-controller.ts): a pay button's press (top-up
 * to the provider's minimum, then the cash dialog, the part dialog for a voucher or the
 * checkout), parts of a split sale and vouchers sold through its dialog, the checkout whose idempotency key is reused when a
 * payment is retried after a lost answer (no double charge) and the question whether a lost
 * checkout made a sale, cancelling a running payment, giving up a partly paid sale, and the
 * result screen's "done". Every answer goes through a store step (pos-store.ts).
 */
import type { Cart } from '../../../daemon/protocol.js';
import * as api from '../lib/api.js';
import { topUp } from '../lib/topup.js';
import { newIdempotencyKey, payPlan } from '../lib/payment.js';
import type { PartRequest } from '../lib/split.js';
import * as store from './pos-store.js';
import type { PosState, RetryKey, Step } from './pos-store.js';

/** What payment needs of the controller: its state and the ways to change it. */
export interface TillPlumbing {
  state(): PosState;
  terminalId(): string;
  run(s: Step): void;
  update(f: (s: PosState) => PosState): void;
  fail(err: unknown): void;
  busy(on: boolean): void;
  /** Runs one cart command and applies the cart it answers. */
  cartCommand(run: (tid: string) => Promise<Cart>): Promise<void>;
}

export class PosPayment {
  /** Reused when the same payment is retried after a network error (no double charge). */
  private retryKey: RetryKey | null = null;

  constructor(private readonly till: TillPlumbing) {}

  async pay(providerId: string): Promise<void> {
    const { providers, cart, busy } = this.till.state();
    const provider = providers.find((p) => p.id === providerId);
    const tid = this.till.terminalId();
    if (!provider || !tid || !cart) return;
    const plan = payPlan(provider, cart.total_cents, busy);
    if (!plan) return;
    if (plan.top_up_cents > 0) {
      this.till.busy(true);
      try {
        const topped = await topUp(tid, provider, plan.top_up_cents);
        this.till.update((st) => store.applyCart(st, topped));
      } catch (err) {
        this.till.busy(false);
        this.till.fail(err);
        return;
      }
      this.till.busy(false);
    }
    if (plan.then === 'cash') return this.till.update((st) => ({ ...st, cashOpen: true }));
    if (plan.then === 'voucher') return this.openSplit('pay', 'voucher');
    await this.startCheckout(provider.id);
  }

  openSplit(mode: 'pay' | 'sell', initial = ''): void {
    this.till.update((s) => ({ ...s, split: { mode, initial } }));
  }

  closeSplit(): void {
    this.till.update((s) => ({ ...s, split: null }));
  }

  /** One part of the sale (amount, tip, cash given, voucher code). */
  async payPart(req: PartRequest): Promise<void> {
    const tid = this.till.terminalId();
    if (!tid) return;
    this.till.busy(true);
    try {
      const sale = await api.checkout(tid, { ...req, idempotency_key: newIdempotencyKey() });
      this.till.update((s) => ({ ...s, split: null }));
      this.till.run(store.applySale(this.till.state(), sale));
    } catch (err) {
      this.till.fail(err);
    } finally {
      this.till.busy(false);
    }
  }

  /** The part dialog in its sell mode: a voucher of this amount into the cart. */
  async sellVoucher(amountCents: number): Promise<void> {
    this.closeSplit();
    await this.till.cartCommand((tid) => api.addVoucher(tid, amountCents));
  }

  /** Gives up a partly paid sale: its parts are paid back; the result shows what by hand. */
  async abandonSale(saleId: string): Promise<void> {
    this.till.busy(true);
    try {
      const out = await api.abandonSale(saleId);
      this.till.run(store.applySale(this.till.state(), out.sale));
    } catch (err) {
      this.till.fail(err);
    } finally {
      this.till.busy(false);
    }
  }

  closeCash(): void {
    this.till.update((s) => ({ ...s, cashOpen: false }));
  }

  async startCheckout(provider: string, tendered?: number): Promise<void> {
    const tid = this.till.terminalId();
    const cart = this.till.state().cart;
    if (!tid || !cart) return;
    this.retryKey = store.checkoutKey(this.retryKey, provider, cart.version, newIdempotencyKey);
    const key = this.retryKey;
    this.till.busy(true);
    try {
      const sale = await api.checkout(tid, {
        provider,
        idempotency_key: key.key,
        ...(tendered !== undefined ? { tendered_cents: tendered } : {}),
      });
      this.retryKey = null;
      this.till.update((s) => ({ ...s, cashOpen: false }));
      this.till.run(store.applySale(this.till.state(), sale));
    } catch (err) {
      this.retryKey = store.keyAfterFailure(key, err);
      // No answer: the daemon may have booked it. Say so, and ask when it is back.
      if (err instanceof api.ApiRequestError && err.code === 'network')
        this.till.update((s) => store.checkoutLost(s, key.key, provider));
      else this.till.fail(err);
    } finally {
      this.till.busy(false);
    }
  }

  /** Asks the daemon whether the lost checkout made a sale (by its idempotency key). */
  async verifyCheckout(key: string): Promise<void> {
    try {
      const sale = await api.saleByCheckoutKey(this.till.terminalId(), key);
      this.till.run(store.checkoutVerified(this.till.state(), key, sale));
    } catch (err) {
      if (err instanceof api.ApiRequestError && err.status === 404)
        this.till.run(store.checkoutVerified(this.till.state(), key, null));
      /* still away: the next snapshot asks again */
    }
  }

  async cancelPayment(saleId: string): Promise<void> {
    this.till.busy(true);
    try {
      const sale = await api.cancelSale(saleId);
      this.till.run(store.applySale(this.till.state(), sale));
    } catch (err) {
      this.till.fail(err);
    } finally {
      this.till.busy(false);
    }
  }

  paymentDone(): void {
    this.till.update(store.paymentDone);
  }
}
