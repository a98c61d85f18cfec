/**
 * Payment provider names in the UI's language, by provider id; a provider the UI does not
 * know keeps the label the daemon sends.
 */
import type { Lang } from './i18n.js';

const LABELS: Record<string, Record<Lang, string>> = {
  cash: { de: 'Bar', en: 'Cash' },
  fake_card: { de: 'Karte (Demo)', en: 'Card (demo)' },
  sumup_solo: { de: 'SumUp Solo', en: 'SumUp Solo' },
  sumup_tap: { de: 'Tap to Pay', en: 'Tap to Pay' },
  voucher: { de: 'Gutschein', en: 'Voucher' },
};

export function providerLabel(id: string, lang: Lang, daemonLabel?: string): string {
  return LABELS[id]?.[lang] ?? daemonLabel ?? id;
}
