/**
 * Pay-button logic: the "(+x,xx €)" hint under a provider whose minimum the cart does not
 * reach, and the top-up plan for providers with a top-up barcode (a 1-cent product added as
 * many times as cents are missing, so the cart reaches the minimum exactly).
 */
import type { ProviderInfo } from '../../../daemon/protocol.js';

export interface PayButtonState {
  provider: ProviderInfo;
  /** Cents the cart lacks to reach the provider's minimum (0 when it reaches it). */
  missing_cents: number;
  /** True when a top-up product can make up the difference before paying. */
  can_top_up: boolean;
  /** Whether pressing the button does something. */
  enabled: boolean;
}

export function missingCents(totalCents: number, minimumCents: number): number {
  return totalCents >= minimumCents ? 0 : minimumCents - totalCents;
}

export function payButtonState(
  provider: ProviderInfo,
  totalCents: number,
  busy = false,
): PayButtonState {
  const missing = totalCents > 0 ? missingCents(totalCents, provider.minimum_payment_cents) : 0;
  const canTopUp = missing > 0 && !!provider.minimum_topup_barcode;
  return {
    provider,
    missing_cents: missing,
    can_top_up: canTopUp,
    // Below zero (deposit returned) only cash can pay out.
    enabled:
      !busy &&
      provider.available &&
      (totalCents > 0 || (totalCents < 0 && provider.id === 'cash')) &&
      (missing === 0 || canTopUp),
  };
}

/** Providers shown as buttons: the available ones, in the daemon's order. */
export function payableProviders(providers: ProviderInfo[]): ProviderInfo[] {
  return providers.filter((p) => p.available);
}

/** A fresh idempotency key for one press of a pay button (a retry reuses it). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * What a press of a pay button does (null: nothing): first top up `top_up_cents` when the
 * cart lacks the provider's minimum, then `checkout` at once (a card, or cash paying out a
 * deposit return below zero), open the `cash` dialog (what the customer gives), or the part
 * dialog for a `voucher` (it needs the code and pays at most the voucher's balance).
 */
export interface PayPlan {
  top_up_cents: number;
  then: 'checkout' | 'cash' | 'voucher';
}

export function payPlan(provider: ProviderInfo, totalCents: number, busy = false): PayPlan | null {
  const s = payButtonState(provider, totalCents, busy);
  if (!s.enabled || (s.missing_cents > 0 && !s.can_top_up)) return null;
  const then =
    provider.id === 'cash'
      ? totalCents < 0
        ? 'checkout'
        : 'cash'
      : provider.id === 'voucher'
        ? 'voucher'
        : 'checkout';
  return { top_up_cents: s.missing_cents, then };
}
