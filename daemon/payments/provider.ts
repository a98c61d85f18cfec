/**
 * The payment provider contract.
 *
 * Split payment (daemon/checkout/parts.ts): a provider is handed one part of a sale at a time,
 * as a Sale whose `id` is the part's id and whose `total_cents` is what to charge (the part's
 * amount plus its tip); the first part's id is the sale's id, so a one-payment sale looks as
 * it always did. settle()/getSale() take that same id. A provider is one file in ./providers/ plus one line in
 * ./registry.ts; nothing else changes to add one.
 *
 * State machine (owned by checkout, not by providers): pending → succeeded | failed | cancelled,
 * and succeeded → refunded. Providers report outcomes; checkout validates the transition,
 * appends it to the sales journal, and only then broadcasts it.
 */
import { DomainError } from '../core/errors.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/index.js';
import type { PaymentState, Sale } from '../protocol.js';

export interface Availability {
  available: boolean;
  /** English words for the log and the API (e.g. "SumUp API key missing"). */
  reason?: string;
  /**
   * Stable code of why, what the admin page translates (kiosk-ui messages `avail.<code>`):
   * sumup_api_key_missing, no_reader_chosen, reader_offline, ...
   */
  reason_code?: string;
}

/** What a provider says happened. `pending` means "still waiting"; anything else is final. */
export interface ProviderOutcome {
  state: PaymentState;
  /** English, for the log and the admin's sale detail. */
  reason?: string;
  /**
   * Stable code of why a payment failed or was cancelled, what the till translates
   * (kiosk-ui messages `reason.<code>`): card_declined, cancelled_at_till, ...
   */
  reason_code?: string;
  /** Provider data merged into sale.payment (transaction code, app-switch URL, reader id...). */
  payment?: Record<string, unknown>;
  /** Cash: tendered and change. */
  tendered_cents?: number;
  change_cents?: number;
}

/** What a provider reports for an accepted refund (see PaymentProvider.refund). */
export interface RefundOutcome {
  /** Provider data kept with the refund (refund transaction id, ...). */
  payment?: Record<string, unknown>;
}

export interface StartOptions {
  tendered_cents?: number;
  /** Voucher provider: the code the cashier scanned or typed. */
  voucher_code?: string;
  /** Base URL of this daemon as the client reached it (for callbacks), without trailing slash. */
  base_url: string;
}

export interface ProviderDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  /**
   * Report a later transition for a pending sale (callback, poll, timer). Resolves once the
   * transition is journalled; rejects if the sale is not pending anymore (e.g. already settled).
   */
  settle(saleId: string, outcome: ProviderOutcome): Promise<Sale>;
  /** Current state of a sale, to check before settling. */
  getSale(saleId: string): Sale | undefined;
}

export interface PaymentProvider {
  readonly id: string;
  readonly label: string;
  readonly minimumPaymentCents: number;
  /** Barcode of a product the UI may add to reach the minimum (e.g. VERSCHENKT-1C). */
  readonly minimumTopupBarcode?: string;
  /**
   * A demo provider that moves no money (the demo card): installed only when
   * PAYMENT_DEMO_CARD is on (default in demo mode, explicit in production).
   */
  readonly demoOnly?: boolean;

  /** Configured and reachable? May be cached; must not throw. */
  availability(): Promise<Availability> | Availability;

  /**
   * Optional refusal before any sale exists (e.g. cash tendered below the total), so a
   * request the cashier must correct neither creates a sale nor uses a sale number.
   * Throw ProviderError to refuse.
   */
  check?(draft: {
    total_cents: number;
    tip_cents?: number;
    tendered_cents?: number;
    voucher_code?: string;
  }): void;

  /**
   * Optional: how much of `remaining_cents` this provider pays when the till names no amount
   * (a voucher: its balance). Without it, all that remains.
   */
  partAmount?(remaining_cents: number, opts: { voucher_code?: string }): number;

  /**
   * Begin paying `sale` (already journalled as pending). Return `pending` to settle later via
   * deps.settle(), or a final state when the outcome is known at once (cash).
   * Throw ProviderError for a refusal the cashier should read (reader busy, tendered too low).
   */
  start(sale: Sale, opts: StartOptions): Promise<ProviderOutcome>;

  /** Ask to stop a pending payment. Return `pending` if cancellation is not yet confirmed. */
  cancel(sale: Sale): Promise<ProviderOutcome>;

  /** After a restart: decide a sale that was pending when the daemon stopped. */
  reconcile(sale: Sale): Promise<ProviderOutcome>;

  /**
   * Optional: pay `amount_cents` of a succeeded sale back through the provider (e.g. SumUp's
   * refund API for the sale's transaction). Resolve once the provider accepted the refund,
   * with data worth keeping (refund transaction id...); throw ProviderError when it refused.
   * Providers without refund() get refunds recorded as manual (the cashier pays back by hand);
   * cash refunds are paid from the drawer and never call this. Called by daemon/refunds.
   */
  refund?(sale: Sale, amount_cents: number): Promise<RefundOutcome>;

  /** Optional lifecycle (timers, pollers); stop() undoes start(). */
  start_module?(): Promise<void> | void;
  stop_module?(): Promise<void> | void;
}

/** A provider's refusal (reader busy, tendered too low...); its status is what the API answers. */
export class ProviderError extends DomainError {
  constructor(status: number, code: string, message: string, params?: Record<string, unknown>) {
    super(status, code, message, undefined, params);
    this.name = 'ProviderError';
  }
}

export type ProviderFactory = (deps: ProviderDeps) => PaymentProvider;
