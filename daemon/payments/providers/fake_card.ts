/**
 * fake_card: a card flow for demos and tests, no hardware. The "card" is presented after
 * FAKE_CARD_DELAY_MS; a total ending in 13 cents is declined (so a decline can be shown on
 * purpose), anything else is approved. Cancel works while waiting.
 */
import type { PaymentProvider, ProviderFactory } from '../provider.js';

export const DECLINE_CENTS = 13;

export const fakeCardProvider: ProviderFactory = (deps): PaymentProvider => {
  const timers = new Map<string, NodeJS.Timeout>();
  let seq = 0;

  const decide = (saleId: string) => {
    timers.delete(saleId);
    const sale = deps.getSale(saleId);
    if (!sale || sale.state !== 'pending') return;
    const outcome =
      sale.total_cents % 100 === DECLINE_CENTS
        ? {
            state: 'failed' as const,
            reason: 'Card declined (demo: totals ending in .13)',
            reason_code: 'card_declined',
          }
        : {
            state: 'succeeded' as const,
            payment: { transaction_code: `FAKE-${sale.number}-${++seq}`, card: 'VISA •••• 4242' },
          };
    deps.settle(saleId, outcome).catch((err: Error) => {
      // Lost a race with a cancel: that is the expected way for a cancel to win.
      deps.log.debug(`fake_card: ${saleId} not settled: ${err.message}`);
    });
  };

  return {
    id: 'fake_card',
    label: 'Card (demo)',
    demoOnly: true,
    minimumPaymentCents: deps.config.paymentMinimumCents.fake_card ?? 0,
    minimumTopupBarcode: deps.config.paymentMinimumTopupBarcode,

    availability: () => ({ available: true }),

    async start(sale) {
      timers.set(
        sale.id,
        setTimeout(() => decide(sale.id), deps.config.fakeCardDelayMs),
      );
      return { state: 'pending', payment: { status: 'waiting_for_card' } };
    },

    async cancel(sale) {
      const t = timers.get(sale.id);
      if (t) clearTimeout(t);
      timers.delete(sale.id);
      return {
        state: 'cancelled',
        reason: 'Cancelled at the till',
        reason_code: 'cancelled_at_till',
      };
    },

    // The simulated card lived in this process only; after a restart it is gone.
    async reconcile() {
      return {
        state: 'failed',
        reason: 'interrupted by restart',
        reason_code: 'interrupted_by_restart',
      };
    },

    stop_module() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
};
