/**
 * Checkout module: terminals' carts, scans, the sale state machine
 * (pending → succeeded | failed | cancelled) and the payments it drives.
 *
 * Order of every sale transition: journal line fsync'd → memory → cart → broadcast. A sale a
 * browser hears about is already on disk.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { JsonDocument, Store } from '../store/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Cart, DailyReport, Product, Sale } from '../protocol.js';
import { ProviderError, type ProviderFactory, type ProviderOutcome } from '../payments/provider.js';
import { Payments } from '../payments/index.js';
import { BusinessCalendar } from './calendar.js';
import { Carts, CARTS_DOC, MAX_QUANTITY, type CartsData } from './carts.js';
import { CheckoutError, money, type CheckoutStatus } from './errors.js';
import {
  JOURNAL_INDEX_DOC,
  SalesJournal,
  type JournalIndexData,
  type LoadStats,
} from './journal.js';
import { Ledger } from './ledger.js';
import { dailyReport } from './report.js';

export { CheckoutError } from './errors.js';

export interface ScanInput {
  terminal_id: string;
  barcode: string;
  scanner_id: string | null;
}

export interface ScanResult {
  result: 'added' | 'unknown' | 'refused';
  cart?: Cart;
  reason?: string;
}

export interface CheckoutInput {
  provider: string;
  idempotency_key: string;
  tendered_cents?: number;
  cashier: string | null;
  /** Base URL of this daemon as the client reached it (payment callbacks). */
  base_url: string;
}

export interface CheckoutDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  catalog: Catalog;
  factories: ProviderFactory[];
}

const TERMINAL_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** A provider's reconcile() after a restart gets this long before the sale is left pending. */
const RECONCILE_TIMEOUT_MS = 10_000;

export class Checkout {
  readonly name = 'checkout';
  readonly calendar: BusinessCalendar;
  readonly payments: Payments;
  readonly journal: SalesJournal;
  private readonly ledger: Ledger;
  private readonly carts: Carts;
  private readonly inflight = new Map<string, Promise<Sale>>();
  private loaded: LoadStats | null = null;

  private constructor(
    private readonly deps: CheckoutDeps,
    cartsDoc: JsonDocument<CartsData>,
    indexDoc: JsonDocument<JournalIndexData>,
  ) {
    const { config, log, clock, events } = deps;
    this.calendar = new BusinessCalendar(config.timezone);
    this.journal = new SalesJournal({
      dir: deps.store.path('sales'),
      log: log.child('journal'),
      index: indexDoc,
    });
    this.ledger = new Ledger({ journal: this.journal, calendar: this.calendar, clock });
    this.carts = new Carts({ doc: cartsDoc, events, clock });
    this.payments = new Payments({
      ...deps,
      log: log.child('payments'),
      settle: (id, outcome) => this.settle(id, outcome),
      getSale: (id) => this.ledger.live(id),
    });
  }

  static async open(deps: CheckoutDeps): Promise<Checkout> {
    const carts = await deps.store.document<CartsData>(CARTS_DOC);
    const index = await deps.store.document<JournalIndexData>(JOURNAL_INDEX_DOC);
    return new Checkout(deps, carts, index);
  }

  // ------------------------------------------------------------------- lifecycle
  async start(): Promise<void> {
    const { log, events, catalog } = this.deps;
    const stats = await this.ledger.load();
    this.loaded = stats;
    log.info(
      `sales journal: ${stats.files} day files (${stats.summarised} from sales-index.json), ${stats.lines} lines read, ${stats.sales} sales, last sale #${stats.last_number}`,
    );
    if (stats.torn) log.warn(`sales journal: ${stats.torn} torn last line(s) set aside`);
    if (stats.skipped) log.warn(`sales journal: ${stats.skipped} unreadable line(s) skipped`);
    if (stats.missing_numbers)
      log.error(
        `sales journal: ${stats.missing_numbers} sale number(s) between 1 and ${stats.last_number} have no record — a journal file is missing or damaged`,
      );
    await this.payments.start();
    await this.reconcile();
    this.healCarts();
    events.on(this, 'products.changed', ({ product_ids }) =>
      this.carts.refreshProducts((id) => catalog.get(id), product_ids),
    );
  }

