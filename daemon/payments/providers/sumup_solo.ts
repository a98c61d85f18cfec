/**
 * sumup_solo: card payments on a SumUp Solo through SumUp's Cloud API (official @sumup/sdk).
 *
 * Flow: record (durable) → readers.createCheckout → record the client_transaction_id → the
 * sale waits. SumUp POSTs the outcome to our return_url (carrying our HMAC token, since SumUp
 * does not sign callbacks); when that cannot reach the Pi, the poller asks getCheckout /
 * transactions. One sale never gets a second checkout; one reader never gets two live ones.
 * Cancel asks the reader to terminate; the sale only becomes cancelled once SumUp reports the
 * checkout as failed — a card approved just before the terminate leaves the sale succeeded.
 * Refunds go back to the card through SumUp's refund API (../sumup/refund.ts).
 */
import type { Sale } from '../../protocol.js';
import {
  ProviderError,
  type Availability,
  type PaymentProvider,
  type ProviderDeps,
  type ProviderFactory,
  type ProviderOutcome,
  type RefundOutcome,
  type StartOptions,
} from '../provider.js';
import { CachedAvailability } from '../sumup/availability.js';
import { SumUpContext } from '../sumup/context.js';
import { isApiError } from '../sumup/sdk.js';
import { describeSumUpError, outcomeUnknown, toProviderError } from '../sumup/errors.js';
import { minorUnit } from '../sumup/money.js';
import { refundThroughSumUp } from '../sumup/refund.js';
import type { SoloCallback } from '../sumup/callbacks.js';
import { resolveSoloRecord } from '../sumup/solo-status.js';
import type { CheckoutRecord } from '../sumup/state.js';

export class SumUpSoloProvider implements PaymentProvider {
  readonly id = 'sumup_solo';
  readonly label = 'Card (SumUp Solo)';
  readonly minimumPaymentCents: number;
  private readonly ctx: SumUpContext;
  private readonly avail: CachedAvailability;

  constructor(private readonly deps: ProviderDeps) {
    this.minimumPaymentCents = deps.config.paymentMinimumCents[this.id] ?? 0;
    this.ctx = SumUpContext.for(deps);
    this.ctx.registerResolver(this.id, (r) => this.resolve(r));
    this.avail = new CachedAvailability(deps.clock, () => this.probe());
  }

  /** The SumUp account, API client and records (for the provider's HTTP routes). */
  get sumup(): SumUpContext {
    return this.ctx;
  }

  async start_module(): Promise<void> {
    await this.ctx.start();
    // Registered before the payments module's own listener, so its refresh sees fresh data.
    this.deps.events.on(this, 'settings.changed', ({ keys }) => {
      if (keys.includes('sumup')) this.avail.invalidate();
    });
  }

  async stop_module(): Promise<void> {
    this.deps.events.offOwner(this);
    await this.ctx.stop();
  }

  async availability(): Promise<Availability> {
    try {
      await this.ctx.ready();
      return await this.avail.get();
    } catch (err) {
      return {
        available: false,
        reason: (err as Error).message,
        reason_code: 'provider_unreachable',
      };
    }
  }

  /** Forget the cached availability (readers changed in admin). */
  refreshAvailability(): void {
    this.avail.invalidate();
  }

  private async probe(): Promise<Availability> {
    const { ctx } = this;
    if (!ctx.account.apiKey)
      return {
        available: false,
        reason: 'SumUp API key missing (SUMUP_API_KEY)',
        reason_code: 'sumup_api_key_missing',
      };
    if (!ctx.account.merchantCode)
      return {
        available: false,
        reason: 'SumUp merchant code missing (SUMUP_MERCHANT_CODE)',
        reason_code: 'sumup_merchant_code_missing',
      };
    if (!ctx.api || !ctx.readers)
      return {
        available: false,
        reason: 'SumUp is not configured',
        reason_code: 'sumup_not_configured',
      };
    if (ctx.state.problem)
      return {
        available: false,
        reason: `SumUp payment records cannot be saved: ${ctx.state.problem}`,
        reason_code: 'sumup_records_unsaved',
      };
    const wanted = ctx.readers.anyReader();
    if (!wanted)
      return {
        available: false,
        reason: 'No card reader chosen: pair a SumUp Solo in admin',
        reason_code: 'no_reader_chosen',
      };
    try {
      const readers = await ctx.readers.list();
      const r = readers.find((x) => x.id === wanted);
      if (!r)
        return {
          available: false,
          reason: 'The chosen card reader is not paired with SumUp any more',
          reason_code: 'reader_not_found',
        };
      if (r.status === 'expired')
        return {
          available: false,
          reason: `Card reader "${r.name}" must be paired again`,
          reason_code: 'reader_expired',
        };
      return { available: true };
    } catch (err) {
      const f = describeSumUpError(err);
      return { available: false, reason: f.message, reason_code: f.code };
    }
  }

