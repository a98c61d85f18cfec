/**
 * The customer display's projection copies only what customers may see: discounts
 * (`cart.discounts`, optional), line kinds, split payments' progress; never the cashier or
 * provider data, whatever the cart or sale carries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayState, paidView } from '../../daemon/display/projection.js';
import type { Cart, Sale } from '../../daemon/protocol.js';

const shop = { shop_name: 'Laden', logo_url: null, language: 'de' as const, currency: 'EUR' };
const l = (id: string, name: string, cents: number, extra = {}) => ({
  line_id: id,
  product_id: `p_${id}`,
  barcode: '4000000000006',
  name,
  unit_price_cents: cents,
  vat_rate: 19,
  quantity: 1,
  line_total_cents: cents,
  ...extra,
});

test('cart with discounts and deposit lines; an old cart without discounts', () => {
  const cart = {
    terminal_id: 't',
    lines: [l('a', 'Saft', 300, { discount_cents: 30 }), l('b', 'Pfand', 25, { kind: 'deposit' })],
    discounts: [
      { id: 'd1', line_id: 'a', percent: 10, amount_cents: 30, preset: 'staff', reason: 'Chef' },
    ],
    discount_cents: 30,
    total_cents: 295,
    item_count: 2,
    last_line_id: 'b',
    version: 3,
    pending_sale_id: null,
    updated_at: '',
  } as unknown as Cart;
  const s = displayState('t', shop, cart, null, null);
  assert.equal(s.mode, 'cart');
  assert.deepEqual(s.discounts, [{ line_name: 'Saft', percent: 10, amount_cents: 30 }]);
  assert.equal(s.discount_cents, 30);
  assert.deepEqual(
    s.lines.map((x) => [x.name, x.kind, x.discount_cents]),
    [
      ['Saft', 'product', 30],
      ['Pfand', 'deposit', 0],
    ],
  );
  const text = JSON.stringify(s);
  for (const secret of ['Chef', 'staff', 'barcode', 'p_a', 'vat_rate'])
    assert.ok(!text.includes(secret), secret);
  const old = displayState(
    't',
    shop,
    { ...cart, discounts: undefined, discount_cents: undefined } as Cart,
    null,
    null,
  );
  assert.deepEqual(old.discounts, []);
  assert.equal(old.discount_cents, 0);
});

test('a split sale under way shows paid so far and the rest; paid view sums the cash parts', () => {
  const sale = {
    id: 's',
    number: 7,
    terminal_id: 't',
    provider: 'cash',
    state: 'open',
    lines: [l('a', 'Torte', 2000)],
    total_cents: 2000,
    tendered_cents: null,
    change_cents: null,
    cashier: 'Anna Geheim',
    payment: { reader_id: 'rdr_secret' },
    paid_cents: 1500,
    remaining_cents: 500,
    tip_cents: 100,
    payments: [
      {
        provider: 'voucher',
        amount_cents: 1000,
        tip_cents: 0,
        tendered_cents: null,
        change_cents: null,
      },
      {
        provider: 'cash',
        amount_cents: 500,
        tip_cents: 0,
        tendered_cents: 1000,
        change_cents: 500,
      },
      {
        provider: 'fake_card',
        amount_cents: 500,
        tip_cents: 100,
        tendered_cents: null,
        change_cents: null,
      },
    ],
  } as unknown as Sale;
  const s = displayState('t', shop, null, sale, null);
  assert.equal(s.mode, 'paying');
  assert.equal(s.paid_so_far_cents, 1500);
  assert.equal(s.remaining_cents, 500);
  const paid = paidView(sale, { url: 'http://x/r/tok', qr_svg: '<svg/>' });
  assert.equal(paid.tendered_cents, 1000);
  assert.equal(paid.change_cents, 500);
  assert.equal(paid.tip_cents, 100);
  assert.equal(paid.payments.length, 3);
  const text = JSON.stringify([s, paid]);
  for (const secret of ['Anna', 'rdr_secret', 'barcode']) assert.ok(!text.includes(secret), secret);
  // Without a cash part nothing was "given".
  const card = paidView({ ...sale, payments: undefined, provider: 'fake_card' } as Sale, {
    url: 'u',
    qr_svg: 's',
  });
  assert.equal(card.tendered_cents, null);
  assert.equal(card.change_cents, null);
});
