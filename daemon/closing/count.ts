/**
 * A drawer count as the Z report and the shift count take it: one total, or by denomination
 * (whose sum must match a total given too), checked into cents or refused with the field at
 * fault. Pure; ClosingError is the closing module's refusal.
 */
import { DomainError } from '../core/errors.js';
import { countDenominations, CountError } from './cash.js';

export class ClosingError extends DomainError {
  constructor(status: 400 | 404 | 409 | 422, code: string, message: string, field?: string) {
    super(status, code, message, field);
    this.name = 'ClosingError';
  }
}

export interface CountInput {
  counted_cents?: number;
  denominations?: Record<string, number>;
}

/** Counted cash in cents and the counts by denomination (null when a total was given). */
export function countedCash(
  body: CountInput,
  currency: string,
): { counted: number; denominations: Record<string, number> | null } {
  if (body.denominations !== undefined) {
    let r: { total_cents: number; counts: Record<string, number> };
    try {
      r = countDenominations(body.denominations, currency);
    } catch (err) {
      if (err instanceof CountError)
        throw new ClosingError(400, 'invalid_field', err.message, err.field);
      throw err;
    }
    if (body.counted_cents !== undefined && body.counted_cents !== r.total_cents)
      throw new ClosingError(
        422,
        'count_mismatch',
        `counted_cents (${body.counted_cents}) is not the sum of the denominations (${r.total_cents})`,
        'counted_cents',
      );
    return { counted: r.total_cents, denominations: r.counts };
  }
  if (body.counted_cents !== undefined) return { counted: body.counted_cents, denominations: null };
  throw new ClosingError(
    400,
    'invalid_field',
    'Give counted_cents or denominations',
    'counted_cents',
  );
}
