/**
 * Refunds through SumUp's Transactions API, shared by sumup_solo and sumup_tap.
 *
 * SumUp refunds a *transaction* (RefundTransaction:
 * POST /v1.0/merchants/{merchant_code}/payments/{transaction_id}/refunds, body {amount} in
 * major units; 201 {}). A sale keeps what the payment flow learnt: Solo sales carry
 * `checkout_id`, `reader_id` and `client_transaction_id` (and `transaction_code` when the
 * transactions API confirmed them), Tap to Pay sales the app's `transaction_code`; both
 * may have been paid with `foreign_transaction_id` = sale id. None of these is the
 * transaction id, so the transaction is looked up first (GET /v2.1/…/transactions by
 * transaction_code, client_transaction_id, or foreign_transaction_id; a Solo checkout id
 * gives the client_transaction_id through getCheckout).
 *
 * Every failure is a ProviderError in plain words; the refunds module then records nothing.
 * The amount is always sent, also for a whole sale: SumUp's "no amount = the rest of the
 * transaction" could refund more than this refund journals.
 */
import type { Sale } from '../../protocol.js';
import { ProviderError, type RefundOutcome } from '../provider.js';
import type { SumUpContext } from './context.js';
import { outcomeUnknown } from './errors.js';
import { decimalAmount } from './money.js';
import { isApiError, isSdkError, type Transaction, type TransactionQuery } from './sdk.js';

/** Pays `amountCents` of a paid SumUp sale back to the card. Throws ProviderError. */
export async function refundThroughSumUp(
  ctx: SumUpContext,
  sale: Sale,
  amountCents: number,
  currency: string,
): Promise<RefundOutcome> {
  await ctx.ready();
  const api = ctx.api;
  if (!api)
    throw new ProviderError(
      503,
      'sumup_not_configured',
      'SumUp is not configured (SUMUP_API_KEY, SUMUP_MERCHANT_CODE), so the refund cannot be sent. Refund it in the SumUp app.',
    );
  if (!Number.isInteger(amountCents) || amountCents <= 0)
    throw new ProviderError(400, 'invalid_amount', 'A refund must be at least one cent');

  const tx = await findTransaction(ctx, sale);
  const txCurrency = tx.currency ?? currency;
  if (txCurrency !== currency)
    throw new ProviderError(
      409,
      'currency_mismatch',
      `SumUp recorded this payment in ${txCurrency}, the till sells in ${currency}. Refund it in the SumUp app.`,
    );
  const status = tx.simple_status ?? tx.status;
  if (status === 'FAILED' || status === 'CANCELLED' || status === 'PENDING')
    throw new ProviderError(
      409,
      'sumup_not_paid',
      `SumUp shows payment ${tx.transaction_code ?? tx.id} as ${status.toLowerCase()}; there is nothing to refund.`,
    );

  const amount = Number(decimalAmount(amountCents, currency));
  try {
    await api.transactions.refund(ctx.account.merchantCode, tx.id, { amount });
  } catch (err) {
    const failure = refundFailure(err);
    if (unknownOutcome(err))
      ctx.log.error(
        `sale ${sale.id}: refund of ${amount} ${currency} (transaction ${tx.id}) got no clear answer: ${failure.message}`,
      );
    throw failure;
  }
  ctx.log.info(
    `sale ${sale.id}: SumUp refunded ${amount} ${currency} of transaction ${tx.transaction_code ?? tx.id}`,
  );
  return {
    payment: {
      transaction_id: tx.id,
      ...(tx.transaction_code ? { transaction_code: tx.transaction_code } : {}),
      amount,
      currency,
    },
  };
}

type FoundTransaction = Transaction & { id: string };

/** The SumUp transaction of a sale, from what the sale and its sumup.json record know. */
async function findTransaction(ctx: SumUpContext, sale: Sale): Promise<FoundTransaction> {
  const api = ctx.api!;
  const mc = ctx.account.merchantCode;
  const record = ctx.state.get(sale.id);
  const p = sale.payment ?? {};
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

  const queries: TransactionQuery[] = [];
  const id = text(p.transaction_id);
  if (id) queries.push({ id });
  const code = text(p.transaction_code) ?? record?.transaction_code;
  if (code) queries.push({ transaction_code: code });
  let ctid = text(p.client_transaction_id) ?? record?.client_transaction_id;
  const checkoutId = text(p.checkout_id) ?? record?.checkout_id;
  const readerId = text(p.reader_id) ?? record?.reader_id;
  if (!ctid && checkoutId && readerId) {
    try {
      ctid = (await api.readers.getCheckout(mc, readerId, checkoutId)).data.client_transaction_id;
    } catch (err) {
      if (!(isApiError(err) && err.status === 404)) throw lookupFailure(err);
    }
  }
  if (ctid) queries.push({ client_transaction_id: ctid });
  // Tap to Pay always sends the sale id as foreign-tx-id; Solo does with affiliate keys.
  queries.push({ foreign_transaction_id: sale.id });

  for (const q of queries) {
    let tx: Transaction;
    try {
      tx = await api.transactions.get(mc, q);
    } catch (err) {
      if (isApiError(err) && err.status === 404) continue;
      throw lookupFailure(err);
    }
    if (!tx.id) continue;
    // A payment SumUp recorded for another sale is never refunded for this one.
    if (tx.foreign_transaction_id && tx.foreign_transaction_id !== sale.id) continue;
    return tx as FoundTransaction;
  }
  throw new ProviderError(
    404,
    'sumup_transaction_not_found',
    `SumUp has no payment for sale #${sale.number}, so nothing was refunded. Look it up in the SumUp app and refund it there.`,
  );
}

