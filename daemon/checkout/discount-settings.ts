/**
 * Settings section `discounts`: the owner's named presets (staff, happy hour) and the limit
 * above which a discount needs a manager logged in on the till.
 */
import { DomainError } from '../core/errors.js';
import type { DiscountPreset, DiscountSettings } from '../protocol.js';

export const DISCOUNTS_SECTION = 'discounts';
export const DISCOUNTS_DEFAULTS: DiscountSettings = { presets: [], manager_above_percent: null };
export const MAX_PRESETS = 12;

const bad = (message: string, field: string): never => {
  throw new DomainError(400, 'invalid_field', message, field);
};

/** A percent as a discount takes it: above 0, at most 100, at most two decimals. */
export function validPercent(v: unknown): v is number {
  return (
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v > 0 &&
    v <= 100 &&
    Math.abs(v * 100 - Math.round(v * 100)) < 1e-9
  );
}

function preset(raw: unknown, seen: Set<string>): DiscountPreset {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    bad('a preset is an object', 'presets');
  const p = raw as Record<string, unknown>;
  for (const key of Object.keys(p))
    if (!['id', 'name', 'percent', 'amount_cents', 'cart'].includes(key))
      throw new DomainError(400, 'unknown_field', `Unknown field "${key}"`, key);
  if (typeof p.id !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(p.id))
    bad('id must be 1-32 of a-z 0-9 _ -', 'id');
  const id = p.id as string;
  if (seen.has(id)) bad(`preset ${id} twice`, 'id');
  seen.add(id);
  const name = typeof p.name === 'string' ? p.name.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > 40 || /[\u0000-\u001f\u007f]/.test(name))
    bad('name must be 1-40 characters', 'name');
  const percent = p.percent ?? null;
  const amount = p.amount_cents ?? null;
  if ((percent === null) === (amount === null)) bad('give percent or amount_cents', 'percent');
  if (percent !== null && !validPercent(percent))
    bad('percent must be above 0, at most 100', 'percent');
  if (
    amount !== null &&
    (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || amount > 10_000_000)
  )
    bad('amount_cents must be an integer from 1 to 10000000', 'amount_cents');
  if (typeof p.cart !== 'boolean') bad('cart must be true or false', 'cart');
  return {
    id,
    name,
    percent: percent as number | null,
    amount_cents: amount as number | null,
    cart: p.cart as boolean,
  };
}

export function validateDiscountSettings(body: Record<string, unknown>): DiscountSettings {
  for (const key of Object.keys(body))
    if (!['presets', 'manager_above_percent'].includes(key))
      throw new DomainError(400, 'unknown_field', `Unknown field "${key}"`, key);
  if (!Array.isArray(body.presets) || body.presets.length > MAX_PRESETS)
    bad(`presets must be a list of at most ${MAX_PRESETS}`, 'presets');
  const seen = new Set<string>();
  const presets = (body.presets as unknown[]).map((p) => preset(p, seen));
  const limit = body.manager_above_percent ?? null;
  if (
    limit !== null &&
    (typeof limit !== 'number' || limit < 0 || limit > 100 || !Number.isFinite(limit))
  )
    bad('manager_above_percent must be 0-100 or null', 'manager_above_percent');
  return { presets, manager_above_percent: limit as number | null };
}
