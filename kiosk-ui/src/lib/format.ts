/**
 * Money and time formatting. Money is integer cents on the wire; it is shown with
 * Intl.NumberFormat for the UI language. Times are shown in the daemon's TIMEZONE (the
 * snapshot carries it), never the browser's own zone: a remote laptop may sit elsewhere.
 */
import type { Lang } from './i18n.js';

const LOCALES: Record<Lang, string> = { de: 'de-DE', en: 'en-GB' };
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function localeFor(lang: Lang): string {
  return LOCALES[lang];
}

/** 1234 → "12,34 €" (de) or "€12.34" (en). */
export function formatMoney(cents: number, lang: Lang, currency = 'EUR'): string {
  const key = `${lang}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency });
    moneyFormats.set(key, f);
  }
  return f.format(cents / 100);
}

/** The hint under a pay button: "(+0,35 €)". */
export function formatTopupHint(missingCents: number, lang: Lang, currency = 'EUR'): string {
  return `(+${formatMoney(missingCents, lang, currency)})`;
}

/** "14:05" in the given IANA zone. */
export function formatTime(iso: string, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

/** "21.11.2026, 14:05" in the given IANA zone. */
export function formatDateTime(iso: string, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

/** Today's calendar date (YYYY-MM-DD) in the given zone: the sales page's default day. */
export function isoDateIn(date: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone,
  }).format(date);
}

/** A from–to range of ISO dates (YYYY-MM-DD) is usable when both are set and from ≤ to. */
export function dateRangeValid(from: string, to: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
}

/** Parses "12,50" / "12.50" / "12" (euros) into cents; null when it is not an amount. */
export function parseEuroInput(text: string): number | null {
  const t = text.trim().replace(/\s|€/g, '');
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(frac);
}

/** Cents → "12,50" (de) or "12.50" (en) for an editable input. */
export function centsToInput(cents: number, lang: Lang): string {
  const s = (cents / 100).toFixed(2);
  return lang === 'de' ? s.replace('.', ',') : s;
}
