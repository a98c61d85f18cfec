/**
 * Checks for what a till adds besides products: an open price ("Freier Betrag"), a returned
 * deposit ("Pfand zurück") and a discount (percent, amount or a preset the owner set up, with
 * the manager limit). Each turns a request into what Carts applies, or refuses it with a
 * stable code.
 */
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { MAX_PRICE_CENTS } from '../catalog/catalog.js';
import type {
  Cart,
  CartDiscount,
  CartLine,
  DiscountBody,
  DiscountSettings,
  OpenPriceInput,
  Product,
} from '../protocol.js';
import { CheckoutError } from './errors.js';
import { discountable } from './discounts.js';
import { MAX_QUANTITY } from './cart-lines.js';
import type { Payments } from '../payments/index.js';
import { readEmbedded, weightPrice, type EmbeddedScheme } from '../catalog/embedded.js';

/** What a barcode names: a product, and for an embedded label the line it makes. */
export interface Resolved {
  product: Product;
  label?: Pick<CartLine, 'barcode' | 'unit_price_cents' | 'embedded'>;
}

/**
 * The product a barcode names: the catalog's barcode first, then a price- or weight-embedded
 * label under the configured schemes (its check digit refused when wrong).
 */
export function resolveCode(
  catalog: Catalog,
  schemes: EmbeddedScheme[],
  code: string,
): Resolved | undefined {
  if (code.length > 64) return undefined;
  const direct = catalog.byCode(code);
  if (direct) return { product: direct };
  const read = readEmbedded(code, schemes);
  const product = read ? catalog.byCode(read.base) : undefined;
  if (!read || !product) return undefined;
  if (read.kind === 'price')
    return {
      product,
      label: { barcode: code, unit_price_cents: read.value, embedded: { kind: 'price' } },
    };
  return {
    product,
    label: {
      barcode: code,
      unit_price_cents: weightPrice(product.price_cents, read.value),
      embedded: { kind: 'weight', grams: read.value, price_per_kg_cents: product.price_cents },
    },
  };
}

/** An open-price line's fields, checked. */
export function openPriceItem(
  catalog: Catalog,
  input: OpenPriceInput,
): { name: string; unit_price_cents: number; vat_rate: number } {
  const p = input.price_cents;
  if (!Number.isInteger(p) || p < 1 || p > MAX_PRICE_CENTS)
    throw new CheckoutError(
      400,
      'invalid_field',
      `open_price.price_cents must be an integer from 1 to ${MAX_PRICE_CENTS}`,
      undefined,
      'price_cents',
    );
  const rates = catalog.vatRates();
  if (!rates.includes(input.vat_rate))
    throw new CheckoutError(
      400,
      'invalid_field',
      `open_price.vat_rate must be one of ${rates.join(', ')}`,
      undefined,
      'vat_rate',
    );
  return {
    name: input.name?.trim() || 'Freier Betrag',
    unit_price_cents: p,
    vat_rate: input.vat_rate,
  };
}

/** Products that are some product's deposit (what "Pfand zurück" offers). */
export function depositProducts(catalog: Catalog): Product[] {
  const ids = new Set(
    catalog
      .list()
      .map((p) => p.deposit_product_id)
      .filter(Boolean),
  );
  return catalog.list().filter((p) => ids.has(p.id));
}

/** The deposit product a return names; it must be some product's deposit. */
export function depositForReturn(catalog: Catalog, id: string): Product {
  const dep = depositProducts(catalog).find((p) => p.id === id);
  if (!dep)
    throw new CheckoutError(
      404,
      'not_a_deposit',
      `No deposit product ${id.slice(0, 40)}: only a product that is another product's deposit can be returned`,
      undefined,
      'deposit_return',
    );
  return dep;
}

/** The deposit that follows `product` into the cart, if it has one that still exists. */
export function depositOf(catalog: Catalog, product: Product): Product | undefined {
  return product.deposit_product_id ? catalog.get(product.deposit_product_id) : undefined;
}

