/**
 * The words and formats of everything the daemon itself renders for customers and the
 * shop: the receipt page (/r/:token), printed receipts, X and Z reports, the printer test
 * page. German and English, by the shop's language (receipt settings `language`). Money as
 * `12,20 €` / `€12.20`, dates as dd.mm.yyyy / dd/mm/yyyy, times on the shop's clock.
 */
import { localParts } from '../time.js';

export type ShopLanguage = 'de' | 'en';

const de = {
  receipt_no: 'Beleg Nr. {n}',
  refund_title: 'Erstattung R-{n} zu Beleg Nr. {sale}',
  refund_short: 'ERSTATTUNG R-{n}',
  for_receipt: 'zu Beleg Nr. {n}',
  copy: '*** KOPIE ***',
  till: 'Kasse',
  cashier: 'Bediener',
  each: 'je {price}',
  discount: 'Rabatt',
  discounted: 'neu',
  deposit_return: 'Pfand zurück',
  deposits_sold: 'Pfand ausgegeben ({n})',
  deposits_returned: 'Pfand zurück ({n})',
  discounts_given: 'Rabatte',
  total: 'SUMME',
  total_page: 'Summe',
  refund_total: 'ERSTATTET',
  refund_total_page: 'Erstattet',
  given: 'Gegeben',
  change: 'Rückgeld',
  reference: 'Referenz',
  vat: 'MwSt.',
  rate: 'Satz',
  net: 'Netto',
  gross: 'Brutto',
  tax_id: 'St.-Nr.',
  scan_qr: 'Digitaler Beleg: QR-Code scannen',
  print: 'Drucken',
  by_hand: '{label} (Rückgabe von Hand)',
  not_found: 'Diesen Beleg gibt es nicht. Bitte den Link prüfen oder an der Kasse fragen.',
  shift_report: 'KASSENABSCHLUSS JE KASSIERER',
  shift_no_cashier: 'Ohne Anmeldung',
  shift_sales: 'Umsatz (Verkäufe: {n})',
  shift_tips: 'Trinkgeld',
  shift_tips_business: 'davon für den Betrieb',
  shift_discounts: 'Rabatte',
  shift_cash_taken: '+ Bar eingenommen',
  shift_cash_tips: '+ Bar-Trinkgeld',
  shift_count: 'Zählung {time}',
  shift_float: 'Anfangsbestand',
  shift_totals: 'GESAMT',
  x_report: 'X-BERICHT',
  z_report: 'Z-BERICHT {n}',
  from: 'Von',
  to: 'Bis',
  first_period: 'seit dem ersten Verkauf',
  sales: 'Verkäufe ({n})',
  refunds: 'Erstattungen ({n})',
  vat_by_rate: 'MwSt. je Satz',
  cash: 'BARGELD',
  opening_float: 'Anfangsbestand',
  cash_sales: '+ Barverkäufe',
  cash_refunds: '- Bar-Erstattungen',
  payouts: '- Entnahmen',
  pay_ins: '+ Einlagen',
  expected: '= Soll',
  counted: 'Gezählt',
  difference: 'Differenz',
  next_float: 'Wechselgeld morgen',
  taken_out: 'Entnommen',
  pending: '{n} Zahlung(en) noch offen',
  test_title: 'Druckertest',
  test_paper: 'Papier {mm} mm, {cols} Zeichen',
  test_profile: 'Profil {model}',
  provider_cash: 'Bar',
  provider_fake_card: 'Karte (Demo)',
  provider_sumup_solo: 'Karte (SumUp)',
  provider_sumup_tap: 'Karte (SumUp Tap to Pay)',
  provider_voucher: 'Gutschein',
  tip: 'davon Trinkgeld',
  tips: 'Trinkgeld',
  voucher_sold: 'Gutschein {code}',
  voucher_left: 'Gutschein {code}, Rest {amount}',
  vouchers_sold: 'Verkaufte Mehrzweckgutscheine',
  vouchers_redeemed: 'Eingelöste Gutscheine',
  default_footer: 'Vielen Dank für Ihren Besuch!',
  till_name: 'Kasse {n}',
  tse_title: 'TSE-Daten',
  tse_failed: 'TSE ausgefallen',
  tse_failed_note: 'Dieser Beleg ist nicht signiert: die TSE hat nicht geantwortet.',
  tse_serial: 'TSE-Seriennr.',
  tse_counter: 'Signaturzähler',
  tse_tx: 'Transaktionsnr.',
  tse_start: 'Start',
  tse_end: 'Ende',
  tse_algorithm: 'Algorithmus',
  tse_time_format: 'Zeitformat',
  tse_signature: 'Signatur',
  tse_public_key: 'Öffentl. Schlüssel',
  till_serial: 'Kassen-Seriennr.',
  software: 'Software',
};

