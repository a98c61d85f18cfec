/**
 * What a person reads when something is refused or fails: the daemon's error `code` (and its
 * params) translated through the `err.*` table, never the daemon's English `message`. An
 * unknown code falls back to a text per HTTP status; a lost connection and a bug in the page
 * get texts of their own.
 */
import { ApiRequestError } from './api.js';
import { formatMoney } from './format.js';
import {
  isMessageKey,
  lang,
  MESSAGES,
  placeholders,
  translate,
  type Lang,
  type MessageKey,
  type Notice,
  type Vars,
} from './i18n.js';

/** The parts of a refusal the translation uses (an ApiRequestError, or a WebSocket event). */
export interface Refusal {
  code: string;
  status?: number;
  field?: string;
  params?: unknown;
}

const STATUS_KEYS = new Set([400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 502, 503, 504]);

export function statusKey(status: number | undefined): MessageKey {
  if (status && STATUS_KEYS.has(status)) return `err.status.${status}` as MessageKey;
  if (status && status >= 400 && status < 500) return 'err.status.4xx';
  if (status && status >= 500) return 'err.status.5xx';
  return 'err.unexpected';
}

/**
 * Values for the `.params` texts: numbers and short strings as they are, every `x_cents`
 * also as formatted money `x` (`minimum_payment_cents: 100` → `minimum_payment: "1,00 €"`),
 * and the field as its translated label.
 */
export function refusalVars(r: Refusal, language: Lang, currency = 'EUR'): Vars {
  const vars: Vars = {};
  if (r.params && typeof r.params === 'object' && !Array.isArray(r.params)) {
    for (const [k, v] of Object.entries(r.params as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        vars[k] = v;
        if (k.endsWith('_cents')) vars[k.slice(0, -6)] = formatMoney(v, language, currency);
      } else if (typeof v === 'string' && v.length <= 80) vars[k] = v;
    }
  }
  const label = r.field ? `field.${r.field}` : '';
  if (label && isMessageKey(label)) vars.field = translate(language, label);
  return vars;
}

/** The notice for a refusal: its code's text, with params when they fill it, else by status. */
export function refusalNotice(r: Refusal, language: Lang = lang(), currency = 'EUR'): Notice {
  const base = `err.${r.code}`;
  if (!isMessageKey(base)) return { key: statusKey(r.status) };
  const detailed = `${base}.params`;
  if (isMessageKey(detailed)) {
    const vars = refusalVars(r, language, currency);
    if (placeholders(MESSAGES[language][detailed]).every((p) => p in vars))
      return { key: detailed, vars };
  }
  return { key: base };
}

/** The notice for anything a request or an action threw. */
export function errorNotice(err: unknown, language: Lang = lang(), currency = 'EUR'): Notice {
  if (!(err instanceof ApiRequestError)) return { key: 'err.unexpected' };
  if (err.code === 'network') return { key: 'err.network' };
  return refusalNotice(
    { code: err.code, status: err.status, field: err.field, params: err.params },
    language,
    currency,
  );
}

/**
 * One row of a CSV import report: by its code when the daemon names one (with the column as
 * field), else as an invalid value in that column.
 */
export function importRowNotice(e: { code?: string; field?: string; params?: unknown }): Notice {
  return refusalNotice({
    code: e.code ?? 'invalid_field',
    status: 400,
    field: e.field,
    params: e.params,
  });
}

/**
 * What to say about a print: "Beleg gedruckt", the reason by its code ("Drucker nicht
 * verbunden – Beleg als QR-Code"), or nothing at all when no printer is set up.
 */
export function printNotice(
  r: { printed: boolean; code?: string | null } | null | undefined,
): Notice | null {
  if (!r) return null;
  if (r.printed) return { key: 'receipt.printed' };
  if (r.code === 'printer_not_configured') return null;
  return refusalNotice({ code: r.code ?? 'printer_failed' });
}

/** errorNotice, translated now. */
export function errorText(err: unknown, currency = 'EUR'): string {
  const n = errorNotice(err, lang(), currency);
  return translate(lang(), n.key, n.vars);
}

/**
 * Why a payment failed or was cancelled, from the sale's stable reason_code (translated), else
 * the general sentence; the provider's English reason is never shown on the till.
 */
export function reasonText(s: { reason_code?: string | null }): string {
  const key = `reason.${s.reason_code ?? ''}`;
  return isMessageKey(key) ? translate(lang(), key) : translate(lang(), 'result.failed_reason');
}

/**
 * Why a payment provider cannot be used now (admin providers page), from its stable
 * reason_code; the daemon's English reason stays in the API and the log.
 */
export function availabilityText(p: { reason_code?: string | null }): string {
  const key = `avail.${p.reason_code ?? ''}`;
  return translate(lang(), isMessageKey(key) ? key : 'avail.unavailable');
}
