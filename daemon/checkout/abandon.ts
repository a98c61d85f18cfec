/**
 * Abandoning a partly paid (open) sale: the customer will not pay the rest, so what was paid
 * goes back the way it came, part by part, and the sale ends as cancelled.
 *
 *   cash            → nothing to call: the till shows the amount to pay back from the drawer;
 *   provider with refund() (SumUp Solo, voucher) → refunded through the provider first;
 *   anything else   → recorded as manual (the cashier pays back by hand).
 *
 * Each part paid back is journalled at once (the sale stays open meanwhile), so a refusal or
 * a power cut half way leaves a sale that says exactly which parts went back; abandoning again
 * carries on with the rest. Only when no paid part is left is the sale cancelled (signed by
 * the TSE as aborted) and its cart unlocked, lines kept.
 */
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Sale } from '../protocol.js';
import type { FiscalSigner } from '../fiscal/index.js';
import type { Payments } from '../payments/index.js';
import { ProviderError } from '../payments/provider.js';
import type { Carts } from './carts.js';
import { CheckoutError } from './errors.js';
import type { Ledger } from './ledger.js';
import { paymentsOf, providerView } from './parts.js';

export interface AbandonDeps {
  ledger: Ledger;
  carts: Carts;
  payments: Payments;
  events: EventBus;
  log: Logger;
  fiscal: FiscalSigner | null;
}

export interface AbandonResult {
  sale: Sale;
  /** Cash parts: what the cashier pays back from the drawer. */
  pay_back_cash_cents: number;
  /** Parts no provider could refund: what the cashier pays back by hand. */
  pay_back_manual_cents: number;
}

const running = new Set<string>();

export async function abandonSale(deps: AbandonDeps, saleId: string): Promise<AbandonResult> {
  const { ledger, events } = deps;
  let sale = ledger.live(saleId);
  if (!sale) throw new CheckoutError(404, 'not_found', `No open sale ${saleId}`);
  if (sale.state === 'pending')
    throw new CheckoutError(
      409,
      'payment_pending',
      `A payment is running for sale ${sale.number}; cancel it first`,
      { sale_id: sale.id },
    );
  if (sale.state !== 'open')
    throw new CheckoutError(
      409,
      'not_open',
      `Sale ${sale.number} is ${sale.state}; only a partly paid sale can be abandoned`,
    );
  if (running.has(saleId))
    throw new CheckoutError(409, 'abandon_running', `Sale ${sale.number} is being abandoned`);
  running.add(saleId);
  try {
    for (const part of paymentsOf(sale).filter((p) => p.state === 'succeeded')) {
      const provider = deps.payments.get(part.provider);
      const charged = part.amount_cents + part.tip_cents;
      let data: Record<string, unknown>;
      if (part.provider === 'cash') data = { refund_method: 'cash', refunded_cents: charged };
      else if (provider?.refund) {
        try {
          const out = await provider.refund(providerView(sale, part), charged);
          data = {
            refund_method: 'provider',
            refunded_cents: charged,
            ...(out.payment ? { refund: out.payment } : {}),
          };
        } catch (err) {
          if (!(err instanceof ProviderError))
            deps.log.error(`${part.provider}: refund failed: ${(err as Error)?.stack ?? err}`);
          throw new CheckoutError(
            502,
            'part_refund_failed',
            `${provider.label} did not pay back part ${part.id}: ${(err as Error).message}`,
            { sale_id: sale.id, payment_id: part.id, provider: part.provider },
          );
        }
      } else data = { refund_method: 'manual', refunded_cents: charged };
      sale = await ledger.refundPart(saleId, part.id, data);
      events.emit('payment.updated', { sale });
    }
    const fiscal = deps.fiscal;
    sale = await ledger.abandon(
      saleId,
      fiscal?.enabled ? (settled) => fiscal.signSale(settled) : undefined,
    );
  } finally {
    running.delete(saleId);
  }
  events.emit('payment.updated', { sale });
  void deps.carts
    .settle(sale.terminal_id, sale.id, false)
    ?.catch((err) => deps.log.error(`carts: ${(err as Error).message}`));
  let cash = 0;
  let manual = 0;
  for (const p of paymentsOf(sale)) {
    if (p.state !== 'refunded') continue;
    const cents = p.amount_cents + p.tip_cents;
    if (p.payment.refund_method === 'cash') cash += cents;
    if (p.payment.refund_method === 'manual') manual += cents;
  }
  return { sale, pay_back_cash_cents: cash, pay_back_manual_cents: manual };
}
