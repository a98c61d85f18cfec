/**
 * Settings section `tips`: whether the till offers a tip step, its presets (percent of the part
 * and fixed amounts), and who tips belong to — the staff (DSFinV-K `TrinkgeldAN`, not revenue)
 * or the business (`TrinkgeldAG`, revenue taxed at the normal rate). Bad input is refused with
 * 400 and a stable code before anything is stored.
 */
import { DomainError } from '../core/errors.js';
import type { TipSettings } from '../protocol.js';
import { validPercent } from './discount-settings.js';

export const TIPS_SECTION = 'tips';
export const TIPS_DEFAULTS: TipSettings = {
  enabled: true,
  percents: [5, 10, 15],
  amounts_cents: [],
  tips_recipient: 'staff',
};
export const MAX_TIP_PRESETS = 6;
const MAX_TIP_AMOUNT_CENTS = 100_000;

const KEYS = Object.keys(TIPS_DEFAULTS);

function invalid(code: string, message: string, field: string): never {
  throw new DomainError(400, code, message, field);
}

function uniqueList<T>(v: unknown, field: string, ok: (x: unknown) => x is T): T[] {
  if (!Array.isArray(v) || v.length > MAX_TIP_PRESETS)
    invalid('invalid_tip_presets', `${field} must be a list of at most ${MAX_TIP_PRESETS}`, field);
  const list = v as unknown[];
  if (!list.every(ok))
    invalid(
      'invalid_tip_presets',
      field === 'percents'
        ? 'percents must be above 0 and at most 100 (two decimals)'
        : `amounts_cents must be whole cents from 1 to ${MAX_TIP_AMOUNT_CENTS}`,
      field,
    );
  if (new Set(list).size !== list.length)
    invalid('invalid_tip_presets', `${field} lists a value twice`, field);
  return [...(list as T[])].sort((a, b) => Number(a) - Number(b));
}

const validAmount = (x: unknown): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= MAX_TIP_AMOUNT_CENTS;

/** A PUT body merged over the current settings; only the keys it names change. */
export function validateTipSettings(
  body: Record<string, unknown>,
  current: TipSettings,
): TipSettings {
  const keys = Object.keys(body);
  if (keys.length === 0) invalid('invalid_body', 'Send at least one field to change', '');
  for (const key of keys)
    if (!KEYS.includes(key))
      throw new DomainError(400, 'unknown_field', `Unknown field "${key}"`, key);
  const next = { ...current };
  if ('enabled' in body) {
    if (typeof body.enabled !== 'boolean')
      invalid('invalid_field', 'enabled is true or false', 'enabled');
    next.enabled = body.enabled;
  }
  if ('percents' in body) next.percents = uniqueList(body.percents, 'percents', validPercent);
  if ('amounts_cents' in body)
    next.amounts_cents = uniqueList(body.amounts_cents, 'amounts_cents', validAmount);
  if ('tips_recipient' in body) {
    if (body.tips_recipient !== 'staff' && body.tips_recipient !== 'business')
      invalid(
        'invalid_tips_recipient',
        'tips_recipient is "staff" or "business"',
        'tips_recipient',
      );
    next.tips_recipient = body.tips_recipient;
  }
  return next;
}
