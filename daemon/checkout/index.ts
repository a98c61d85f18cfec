/**
 * Checkout module: terminals' carts, scans, the sale state machine
 * (pending → succeeded | failed | cancelled) and the payments it drives.
 *
 * Order of every sale transition: journal line fsync'd → memory → cart → broadcast. A sale a
 * browser hears about is already on disk.
 */
import type { TipSettings } from '../protocol.js';
import type { Config } from '../config.js';
import { DomainError } from '../core/errors.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { JsonDocument, Store } from '../store/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type {
  Cart,
  DailyReport,
  DiscountBody,
  DiscountSettings,
  OpenPriceInput,
  Product,
  Sale,
} from '../protocol.js';
import type { EmbeddedScheme } from '../catalog/embedded.js';
import type { ProviderFactory, ProviderOutcome } from '../payments/provider.js';
import type { FiscalSigner } from '../fiscal/index.js';
import { Payments } from '../payments/index.js';
import { BusinessCalendar } from './calendar.js';
import { Carts, CARTS_DOC, type CartsData } from './carts.js';
import { CheckoutError } from './errors.js';
import {
  depositForReturn,
  depositOf,
  depositProducts,
  discountFrom,
  needsManager,
  openPriceItem,
  resolveCode,
  topupPlan,
  type Resolved,
} from './cart-extras.js';
import { DISCOUNTS_DEFAULTS } from './discount-settings.js';
import {
  JOURNAL_INDEX_DOC,
  SalesJournal,
  type JournalIndexData,
  type LoadStats,
} from './journal.js';
import { Ledger } from './ledger.js';
import { dailyReport } from './report.js';
import { healCarts, reconcilePending } from './recovery.js';
import { SaleFlow, type CheckoutInput } from './sale-flow.js';
import { findPart, providerView, runningPart, saleIdOfRef } from './parts.js';
import { abandonSale, type AbandonResult } from './abandon.js';
import { VoucherBook, newVoucherCode, type VoucherInfo } from '../vouchers/book.js';
import { voucherProvider } from '../payments/providers/voucher.js';

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

export type { CheckoutInput } from './sale-flow.js';

export interface CheckoutDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  catalog: Catalog;
  factories: ProviderFactory[];
  /** The TSE signer (daemon/fiscal); null = no fiscal signing. */
  fiscal?: FiscalSigner | null;
  /** Price- and weight-embedded EAN-13 schemes (settings section `selling`). */
  embedded?: () => EmbeddedScheme[];
  /** Discount presets and the manager limit (settings section `discounts`). */
  discounts?: () => DiscountSettings;
  /** Tips on or off and who they belong to (settings section `tips`). */
  tips?: () => TipSettings;
}

const TERMINAL_RE = /^[A-Za-z0-9_-]{1,64}$/;

