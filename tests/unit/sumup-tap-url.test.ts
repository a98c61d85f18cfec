import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTapUrl } from '../../daemon/payments/sumup/tap-url.js';
import { decimalAmount } from '../../daemon/payments/sumup/money.js';

test('buildTapUrl(): every parameter, in order, percent-encoded per RFC 3986', () => {
  const url = buildTapUrl({
    amountCents: 1234,
    currency: 'EUR',
    affiliateKey: 'aff-key-123',
    appId: 'com.example.pos',
    title: "Café & Bar's (Kiosk) #12",
    foreignTxId: 's_20261122_7',
    callbackUrl:
      'https://pos.example/api/v1/payments/sumup_tap/callback/s_20261122_7/tok?x=1&y=a b',
  });
  const cb =
    'https%3A%2F%2Fpos.example%2Fapi%2Fv1%2Fpayments%2Fsumup_tap%2Fcallback%2Fs_20261122_7%2Ftok%3Fx%3D1%26y%3Da%20b';
  assert.equal(
    url,
    'sumupmerchant://pay/1.0?amount=12.34&total=12.34&currency=EUR&affiliate-key=aff-key-123' +
      '&app-id=com.example.pos&title=Caf%C3%A9%20%26%20Bar%27s%20%28Kiosk%29%20%2312' +
      `&foreign-tx-id=s_20261122_7&callback=${cb}&callbacksuccess=${cb}&callbackfail=${cb}`,
  );
});

test('buildTapUrl(): no app-id parameter when none is configured', () => {
  const url = buildTapUrl({
    amountCents: 5,
    currency: 'EUR',
    affiliateKey: 'k',
    title: 'T',
    foreignTxId: 's_1',
    callbackUrl: 'http://x/',
  });
  assert.equal(
    url,
    'sumupmerchant://pay/1.0?amount=0.05&total=0.05&currency=EUR&affiliate-key=k&title=T' +
      '&foreign-tx-id=s_1&callback=http%3A%2F%2Fx%2F&callbacksuccess=http%3A%2F%2Fx%2F&callbackfail=http%3A%2F%2Fx%2F',
  );
});

test('decimalAmount(minor, currency): a dot, the currency minor unit, no float rounding', () => {
  assert.equal(decimalAmount(100, 'EUR'), '1.00');
  assert.equal(decimalAmount(1, 'GBP'), '0.01');
  assert.equal(decimalAmount(123456789, 'EUR'), '1234567.89');
  assert.equal(decimalAmount(1500, 'HUF'), '1500');
  assert.equal(decimalAmount(1500, 'CLP'), '1500');
  assert.equal(decimalAmount(1029, 'CHF'), '10.29');
});
