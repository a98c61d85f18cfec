/**
 * A split refund in plain words: what went back through each part of the sale ("bar 5,00 € ·
 * Karte (Demo) 5,00 € · auf Gutschein GS… 20,00 €"), for the till and the admin sale page.
 */
import type { Refund } from '../../../daemon/protocol.js';
import { t, lang } from './i18n.js';
import { formatMoney } from './format.js';
import { providerLabel } from './providers.js';

export function refundPartsText(refund: Refund, currency?: string): string {
  return (refund.payments ?? [])
    .map((p) => {
      const amount = formatMoney(p.amount_cents, lang(), currency);
      const provider = providerLabel(p.provider, lang());
      const fresh = p.payment.new_voucher_code;
      if (p.method === 'cash') return t('refund.part_cash', { amount });
      if (p.method === 'manual') return t('refund.part_manual', { provider, amount });
      if (p.provider === 'voucher' && typeof fresh === 'string')
        return t('refund.part_new_voucher', { code: fresh, amount });
      if (p.provider === 'voucher')
        return t('refund.part_voucher', { code: String(p.payment.voucher_code ?? ''), amount });
      return t('refund.part_provider', { provider, amount });
    })
    .join(' · ');
}
