/**
 * sumup_tap: Tap to Pay on the merchant's phone through the SumUp app ("app switch").
 *
 * start() builds the sumupmerchant://pay/1.0 URL (button when the POS runs on that phone,
 * QR code for a phone next to the till). The SumUp app opens our callback URL with
 * smp-status / smp-tx-code / foreign-tx-id; the URL carries our HMAC token because the app does
 * not sign anything. With an API key a reported success is cross-checked with the
 * transactions API before the sale counts as paid, and the poller finds payments whose
 * callback never came back (foreign_transaction_id = sale id). With an API key refunds go
 * back to the card through SumUp's refund API; without one there is no refund() and the
 * refunds module records them as manual (refund in the SumUp app).
 */
import bwipjs from 'bwip-js';
import type { Sale } from '../../protocol.js';
import {
  ProviderError,
  type Availability,
  type PaymentProvider,
  type ProviderDeps,
  type ProviderFactory,
  type ProviderOutcome,
  type StartOptions,
} from '../provider.js';
import { SumUpContext } from '../sumup/context.js';
import { isApiError } from '../sumup/sdk.js';
import { toMinor } from '../sumup/money.js';
import { refundThroughSumUp } from '../sumup/refund.js';
import type { CheckoutRecord } from '../sumup/state.js';
import { buildTapUrl } from '../sumup/tap-url.js';
import type { TapCallback, TapCallbackResult } from '../sumup/callbacks.js';

export class SumUpTapProvider implements PaymentProvider {
  readonly id = 'sumup_tap';
  readonly label = 'Card (SumUp Tap to Pay)';
  readonly minimumPaymentCents: number;
  private readonly ctx: SumUpContext;

  constructor(private readonly deps: ProviderDeps) {
    this.minimumPaymentCents = deps.config.paymentMinimumCents[this.id] ?? 0;
    this.ctx = SumUpContext.for(deps);
    this.ctx.registerResolver(this.id, (r) => this.resolve(r));
  }

  /** The SumUp account, API client and records (for the provider's HTTP routes). */
  get sumup(): SumUpContext {
    return this.ctx;
  }

  start_module(): Promise<void> {
    return this.ctx.start();
  }

  stop_module(): Promise<void> {
    return this.ctx.stop();
  }

  async availability(): Promise<Availability> {
    await this.ctx.ready();
    if (!this.ctx.account.affiliateKey)
      return {
        available: false,
        reason: 'SumUp affiliate key missing (SUMUP_AFFILIATE_KEY)',
        reason_code: 'sumup_affiliate_key_missing',
      };
    if (this.ctx.state.problem)
      return {
        available: false,
        reason: `SumUp payment records cannot be saved: ${this.ctx.state.problem}`,
        reason_code: 'sumup_records_unsaved',
      };
    return { available: true };
  }

  async start(sale: Sale, opts: StartOptions): Promise<ProviderOutcome> {
    const { ctx } = this;
    await ctx.ready();
    const { affiliateKey, appId } = ctx.account;
    if (!affiliateKey)
      throw new ProviderError(
        503,
        'sumup_not_configured',
        'SumUp affiliate key missing (SUMUP_AFFILIATE_KEY)',
      );
    const base = (this.deps.config.publicUrl || opts.base_url).replace(/\/+$/, '');
    const callbackUrl = `${base}/api/v1/payments/sumup_tap/callback/${encodeURIComponent(sale.id)}/${ctx.tokens.sign('tap', sale.id)}`;
    const url = buildTapUrl({
      amountCents: sale.total_cents,
      currency: this.deps.config.currency,
      affiliateKey,
      appId: appId || undefined,
      title: `${this.deps.config.shopName} #${sale.number}`,
      foreignTxId: sale.id,
      callbackUrl,
    });
    await ctx.state.put(
      sale.id,
      {
        provider: this.id,
        phase: 'live',
        amount_cents: sale.total_cents,
        foreign_transaction_id: sale.id,
      },
      ctx.nowIso(),
    );
    const payment: Record<string, unknown> = { app_switch_url: url, qr_svg: qrSvg(url) };
    // A phone cannot call back "localhost": say so where the cashier sees the QR code.
    if (isLoopbackUrl(base))
      payment.warning =
        'The phone cannot reach this till at its local address; set PUBLIC_URL to the address phones use.';
    return { state: 'pending', payment };
  }

  /** SumUp's refund API, only when an API key lets us find the transaction. */
  get refund(): PaymentProvider['refund'] {
    if (!this.ctx.hasApi) return undefined;
    return (sale, amount_cents) =>
      refundThroughSumUp(this.ctx, sale, amount_cents, this.deps.config.currency);
  }

  async cancel(sale: Sale): Promise<ProviderOutcome> {
    const { ctx } = this;
    await ctx.ready();
    const record = ctx.state.get(sale.id);
    if (!record)
      return {
        state: 'cancelled',
        reason: 'Cancelled at the till',
        reason_code: 'cancelled_at_till',
      };
    // With an API key, a payment the phone already took is found: the sale ends paid.
    const found = await this.resolve(record).catch(() => null);
    if (found?.state === 'succeeded') {
      await ctx.finish(record, found);
      return { state: 'pending' };
    }
    await ctx.state.put(
      sale.id,
      { provider: this.id, phase: 'done', cancel_requested: true },
      ctx.nowIso(),
    );
    return {
      state: 'cancelled',
      reason: 'Cancelled at the till',
      reason_code: 'cancelled_at_till',
    };
  }

