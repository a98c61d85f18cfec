/**
 * Carts: one per terminal, held by the daemon and kept in carts.json.
 *
 * A change is applied in memory, broadcast at once (`cart.updated`) and written by the store's
 * coalescing durable writer; callers that need durability await the returned promise. When
 * the write fails (disk full, read-only card) the cart is rolled back to what is on disk and
 * that is broadcast, so a refused edit never lingers in memory to be paid later; an edit
 * made on top of a failed one fails with it. Carts are not money yet: a power cut inside the
 * few milliseconds of a write window can lose the last scan of an unpaid cart, never a sale
 * (sales go through the journal, fsync'd first).
 *
 * While a payment is pending the cart is locked (pending_sale_id, or a short "creating" lock
 * while the sale is being journalled): every edit is refused so nothing is added to a sale
 * that is already being paid.
 */
import type { Cart, CartDiscount, CartLine, Product, Sale } from '../protocol.js';
import type { JsonDocument } from '../store/index.js';
import type { EventBus } from '../events.js';
import type { Clock } from '../clock.js';
import { CheckoutError } from './errors.js';
import {
  MAX_LINES,
  MAX_QUANTITY,
  addDepositReturnLine,
  addVoucherLine,
  addEmbeddedLine,
  addOpenPriceLine,
  addProductLine,
  refreshLine,
  removeCartLine,
  setLineQuantity,
  type VoucherItem,
} from './cart-lines.js';
import {
  emptyCart,
  nextCart,
  restoredCart,
  withDiscount,
  withoutDiscount,
  type CartEdit,
} from './cart-state.js';

export { MAX_QUANTITY, MAX_LINES };
/** Bound on stored carts so random terminal ids cannot grow carts.json without limit. */
export const MAX_CARTS = 500;
/** How long a lazy cart change may stay in memory only. */
const LAZY_FLUSH_MS = 1000;

export interface CartsData {
  carts: Record<string, Cart>;
}

export const CARTS_DOC = {
  name: 'carts.json',
  schemaVersion: 1,
  defaults: (): CartsData => ({ carts: {} }),
};

export interface CartsDeps {
  doc: JsonDocument<CartsData>;
  events: EventBus;
  clock: Clock;
}

