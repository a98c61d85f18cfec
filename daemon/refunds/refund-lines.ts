/**
 * Which lines a refund pays back, and how much, without storage: whole lines, every line not
 * refunded yet, or parts of a line's quantity (`{line_index, quantity}`).
 *
 * A part's amount is proportional to what the line was paid (after its discount), to the cent
 * and cumulative: the first k of a line's n pieces are worth round(paid·k/n) (half away from
 * zero), and a part from k to k+q is the difference. So the same parts always give the same
 * cents, each part is within a cent of its exact share, and the parts of a line add up to what
 * was paid for it exactly when its last piece is refunded (that part takes the remainder). The
 * discount is split the same way, so the CSV and DSFinV-K show gross, discount and paid.
 *
 * A deposit line (kind `deposit`, right after its product in the sale) follows its product: a
 * refund of k pieces of the product takes k deposits along; parts cannot name it alone.
 */
import { DomainError, type ErrorParams } from '../core/errors.js';
import type { RefundLine, Sale, SaleLine } from '../protocol.js';

export class RefundError extends DomainError {
  constructor(
    status: 400 | 404 | 409 | 422 | 502 | 503,
    code: string,
    message: string,
    field?: string,
    params?: ErrorParams,
  ) {
    super(status, code, message, field, params);
    this.name = 'RefundError';
  }
}

/** What the first `k` of `quantity` pieces of a line worth `total` cents carry. */
export function shareUpTo(total: number, quantity: number, k: number): number {
  if (k >= quantity) return total;
  if (k <= 0) return 0;
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  return sign * Math.floor((2 * abs * k + quantity) / (2 * quantity));
}

/** The cents of pieces `before + 1` … `before + q` of a line worth `total` for `quantity`. */
export function partOf(total: number, quantity: number, before: number, q: number): number {
  return shareUpTo(total, quantity, before + q) - shareUpTo(total, quantity, before);
}

export interface RefundPart {
  line_index: number;
  quantity: number;
}

export interface RefundRequest {
  line_indexes?: number[];
  parts?: RefundPart[];
  /**
   * Split sales: card parts not refunded yet are paid back by hand (`manual`) instead of
   * through their provider — the way out when a provider keeps refusing (refunded in its own
   * app already, account closed).
   */
  by_hand?: boolean;
}

/** The deposit line that follows line `i` of the sale (its product), if any. */
function depositAfter(lines: SaleLine[], i: number): number | null {
  return !lines[i].kind && lines[i + 1]?.kind === 'deposit' ? i + 1 : null;
}

/** Whether line `i` is a deposit that follows the product before it. */
function followsProduct(lines: SaleLine[], i: number): boolean {
  return lines[i].kind === 'deposit' && i > 0 && !lines[i - 1].kind;
}

/**
 * The refund lines for `req`; `refunded(i)` is how many pieces of line `i` earlier refunds
 * took back. Refuses unknown lines, over-refunds and a deposit named without its product.
 */
export function planRefundLines(
  sale: Sale,
  refunded: (i: number) => number,
  req: RefundRequest,
): RefundLine[] {
  const lines = sale.lines;
  const remaining = (i: number) => Math.max(0, lines[i].quantity - refunded(i));
  const want = new Map<number, number>();
  const checkIndex = (i: number, field: string) => {
    if (!Number.isInteger(i) || i < 0 || i >= lines.length)
      throw new RefundError(
        400,
        'invalid_field',
        `${field}: sale ${sale.number} has lines 0-${lines.length - 1}`,
        field,
      );
    if (want.has(i))
      throw new RefundError(400, 'invalid_field', `${field} lists a line twice`, field);
    if (remaining(i) === 0)
      throw new RefundError(409, 'already_refunded', `Already refunded: "${lines[i].name}"`);
  };
  if (req.parts) {
    for (const p of req.parts) {
      checkIndex(p.line_index, 'parts');
      if (followsProduct(lines, p.line_index))
        throw new RefundError(
          400,
          'refund_deposit_follows',
          `"${lines[p.line_index].name}" is refunded with its product`,
          'parts',
        );
      const left = remaining(p.line_index);
      if (p.quantity > left)
        throw new RefundError(
          409,
          'refund_exceeds_quantity',
          `Only ${left} of "${lines[p.line_index].name}" are left to refund`,
          'parts',
          { name: lines[p.line_index].name.slice(0, 60), remaining: left },
        );
      want.set(p.line_index, p.quantity);
    }
  } else if (req.line_indexes) {
    for (const i of req.line_indexes) {
      checkIndex(i, 'line_indexes');
      want.set(i, remaining(i));
    }
  } else {
    lines.forEach((_, i) => {
      if (remaining(i) > 0) want.set(i, remaining(i));
    });
  }
  // Deposits follow their product's refunded quantity (never more than is left of them).
  for (const [i, q] of [...want]) {
    const dep = depositAfter(lines, i);
    if (dep !== null) want.set(dep, Math.min(remaining(dep), (want.get(dep) ?? 0) + q));
  }
  for (const [i, q] of want) if (q <= 0) want.delete(i);
  if (want.size === 0)
    throw new RefundError(
      409,
      'already_refunded',
      `Sale ${sale.number} is refunded in full already`,
    );
  return [...want]
    .sort(([a], [b]) => a - b)
    .map(([i, q]) => {
      const l = lines[i];
      const before = refunded(i);
      // What the customer paid for the line: after its discount.
      const paid = partOf(l.line_total_cents - (l.discount_cents ?? 0), l.quantity, before, q);
      const discount = partOf(l.line_total_cents, l.quantity, before, q) - paid;
      return {
        line_index: i,
        product_id: l.product_id,
        name: l.name,
        quantity: q,
        line_quantity: l.quantity,
        unit_price_cents: l.unit_price_cents,
        line_total_cents: paid,
        vat_rate: l.vat_rate,
        ...(l.open_price ? { open_price: true as const } : {}),
        ...(l.kind ? { kind: l.kind } : {}),
        ...(discount ? { discount_cents: discount } : {}),
        ...(l.kind === 'voucher' && l.voucher_code
          ? { voucher_code: l.voucher_code, voucher_purpose: l.voucher_purpose ?? 'multi' }
          : {}),
      };
    });
}