const en: Record<keyof typeof de, string> = {
  receipt_no: 'Receipt no. {n}',
  refund_title: 'Refund R-{n} for receipt no. {sale}',
  refund_short: 'REFUND R-{n}',
  for_receipt: 'for receipt no. {n}',
  copy: '*** COPY ***',
  till: 'Till',
  cashier: 'Cashier',
  each: '{price} each',
  discount: 'Discount',
  discounted: 'now',
  deposit_return: 'Deposit return',
  deposits_sold: 'Deposits sold ({n})',
  deposits_returned: 'Deposits returned ({n})',
  discounts_given: 'Discounts',
  total: 'TOTAL',
  total_page: 'Total',
  refund_total: 'REFUNDED',
  refund_total_page: 'Refunded',
  given: 'Given',
  change: 'Change',
  reference: 'Reference',
  vat: 'VAT',
  rate: 'Rate',
  net: 'Net',
  gross: 'Gross',
  tax_id: 'Tax ID',
  scan_qr: 'Scan for your digital receipt',
  print: 'Print',
  by_hand: '{label} (refund by hand)',
  not_found: 'This receipt does not exist. Check the link or ask at the counter.',
  shift_report: 'CASH-UP PER CASHIER',
  shift_no_cashier: 'No login',
  shift_sales: 'Revenue (sales: {n})',
  shift_tips: 'Tips',
  shift_tips_business: 'of which for the business',
  shift_discounts: 'Discounts',
  shift_cash_taken: '+ Cash taken',
  shift_cash_tips: '+ Cash tips',
  shift_count: 'Count {time}',
  shift_float: 'Opening float',
  shift_totals: 'TOTAL',
  x_report: 'X REPORT',
  z_report: 'Z REPORT {n}',
  from: 'From',
  to: 'To',
  first_period: 'since the first sale',
  sales: 'Sales ({n})',
  refunds: 'Refunds ({n})',
  vat_by_rate: 'VAT per rate',
  cash: 'CASH',
  opening_float: 'Opening float',
  cash_sales: '+ Cash sales',
  cash_refunds: '- Cash refunds',
  payouts: '- Payouts',
  pay_ins: '+ Pay-ins',
  expected: '= Expected',
  counted: 'Counted',
  difference: 'Difference',
  next_float: 'Next opening float',
  taken_out: 'Taken out',
  pending: '{n} payment(s) still pending',
  test_title: 'Printer test',
  test_paper: 'Paper {mm} mm, {cols} columns',
  test_profile: 'Profile {model}',
  provider_cash: 'Cash',
  provider_fake_card: 'Card (demo)',
  provider_sumup_solo: 'Card (SumUp)',
  provider_sumup_tap: 'Card (SumUp Tap to Pay)',
  provider_voucher: 'Voucher',
  tip: 'of which tip',
  tips: 'Tips',
  voucher_sold: 'Voucher {code}',
  voucher_left: 'Voucher {code}, {amount} left',
  vouchers_sold: 'Multi-purpose vouchers sold',
  vouchers_redeemed: 'Vouchers redeemed',
  default_footer: 'Thank you for your visit!',
  till_name: 'Till {n}',
  tse_title: 'TSE data',
  tse_failed: 'TSE failed',
  tse_failed_note: 'This receipt is not signed: the TSE did not answer.',
  tse_serial: 'TSE serial no.',
  tse_counter: 'Signature counter',
  tse_tx: 'Transaction no.',
  tse_start: 'Start',
  tse_end: 'End',
  tse_algorithm: 'Algorithm',
  tse_time_format: 'Time format',
  tse_signature: 'Signature',
  tse_public_key: 'Public key',
  till_serial: 'Till serial no.',
  software: 'Software',
};