export class Checkout {
  readonly name = 'checkout';
  readonly calendar: BusinessCalendar;
  readonly payments: Payments;
  readonly journal: SalesJournal;
  private readonly ledger: Ledger;
  private readonly carts: Carts;
  private readonly flow: SaleFlow;
  private readonly vouchers: VoucherBook;
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
    this.vouchers = new VoucherBook({
      dir: deps.store.path('vouchers'),
      logger: log.child('vouchers'),
      clock,
      timezoneDay: (ms) => this.calendar.day(ms),
    });
    this.payments = new Payments({
      ...deps,
      // The shop's own vouchers pay like any provider; the book is checkout's.
      factories: [...deps.factories, voucherProvider(this.vouchers)],
      log: log.child('payments'),
      settle: (ref, outcome) => this.settlePart(ref, outcome),
      getSale: (ref) => this.partView(ref),
    });
    this.flow = new SaleFlow({
      config,
      log,
      events,
      catalog: deps.catalog,
      carts: this.carts,
      ledger: this.ledger,
      payments: () => this.payments,
      fiscal: deps.fiscal ?? null,
      vouchers: this.vouchers,
      tips: deps.tips,
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
    await this.vouchers.load((id) => this.ledger.find(id));
    // A power cut between a sale's line and its vouchers' issue lines: issued now.
    for (const s of [...this.ledger.pending(), ...this.ledger.open()])
      await this.vouchers.ensureIssued(s);
    events.on(this, 'payment.updated', ({ sale }) => this.vouchers.saleChanged(sale));
    await this.payments.start();
    const recovery = {
      log,
      ledger: this.ledger,
      carts: this.carts,
      payments: this.payments,
      settle: (id: string, outcome: ProviderOutcome) => this.settle(id, outcome),
    };
    await reconcilePending(recovery);
    healCarts(recovery);
    events.on(this, 'products.changed', ({ product_ids }) =>
      this.carts.refreshProducts((id) => catalog.get(id), product_ids),
    );
  }

  async stop(): Promise<void> {
    this.deps.events.offOwner(this);
    await this.payments.stop();
    await this.vouchers.close();
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

  /** The sale this till's cart waits on: a payment running, or a partly paid (open) sale. */
  pendingSale(terminalId: string): Sale | null {
    const id = this.carts.get(terminalId).pending_sale_id;
    const sale = id ? this.ledger.live(id) : undefined;
    return sale?.state === 'pending' || sale?.state === 'open' ? sale : null;
  }

  private resolve(code: string): Resolved | undefined {
    return resolveCode(this.deps.catalog, this.deps.embedded?.() ?? [], code);
  }

  private add(terminalId: string, r: Resolved, quantity: number): Promise<Cart> {
    const deposit = depositOf(this.deps.catalog, r.product);
    return r.label
      ? this.carts.addEmbedded(terminalId, r.product, r.label, deposit)
      : this.carts.addProduct(terminalId, r.product, quantity, deposit);
  }

  /** Every product scan (USB or network scanner) enters here. */
  async scan(input: ScanInput): Promise<ScanResult> {
    const { terminal_id, barcode, scanner_id } = input;
    const { events } = this.deps;
    const refuse = (code: string, reason: string, params?: Record<string, unknown>): ScanResult => {
      events.emit('scan.refused', { terminal_id, code, params, reason, scanner_id });
      return { result: 'refused', reason };
    };
    if (!TERMINAL_RE.test(terminal_id)) return { result: 'refused', reason: 'Invalid terminal id' };
    let resolved: Resolved | undefined;
    try {
      resolved = this.resolve(barcode);
    } catch (err) {
      if (err instanceof DomainError) return refuse(err.code, err.message, err.params);
      throw err;
    }
    const product = resolved?.product;
    if (!resolved || !product) {
      events.emit('scan.unknown_barcode', { terminal_id, barcode, scanner_id });
      return { result: 'unknown' };
    }
    const name = { name: product.name };
    if (this.carts.isLocked(terminal_id))
      return refuse(
        'payment_pending',
        `"${product.name}" was not added: a payment is in progress. Finish or cancel it first.`,
        name,
      );
    if (!product.active)
      return refuse('product_inactive', `"${product.name}" is not for sale right now`, name);
    try {
      return { result: 'added', cart: await this.add(terminal_id, resolved, 1) };
    } catch (err) {
      if (err instanceof CheckoutError)
        return refuse(err.code, err.message, { ...name, ...err.params });
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
    let resolved: Resolved | undefined;
    if (item.barcode !== undefined) {
      resolved = this.resolve(item.barcode);
      product = resolved?.product;
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
    return this.add(terminalId, resolved ?? { product }, item.quantity ?? 1);
  }

  /** POST …/cart/items with `{open_price: {price_cents, vat_rate, name?}}`. */
  addOpenPrice(terminalId: string, input: OpenPriceInput, quantity = 1): Promise<Cart> {
    return this.carts.addOpenPrice(terminalId, openPriceItem(this.deps.catalog, input), quantity);
  }

  /** POST …/cart/items with `{deposit_return: <deposit product id>}`: "Pfand zurück". */
  addDepositReturn(terminalId: string, depositId: string, quantity = 1): Promise<Cart> {
    const deposit = depositForReturn(this.deps.catalog, depositId);
    return this.carts.addDepositReturn(terminalId, deposit, quantity);
  }

  /** Deposit products the till offers for "Pfand zurück". */
  depositProducts(): Product[] {
    return depositProducts(this.deps.catalog);
  }

  discountSettings(): DiscountSettings {
    return this.deps.discounts?.() ?? DISCOUNTS_DEFAULTS;
  }

  /**
   * POST …/cart/discounts. Above the owner's limit only a manager may give it (`manager`: the
   * caller is one, or PIN login is not in force).
   */
  addDiscount(terminalId: string, body: DiscountBody, manager: boolean): Promise<Cart> {
    const settings = this.discountSettings();
    const discount = discountFrom(body, settings, this.carts.get(terminalId));
    return this.carts.addDiscount(terminalId, discount, (d, cart) => {
      if (!manager && needsManager(d, cart, settings))
        throw new CheckoutError(
          403,
          'discount_needs_manager',
          `A discount above ${settings.manager_above_percent} % needs a manager: log in with a manager PIN`,
          { limit: settings.manager_above_percent },
        );
    });
  }

  removeDiscount(terminalId: string, discountId: string): Promise<Cart> {
    return this.carts.removeDiscount(terminalId, discountId);
  }

  /**
   * POST …/cart/items with `{voucher: {amount_cents, purpose?, vat_rate?, name?}}`: sells a
   * voucher. Multi-purpose (default) carries no VAT at sale (it is taxed when redeemed);
   * single-purpose is taxed at sale with the given rate.
   */
  addVoucher(
    terminalId: string,
    input: { amount_cents: number; purpose: 'multi' | 'single'; vat_rate?: number; name?: string },
  ): Promise<Cart> {
    const rates = this.deps.catalog.vatRates();
    const rate = input.purpose === 'multi' ? 0 : (input.vat_rate ?? -1);
    if (input.purpose === 'single' && !rates.includes(rate))
      throw new CheckoutError(
        400,
        'invalid_field',
        `a single-purpose voucher needs vat_rate, one of ${rates.join(', ')}`,
        undefined,
        'vat_rate',
      );
    return this.carts.addVoucher(terminalId, {
      name: input.name?.trim() || 'Gutschein',
      amount_cents: input.amount_cents,
      vat_rate: rate,
      code: newVoucherCode(),
      purpose: input.purpose,
    });
  }

  /** The voucher book, newest first (admin). */
  listVouchers(): VoucherInfo[] {
    return this.vouchers.list();
  }

  /** The voucher book as refunds use it (hold, void; see daemon/refunds). */
  get voucherBook(): VoucherBook {
    return this.vouchers;
  }

  voucher(voucherCode: string): VoucherInfo | undefined {
    return this.vouchers.info(voucherCode);
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
    const cart = this.carts.get(terminalId);
    const plan = topupPlan(this.payments, providerId, cart);
    if (!plan) {
      if (this.carts.isLocked(terminalId))
        throw new CheckoutError(409, 'payment_pending', this.carts.lockReason(terminalId)!);
      return { cart, added_quantity: 0 };
    }
    const { product, quantity } = plan;
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

  // ------------------------------------------------------------------- paying
  /** Creates a sale from the cart and starts its payment (see sale-flow.ts). */
  checkout(terminalId: string, input: CheckoutInput): Promise<{ sale: Sale; replayed: boolean }> {
    return this.flow.checkout(terminalId, input);
  }

  /** Journals a transition, then updates the cart and broadcasts (ProviderDeps.settle). */
  settle(saleId: string, outcome: ProviderOutcome): Promise<Sale> {
    return this.flow.settle(saleId, outcome);
  }

  /** Asks the provider to stop a pending payment. */
  cancel(saleId: string): Promise<{ sale: Sale; settled: boolean }> {
    return this.flow.cancel(saleId);
  }

  /**
   * A provider's word on a part (ProviderDeps.settle): the part must be the one running; a
   * late word on a part that ended (a callback after a cancel) is refused like any other.
   */
  private settlePart(ref: string, outcome: ProviderOutcome): Promise<Sale> {
    const saleId = saleIdOfRef(ref);
    const sale = this.ledger.live(saleId);
    if (sale?.payments && runningPart(sale)?.id !== ref)
      return Promise.reject(
        new CheckoutError(409, 'not_pending', `Payment ${ref} is not running anymore`),
      );
    return this.settle(saleId, outcome);
  }

  /** The sale as a provider sees one of its parts (ProviderDeps.getSale). */
  private partView(ref: string): Sale | undefined {
    const sale = this.ledger.live(saleIdOfRef(ref));
    if (!sale?.payments) return sale;
    const part = findPart(sale, ref);
    return part ? providerView(sale, part) : undefined;
  }

  /**
   * Gives up an open (partly paid) sale: every paid part goes back through its provider
   * (cash: the till shows what to pay back), then the sale ends as cancelled.
   */
  abandon(saleId: string): Promise<AbandonResult> {
    return abandonSale(
      {
        ledger: this.ledger,
        carts: this.carts,
        payments: this.payments,
        events: this.deps.events,
        log: this.deps.log,
        fiscal: this.deps.fiscal ?? null,
      },
      saleId,
    );
  }
}
