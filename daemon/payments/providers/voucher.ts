/**
 * voucher: pays a part of a sale from a voucher of the shop's own book (daemon/vouchers/book.ts)
 * by its code (scanned from the receipt's barcode or typed). Settles at once: the amount is
 * taken off the voucher (fsync'd) before the part is reported paid. Without `amount_cents`
 * it pays what the voucher holds, at most what remains. No tips on vouchers.
 */
import { ProviderError, type PaymentProvider, type ProviderFactory } from '../provider.js';
import type { VoucherBook } from '../../vouchers/book.js';
import type { VoucherRefusal } from '../../vouchers/entries.js';
import { saleIdOfRef } from '../../checkout/parts.js';

const TEXT: Record<VoucherRefusal | 'voucher_balance_low', string> = {
  voucher_unknown: 'No voucher with this code',
  voucher_inactive: 'This voucher has not been paid yet',
  voucher_expired: 'This voucher has expired',
  voucher_used_up: 'This voucher is used up',
  voucher_voided: 'This voucher was refunded and is void',
  voucher_balance_low: 'The voucher holds less than this amount',
};

function refuse(code: VoucherRefusal | 'voucher_balance_low', balance?: number): ProviderError {
  const status = code === 'voucher_unknown' ? 404 : code === 'voucher_balance_low' ? 422 : 409;
  return new ProviderError(
    status,
    code,
    TEXT[code],
    balance !== undefined ? { balance_cents: balance } : undefined,
  );
}

export const voucherProvider =
  (book: VoucherBook): ProviderFactory =>
  (deps): PaymentProvider => ({
    id: 'voucher',
    label: 'Voucher',
    minimumPaymentCents: deps.config.paymentMinimumCents.voucher ?? 0,

    availability: () => ({ available: true }),

    check({ total_cents, tip_cents, voucher_code }) {
      if (!voucher_code)
        throw new ProviderError(400, 'voucher_code_missing', 'Scan or type the voucher code');
      if (tip_cents) throw new ProviderError(422, 'voucher_no_tip', 'A voucher pays no tip');
      const why = book.refusal(voucher_code);
      if (why) throw refuse(why);
      const balance = book.info(voucher_code)!.balance_cents;
      if (total_cents > balance) throw refuse('voucher_balance_low', balance);
    },

    partAmount(remaining, { voucher_code }) {
      const v = voucher_code ? book.info(voucher_code) : undefined;
      return v && v.state === 'active' ? Math.min(remaining, v.balance_cents) : remaining;
    },

    async start(sale, opts) {
      const code = opts.voucher_code ?? '';
      const r = await book.redeem(code, sale.total_cents, saleIdOfRef(sale.id), sale.id);
      if (!r.ok) throw refuse(r.refusal, r.balance_cents);
      const v = book.info(code)!;
      return {
        state: 'succeeded',
        payment: {
          voucher_code: v.code,
          balance_after_cents: r.balance_cents,
          voucher_purpose: v.purpose,
          voucher_vat_rate: v.vat_rate,
        },
      };
    },

    // Settled in start(); nothing runs that could be stopped.
    async cancel() {
      return {
        state: 'cancelled',
        reason: 'Cancelled at the till',
        reason_code: 'cancelled_at_till',
      };
    },

    // The book says whether the part took its amount before the power went.
    async reconcile(sale) {
      const r = book.redeemedBy(sale.id);
      const v = r && book.info(r.code);
      if (r && v)
        return {
          state: 'succeeded',
          payment: {
            voucher_code: r.code,
            balance_after_cents: r.balance_cents,
            voucher_purpose: v.purpose,
            voucher_vat_rate: v.vat_rate,
          },
        };
      return {
        state: 'failed',
        reason: 'interrupted by restart',
        reason_code: 'interrupted_by_restart',
      };
    },

    async refund(sale) {
      const r = await book.restore(sale.id, saleIdOfRef(sale.id));
      if (!r)
        throw new ProviderError(
          409,
          'voucher_unknown',
          `Part ${sale.id} took nothing from a voucher`,
        );
      return { payment: { voucher_code: r.code, balance_after_cents: r.balance_cents } };
    },
  });
