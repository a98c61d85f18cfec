/**
 * The body of a drawer count (day closing and per-cashier count): `counted_cents` (a total) or
 * `denominations` ({value_in_cents: count}), at least one of them.
 */
import { MAX_CASH_CENTS } from '../closing/index.js';
import { fail } from '../core/errors.js';
import { intField } from './validate.js';

export function cashCount(body: Record<string, unknown>): {
  counted: number | undefined;
  denominations: Record<string, number> | undefined;
} {
  const counted = intField(body, 'counted_cents', {
    min: 0,
    max: MAX_CASH_CENTS,
    optional: true,
  });
  let denominations: Record<string, number> | undefined;
  if (body.denominations !== undefined) {
    const d = body.denominations;
    if (!d || typeof d !== 'object' || Array.isArray(d) || Object.keys(d).length > 30)
      fail(
        400,
        'invalid_field',
        'denominations must be an object {value_in_cents: count}',
        'denominations',
      );
    denominations = d as Record<string, number>;
  }
  if (counted === undefined && denominations === undefined)
    fail(
      400,
      'invalid_field',
      'Give counted_cents (a total) or denominations (a count per note and coin)',
      'counted_cents',
    );
  return { counted, denominations };
}