export type LabelKey = keyof typeof de;
export const LABELS: Record<ShopLanguage, Record<LabelKey, string>> = { de, en };

export function label(
  lang: ShopLanguage,
  key: LabelKey,
  vars: Record<string, string | number> = {},
) {
  return LABELS[lang][key].replace(/\{(\w+)\}/g, (m, k: string) =>
    k in vars ? String(vars[k]) : m,
  );
}

export function parseLanguage(v: unknown): ShopLanguage {
  return v === 'en' ? 'en' : 'de';
}

/** "12,20" (de) or "12.20" (en); negative with a minus sign. */
export function amount(cents: number, lang: ShopLanguage): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = String(Math.floor(abs / 100)).replace(
    /\B(?=(\d{3})+(?!\d))/g,
    lang === 'de' ? '.' : ',',
  );
  return `${sign}${units}${lang === 'de' ? ',' : '.'}${String(abs % 100).padStart(2, '0')}`;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', CHF: 'CHF' };

/** "12,20 €" (de) or "€12.20" (en); other currencies by their code. */
export function money(cents: number, lang: ShopLanguage, currency = 'EUR'): string {
  const sym = SYMBOLS[currency] ?? currency;
  const a = amount(cents, lang);
  if (lang === 'de' || sym.length > 1) return `${a} ${sym}`;
  return a.startsWith('-') ? `-${sym}${a.slice(1)}` : `${sym}${a}`;
}

/** "19 %", "7 %", "8,1 %" (de) / "8.1 %" (en). */
export function rate(r: number, lang: ShopLanguage): string {
  const s = Number.isInteger(r) ? String(r) : String(Math.round(r * 100) / 100);
  return `${lang === 'de' ? s.replace('.', ',') : s} %`;
}

/** Date and time on the shop's clock: "06.12.2026" / "06/12/2026" and "14:05". */
export function dateTime(iso: string, timezone: string, lang: ShopLanguage) {
  const p = localParts(iso, timezone);
  const sep = lang === 'de' ? '.' : '/';
  return { date: `${p.day}${sep}${p.month}${sep}${p.year}`, time: `${p.hour}:${p.minute}` };
}

export function providerName(id: string, lang: ShopLanguage): string {
  const key = `provider_${id}` as LabelKey;
  return key in LABELS[lang] ? LABELS[lang][key] : id;
}

/** The footer as printed: a footer still at a language's default follows the shop language. */
export function footerText(footer: string, lang: ShopLanguage): string {
  if (footer === de.default_footer || footer === en.default_footer)
    return LABELS[lang].default_footer;
  return footer;
}

/**
 * A till's name as people read it: the owner's name for it, else "Kasse 1" for the kiosk
 * screen's till, "Kasse 3" for an id like till-3 / kasse3, else "Kasse <id>".
 */
export function tillName(
  id: string,
  names: Record<string, string>,
  kioskId: string,
  lang: ShopLanguage,
): string {
  const own = names[id];
  if (own) return own;
  if (id === kioskId) return label(lang, 'till_name', { n: 1 });
  const m = /^(?:till|kasse|kiosk)[-_ ]?(\d{1,3})$/i.exec(id);
  return label(lang, 'till_name', { n: m ? Number(m[1]) : id });
}