/** True when SumUp may have refunded although we saw no success (timeout, 5xx, cut line). */
function unknownOutcome(err: unknown): boolean {
  return outcomeUnknown(err) && !(isApiError(err) && err.status === 429);
}

/** SumUp's words from an RFC 9457 problem (or an older error body), at most 200 characters. */
function sumupWords(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 200) || undefined;
  const b = body as {
    detail?: unknown;
    message?: unknown;
    errors?: unknown;
  } | null;
  const parts: string[] = [];
  if (Array.isArray(b?.errors))
    for (const e of b.errors as Array<{ detail?: unknown }>)
      if (typeof e?.detail === 'string') parts.push(e.detail);
  const single = (b?.errors as { detail?: unknown } | undefined)?.detail;
  if (!parts.length && typeof single === 'string') parts.push(single);
  if (!parts.length && typeof b?.detail === 'string') parts.push(b.detail);
  if (!parts.length && typeof b?.message === 'string') parts.push(b.message);
  return parts.join('; ').slice(0, 200) || undefined;
}

function connectionFailure(err: unknown, unknown: string): ProviderError {
  if (isApiError(err) && err.status === 429)
    return new ProviderError(
      503,
      'sumup_rate_limited',
      'SumUp is limiting requests right now. Nothing was refunded; wait a minute and try again.',
    );
  if (isApiError(err))
    return new ProviderError(
      503,
      'sumup_unavailable',
      `SumUp's service has a problem (HTTP ${err.status}). ${unknown}`,
    );
  if (isSdkError(err) && /timed out/i.test(err.message))
    return new ProviderError(504, 'sumup_timeout', `SumUp did not answer in time. ${unknown}`);
  if (!outcomeUnknown(err))
    return new ProviderError(
      503,
      'sumup_unreachable',
      'Cannot reach SumUp (network down?). Nothing was refunded; try again once the till is online.',
    );
  return new ProviderError(503, 'sumup_unreachable', `The connection to SumUp broke. ${unknown}`);
}

/** A failed transaction lookup: nothing was asked to refund yet. */
function lookupFailure(err: unknown): ProviderError {
  if (isApiError(err) && (err.status === 401 || err.status === 403))
    return new ProviderError(
      403,
      'sumup_unauthorized',
      'SumUp refused the API key. Check SUMUP_API_KEY and SUMUP_MERCHANT_CODE.',
    );
  if (isApiError(err) && err.status < 500 && err.status !== 429) {
    const words = sumupWords(err.error);
    return new ProviderError(
      422,
      'sumup_rejected',
      `SumUp refused to look the payment up${words ? ` (${words})` : ''}. Nothing was refunded.`,
    );
  }
  return connectionFailure(err, 'Nothing was refunded; try again shortly.');
}

/** A failed refund request, in plain words. */
function refundFailure(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const unknown =
    'The refund may or may not have gone through: check the payment in the SumUp app before trying again.';
  if (!isApiError(err) || err.status >= 500 || err.status === 429)
    return connectionFailure(err, unknown);
  const words = sumupWords(err.error);
  const said = words ? ` (SumUp: ${words})` : '';
  switch (err.status) {
    case 404:
      return new ProviderError(
        404,
        'sumup_transaction_not_found',
        `SumUp does not know this payment${said}. Nothing was refunded.`,
      );
    case 409:
      return new ProviderError(
        409,
        'sumup_not_refundable',
        `SumUp cannot refund this payment in its current state, for example because it was refunded already${said}. Nothing was refunded; check it in the SumUp app.`,
      );
    case 422:
      return new ProviderError(
        422,
        'sumup_refund_declined',
        `SumUp declined the refund${said}. Nothing was refunded.`,
      );
    case 401:
    case 403:
      return new ProviderError(
        403,
        'sumup_unauthorized',
        `SumUp does not allow this API key to refund${said}. Check SUMUP_API_KEY (it needs refund rights) and SUMUP_MERCHANT_CODE.`,
      );
    default:
      return new ProviderError(
        422,
        'sumup_refund_refused',
        `SumUp refused the refund${said} (HTTP ${err.status}). Nothing was refunded.`,
      );
  }
}