/** A new discount from a request (a preset fills percent/amount and says line or cart). */
export function discountFrom(
  body: DiscountBody,
  settings: DiscountSettings,
  cart: Cart,
): CartDiscount {
  let percent = body.percent ?? null;
  let amount = body.amount_cents ?? null;
  let preset: string | null = null;
  let reason = body.reason ?? null;
  if (body.preset !== undefined) {
    const p = settings.presets.find((x) => x.id === body.preset);
    if (!p)
      throw new CheckoutError(
        404,
        'unknown_preset',
        `No discount preset ${body.preset.slice(0, 40)}`,
        undefined,
        'preset',
      );
    if (percent !== null || amount !== null)
      throw new CheckoutError(
        400,
        'invalid_body',
        'Send a preset or a percent or an amount, not both',
        undefined,
        'preset',
      );
    if (p.cart && body.line_id !== undefined)
      throw new CheckoutError(
        400,
        'invalid_field',
        `"${p.name}" is for the whole cart`,
        undefined,
        'line_id',
      );
    if (!p.cart && body.line_id === undefined)
      throw new CheckoutError(
        400,
        'invalid_field',
        `"${p.name}" is for one line: name the line`,
        undefined,
        'line_id',
      );
    percent = p.percent;
    amount = p.amount_cents;
    preset = p.id;
    reason = reason ?? p.name;
  }
  if ((percent === null) === (amount === null))
    throw new CheckoutError(
      400,
      'invalid_body',
      'Send one of percent or amount_cents',
      undefined,
      'percent',
    );
  const lineId = body.line_id ?? null;
  if (lineId !== null) {
    const line = cart.lines.find((l) => l.line_id === lineId);
    if (!line)
      throw new CheckoutError(
        404,
        'not_found',
        `No line ${lineId} in this cart`,
        undefined,
        'line_id',
      );
    if (!discountable(line))
      throw new CheckoutError(
        409,
        'not_discountable',
        `"${line.name}" is a deposit; deposits are not discounted`,
        { name: line.name },
      );
  }
  return {
    id: `dc_${randomBytes(5).toString('hex')}`,
    line_id: lineId,
    percent,
    amount_cents: amount ?? 0,
    preset,
    reason,
    ...(amount !== null ? { requested_cents: amount } : {}),
  };
}

/**
 * Whether a discount is above the owner's limit (then a manager must be logged in): its share
 * of what it applies to, in percent, compared with `manager_above_percent`.
 */
export function needsManager(d: CartDiscount, cart: Cart, settings: DiscountSettings): boolean {
  const limit = settings.manager_above_percent;
  if (limit === null) return false;
  const base =
    d.line_id !== null
      ? (cart.lines.find((l) => l.line_id === d.line_id)?.line_total_cents ?? 0)
      : cart.lines.filter(discountable).reduce((s, l) => s + l.line_total_cents, 0);
  if (base <= 0) return false;
  return d.amount_cents * 100 > limit * base;
}

/** How many top-up items reach the provider's minimum; null when it is reached already. */
export function topupPlan(
  payments: Payments,
  providerId: string,
  cart: Cart,
): { product: Product; quantity: number } | null {
  const provider = payments.get(providerId);
  if (!provider)
    throw new CheckoutError(
      400,
      'unknown_provider',
      `No payment provider "${providerId}"`,
      undefined,
      'provider',
    );
  const product = payments.topupProduct(providerId);
  if (!product)
    throw new CheckoutError(
      409,
      'no_topup_product',
      `${provider.label} offers no top-up product (barcode ${provider.minimumTopupBarcode ?? 'none'} is not an active product)`,
    );
  const missing = provider.minimumPaymentCents - cart.total_cents;
  if (missing <= 0) return null;
  const quantity = Math.ceil(missing / product.price_cents);
  if (quantity > MAX_QUANTITY)
    throw new CheckoutError(
      409,
      'quantity_limit',
      `Topping up needs ${quantity} items, more than ${MAX_QUANTITY}`,
    );
  return { product, quantity };
}