  async stop(): Promise<void> {
    this.deps.events.offOwner(this);
    await this.payments.stop();
    await this.journal.close();
    await this.carts.close();
  }

  /** The sales journal cannot take lines right now (disk full...): why; else null. */
  journalFailure(): string | null {
    return this.journal.writeFailure;
  }

  health(): Record<string, unknown> {
    return {
      last_number: this.journal.lastNumber,
      pending: this.ledger.pending().length,
      journal_torn_lines: this.loaded?.torn ?? 0,
      journal_missing_numbers: this.loaded?.missing_numbers ?? 0,
    };
  }

  /** Sales left pending by the last run: each provider decides; none is silently dropped. */
  private async reconcile(): Promise<void> {
    for (const sale of this.ledger.pending()) {
      const provider = this.payments.get(sale.provider);
      let outcome: ProviderOutcome;
      if (!provider) {
        outcome = { state: 'failed', reason: `payment provider ${sale.provider} is not installed` };
      } else {
        let timer: NodeJS.Timeout | undefined;
        try {
          outcome = await Promise.race([
            provider.reconcile(sale),
            new Promise<ProviderOutcome>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error('no answer in time')),
                RECONCILE_TIMEOUT_MS,
              );
            }),
          ]);
        } catch (err) {
          this.deps.log.warn(
            `reconcile: sale #${sale.number} stays pending (${sale.provider}: ${(err as Error).message})`,
          );
          continue;
        } finally {
          clearTimeout(timer);
        }
      }
      if (outcome.state === 'pending') continue;
      const settled = await this.settle(sale.id, outcome);
      this.deps.log.warn(
        `reconcile: sale #${sale.number} (${sale.provider}) pending at restart → ${settled.state}${settled.reason ? ` (${settled.reason})` : ''}`,
      );
    }
  }

  /**
   * Cart writes are not fsync'd before a sale moves on, so a crash can leave a cart behind its
   * sale: still holding lines that were paid, or unlocked while its sale is pending. The
   * journal is the truth: a cart not edited since its terminal's last sale (version at most one
   * step past the sale's cart_version: the lock) takes that sale's outcome.
   */
  private healCarts(): void {
    for (const cart of this.carts.all()) {
      const last = this.ledger.lastSaleOf(cart.terminal_id);
      const fresh = last && cart.version <= last.cart_version + 1;
      if (last && fresh && (!cart.pending_sale_id || cart.pending_sale_id === last.sale.id)) {
        void this.carts.heal(cart.terminal_id, last.sale)?.catch(() => {});
        continue;
      }
      const id = cart.pending_sale_id;
      const sale = id ? this.ledger.live(id) : undefined;
      if (id && sale?.state !== 'pending')
        void this.carts.settle(cart.terminal_id, id, sale?.state === 'succeeded')?.catch(() => {});
    }
  }

  // ------------------------------------------------------------------- carts
  getCart(terminalId: string): Cart {
    return this.carts.get(terminalId);
  }

  /**
   * The sale a checkout with this idempotency key made on this till, if any: a till whose
   * "complete payment" got no answer (connection lost, daemon restarting) asks this to learn
   * whether the sale was booked, without paying again.
   */
  saleByKey(terminalId: string, key: string): Sale | undefined {
    const sale = this.ledger.byKey(key);
    return sale && sale.terminal_id === terminalId ? sale : undefined;
  }

  pendingSale(terminalId: string): Sale | null {
    const id = this.carts.get(terminalId).pending_sale_id;
    const sale = id ? this.ledger.live(id) : undefined;
    return sale?.state === 'pending' ? sale : null;
  }

  /** Every product scan (USB or network scanner) enters here. */
  async scan(input: ScanInput): Promise<ScanResult> {
    const { terminal_id, barcode, scanner_id } = input;
    const { events, catalog } = this.deps;
    const refuse = (reason: string): ScanResult => {
      events.emit('scan.refused', { terminal_id, reason, scanner_id });
      return { result: 'refused', reason };
    };
    if (!TERMINAL_RE.test(terminal_id)) return { result: 'refused', reason: 'Invalid terminal id' };
    const product = barcode.length <= 64 ? catalog.byCode(barcode) : undefined;
    if (!product) {
      events.emit('scan.unknown_barcode', { terminal_id, barcode, scanner_id });
      return { result: 'unknown' };
    }
    if (this.carts.isLocked(terminal_id))
      return refuse(
        `"${product.name}" was not added: a payment is in progress. Finish or cancel it first.`,
      );
    if (!product.active) return refuse(`"${product.name}" is not for sale right now`);
    try {
      return { result: 'added', cart: await this.carts.addProduct(terminal_id, product, 1) };
    } catch (err) {
      if (err instanceof CheckoutError) return refuse(err.message);
      throw err;
    }
  }

  /** POST …/cart/items: `{barcode}` or `{product_id, quantity}`. */
  async addItem(
    terminalId: string,
    item: { barcode?: string; product_id?: string; quantity?: number },
  ): Promise<Cart> {
    const { catalog, events } = this.deps;
    let product: Product | undefined;
    if (item.barcode !== undefined) {
      product = catalog.byCode(item.barcode);
      if (!product) {
        events.emit('scan.unknown_barcode', {
          terminal_id: terminalId,
          barcode: item.barcode,
          scanner_id: null,
        });
        throw new CheckoutError(404, 'unknown_barcode', `No product with barcode ${item.barcode}`);
      }
    } else {
      product = catalog.get(item.product_id ?? '');
      if (!product) throw new CheckoutError(404, 'not_found', `No product ${item.product_id}`);
    }
    if (!product.active)
      throw new CheckoutError(
        409,
        'product_inactive',
        `"${product.name}" is not for sale right now`,
      );
    return this.carts.addProduct(terminalId, product, item.quantity ?? 1);
  }

  setQuantity(terminalId: string, lineId: string, quantity: number): Promise<Cart> {
    return this.carts.setQuantity(terminalId, lineId, quantity);
  }

  removeLine(terminalId: string, lineId: string): Promise<Cart> {
    return this.carts.removeLine(terminalId, lineId);
  }

  clearCart(terminalId: string): Promise<Cart> {
    return this.carts.clear(terminalId);
  }

  /** Adds as many top-up items as the provider's minimum needs (0 when already reached). */
  async topup(
    terminalId: string,
    providerId: string,
  ): Promise<{ cart: Cart; added_quantity: number }> {
    const provider = this.payments.get(providerId);
    if (!provider)
      throw new CheckoutError(
        400,
        'unknown_provider',
        `No payment provider "${providerId}"`,
        undefined,
        'provider',
      );
    const product = this.payments.topupProduct(providerId);
    if (!product)
      throw new CheckoutError(
        409,
        'no_topup_product',
        `${provider.label} offers no top-up product (barcode ${provider.minimumTopupBarcode ?? 'none'} is not an active product)`,
      );
    const cart = this.carts.get(terminalId);
    const missing = provider.minimumPaymentCents - cart.total_cents;
    if (missing <= 0) {
      if (this.carts.isLocked(terminalId))
        throw new CheckoutError(409, 'payment_pending', this.carts.lockReason(terminalId)!);
      return { cart, added_quantity: 0 };
    }
    const quantity = Math.ceil(missing / product.price_cents);
    if (quantity > MAX_QUANTITY)
      throw new CheckoutError(
        409,
        'quantity_limit',
        `Topping up needs ${quantity} items, more than ${MAX_QUANTITY}`,
      );
    return {
      cart: await this.carts.addProduct(terminalId, product, quantity),
      added_quantity: quantity,
    };
  }

  // ------------------------------------------------------------------- sales
  /** A sale in memory (every pending one is), for providers. */
  getSale(id: string): Sale | undefined {
    return this.ledger.live(id);
  }

  findSale(id: string): Promise<Sale | undefined> {
    return this.ledger.find(id);
  }

  listSales(day: string): Promise<Sale[]> {
    return this.ledger.listDay(day);
  }

  async report(day: string): Promise<DailyReport> {
    return dailyReport(day, await this.ledger.listDay(day), this.calendar);
  }

  today(): string {
    return this.calendar.day(this.deps.clock.now());
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
      if (prior.terminal_id !== terminalId || prior.provider !== input.provider)
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
    const { catalog, config } = this.deps;
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
    const lock = this.carts.lockReason(terminalId);
    if (lock)
      throw new CheckoutError(409, 'payment_pending', lock, { sale_id: cart.pending_sale_id });
    if (cart.lines.length === 0) throw new CheckoutError(409, 'cart_empty', 'The cart is empty');
    for (const l of cart.lines) {
      const p = catalog.get(l.product_id);
      if (!p || !p.active)
        throw new CheckoutError(
          409,
          'product_unavailable',
          `"${l.name}" is not for sale anymore; remove it from the cart`,
          { line_id: l.line_id },
        );
    }
    const minimum = provider.minimumPaymentCents;
    if (cart.total_cents < minimum) {
      const missing = minimum - cart.total_cents;
      const topup = this.payments.topupProduct(provider.id);
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
      provider.check?.({ total_cents: cart.total_cents, tendered_cents: input.tendered_cents });
    } catch (err) {
      if (err instanceof ProviderError)
        throw new CheckoutError(asStatus(err.status), err.code, err.message);
      throw err;
    }
    if (!this.carts.beginCreating(terminalId))
      throw new CheckoutError(409, 'payment_pending', this.carts.lockReason(terminalId)!);
    let sale: Sale;
    try {
      sale = await this.ledger.create(
        input.idempotency_key,
        {
          terminal_id: terminalId,
          provider: provider.id,
          lines: cart.lines.map(({ line_id: _, ...line }) => line),
          total_cents: cart.total_cents,
          tendered_cents: input.tendered_cents ?? null,
          cashier: input.cashier,
        },
        cart.version,
      );
    } finally {
      this.carts.endCreating(terminalId);
    }
    // The sale is durable; the cart lock follows (a crash in between is healed at start).
    // Not awaited: the lock is in memory at once, and a lock lost to a crash is re-derived
    // from the journal at start (healCarts), so the payment need not wait for it.
    void this.carts
      .markPending(terminalId, sale.id)
      .catch((err) => this.deps.log.error(`carts: ${(err as Error).message}`));
    this.deps.events.emit('payment.updated', { sale });

    let outcome: ProviderOutcome;
    let refusal: CheckoutError | null = null;
    try {
      outcome = await provider.start(sale, {
        tendered_cents: input.tendered_cents,
        base_url: input.base_url,
      });
    } catch (err) {
      if (err instanceof ProviderError) {
        refusal = new CheckoutError(asStatus(err.status), err.code, err.message, {
          sale_id: sale.id,
        });
        outcome = { state: 'failed', reason: err.message };
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
        outcome = { state: 'failed', reason: `${provider.label} could not start the payment` };
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
    const sale = await this.ledger.transition(saleId, outcome);
    this.deps.events.emit('payment.updated', { sale });
    // The cart follows in memory at once; its file write is not awaited because a lost cart
    // write is re-derived from the journal at start (healCarts).
    if (sale.state !== 'pending') {
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
    let outcome: ProviderOutcome = { state: 'cancelled', reason: 'Cancelled at the till' };
    if (provider) {
      try {
        outcome = await provider.cancel(sale);
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
