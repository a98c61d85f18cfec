/**
 * A sale's way from cart to outcome: checkout() turns a till's cart into a journalled pending
 * sale (once per idempotency key, also while the first request still runs) and starts the
 * provider; settle() journals each later transition; cancel() asks the provider to stop.
 *
 * Order of every transition: journal line fsync'd → memory → cart → broadcast. A sale a browser
 * hears about is already on disk.
 */
import type { TipSettings } from '../protocol.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { EventBus } from '../events.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Sale } from '../protocol.js';
import { ProviderError, type ProviderOutcome } from '../payments/provider.js';
import type { Payments } from '../payments/index.js';
import type { Carts } from './carts.js';
import { CheckoutError, money, type CheckoutStatus } from './errors.js';
import type { Ledger, PartDraft } from './ledger.js';
import type { FiscalSigner } from '../fiscal/index.js';
import { providerView, runningPart } from './parts.js';
import type { PaymentProvider } from '../payments/provider.js';
import type { VoucherBook } from '../vouchers/book.js';

export interface CheckoutInput {
  provider: string;
  idempotency_key: string;
  tendered_cents?: number;
  /** Pay this much of the sale now (split payment); default: what remains (or the provider's own). */
  amount_cents?: number;
  /** Tip charged on top of this payment. */
  tip_cents?: number;
  /** Voucher provider: the code to redeem. */
  voucher_code?: string;
  cashier: string | null;
  /** Base URL of this daemon as the client reached it (payment callbacks). */
  base_url: string;
}

export interface SaleFlowDeps {
  config: Config;
  log: Logger;
  events: EventBus;
  catalog: Catalog;
  carts: Carts;
  ledger: Ledger;
  payments: () => Payments;
  /** The TSE (KassenSichV): signs every settled sale before it is journalled; null = none. */
  fiscal: FiscalSigner | null;
  /** The voucher book: vouchers a sale sells are issued before its payment starts. */
  vouchers: VoucherBook;
  /** Tip settings (section `tips`): tips on or off, and who they belong to. */
  tips?: () => TipSettings;
}

export class SaleFlow {
  private readonly inflight = new Map<string, Promise<Sale>>();

  constructor(private readonly deps: SaleFlowDeps) {}

  private get ledger(): Ledger {
    return this.deps.ledger;
  }

  private get carts(): Carts {
    return this.deps.carts;
  }

  private get payments(): Payments {
    return this.deps.payments();
  }

  /**
   * Creates a sale from the cart (prices as the cart shows them) and starts its payment. The
   * same idempotency key returns the same sale, also while the first request is still running.
   */
  async checkout(
    terminalId: string,
    input: CheckoutInput,
  ): Promise<{ sale: Sale; replayed: boolean }> {
    const key = input.idempotency_key;
    const earlier = this.ledger.byKey(key);
    const running = this.inflight.get(key);
    const prior = earlier ?? (running ? await running.catch(() => undefined) : undefined);
    if (prior) {
      if (prior.terminal_id !== terminalId || this.ledger.providerOfKey(key) !== input.provider)
        throw new CheckoutError(
          409,
          'idempotency_conflict',
          'This idempotency_key was used for a different checkout',
        );
      return { sale: this.ledger.live(prior.id) ?? prior, replayed: true };
    }
    if (running) return this.checkout(terminalId, input); // the first attempt failed: retry
    const p = this.createAndStart(terminalId, input);
    this.inflight.set(key, p);
    try {
      return { sale: await p, replayed: false };
    } finally {
      this.inflight.delete(key);
    }
  }