  async reconcile(sale: Sale): Promise<ProviderOutcome> {
    const { ctx } = this;
    await ctx.ready();
    const record = ctx.state.get(sale.id);
    if (!record)
      return {
        state: 'failed',
        reason: 'The POS restarted before the payment link was made',
        reason_code: 'interrupted_by_restart',
      };
    // Without an API key only the phone's callback can decide; it may still come.
    const outcome = await this.resolve(record).catch(() => null);
    if (outcome) await ctx.finish(record, outcome);
    return { state: 'pending' };
  }

  /** The SumUp app's callback (token verified by the route). */
  async onCallback(saleId: string, cb: TapCallback): Promise<TapCallbackResult> {
    const { ctx } = this;
    await ctx.ready();
    const sale = this.deps.getSale(saleId);
    const record = ctx.state.get(saleId);
    if (!sale || !record || sale.provider !== this.id) return { kind: 'unknown_sale' };
    const payment = { transaction_code: cb.txCode, confirmed_by: 'app_callback' };
    if (sale.state !== 'pending') {
      if (cb.status === 'success' && sale.state !== 'succeeded') {
        ctx.log.error(
          `sale ${saleId} is ${sale.state} but the SumUp app reports a payment (${cb.txCode ?? 'no code'}) — refund it in the SumUp app`,
        );
        return { kind: 'late_success', sale };
      }
      return { kind: 'already', sale };
    }
    if (cb.status === 'invalidstate') {
      await ctx.finish(record, {
        state: 'failed',
        reason: 'The SumUp app was not ready for a payment. Open it, log in, then try again.',
        reason_code: 'sumup_app_not_ready',
        payment,
      });
      return { kind: 'failed', sale: this.deps.getSale(saleId) ?? sale };
    }
    if (cb.status === 'failed') {
      await ctx.finish(record, {
        state: 'failed',
        reason: 'The SumUp app reports the payment failed',
        reason_code: 'payment_failed',
        payment,
      });
      return { kind: 'failed', sale: this.deps.getSale(saleId) ?? sale };
    }
    const updated = await ctx.state.put(
      saleId,
      { provider: this.id, phase: 'confirming', transaction_code: cb.txCode },
      ctx.nowIso(),
    );
    if (!ctx.hasApi) {
      await ctx.finish(updated, { state: 'succeeded', payment });
      return { kind: 'succeeded', sale: this.deps.getSale(saleId) ?? sale };
    }
    const outcome = await this.resolve(updated).catch(() => null);
    if (!outcome) return { kind: 'confirming', sale };
    await ctx.finish(updated, outcome);
    const after = this.deps.getSale(saleId) ?? sale;
    return { kind: outcome.state === 'succeeded' ? 'succeeded' : 'failed', sale: after };
  }

  /** Transactions API: the payment made with foreign-tx-id = sale id (null = not known yet). */
  async resolve(record: CheckoutRecord): Promise<ProviderOutcome | null> {
    const { ctx } = this;
    if (!ctx.api) return null;
    const query = record.transaction_code
      ? { transaction_code: record.transaction_code }
      : { foreign_transaction_id: record.sale_id };
    try {
      const tx = await ctx.api.transactions.get(ctx.account.merchantCode, query);
      const status = tx.simple_status ?? tx.status;
      const payment = { transaction_code: tx.transaction_code, confirmed_by: 'transactions' };
      if (status === 'SUCCESSFUL' || status === 'PAID_OUT') {
        const currency = tx.currency ?? this.deps.config.currency;
        if (tx.amount !== undefined && toMinor(tx.amount, currency) !== record.amount_cents) {
          return {
            state: 'failed',
            reason: `SumUp recorded a different amount (${tx.amount} ${currency}); check the SumUp app`,
            reason_code: 'amount_mismatch',
            payment,
          };
        }
        if (tx.foreign_transaction_id && tx.foreign_transaction_id !== record.sale_id)
          return {
            state: 'failed',
            reason: 'SumUp recorded this payment for another sale',
            reason_code: 'other_sale',
            payment,
          };
        return { state: 'succeeded', payment };
      }
      if (status === 'FAILED' || status === 'CANCELLED')
        return {
          state: 'failed',
          reason: 'SumUp reports the payment failed',
          reason_code: 'payment_failed',
          payment,
        };
      return null;
    } catch (err) {
      if (isApiError(err) && err.status === 404) return null;
      throw err;
    }
  }
}

function isLoopbackUrl(base: string): boolean {
  try {
    const host = new URL(base).hostname;
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  } catch {
    return true;
  }
}

/** QR code of the app-switch URL, rendered on the server (bwip-js), for the merchant's phone. */
function qrSvg(text: string): string {
  return bwipjs.toSVG({ bcid: 'qrcode', text });
}

export const sumupTap: ProviderFactory = (deps) => new SumUpTapProvider(deps);
