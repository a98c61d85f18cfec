/**
 * Refunds of split sales, part by part (see refund-payments.ts for which parts): the provider
 * parts that can refuse run first and are remembered in refunds.json (`partial`) as they go
 * through, so a refusal half way answers `refund_part_failed` and a repeat carries on; cash
 * and voucher parts follow; voucher parts go back onto their vouchers after the refund line is
 * written (restoreVouchers, also at start for a line the cache missed).
 */
import type { Logger } from '../log.js';
import type { Refund, RefundPayment, Sale, SalePayment } from '../protocol.js';
import { ProviderError, type PaymentProvider } from '../payments/provider.js';
import { isCash } from '../sale-payments.js';
import { providerView } from '../checkout/parts.js';
import { planRefundPayments } from './refund-payments.js';
import { RefundError } from './refund-lines.js';

/**
 * Split refunds stopped half way: sale id → the refund's lines (`[[line_index, quantity]…]` as
 * JSON), its key and the parts already refunded through their providers.
 */
export type PartialRefunds = Record<string, { key: string; lines: string; done: RefundPayment[] }>;

/** What refunds need of the voucher book (daemon/vouchers/book.ts, held by checkout). */
export interface RefundVouchers {
  holdForRefund(
    codes: string[],
  ): Promise<{ ok: true } | { ok: false; code: string; redeemed_cents: number }>;
  release(codes: string[], voided: boolean): void;
  sellingSales(): Set<string>;
  markRefunded(codes: Iterable<string>): void;
  refundTarget(partId: string): { code: string; new_code?: string } | undefined;
  restoreForRefund(
    partId: string,
    refundId: string,
    cents: number,
    newCode?: string,
  ): Promise<{ code: string; balance_cents: number } | undefined>;
}

/** A provider's refusal as the refund's answer: 422 when it said no, 502 when it failed. */
export function providerRefusal(label: string, err: unknown): RefundError {
  if (err instanceof ProviderError) {
    const refused = err.status >= 400 && err.status < 500;
    return new RefundError(
      refused ? 422 : 502,
      err.code,
      `${label} ${refused ? 'refused the refund' : 'refund failed'}: ${err.message}`,
    );
  }
  return new RefundError(502, 'refund_failed', `${label} refund failed: ${(err as Error).message}`);
}

/**
 * The parts of a split sale a refund goes back through. Parts whose provider can refuse
 * (cards) run first, one by one, each remembered in refunds.json once it went through; a
 * refusal after one went through answers 502 `refund_part_failed` with what was refunded and
 * what remains, and refunding the same lines again carries on. Cash and vouchers follow:
 * they cannot refuse (a voucher's balance goes back once the refund line is written).
 */
export async function payParts(
  deps: {
    /** Refunds stopped half way (refunds.json `partial`), and keeping one durably. */
    partial: PartialRefunds | undefined;
    remember(saleId: string, value: PartialRefunds[string]): Promise<void>;
    provider(id: string): PaymentProvider | undefined;
    vouchers?: RefundVouchers;
  },
  earlier: Refund[],
  req: { sale: Sale; key: string; lines: Refund['lines']; total: number; byHand: boolean },
): Promise<RefundPayment[]> {
  const { sale, key, lines, total, byHand } = req;
  // A refund that stopped half way carries on when the same lines are refunded again (a new
  // click at the till has a new key); another refund of the sale waits for it.
  const what = JSON.stringify(lines.map((l) => [l.line_index, l.quantity]));
  const before = deps.partial?.[sale.id];
  if (before && before.lines !== what)
    throw new RefundError(
      409,
      'refund_in_progress',
      `A refund of sale ${sale.number} stopped half way; repeat it to finish it first`,
      undefined,
      { refunded_cents: before.done.reduce((n, p) => n + p.amount_cents, 0) },
    );
  const done = [...(before?.done ?? [])];
  const plan = planRefundPayments(sale, total, earlier);
  const out = new Map<string, RefundPayment>();
  const entry = (
    part: SalePayment,
    amount_cents: number,
    method: RefundPayment['method'],
    payment: Record<string, unknown> = {},
  ): RefundPayment => ({
    part_id: part.id,
    provider: part.provider,
    amount_cents,
    method,
    payment,
  });
  for (const { part, amount_cents } of plan) {
    if (isCash(part.provider) || part.provider === 'voucher') continue;
    const had = done.find((p) => p.part_id === part.id);
    const provider = deps.provider(part.provider);
    if (had) out.set(part.id, had);
    else if (!provider?.refund || byHand) out.set(part.id, entry(part, amount_cents, 'manual'));
    else {
      try {
        const r = await provider.refund(providerView(sale, part), amount_cents);
        const item = entry(part, amount_cents, 'provider', r.payment ?? {});
        out.set(part.id, item);
        done.push(item);
      } catch (err) {
        const why = providerRefusal(provider.label, err);
        const refunded = done.reduce((n, p) => n + p.amount_cents, 0);
        if (refunded === 0) throw why;
        throw new RefundError(
          502,
          'refund_part_failed',
          `${why.message}; ${refunded} cents went back through other parts already, ${total - refunded} remain: repeat the refund to carry on`,
          undefined,
          {
            provider: part.provider,
            reason: why.code,
            refunded_cents: refunded,
            remaining_cents: total - refunded,
          },
        );
      }
      await deps.remember(sale.id, { key, lines: what, done: [...done] });
    }
  }
  for (const { part, amount_cents } of plan) {
    if (isCash(part.provider)) out.set(part.id, entry(part, amount_cents, 'cash'));
    else if (part.provider === 'voucher') {
      const target = deps.vouchers?.refundTarget(part.id);
      out.set(
        part.id,
        target
          ? entry(part, amount_cents, 'provider', {
              voucher_code: target.code,
              voucher_purpose: part.payment.voucher_purpose ?? 'multi',
              voucher_vat_rate: part.payment.voucher_vat_rate ?? 0,
              ...(target.new_code ? { new_voucher_code: target.new_code } : {}),
            })
          : entry(part, amount_cents, 'manual'),
      );
    }
  }
  return plan.map(({ part }) => out.get(part.id)!);
}

/** A written refund's voucher parts go back onto their vouchers (or new ones); once. */
export async function restoreVouchers(
  vouchers: RefundVouchers | undefined,
  log: Logger,
  refund: Refund,
): Promise<void> {
  for (const p of refund.payments ?? []) {
    if (p.provider !== 'voucher' || p.method !== 'provider' || !vouchers) continue;
    const newCode = p.payment.new_voucher_code;
    try {
      await vouchers.restoreForRefund(
        p.part_id,
        refund.id,
        p.amount_cents,
        typeof newCode === 'string' ? newCode : undefined,
      );
    } catch (err) {
      log.error(
        `refunds: R-${refund.number} could not give ${p.amount_cents} cents back to voucher ${String(p.payment.voucher_code)}: ${(err as Error).message}; add it to the voucher by hand (the refund line records it)`,
      );
    }
  }
}
