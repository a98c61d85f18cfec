/**
 * Cash: always available; settles at once. `tendered_cents` (what the customer handed over)
 * gives the change; without it the amount is taken as exact. Tendered below the total is
 * refused before a sale is created. A total below zero (a deposit return) is paid out of the
 * drawer: tendered 0, the amount as change.
 */
import { ProviderError, type PaymentProvider, type ProviderFactory } from '../provider.js';

export const cashProvider: ProviderFactory = (deps): PaymentProvider => ({
  id: 'cash',
  label: 'Cash',
  minimumPaymentCents: deps.config.paymentMinimumCents.cash ?? 0,

  availability: () => ({ available: true }),

  check({ total_cents, tendered_cents }) {
    if (tendered_cents !== undefined && tendered_cents < total_cents) {
      throw new ProviderError(
        422,
        'tendered_too_low',
        `Tendered ${tendered_cents} cents is less than the total of ${total_cents} cents`,
      );
    }
  },

  async start(sale, opts) {
    // A total below zero (deposit returned) is paid out: nothing tendered, the amount as change.
    const tendered = opts.tendered_cents ?? Math.max(0, sale.total_cents);
    if (tendered < sale.total_cents)
      return {
        state: 'failed',
        reason: 'Tendered amount is less than the total',
        reason_code: 'tendered_too_low',
      };
    return {
      state: 'succeeded',
      tendered_cents: tendered,
      change_cents: tendered - sale.total_cents,
    };
  },

  // Cash is decided at the counter in one step; there is nothing to stop.
  async cancel() {
    return {
      state: 'cancelled',
      reason: 'Cancelled at the till',
      reason_code: 'cancelled_at_till',
    };
  },

  // A cash sale is pending only if the daemon died between journalling it and its payment.
  // Whether the money changed hands is unknown, so the cashier repeats the sale.
  async reconcile() {
    return {
      state: 'failed',
      reason: 'interrupted by restart',
      reason_code: 'interrupted_by_restart',
    };
  },
});
