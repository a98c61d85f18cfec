/**
 * The line a sold voucher makes (daemon/checkout/cart-entry.ts voucherItem): multi-purpose
 * carries no VAT at sale whatever rate is sent, single-purpose needs one of the catalog's
 * rates (invalid_field on vat_rate otherwise), the name is trimmed with "Gutschein" as default.
 * Scans and the other cart entries run through the real module in checkout.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { voucherItem } from '../../daemon/checkout/cart-entry.js';
import { CheckoutError } from '../../daemon/checkout/errors.js';

const RATES = [0, 7, 19];

test('voucherItem: multi-purpose is sold at 0 % VAT, named Gutschein unless a name is given', () => {
  assert.deepEqual(
    voucherItem({ amount_cents: 2500, purpose: 'multi', vat_rate: 19 }, RATES, 'GSX'),
    {
      name: 'Gutschein',
      amount_cents: 2500,
      vat_rate: 0,
      code: 'GSX',
      purpose: 'multi',
    },
  );
  const named = voucherItem(
    { amount_cents: 1000, purpose: 'multi', name: '  Geburtstag  ' },
    RATES,
    'GSY',
  );
  assert.equal(named.name, 'Geburtstag');
  assert.equal(
    voucherItem({ amount_cents: 1000, purpose: 'multi', name: '   ' }, RATES, 'c').name,
    'Gutschein',
  );
});

test('voucherItem: single-purpose keeps its rate, and refuses a missing or unknown rate on vat_rate', () => {
  const single = voucherItem({ amount_cents: 1500, purpose: 'single', vat_rate: 7 }, RATES, 'GSZ');
  assert.equal(single.vat_rate, 7);
  assert.equal(single.purpose, 'single');
  for (const vat_rate of [undefined, 16]) {
    assert.throws(
      () => voucherItem({ amount_cents: 1500, purpose: 'single', vat_rate }, RATES, 'c'),
      (err: unknown) =>
        err instanceof CheckoutError &&
        err.code === 'invalid_field' &&
        err.field === 'vat_rate' &&
        err.status === 400 &&
        err.message.includes('0, 7, 19'),
    );
  }
});
