/**
 * The till's split payment (kiosk-ui/src/lib/split.ts, pos-store.ts): a part's request from
 * what the cashier entered, "Stimmt so", tips, vouchers; a scanned voucher code opens the part
 * dialog instead of "unknown barcode"; an open sale is not final.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partRequest, tipOf } from '../../kiosk-ui/src/lib/split.js';
import { isFinal, payBackOf } from '../../kiosk-ui/src/lib/sale.js';
import * as store from '../../kiosk-ui/src/pos/pos-store.js';
import type { Sale } from '../../daemon/protocol.js';

const base = { remaining: 2500, tip: 0, given: null, keep: false, code: '' };

test('partRequest: amounts within what remains; card tips; cash given and "Stimmt so"; voucher code', () => {
  assert.deepEqual(partRequest({ ...base, provider: 'fake_card', amount: 1000, tip: 100 }), {
    provider: 'fake_card',
    amount_cents: 1000,
    tip_cents: 100,
  });
  assert.equal(partRequest({ ...base, provider: 'cash', amount: 2501 }), null, 'more than remains');
  assert.equal(partRequest({ ...base, provider: 'cash', amount: null }), null);
  assert.deepEqual(
    partRequest({ ...base, provider: 'cash', amount: 500, given: 550, keep: true }),
    { provider: 'cash', amount_cents: 500, tendered_cents: 550, tip_cents: 50 },
  );
  assert.deepEqual(
    partRequest({ ...base, provider: 'cash', amount: 500, given: 1000, keep: false }),
    { provider: 'cash', amount_cents: 500, tendered_cents: 1000 },
  );
  assert.equal(partRequest({ ...base, provider: 'cash', amount: 500, given: 400 }), null);
  assert.equal(partRequest({ ...base, provider: 'voucher', amount: 1000 }), null, 'no code');
  assert.deepEqual(
    partRequest({ ...base, provider: 'voucher', amount: 1000, code: ' gs2345678abc ' }),
    { provider: 'voucher', amount_cents: 1000, voucher_code: 'GS2345678ABC' },
  );
  // Left at all that remains, a voucher pays what it holds (the daemon decides).
  assert.deepEqual(partRequest({ ...base, provider: 'voucher', amount: 2500, code: 'GSX' }), {
    provider: 'voucher',
    voucher_code: 'GSX',
  });
  assert.equal(tipOf(1000, 10), 100);
  assert.equal(tipOf(999, 5), 50);
});

test('a scanned voucher code opens the part dialog on voucher; other unknown codes toast', () => {
  const s0 = store.initialState({ id: 'till-a', own: 'till-a', watching: false });
  const withCart = {
    ...s0,
    cart: {
      terminal_id: 'till-a',
      lines: [],
      total_cents: 900,
      item_count: 1,
      last_line_id: null,
      version: 1,
      pending_sale_id: null,
      updated_at: '2026-01-01T10:00:00.000Z',
    },
  };
  const v = store.unknownBarcode(withCart, 'GS2345678ABC').state;
  assert.deepEqual(v.split, { mode: 'pay', initial: 'voucher', code: 'GS2345678ABC' });
  assert.equal(v.toasts.length, 0);
  const other = store.unknownBarcode(withCart, '4000000000000').state;
  assert.equal(other.split, null);
  assert.equal(other.toasts.length, 1);
  // Nothing to pay: a voucher code is just an unknown barcode.
  assert.equal(store.unknownBarcode(s0, 'GS2345678ABC').state.split, null);
});

test('an open sale is not final (the payment screen goes on); pay back sums refunded parts by method', () => {
  assert.equal(isFinal('open'), false);
  assert.equal(isFinal('pending'), false);
  assert.equal(isFinal('cancelled'), true);
  const part = (provider: string, amount: number, tip: number, method: string) => ({
    id: 'p',
    provider,
    amount_cents: amount,
    tip_cents: tip,
    state: 'refunded' as const,
    tendered_cents: null,
    change_cents: null,
    payment: { refund_method: method },
    created_at: '',
  });
  const sale = {
    payments: [part('cash', 300, 20, 'cash'), part('fake_card', 200, 0, 'manual')],
  } as unknown as Sale;
  assert.deepEqual(payBackOf(sale), { cash: 320, manual: 200 });
});