export class Carts {
  /** Terminals whose sale is being written to the journal right now. */
  private creating = new Set<string>();
  private lazyTimer: NodeJS.Timeout | null = null;
  private lazyDirty = false;
  /** Per terminal: the cart as last written (or journal truth, for lazy lock/settle). */
  private durable = new Map<string, Cart>();
  /** Per terminal: bumped by each rollback; a write begun before it cannot succeed. */
  private generation = new Map<string, number>();
  /** Per terminal: the newest durable write under way. */
  private inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: CartsDeps) {
    for (const [id, cart] of Object.entries(deps.doc.data.carts)) this.durable.set(id, cart);
  }

  /** Resolves once the terminal's cart edits under way are durable or rolled back. */
  async settled(terminalId: string): Promise<void> {
    for (;;) {
      const p = this.inflight.get(terminalId);
      if (!p) return;
      await p.catch(() => {});
      if (this.inflight.get(terminalId) === p) return;
    }
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  get(terminalId: string): Cart {
    return this.deps.doc.data.carts[terminalId] ?? emptyCart(terminalId, this.nowIso());
  }

  all(): Cart[] {
    return Object.values(this.deps.doc.data.carts);
  }

  /** Why edits are refused right now, or null. */
  lockReason(terminalId: string): string | null {
    if (this.creating.has(terminalId)) return 'A payment is starting for this cart';
    const pending = this.deps.doc.data.carts[terminalId]?.pending_sale_id;
    return pending ? `A payment is pending for this cart (sale ${pending})` : null;
  }

  isLocked(terminalId: string): boolean {
    return this.lockReason(terminalId) !== null;
  }

  /** Reserve the cart for a checkout; false when it is already locked. */
  beginCreating(terminalId: string): boolean {
    if (this.isLocked(terminalId)) return false;
    this.creating.add(terminalId);
    return true;
  }

  endCreating(terminalId: string): void {
    this.creating.delete(terminalId);
  }

  /** A catalog product (one more on its line, else a new line) and the deposit that follows it. */
  addProduct(
    terminalId: string,
    product: Product,
    quantity: number,
    deposit?: Product,
  ): Promise<Cart> {
    return this.edit(terminalId, (cart) => addProductLine(cart.lines, product, quantity, deposit));
  }

  /** A line read from a price- or weight-embedded label: always a line of its own. */
  addEmbedded(
    terminalId: string,
    product: Product,
    label: Pick<CartLine, 'barcode' | 'unit_price_cents' | 'embedded'>,
    deposit?: Product,
  ): Promise<Cart> {
    return this.edit(terminalId, (cart) => addEmbeddedLine(cart.lines, product, label, deposit));
  }

  /** A voucher sold: a line of its own with its code, quantity 1. */
  addVoucher(terminalId: string, item: VoucherItem): Promise<Cart> {
    return this.edit(terminalId, (cart) => addVoucherLine(cart.lines, item));
  }

  /** An open-price line: always a line of its own (two typed amounts never merge). */
  addOpenPrice(
    terminalId: string,
    item: { name: string; unit_price_cents: number; vat_rate: number },
    quantity: number,
  ): Promise<Cart> {
    return this.edit(terminalId, (cart) => addOpenPriceLine(cart.lines, item, quantity));
  }

  /** A returned deposit ("Pfand zurück"): a negative line. */
  addDepositReturn(terminalId: string, deposit: Product, quantity: number): Promise<Cart> {
    return this.edit(terminalId, (cart) => addDepositReturnLine(cart.lines, deposit, quantity));
  }

  setQuantity(terminalId: string, lineId: string, quantity: number): Promise<Cart> {
    return this.edit(terminalId, (cart) => {
      const line = cart.lines.find((l) => l.line_id === lineId);
      if (line?.kind === 'voucher' && quantity !== 1)
        throw new CheckoutError(409, 'voucher_quantity', 'A voucher line is one voucher');
      return setLineQuantity(cart.lines, lineId, quantity);
    });
  }

  removeLine(terminalId: string, lineId: string): Promise<Cart> {
    return this.edit(terminalId, (cart) => removeCartLine(cart.lines, lineId));
  }

  /** Adds a discount (its amount is computed with the cart); `check` may refuse the result. */
  addDiscount(
    terminalId: string,
    discount: CartDiscount,
    check: (d: CartDiscount, cart: Cart) => void,
  ): Promise<Cart> {
    return this.edit(terminalId, (cart) => withDiscount(cart, discount, check));
  }

  removeDiscount(terminalId: string, discountId: string): Promise<Cart> {
    return this.edit(terminalId, (cart) => withoutDiscount(cart, discountId));
  }

  clear(terminalId: string): Promise<Cart> {
    return this.edit(terminalId, () => ({ lines: [], last: null, discounts: [] }));
  }

  /** Refresh names and prices of unlocked carts after catalog changes (what you see is what you pay). */
  refreshProducts(lookup: (id: string) => Product | undefined, ids: string[]): void {
    const wanted = new Set(ids);
    for (const cart of this.all()) {
      if (cart.pending_sale_id || this.creating.has(cart.terminal_id)) continue;
      if (!cart.lines.some((l) => wanted.has(l.product_id))) continue;
      const lines = cart.lines.map((l) => {
        const p = wanted.has(l.product_id) ? lookup(l.product_id) : undefined;
        return p ? refreshLine(l, p) : l;
      });
      void this.write(cart, lines, cart.last_line_id, cart.pending_sale_id).catch(() => {});
    }
  }

  /** The sale for this cart was journalled: lock the cart to it. */
  markPending(terminalId: string, saleId: string): Promise<Cart> {
    const cart = this.get(terminalId);
    return this.write(cart, cart.lines, cart.last_line_id, saleId, 'lazy');
  }

  /** The sale settled: succeeded empties the cart, anything else unlocks it unchanged. */
  settle(terminalId: string, saleId: string, succeeded: boolean): Promise<Cart> | null {
    const cart = this.deps.doc.data.carts[terminalId];
    if (!cart || cart.pending_sale_id !== saleId) return null;
    return this.write(
      cart,
      succeeded ? [] : cart.lines,
      succeeded ? null : cart.last_line_id,
      null,
      'lazy',
    );
  }

  /** Brings a cart in line with its sale's journalled state (start-up healing). */
  heal(terminalId: string, sale: Sale): Promise<Cart> | null {
    const cart = this.get(terminalId);
    if (sale.state === 'pending' || sale.state === 'open') {
      if (cart.pending_sale_id === sale.id) return null;
      return this.write(cart, cart.lines, cart.last_line_id, sale.id);
    }
    if (sale.state === 'succeeded' && cart.lines.length > 0)
      return this.write(cart, [], null, null);
    if (cart.pending_sale_id) return this.write(cart, cart.lines, cart.last_line_id, null);
    return null;
  }

  private edit(terminalId: string, fn: (cart: Cart) => CartEdit): Promise<Cart> {
    const reason = this.lockReason(terminalId);
    if (reason) throw new CheckoutError(409, 'payment_pending', reason);
    const cart = this.get(terminalId);
    if (!this.deps.doc.data.carts[terminalId] && this.storedCount() >= MAX_CARTS)
      throw new CheckoutError(
        409,
        'too_many_carts',
        `At most ${MAX_CARTS} terminals can hold a cart`,
      );
    const { lines, last, discounts } = fn(cart);
    return this.write(cart, lines, last, null, 'durable', discounts);
  }

  private storedCount(): number {
    return Object.keys(this.deps.doc.data.carts).length;
  }

  /** Writes what lazy changes left in memory only; call at stop. */
  async close(): Promise<void> {
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    this.lazyTimer = null;
    if (this.lazyDirty && this.deps.doc.state.state === 'ok') await this.deps.doc.flush();
    this.lazyDirty = false;
  }

  private scheduleLazyFlush(): void {
    this.lazyDirty = true;
    if (this.lazyTimer) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = null;
      if (!this.lazyDirty) return;
      this.lazyDirty = false;
      void this.deps.doc.flush().catch(() => {});
    }, LAZY_FLUSH_MS);
    this.lazyTimer.unref();
  }

  /**
   * Applies in memory, broadcasts, and resolves when durable. `lazy` (lock and settle of a
   * sale, whose truth is the journal) only marks the file for a write LAZY_FLUSH_MS later, so
   * the cart file's fsyncs stay out of the sale's commit path; a crash before that write is
   * healed from the journal at start.
   */
  private write(
    cart: Cart,
    lines: CartLine[],
    last: string | null,
    pendingSaleId: string | null,
    mode: 'durable' | 'lazy' = 'durable',
    discounts: CartDiscount[] = cart.discounts ?? [],
  ): Promise<Cart> {
    const doc = this.deps.doc;
    if (doc.state.state !== 'ok') {
      return Promise.reject(
        new CheckoutError(503, 'storage_unavailable', 'carts.json cannot be written; see health'),
      );
    }
    // A settled sale empties the cart and its discounts with it.
    const next = nextCart(cart, lines, last, pendingSaleId, discounts, this.nowIso());
    // Empty carts stay stored so `version` keeps growing across a clear (clients drop updates
    // older than the newest version they saw).
    const id = next.terminal_id;
    if (mode === 'lazy') {
      doc.data.carts[id] = next;
      // The journal is this change's truth (healed from it at start): it counts as durable.
      this.durable.set(id, next);
      this.scheduleLazyFlush();
      this.deps.events.emit('cart.updated', { cart: next });
      return Promise.resolve(next);
    }
    const generation = this.generation.get(id) ?? 0;
    // Screens first: the store's write starts by serialising the whole document, which the
    // scan → screen path should not wait for.
    doc.data.carts[id] = next;
    this.deps.events.emit('cart.updated', { cart: next });
    const durable = doc.update(() => {});
    this.lazyDirty = false; // this write carries the lazy changes too
    const done = durable.then(
      () => {
        if ((this.generation.get(id) ?? 0) !== generation)
          throw new CheckoutError(
            503,
            'storage_unavailable',
            'carts.json could not be written; the cart was put back to its last saved state',
          );
        const known = this.durable.get(id);
        if (!known || known.version < next.version) this.durable.set(id, next);
        return next;
      },
      (err: unknown) => {
        if ((this.generation.get(id) ?? 0) === generation) this.rollBack(id);
        throw err;
      },
    );
    this.inflight.set(id, done);
    void done
      .catch(() => {})
      .finally(() => {
        if (this.inflight.get(id) === done) this.inflight.delete(id);
      });
    return done;
  }

  /**
   * A durable write failed: memory goes back to the last saved cart (keeping the current lock,
   * whose truth is the journal), with a newer version so every screen takes it.
   */
  private rollBack(id: string): void {
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
    const current = this.deps.doc.data.carts[id];
    if (!current) return;
    const at = this.nowIso();
    const restored = restoredCart(this.durable.get(id) ?? emptyCart(id, at), current, at);
    // Kept even when empty: versions must keep growing (screens drop older ones).
    this.deps.doc.data.carts[id] = restored;
    this.deps.events.emit('cart.updated', { cart: restored });
  }
}
