import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderInfo } from '../../daemon/protocol.js';
import {
  missingCents,
  payButtonState,
  payableProviders,
  payPlan,
} from '../../kiosk-ui/src/lib/payment.js';

const card: ProviderInfo = {
  id: 'fake_card',
  label: 'Card',
  available: true,
  minimum_payment_cents: 100,
  minimum_topup_barcode: 'VERSCHENKT-1C',
};
const solo: ProviderInfo = {
  id: 'sumup_solo',
  label: 'SumUp Solo',
  available: true,
  minimum_payment_cents: 100,
};
const cash: ProviderInfo = { id: 'cash', label: 'Bar', available: true, minimum_payment_cents: 0 };

test('missingCents(total, minimum) is the difference below the minimum, else 0', () => {
  assert.equal(missingCents(65, 100), 35);
  assert.equal(missingCents(100, 100), 0);
  assert.equal(missingCents(250, 100), 0);
});

test('payButtonState: below the minimum with a top-up barcode → hint and still pressable', () => {
  const s = payButtonState(card, 65);
  assert.equal(s.missing_cents, 35);
  assert.equal(s.can_top_up, true);
  assert.equal(s.enabled, true);
});

test('payButtonState: below the minimum without a top-up product → hint and disabled', () => {
  const s = payButtonState(solo, 99);
  assert.equal(s.missing_cents, 1);
  assert.equal(s.can_top_up, false);
  assert.equal(s.enabled, false);
});

test('payButtonState: at or above the minimum → no hint', () => {
  assert.equal(payButtonState(card, 100).missing_cents, 0);
  assert.equal(payButtonState(card, 100).enabled, true);
  assert.equal(payButtonState(cash, 1).missing_cents, 0);
});

test('payButtonState: an empty cart shows no hint and cannot pay', () => {
  const s = payButtonState(card, 0);
  assert.equal(s.missing_cents, 0);
  assert.equal(s.enabled, false);
});

test('payButtonState: busy or unavailable providers cannot be pressed', () => {
  assert.equal(payButtonState(card, 500, true).enabled, false);
  assert.equal(payButtonState({ ...card, available: false }, 500).enabled, false);
});

test('payableProviders keeps the available ones in order', () => {
  const list = payableProviders([cash, { ...solo, available: false, reason: 'no key' }, card]);
  assert.deepEqual(
    list.map((p) => p.id),
    ['cash', 'fake_card'],
  );
});

test('payPlan: what a pay button does — top up, then checkout, the cash dialog or the voucher part', () => {
  const voucher: ProviderInfo = {
    id: 'voucher',
    label: 'Gutschein',
    available: true,
    minimum_payment_cents: 0,
  };
  assert.deepEqual(payPlan(card, 250), { top_up_cents: 0, then: 'checkout' });
  assert.deepEqual(payPlan(card, 65), { top_up_cents: 35, then: 'checkout' });
  // Below the minimum without a top-up barcode, busy, or unavailable: nothing.
  assert.equal(payPlan(solo, 65), null);
  assert.equal(payPlan(card, 250, true), null);
  assert.equal(payPlan({ ...card, available: false }, 250), null);
  // Cash asks what the customer gives; below zero (a deposit return) it pays out at once.
  assert.deepEqual(payPlan(cash, 250), { top_up_cents: 0, then: 'cash' });
  assert.deepEqual(payPlan(cash, -25), { top_up_cents: 0, then: 'checkout' });
  assert.equal(payPlan(card, -25), null);
  assert.equal(payPlan(cash, 0), null);
  // A voucher needs its code: the part dialog.
  assert.deepEqual(payPlan(voucher, 1200), { top_up_cents: 0, then: 'voucher' });
});