  private async createAndStart(terminalId: string, input: CheckoutInput): Promise<Sale> {
    const { catalog } = this.deps;
    // An edit still being written is paid only once it is on disk (or rolled back).
    await this.carts.settled(terminalId);
    const provider = this.payments.get(input.provider);
    if (!provider)
      throw new CheckoutError(
        400,
        'unknown_provider',
        `No payment provider "${input.provider}" (known: ${this.payments.ids().join(', ')})`,
        undefined,
        'provider',
      );
    const info = this.payments.cachedInfo(provider.id);
    if (info && !info.available)
      throw new CheckoutError(
        409,
        'provider_unavailable',
        `${provider.label} is not available${info.reason ? `: ${info.reason}` : ''}`,
      );
    const cart = this.carts.get(terminalId);
    const waiting = cart.pending_sale_id ? this.ledger.live(cart.pending_sale_id) : undefined;
    if (waiting?.state === 'open') return this.nextPart(waiting, provider, input);
    const lock = this.carts.lockReason(terminalId);
    if (lock)
      throw new CheckoutError(409, 'payment_pending', lock, { sale_id: cart.pending_sale_id });
    if (cart.lines.length === 0) throw new CheckoutError(409, 'cart_empty', 'The cart is empty');
    for (const l of cart.lines) {
      if (l.open_price || l.kind === 'voucher') continue; // no catalog product behind it
      const p = catalog.get(l.product_id);
      // A deposit product need not be on sale by itself to follow a drink or be returned.
      if (!p || (!p.active && !l.kind))
        throw new CheckoutError(
          409,
          'product_unavailable',
          `"${l.name}" is not for sale anymore; remove it from the cart`,
          { line_id: l.line_id },
        );
    }
    const part = this.partDraft(provider, cart.total_cents, cart.total_cents, input);
    if (!this.carts.beginCreating(terminalId))
      throw new CheckoutError(409, 'payment_pending', this.carts.lockReason(terminalId)!);
    let sale: Sale;
    try {
      sale = await this.ledger.create(
        input.idempotency_key,
        {
          terminal_id: terminalId,
          lines: cart.lines.map(({ line_id: _, deposit_for_line_id: _d, ...line }) => line),
          total_cents: cart.total_cents,
          discounts: cart.discounts,
          discount_cents: cart.discount_cents,
          cashier: input.cashier,
          part,
        },
        cart.version,
      );
    } finally {
      this.carts.endCreating(terminalId);
    }
    // The TSE transaction starts with the sale (its start time is the sale's); the signature
    // that matters comes when the sale settles (settle()).
    this.deps.fiscal?.begin(sale.id);
    // The sale is durable; the cart lock follows (a crash in between is healed at start).
    // Not awaited: the lock is in memory at once, and a lock lost to a crash is re-derived
    // from the journal at start (healCarts), so the payment need not wait for it.
    void this.carts
      .markPending(terminalId, sale.id)
      .catch((err) => this.deps.log.error(`carts: ${(err as Error).message}`));
    this.deps.events.emit('payment.updated', { sale });
    // Vouchers sold here are in the book before any money moves (usable once the sale is paid).
    await this.deps.vouchers.ensureIssued(sale);
    return this.run(sale, provider, input);
  }

  /** The next part of a partly paid (open) sale: journalled, then paid like the first. */
  private async nextPart(
    open: Sale,
    provider: PaymentProvider,
    input: CheckoutInput,
  ): Promise<Sale> {
    const remaining = open.remaining_cents ?? open.total_cents;
    const part = this.partDraft(provider, remaining, open.total_cents, input);
    const sale = await this.ledger.startPart(open.id, input.idempotency_key, part);
    this.deps.events.emit('payment.updated', { sale });
    return this.run(sale, provider, input);
  }

  /**
   * What this payment charges: `amount_cents` of what remains (default all of it, or what the
   * provider can pay, e.g. a voucher's balance) plus `tip_cents`. The provider's minimum and
   * its own check apply to this part, before anything is journalled.
   */
  private partDraft(
    provider: PaymentProvider,
    remaining: number,
    total: number,
    input: CheckoutInput,
  ): PartDraft {
    const { config } = this.deps;
    const tip = input.tip_cents ?? 0;
    const tips = this.deps.tips?.();
    if (tip > 0 && tips && !tips.enabled)
      throw new CheckoutError(422, 'tips_disabled', 'Tips are switched off in the settings');
    // A pure deposit return comes to less than nothing: paid out from the drawer, in one go.
    if (remaining < 0) {
      if (provider.id !== 'cash')
        throw new CheckoutError(
          422,
          'payout_cash_only',
          `A total below zero (${money(remaining, config.currency)}) is paid out in cash only`,
          { total_cents: remaining },
        );
      if (input.amount_cents !== undefined || tip !== 0)
        throw new CheckoutError(400, 'invalid_body', 'A payout is paid whole, without a tip');
      return { provider: provider.id, amount_cents: remaining, tip_cents: 0, tendered_cents: 0 };
    }
    const amount =
      input.amount_cents ??
      Math.min(remaining, provider.partAmount?.(remaining, input) ?? remaining);
    if (amount > remaining)
      throw new CheckoutError(
        422,
        'amount_too_high',
        `Only ${money(remaining, config.currency)} remain to be paid`,
        { remaining_cents: remaining },
      );
    const minimum = provider.minimumPaymentCents;
    if (amount + tip < minimum) {
      const missing = minimum - amount - tip;
      // Topping the cart up helps only when this payment is the whole sale.
      const topup = amount === total ? this.payments.topupProduct(provider.id) : undefined;
      throw new CheckoutError(
        422,
        'below_minimum',
        `${provider.label} needs at least ${money(minimum, config.currency)}; ${money(missing, config.currency)} missing`,
        {
          minimum_payment_cents: minimum,
          missing_cents: missing,
          ...(topup?.barcode ? { minimum_topup_barcode: topup.barcode } : {}),
        },
      );
    }
    try {
      provider.check?.({
        total_cents: amount + tip,
        tip_cents: tip,
        tendered_cents: input.tendered_cents,
        voucher_code: input.voucher_code,
      });
    } catch (err) {
      if (err instanceof ProviderError)
        throw new CheckoutError(asStatus(err.status), err.code, err.message, err.params);
      throw err;
    }
    return {
      provider: provider.id,
      amount_cents: amount,
      tip_cents: tip,
      tendered_cents: input.tendered_cents ?? null,
      // Who the tip belongs to is fixed now: a later change of the setting rewrites nothing.
      ...(tip > 0 && tips?.tips_recipient === 'business'
        ? { tip_recipient: 'business' as const }
        : {}),
    };
  }

