/**
 * The drawer count the Z report and the shift count take (daemon/closing/count.ts): a total, or
 * by denomination summed into cents; a total given with denominations must match their sum;
 * unknown denominations and an empty count are refused with the field at fault.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClosingError, countedCash } from '../../daemon/closing/count.js';
import { DomainError } from '../../daemon/core/errors.js';

function refused(status: number, code: string, field: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ClosingError && err instanceof DomainError, String(err));
    assert.deepEqual([err.status, err.code, err.field], [status, code, field]);
    return true;
  };
}

test('a total is taken as it is, with no denominations', () => {
  assert.deepEqual(countedCash({ counted_cents: 12345 }, 'EUR'), {
    counted: 12345,
    denominations: null,
  });
  assert.deepEqual(countedCash({ counted_cents: 0 }, 'EUR'), { counted: 0, denominations: null });
});

test('a count by denomination is summed in cents and kept', () => {
  const r = countedCash({ denominations: { '5000': 2, '200': 3, '1': 4 } }, 'EUR');
  assert.deepEqual(r, { counted: 10_604, denominations: { '5000': 2, '200': 3, '1': 4 } });
  // A matching total given too is fine.
  assert.equal(
    countedCash({ counted_cents: 10_604, denominations: r.denominations! }, 'EUR').counted,
    10_604,
  );
});

test('a total that is not the sum of the denominations is refused (422 count_mismatch)', () => {
  assert.throws(
    () => countedCash({ counted_cents: 10_000, denominations: { '5000': 1 } }, 'EUR'),
    refused(422, 'count_mismatch', 'counted_cents'),
  );
});

test('an unknown denomination or currency is refused as invalid_field on denominations', () => {
  assert.throws(
    () => countedCash({ denominations: { '300': 1 } }, 'EUR'),
    refused(400, 'invalid_field', 'denominations'),
  );
  assert.throws(
    () => countedCash({ denominations: { '100': 1 } }, 'XYZ'),
    refused(400, 'invalid_field', 'denominations'),
  );
});

test('neither a total nor denominations is refused as invalid_field on counted_cents', () => {
  assert.throws(() => countedCash({}, 'EUR'), refused(400, 'invalid_field', 'counted_cents'));
});
