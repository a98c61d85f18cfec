import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cashSummary,
  countDenominations,
  difference,
  CountError,
} from '../../daemon/closing/cash.js';

test('cashSummary(): expected = float + cash sales − cash refunds − payouts + pay-ins', () => {
  const s = cashSummary({
    opening_float_cents: 15000,
    cash_sales_cents: 48790,
    cash_refunds_cents: 1250,
    movements: [
      { kind: 'payout', amount_cents: 2000 },
      { kind: 'payout', amount_cents: 499 },
      { kind: 'pay_in', amount_cents: 5000 },
    ],
  });
  assert.deepEqual(s, {
    opening_float_cents: 15000,
    cash_sales_cents: 48790,
    cash_refunds_cents: 1250,
    payouts_cents: 2499,
    pay_ins_cents: 5000,
    expected_cents: 15000 + 48790 - 1250 - 2499 + 5000,
  });
});

test('cashSummary(): an empty day expects exactly the float', () => {
  const s = cashSummary({
    opening_float_cents: 10000,
    cash_sales_cents: 0,
    cash_refunds_cents: 0,
    movements: [],
  });
  assert.equal(s.expected_cents, 10000);
});

test('difference(counted, expected): negative when cash is missing', () => {
  assert.equal(difference(64000, 65041), -1041);
  assert.equal(difference(65100, 65041), 59);
});

test('countDenominations(): sums notes and coins in cents', () => {
  const r = countDenominations({ '5000': 2, '2000': 3, '200': 4, '50': 3, '1': 7 }, 'EUR');
  assert.equal(r.total_cents, 10000 + 6000 + 800 + 150 + 7);
});

test('countDenominations(): refuses unknown denominations, fractions and negative counts', () => {
  assert.throws(() => countDenominations({ '300': 1 }, 'EUR'), CountError);
  assert.throws(() => countDenominations({ '100': 1.5 }, 'EUR'), /whole number/);
  assert.throws(() => countDenominations({ '100': -1 }, 'EUR'), /whole number/);
  assert.throws(() => countDenominations({ '1e2': 1 }, 'EUR'), /denomination/);
  assert.throws(() => countDenominations({ '100': 1 }, 'JPY'), /count a total/);
});
