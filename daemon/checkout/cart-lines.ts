/**
 * The line arithmetic of a cart, without storage: adding products (and the deposit that follows
 * a product), labels, open prices and returned deposits; quantities; removal; price refresh.
 * Carts (carts.ts) runs these inside its locked, durable edit.
 *
 * Deposit (Pfand): a product with `deposit_product_id` brings a line of kind `deposit` right
 * after its own line (`deposit_for_line_id`); its quantity follows the product's, and removing
 * the product removes it. The cashier does not edit a following deposit line by itself. A
 * returned deposit ("Pfand zurück") is a line of kind `deposit_return` with a negative price.
 */
import { randomBytes } from 'node:crypto';
import type { CartLine, Product } from '../protocol.js';
import { OPEN_PRICE_PRODUCT_ID } from '../protocol.js';
import { CheckoutError } from './errors.js';

export const MAX_QUANTITY = 999;
export const MAX_LINES = 200;

export interface LinesEdit {
  lines: CartLine[];
  last: string | null;
}

function lineId(): string {
  return `ln_${randomBytes(5).toString('hex')}`;
}

function roomFor(lines: CartLine[], n: number): void {
  if (lines.length + n > MAX_LINES)
    throw new CheckoutError(409, 'cart_full', `A cart holds at most ${MAX_LINES} lines`);
}

export function priceFields(
  p: Product,
): Pick<CartLine, 'barcode' | 'name' | 'unit_price_cents' | 'vat_rate'> {
  return {
    barcode: p.barcode,
    name: p.name,
    unit_price_cents: p.price_cents,
    vat_rate: p.vat_rate,
  };
}

export function withQuantity(line: CartLine, quantity: number): CartLine {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY)
    throw new CheckoutError(
      400,
      'invalid_field',
      `quantity must be an integer from 1 to ${MAX_QUANTITY}`,
      undefined,
      'quantity',
    );
  return { ...line, quantity, line_total_cents: line.unit_price_cents * quantity };
}

/** The deposit line that follows `parent`, if any. */
function depositOf(lines: CartLine[], parent: CartLine): CartLine | undefined {
  return lines.find((l) => l.kind === 'deposit' && l.deposit_for_line_id === parent.line_id);
}

function newDepositLine(parent: CartLine, deposit: Product): CartLine {
  return withQuantity(
    {
      line_id: lineId(),
      product_id: deposit.id,
      ...priceFields(deposit),
      barcode: null,
      quantity: 0,
      line_total_cents: 0,
      kind: 'deposit',
      deposit_for_line_id: parent.line_id,
    },
    parent.quantity,
  );
}

/** Inserts `line` (and its deposit right after it) at the end. */
function append(lines: CartLine[], line: CartLine, deposit?: Product): LinesEdit {
  const extra = deposit ? [newDepositLine(line, deposit)] : [];
  roomFor(lines, 1 + extra.length);
  return { lines: [...lines, line, ...extra], last: line.line_id };
}

/** Sets a line's quantity; its deposit line follows. */
function setQty(lines: CartLine[], line: CartLine, quantity: number): CartLine[] {
  const next = withQuantity(line, quantity);
  return lines.map((l) => {
    if (l === line) return next;
    if (l.kind === 'deposit' && l.deposit_for_line_id === line.line_id)
      return withQuantity(l, quantity);
    return l;
  });
}

/** A catalog product: one more on its line (same product, not a label), else a new line. */
export function addProductLine(
  lines: CartLine[],
  product: Product,
  quantity: number,
  deposit: Product | undefined,
): LinesEdit {
  const existing = lines.find(
    (l) => l.product_id === product.id && !l.kind && !l.open_price && !l.embedded,
  );
  if (existing) {
    const q = existing.quantity + quantity;
    if (q > MAX_QUANTITY)
      throw new CheckoutError(
        409,
        'quantity_limit',
        `At most ${MAX_QUANTITY} of "${product.name}" per cart`,
      );
    const priced: CartLine = { ...existing, ...priceFields(product) };
    const updated = setQty(
      lines.map((l) => (l === existing ? priced : l)),
      priced,
      q,
    );
    // A deposit set up after the line was made joins it now.
    if (deposit && !depositOf(updated, existing)) {
      roomFor(updated, 1);
      const at = updated.findIndex((l) => l.line_id === existing.line_id);
      const dep = newDepositLine({ ...existing, quantity: q }, deposit);
      return {
        lines: [...updated.slice(0, at + 1), dep, ...updated.slice(at + 1)],
        last: existing.line_id,
      };
    }
    return { lines: updated, last: existing.line_id };
  }
  const line = withQuantity(
    {
      line_id: lineId(),
      product_id: product.id,
      ...priceFields(product),
      quantity: 0,
      line_total_cents: 0,
    },
    quantity,
  );
  return append(lines, line, deposit);
}

