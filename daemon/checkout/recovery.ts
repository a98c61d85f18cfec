/**
 * After a restart: sales the last run left pending are reconciled with their providers, and
 * carts are brought in line with the journal (cart writes are not fsync'd before a sale moves
 * on, so a crash can leave a cart behind its sale).
 */
import { DomainError } from '../core/errors.js';
import type { Logger } from '../log.js';
import type { Sale } from '../protocol.js';
import type { ProviderOutcome } from '../payments/provider.js';
import type { Payments } from '../payments/index.js';
import type { Carts } from './carts.js';
import type { Ledger } from './ledger.js';
import { providerView, runningPart } from './parts.js';

/** A provider's reconcile() after a restart gets this long before the sale is left pending. */
const RECONCILE_TIMEOUT_MS = 10_000;

export interface RecoveryDeps {
  log: Logger;
  ledger: Ledger;
  carts: Carts;
  payments: Payments;
  settle(saleId: string, outcome: ProviderOutcome): Promise<Sale>;
}

/**
 * Sales left pending by the last run: each provider decides about the part it was paying;
 * none is silently dropped. A split sale's paid parts are in the journal, so a part the
 * provider reports as not paid leaves the sale open with them (parts.ts); a sale that was open
 * (nothing running) at the power cut stays open, its cart waiting for the rest or an abandon.
 */
export async function reconcilePending(deps: RecoveryDeps): Promise<void> {
  for (const sale of deps.ledger.pending()) {
    const provider = deps.payments.get(sale.provider);
    let outcome: ProviderOutcome;
    if (!provider) {
      outcome = {
        state: 'failed',
        reason: `payment provider ${sale.provider} is not installed`,
        reason_code: 'provider_missing',
      };
    } else {
      let timer: NodeJS.Timeout | undefined;
      try {
        outcome = await Promise.race([
          provider.reconcile(providerView(sale, runningPart(sale))),
          new Promise<ProviderOutcome>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer in time')), RECONCILE_TIMEOUT_MS);
          }),
        ]);
      } catch (err) {
        deps.log.warn(
          `reconcile: sale #${sale.number} stays pending (${sale.provider}: ${(err as Error).message})`,
        );
        continue;
      } finally {
        clearTimeout(timer);
      }
    }
    if (outcome.state === 'pending') continue;
    let settled: Sale;
    try {
      settled = await deps.settle(sale.id, outcome);
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'fiscal_conflict')) throw err;
      // The power went after the TSE finished this sale and before its line was written: the
      // TSE's ending is what happened (a sale is signed paid only once it was paid, aborted
      // only once it was cancelled), so the journal follows the TSE, never the other way.
      const paid = outcome.state !== 'succeeded';
      deps.log.warn(
        `reconcile: sale #${sale.number} was already signed by the TSE as ${paid ? 'paid' : 'aborted'} before the restart; journalled so`,
      );
      settled = await deps.settle(
        sale.id,
        paid
          ? { state: 'succeeded' }
          : {
              state: 'cancelled',
              reason: 'Aborted before the restart',
              reason_code: 'interrupted_by_restart',
            },
      );
    }
    deps.log.warn(
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
export function healCarts(deps: RecoveryDeps): void {
  for (const cart of deps.carts.all()) {
    const last = deps.ledger.lastSaleOf(cart.terminal_id);
    const fresh = last && cart.version <= last.cart_version + 1;
    if (last && fresh && (!cart.pending_sale_id || cart.pending_sale_id === last.sale.id)) {
      void deps.carts.heal(cart.terminal_id, last.sale)?.catch(() => {});
      continue;
    }
    const id = cart.pending_sale_id;
    const sale = id ? deps.ledger.live(id) : undefined;
    if (id && sale?.state !== 'pending' && sale?.state !== 'open')
      void deps.carts.settle(cart.terminal_id, id, sale?.state === 'succeeded')?.catch(() => {});
  }
}