  async start(sale: Sale, opts: StartOptions): Promise<ProviderOutcome> {
    const { ctx } = this;
    await ctx.ready();
    if (!ctx.api || !ctx.readers)
      throw new ProviderError(
        503,
        'sumup_not_configured',
        'SumUp is not configured (SUMUP_API_KEY, SUMUP_MERCHANT_CODE)',
      );

    // Idempotency: a sale that already has a checkout (or an attempt) never gets another one.
    const existing = ctx.state.get(sale.id);
    if (existing) return { state: 'pending', payment: paymentView(existing) };

    const readerId = ctx.readers.readerFor(sale.terminal_id);
    if (!readerId)
      throw new ProviderError(
        503,
        'no_reader',
        'No card reader is chosen for this till. Pair or choose a SumUp Solo in admin.',
      );

    const busy = ctx.state.liveOn(readerId);
    if (busy) {
      const other = this.deps.getSale(busy.sale_id);
      if (other?.state === 'pending')
        throw new ProviderError(
          409,
          'reader_busy',
          `The card reader is still busy with sale #${other.number}. Finish or cancel that payment first.`,
        );
      await ctx.state.put(busy.sale_id, { provider: this.id, phase: 'done' }, ctx.nowIso());
    }

    const currency = this.deps.config.currency;
    const affiliate =
      ctx.account.affiliateKey && ctx.account.appId
        ? {
            app_id: ctx.account.appId,
            key: ctx.account.affiliateKey,
            foreign_transaction_id: sale.id,
          }
        : undefined;
    // Written before the request: from here on this sale can never get a second checkout.
    await ctx.state.put(
      sale.id,
      {
        provider: this.id,
        phase: 'creating',
        reader_id: readerId,
        amount_cents: sale.total_cents,
        foreign_transaction_id: affiliate?.foreign_transaction_id,
      },
      ctx.nowIso(),
    );
    const returnUrl = this.returnUrl(sale.id, opts.base_url);
    try {
      const res = await ctx.api.readers.createCheckout(ctx.account.merchantCode, readerId, {
        total_amount: { value: sale.total_cents, currency, minor_unit: minorUnit(currency) },
        description: `${this.deps.config.shopName} #${sale.number}`.slice(0, 100),
        ...(returnUrl ? { return_url: returnUrl } : {}),
        ...(affiliate ? { affiliate } : {}),
      });
      const record = await ctx.state.put(
        sale.id,
        {
          provider: this.id,
          phase: 'live',
          checkout_id: res.data.checkout_id,
          client_transaction_id: res.data.client_transaction_id,
        },
        ctx.nowIso(),
      );
      this.avail.set({ available: true });
      return { state: 'pending', payment: paymentView(record) };
    } catch (err) {
      const failure = toProviderError(err);
      if (isApiError(err) && (err.status === 401 || err.status === 403))
        this.avail.set({ available: false, reason: failure.message, reason_code: failure.code });
      if (!outcomeUnknown(err)) {
        // SumUp answered with a refusal: nothing was started on the reader.
        await ctx.state.put(sale.id, { provider: this.id, phase: 'done' }, ctx.nowIso());
        throw failure;
      }
      // Timeout / network / 5xx: SumUp may have accepted it. Stop whatever may be on the
      // reader and keep the record open; the poller decides once the reader is idle.
      this.ctx.log.warn(`sale ${sale.id}: createCheckout outcome unknown (${failure.message})`);
      await ctx.api.readers.terminateCheckout(ctx.account.merchantCode, readerId).catch(() => {});
      return {
        state: 'pending',
        reason: failure.message,
        payment: { reader_id: readerId, unconfirmed: true },
      };
    }
  }

  /** return_url for SumUp's callback: our URL with our token. SumUp wants HTTPS; the local
   *  fake (a loopback API) accepts plain HTTP. Without a usable URL the poller does the work. */
  private returnUrl(saleId: string, baseUrl: string): string | undefined {
    const base = (this.deps.config.publicUrl || baseUrl).replace(/\/+$/, '');
    if (!base) return undefined;
    const apiHost = new URL(this.ctx.account.apiUrl).hostname;
    const loopbackApi = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(apiHost);
    if (!base.startsWith('https://') && !loopbackApi) return undefined;
    return `${base}/api/v1/payments/sumup_solo/callback/${encodeURIComponent(saleId)}/${this.ctx.tokens.sign('solo', saleId)}`;
  }