  /** Starts the provider on the sale's running part and journals what it says. */
  private async run(sale: Sale, provider: PaymentProvider, input: CheckoutInput): Promise<Sale> {
    let outcome: ProviderOutcome;
    let refusal: CheckoutError | null = null;
    try {
      outcome = await provider.start(providerView(sale, runningPart(sale)), {
        tendered_cents: input.tendered_cents,
        base_url: input.base_url,
        voucher_code: input.voucher_code,
      });
    } catch (err) {
      if (err instanceof ProviderError) {
        refusal = new CheckoutError(asStatus(err.status), err.code, err.message, {
          sale_id: sale.id,
        });
        outcome = { state: 'failed', reason: err.message, reason_code: err.code };
      } else {
        this.deps.log.error(`${provider.id}: start failed: ${(err as Error)?.stack ?? err}`);
        refusal = new CheckoutError(
          502,
          'provider_error',
          `${provider.label} could not start the payment`,
          {
            sale_id: sale.id,
          },
        );
        outcome = {
          state: 'failed',
          reason: `${provider.label} could not start the payment`,
          reason_code: 'provider_error',
        };
      }
    }
    const current = this.ledger.live(sale.id);
    if (current?.state === 'pending' && (outcome.state !== 'pending' || outcome.payment)) {
      try {
        sale = await this.settle(sale.id, outcome);
      } catch (err) {
        // The provider settled it first (a callback faster than start() returned): the
        // payment went on without us; answer with the sale as it stands.
        if (!(err instanceof CheckoutError && err.code === 'not_pending')) throw err;
        sale = this.ledger.live(sale.id) ?? sale;
      }
    } else if (current) sale = current;
    if (refusal) throw refusal;
    return sale;
  }

  /** Journals a transition, then updates the cart and broadcasts (ProviderDeps.settle). */
  async settle(saleId: string, outcome: ProviderOutcome): Promise<Sale> {
    // A final state is signed by the TSE before its line is written: the answer goes into the
    // journal with the sale, and only then is the sale acknowledged or broadcast.
    const fiscal = this.deps.fiscal;
    const sale = await this.ledger.transition(
      saleId,
      outcome,
      fiscal?.enabled ? (settled) => fiscal.signSale(settled) : undefined,
    );
    this.deps.events.emit('payment.updated', { sale });
    // The cart follows in memory at once; its file write is not awaited because a lost cart
    // write is re-derived from the journal at start (healCarts).
    if (sale.state !== 'pending' && sale.state !== 'open') {
      void this.carts
        .settle(sale.terminal_id, sale.id, sale.state === 'succeeded')
        ?.catch((err) => this.deps.log.error(`carts: ${(err as Error).message}`));
    }
    return sale;
  }

  /** Asks the provider to stop a pending payment. */
  async cancel(saleId: string): Promise<{ sale: Sale; settled: boolean }> {
    const sale = this.ledger.live(saleId) ?? (await this.ledger.find(saleId));
    if (!sale) throw new CheckoutError(404, 'not_found', `No sale ${saleId}`);
    if (sale.state !== 'pending')
      throw new CheckoutError(409, 'not_pending', `Sale ${sale.number} is already ${sale.state}`);
    const provider = this.payments.get(sale.provider);
    let outcome: ProviderOutcome = {
      state: 'cancelled',
      reason: 'Cancelled at the till',
      reason_code: 'cancelled_at_till',
    };
    if (provider) {
      try {
        outcome = await provider.cancel(providerView(sale, runningPart(sale)));
      } catch (err) {
        if (err instanceof ProviderError)
          throw new CheckoutError(asStatus(err.status), err.code, err.message);
        this.deps.log.error(`${provider.id}: cancel failed: ${(err as Error)?.stack ?? err}`);
        throw new CheckoutError(
          502,
          'provider_error',
          `${provider.label} could not cancel the payment`,
        );
      }
    }
    if (outcome.state === 'pending') {
      const latest = this.ledger.live(saleId) ?? sale;
      return {
        sale: outcome.payment ? await this.settle(saleId, outcome) : latest,
        settled: false,
      };
    }
    return { sale: await this.settle(saleId, outcome), settled: true };
  }
}

function asStatus(s: number): CheckoutStatus {
  return ([400, 404, 409, 422, 502, 503] as const).find((x) => x === s) ?? 409;
}
