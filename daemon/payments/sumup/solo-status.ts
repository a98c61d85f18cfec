/**
 * What became of a SumUp Solo checkout, asked of SumUp itself (never of a callback body): the
 * reader checkout's status, else the transactions API, else — for a checkout whose create
 * answer was lost — the reader's state once its start window has passed. Null while SumUp
 * has not decided. Used by the sumup_solo provider (callbacks, cancel, restart) and by the
 * poller through the context's resolver.
 */
import type { Clock } from '../../clock.js';
import type { ProviderOutcome } from '../provider.js';
import type { SumUpContext } from './context.js';
import { isApiError } from './sdk.js';
import { toMinor } from './money.js';
import type { CheckoutRecord } from './state.js';

/** SumUp: after accepting a checkout the device has 60 s to start it; then it is dropped. */
const START_WINDOW_MS = 60_000;

/** A failed or cancelled outcome: cancelled when the till asked to cancel, else failed. */
function failure(
  record: CheckoutRecord,
  payment: Record<string, unknown>,
  why?: string,
): ProviderOutcome {
  return record.cancel_requested
    ? {
        state: 'cancelled',
        reason: 'Cancelled on the card reader',
        reason_code: 'cancelled_on_reader',
        payment,
      }
    : {
        state: 'failed',
        reason: why ?? 'The card was declined or the payment was stopped on the reader',
        reason_code: why ? 'payment_failed' : 'card_declined_or_stopped',
        payment,
      };
}

/** Ask SumUp what became of a record; null while undecided. */
export async function resolveSoloRecord(
  ctx: SumUpContext,
  clock: Clock,
  currency: string,
  record: CheckoutRecord,
): Promise<ProviderOutcome | null> {
  if (!ctx.api || !record.reader_id) return null;
  const mc = ctx.account.merchantCode;
  if (record.checkout_id) {
    try {
      const { data } = await ctx.api.readers.getCheckout(mc, record.reader_id, record.checkout_id);
      const payment = {
        client_transaction_id: data.client_transaction_id,
        confirmed_by: 'status',
      };
      if (data.status === 'successful') return { state: 'succeeded', payment };
      if (data.status === 'failed' || data.status === 'cancelled')
        return failure(
          record,
          payment,
          data.payment_failure_reason
            ? `Payment failed: ${data.payment_failure_reason}`
            : undefined,
        );
      return null;
    } catch (err) {
      if (!(isApiError(err) && err.status === 404)) throw err;
    }
  }
  const byTx = await lookupTransaction(ctx, currency, record);
  if (byTx) return byTx;
  if (record.phase !== 'creating') return null;
  // createCheckout's answer was lost. Once the device's 60 s start window has passed and the
  // reader is idle, no checkout of ours can still start: the payment did not happen.
  const age = clock.now() - Date.parse(record.created_at);
  if (age < START_WINDOW_MS) return null;
  const status = await ctx.api.readers.getStatus(mc, record.reader_id);
  if (status.data.state && status.data.state !== 'IDLE') return null;
  return failure(record, {}, 'SumUp did not confirm the payment request; nothing was charged');
}

async function lookupTransaction(
  ctx: SumUpContext,
  currency: string,
  record: CheckoutRecord,
): Promise<ProviderOutcome | null> {
  const query = record.client_transaction_id
    ? { client_transaction_id: record.client_transaction_id }
    : record.foreign_transaction_id
      ? { foreign_transaction_id: record.foreign_transaction_id }
      : null;
  if (!ctx.api || !query) return null;
  try {
    const tx = await ctx.api.transactions.get(ctx.account.merchantCode, query);
    const status = tx.simple_status ?? tx.status;
    const payment = {
      transaction_code: tx.transaction_code,
      client_transaction_id: tx.client_transaction_id,
      confirmed_by: 'transactions',
    };
    if (status === 'SUCCESSFUL' || status === 'PAID_OUT') {
      if (
        tx.amount !== undefined &&
        toMinor(tx.amount, tx.currency ?? currency) !== record.amount_cents
      )
        ctx.log.error(`sale ${record.sale_id}: SumUp amount ${tx.amount} differs from the sale`);
      return { state: 'succeeded', payment };
    }
    if (status === 'FAILED' || status === 'CANCELLED') return failure(record, payment);
    return null;
  } catch (err) {
    if (isApiError(err) && err.status === 404) return null;
    throw err;
  }
}