  /**
   * Cancel = terminate on the reader. SumUp gives no confirmation of a terminate, so the sale
   * stays pending until the callback or a status read says the checkout failed (→ cancelled)
   * or went through after all (→ succeeded). Outcomes of records are settled only through
   * ctx.finish(), so a callback racing this call can never settle a sale twice.
   */
  async cancel(sale: Sale): Promise<ProviderOutcome> {
    const { ctx } = this;
    await ctx.ready();
    const record = ctx.state.get(sale.id);
    // Nothing was ever sent to SumUp for this sale.
    if (!record)
      return {
        state: 'cancelled',
        reason: 'Cancelled before the reader was asked',
        reason_code: 'cancelled_at_till',
      };
    if (record.phase === 'done' && !record.checkout_id)
      return {
        state: 'cancelled',
        reason: 'Cancelled; the card reader never started this payment',
        reason_code: 'cancelled_at_till',
      };
    const marked = await ctx.state.put(
      sale.id,
      { provider: this.id, cancel_requested: true },
      ctx.nowIso(),
    );
    if (!ctx.api || !record.reader_id) return { state: 'pending' };
    try {
      await ctx.api.readers.terminateCheckout(ctx.account.merchantCode, record.reader_id);
    } catch (err) {
      const f = describeSumUpError(err);
      if (f.code === 'reader_offline' || f.code === 'sumup_unauthorized')
        throw toProviderError(err);
      // 422 "not waiting for the card holder": it already finished or never started; ask.
    }
    const outcome = await this.resolve(marked).catch(() => null);
    if (outcome) await ctx.finish(marked, outcome);
    return { state: 'pending', reason: outcome ? undefined : 'Cancelling on the card reader…' };
  }

  async reconcile(sale: Sale): Promise<ProviderOutcome> {
    const { ctx } = this;
    await ctx.ready();
    const record = ctx.state.get(sale.id);
    if (!record)
      return {
        state: 'failed',
        reason: 'The POS restarted before the card reader was asked; nothing was charged',
        reason_code: 'interrupted_by_restart',
      };
    // Decided here or later by the poller; settled through ctx.finish() either way.
    const outcome = await this.resolve(record).catch(() => null);
    if (outcome) await ctx.finish(record, outcome);
    return { state: 'pending' };
  }

  /** Pays `amount_cents` of a paid sale back to the card (SumUp's refund API). */
  refund(sale: Sale, amount_cents: number): Promise<RefundOutcome> {
    return refundThroughSumUp(this.ctx, sale, amount_cents, this.deps.config.currency);
  }

  /**
   * SumUp's callback for a sale (token already verified by the route). SumUp does not sign
   * callbacks, so the body is never believed: it only makes us ask SumUp (getCheckout, then
   * transactions) and the sale settles on SumUp's own answer. A callback whose
   * client_transaction_id is not the checkout we created is refused ('mismatch').
   */
  async onCallback(
    saleId: string,
    body: SoloCallback,
  ): Promise<'settled' | 'pending' | 'ignored' | 'mismatch'> {
    const { ctx } = this;
    await ctx.ready();
    const record = ctx.state.get(saleId);
    if (!record || record.provider !== this.id) return 'mismatch';
    const ctid = body.payload.client_transaction_id;
    if (record.client_transaction_id && record.client_transaction_id !== ctid) return 'mismatch';
    const sale = this.deps.getSale(saleId);
    if (!sale || sale.state !== 'pending') return 'ignored';
    let outcome: ProviderOutcome | null;
    try {
      outcome = await this.resolve(record);
    } catch (err) {
      // SumUp did not answer: the poller asks again; the callback changed nothing.
      ctx.log.warn(
        `sale ${saleId}: SumUp status after a callback: ${describeSumUpError(err).message}`,
      );
      return 'pending';
    }
    if (!outcome) return 'pending';
    // confirmed_by stays what SumUp's answer came from (status or transactions).
    const payment = { ...outcome.payment, woken_by: 'callback' };
    await ctx.finish(record, { ...outcome, payment });
    return 'settled';
  }

  /** Ask SumUp what became of a record; null while undecided (../sumup/solo-status.ts). */
  resolve(record: CheckoutRecord): Promise<ProviderOutcome | null> {
    return resolveSoloRecord(this.ctx, this.deps.clock, this.deps.config.currency, record);
  }
}

function paymentView(r: CheckoutRecord): Record<string, unknown> {
  return {
    reader_id: r.reader_id,
    checkout_id: r.checkout_id,
    client_transaction_id: r.client_transaction_id,
  };
}

export const sumupSolo: ProviderFactory = (deps) => new SumUpSoloProvider(deps);