/** A line read from a price- or weight-embedded label: always a line of its own. */
export function addEmbeddedLine(
  lines: CartLine[],
  product: Product,
  label: Pick<CartLine, 'barcode' | 'unit_price_cents' | 'embedded'>,
  deposit: Product | undefined,
): LinesEdit {
  const line = withQuantity(
    {
      line_id: lineId(),
      product_id: product.id,
      name: product.name,
      vat_rate: product.vat_rate,
      ...label,
      quantity: 0,
      line_total_cents: 0,
    },
    1,
  );
  return append(lines, line, deposit);
}

/** An open-price line: always a line of its own (two typed amounts never merge). */
export function addOpenPriceLine(
  lines: CartLine[],
  item: { name: string; unit_price_cents: number; vat_rate: number },
  quantity: number,
): LinesEdit {
  const line = withQuantity(
    {
      line_id: lineId(),
      product_id: OPEN_PRICE_PRODUCT_ID,
      barcode: null,
      ...item,
      quantity: 0,
      line_total_cents: 0,
      open_price: true,
    },
    quantity,
  );
  return append(lines, line);
}

/** A voucher sold: a line of its own with its code, quantity 1. */
export function addVoucherLine(
  lines: CartLine[],
  item: {
    name: string;
    amount_cents: number;
    vat_rate: number;
    code: string;
    purpose: 'multi' | 'single';
  },
): LinesEdit {
  roomFor(lines, 1);
  const line: CartLine = {
    line_id: lineId(),
    product_id: 'voucher',
    barcode: null,
    name: item.name,
    unit_price_cents: item.amount_cents,
    vat_rate: item.vat_rate,
    quantity: 1,
    line_total_cents: item.amount_cents,
    kind: 'voucher',
    voucher_code: item.code,
    voucher_purpose: item.purpose,
  };
  return { lines: [...lines, line], last: line.line_id };
}

/** A returned deposit: a negative line of the deposit product; one more on it if there is one. */
export function addDepositReturnLine(
  lines: CartLine[],
  deposit: Product,
  quantity: number,
): LinesEdit {
  const existing = lines.find((l) => l.kind === 'deposit_return' && l.product_id === deposit.id);
  if (existing) {
    const q = existing.quantity + quantity;
    if (q > MAX_QUANTITY)
      throw new CheckoutError(409, 'quantity_limit', `At most ${MAX_QUANTITY} returns per cart`);
    const next = withQuantity(existing, q);
    return { lines: lines.map((l) => (l === existing ? next : l)), last: existing.line_id };
  }
  const line = withQuantity(
    {
      line_id: lineId(),
      product_id: deposit.id,
      ...priceFields(deposit),
      barcode: null,
      unit_price_cents: -deposit.price_cents,
      quantity: 0,
      line_total_cents: 0,
      kind: 'deposit_return',
    },
    quantity,
  );
  return append(lines, line);
}

function findLine(lines: CartLine[], lineId: string): CartLine {
  const line = lines.find((l) => l.line_id === lineId);
  if (!line) throw new CheckoutError(404, 'not_found', `No line ${lineId} in this cart`);
  if (line.kind === 'deposit')
    throw new CheckoutError(
      409,
      'deposit_follows',
      `"${line.name}" follows its product; change or remove the product instead`,
    );
  return line;
}

export function setLineQuantity(lines: CartLine[], lineId: string, quantity: number): LinesEdit {
  return { lines: setQty(lines, findLine(lines, lineId), quantity), last: lineId };
}

/** Removes a line and the deposit that follows it. */
export function removeCartLine(lines: CartLine[], lineId: string): LinesEdit {
  findLine(lines, lineId);
  return {
    lines: lines.filter((l) => l.line_id !== lineId && l.deposit_for_line_id !== lineId),
    last: null,
  };
}

/** Names and prices follow the catalog (what you see is what you pay). */
export function refreshLine(l: CartLine, p: Product): CartLine {
  // A label's printed price stays; its name and VAT rate follow the product.
  if (l.embedded) return { ...l, name: p.name, vat_rate: p.vat_rate };
  const fields = priceFields(p);
  if (l.kind === 'deposit' || l.kind === 'deposit_return') fields.barcode = null;
  if (l.kind === 'deposit_return') fields.unit_price_cents = -p.price_cents;
  return withQuantity({ ...l, ...fields }, l.quantity);
}
