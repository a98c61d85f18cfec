/**
 * Checkout module: terminals' carts, scans, the sale state machine
 * (pending → succeeded | failed | cancelled) and the payments it drives. What a till puts
 * into its cart (scans, open prices, deposits, discounts, vouchers, top-ups) is cart-entry.ts;
 * a sale's way from cart to outcome is sale-flow.ts.
 *
 * Order of every sale transition: journal line fsync'd → memory → cart → broadcast. A sale a
 * browser hears about is already on disk.
 */
import type { TipSettings } from '../protocol.js';
import type { Config } from '../config.js';
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
import { CartEntry, type ScanInput, type ScanResult, type VoucherInput } from './cart-entry.js';
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
import { VoucherBook } from '../vouchers/book.js';
import type { VoucherInfo } from '../protocol.js';
import { voucherProvider } from '../payments/providers/voucher.js';

export { CheckoutError } from './errors.js';

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

export class Checkout {
  readonly name = 'checkout';
  readonly calendar: BusinessCalendar;
  readonly payments: Payments;
  readonly journal: SalesJournal;
  private readonly ledger: Ledger;
  private readonly carts: Carts;
  private readonly flow: SaleFlow;
  private readonly vouchers: VoucherBook;
  private readonly entry: CartEntry;
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
    this.entry = new CartEntry({
      events,
      catalog: deps.catalog,
      carts: this.carts,
      payments: () => this.payments,
      embedded: deps.embedded,
      discounts: deps.discounts,
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

  /**
   * What is going on at the tills right now: carts with lines, and sales waiting on a payment
   * (pending) or partly paid (open split). The update's reboot waits for both to be zero.
   */
  activity(): { carts_with_lines: number; open_payments: number } {
    return {
      carts_with_lines: this.carts.all().filter((c) => c.lines.length > 0).length,
      open_payments: this.ledger.pending().length + this.ledger.open().length,
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

  /** Every product scan (USB or network scanner) enters here (see cart-entry.ts). */
  scan(input: ScanInput): Promise<ScanResult> {
    return this.entry.scan(input);
  }

  /** POST …/cart/items: `{barcode}` or `{product_id, quantity}`. */
  addItem(
    terminalId: string,
    item: { barcode?: string; product_id?: string; quantity?: number },
  ): Promise<Cart> {
    return this.entry.addItem(terminalId, item);
  }

  /** POST …/cart/items with `{open_price: {price_cents, vat_rate, name?}}`. */
  addOpenPrice(terminalId: string, input: OpenPriceInput, quantity = 1): Promise<Cart> {
    return this.entry.addOpenPrice(terminalId, input, quantity);
  }

  /** POST …/cart/items with `{deposit_return: <deposit product id>}`: "Pfand zurück". */
  addDepositReturn(terminalId: string, depositId: string, quantity = 1): Promise<Cart> {
    return this.entry.addDepositReturn(terminalId, depositId, quantity);
  }

  /** Deposit products the till offers for "Pfand zurück". */
  depositProducts(): Product[] {
    return this.entry.depositProducts();
  }

  discountSettings(): DiscountSettings {
    return this.entry.discountSettings();
  }

  /** POST …/cart/discounts; above the owner's limit only a manager may give it. */
  addDiscount(terminalId: string, body: DiscountBody, manager: boolean): Promise<Cart> {
    return this.entry.addDiscount(terminalId, body, manager);
  }

  removeDiscount(terminalId: string, discountId: string): Promise<Cart> {
    return this.carts.removeDiscount(terminalId, discountId);
  }

  /** POST …/cart/items with `{voucher: {amount_cents, purpose?, vat_rate?, name?}}`. */
  addVoucher(terminalId: string, input: VoucherInput): Promise<Cart> {
    return this.entry.addVoucher(terminalId, input);
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
  topup(terminalId: string, providerId: string): Promise<{ cart: Cart; added_quantity: number }> {
    return this.entry.topup(terminalId, providerId);
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
