/**
 * CustomerDisplays projects a till's cart for its customer only while a display of that till
 * is connected (the hub's `watched`): a till without one does not pay for a projection on
 * each scan, and a display that connects later still sees the current cart (its first
 * message is `view()`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../daemon/events.js';
import { CustomerDisplays } from '../../daemon/display/index.js';
import { emptyCart, nextCart } from '../../daemon/checkout/cart-state.js';
import type { Cart, DisplayState } from '../../daemon/protocol.js';
import type { Settings } from '../../daemon/settings/index.js';

const AT = '2026-01-01T10:00:00.000Z';
const line = {
  line_id: 'l1',
  product_id: 'p1',
  barcode: '4000000000006',
  name: 'Saft',
  unit_price_cents: 250,
  vat_rate: 19,
  quantity: 2,
  line_total_cents: 500,
};

function setup(watching: Set<string>) {
  const events = new EventBus();
  const carts = new Map<string, Cart>();
  const settings = {
    section: <T>(_key: string, defaults: T): T => defaults,
  } as unknown as Settings;
  const displays = new CustomerDisplays({
    events,
    settings,
    getCart: (t) => carts.get(t) ?? null,
    pendingSale: () => null,
    shop: () => ({ shop_name: 'Laden', language: 'de', currency: 'EUR' }),
    receipt: () => ({ url: 'http://x/r/1', qr_svg: '<svg/>' }),
    watched: (t) => watching.has(t),
  });
  const shown: DisplayState[] = [];
  events.on({}, 'display.updated', ({ display }) => shown.push(display));
  displays.start();
  const change = (t: string) => {
    const cart = nextCart(emptyCart(t, AT), [line], 'l1', null, [], AT);
    carts.set(t, cart);
    events.emit('cart.updated', { cart });
  };
  return { displays, shown, change };
}

test('a cart change is projected for a till whose display is connected', () => {
  const { shown, change } = setup(new Set(['till-1']));
  change('till-1');
  assert.equal(shown.length, 1);
  assert.equal(shown[0].terminal_id, 'till-1');
  assert.equal(JSON.stringify(shown[0]).includes('Saft'), true, 'the line is on the display');
});

test('no projection for a till without a display; a display connecting later sees the cart', () => {
  const watching = new Set<string>();
  const { displays, shown, change } = setup(watching);
  change('till-2');
  assert.equal(shown.length, 0, 'nobody watches till-2');
  // The hub sends view() as a connecting display's first message.
  watching.add('till-2');
  assert.equal(JSON.stringify(displays.view('till-2')).includes('Saft'), true);
  change('till-2');
  assert.equal(shown.length, 1);
});
