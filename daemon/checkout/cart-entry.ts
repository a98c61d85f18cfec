/**
 * What a till puts into its cart: a scan or a tap resolved to a product (the catalog's
 * barcode, a price- or weight-embedded label, the product's deposit alongside), an open
 * price, a returned deposit, a discount within the owner's manager limit, a voucher sold, and
 * top-up items up to a provider's minimum. A scan never throws for the cashier's reasons: it
 * reports them as `scan.refused` / `scan.unknown_barcode` for the till that scanned.
 */
import type { EventBus } from '../events.js';
import type { Catalog } from '../catalog/catalog.js';
import type { EmbeddedScheme } from '../catalog/embedded.js';
import type { Cart, DiscountBody, DiscountSettings, OpenPriceInput, Product } from '../protocol.js';
import { DomainError } from '../core/errors.js';
import type { Payments } from '../payments/index.js';
import { newVoucherCode } from '../vouchers/entries.js';
import type { Carts } from './carts.js';
import type { VoucherItem } from './cart-lines.js';
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

/** POST …/cart/items with `{voucher: …}`. */
export interface VoucherInput {
  amount_cents: number;
  purpose: 'multi' | 'single';
  vat_rate?: number;
  name?: string;
}

const TERMINAL_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The line a sold voucher makes. Multi-purpose (default) carries no VAT at sale (it is taxed
 * when redeemed); single-purpose is taxed at sale with one of the catalog's rates.
 */
export function voucherItem(
  input: VoucherInput,
  rates: readonly number[],
  code: string,
): VoucherItem {
  const rate = input.purpose === 'multi' ? 0 : (input.vat_rate ?? -1);
  if (input.purpose === 'single' && !rates.includes(rate))
    throw new CheckoutError(
      400,
      'invalid_field',
      `a single-purpose voucher needs vat_rate, one of ${rates.join(', ')}`,
      undefined,
      'vat_rate',
    );
  return {
    name: input.name?.trim() || 'Gutschein',
    amount_cents: input.amount_cents,
    vat_rate: rate,
    code,
    purpose: input.purpose,
  };
}

export interface CartEntryDeps {
  events: EventBus;
  catalog: Catalog;
  carts: Carts;
  payments: () => Payments;
  /** Price- and weight-embedded EAN-13 schemes (settings section `selling`). */
  embedded?: () => EmbeddedScheme[];
  /** Discount presets and the manager limit (settings section `discounts`). */
  discounts?: () => DiscountSettings;
}

export class CartEntry {
  constructor(private readonly deps: CartEntryDeps) {}

  private get carts(): Carts {
    return this.deps.carts;
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

  /** POST …/cart/items with `{voucher: …}`: sells a voucher (see voucherItem). */
  addVoucher(terminalId: string, input: VoucherInput): Promise<Cart> {
    const item = voucherItem(input, this.deps.catalog.vatRates(), newVoucherCode());
    return this.carts.addVoucher(terminalId, item);
  }

  /** Adds as many top-up items as the provider's minimum needs (0 when already reached). */
  async topup(
    terminalId: string,
    providerId: string,
  ): Promise<{ cart: Cart; added_quantity: number }> {
    const cart = this.carts.get(terminalId);
    const plan = topupPlan(this.deps.payments(), providerId, cart);
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
}
