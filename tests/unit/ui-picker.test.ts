/** The till's picker rules (kiosk-ui/src/pos/pos-derived.ts): tabs, tiles of a tab, Enter. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Category, Product } from '../../daemon/protocol.js';
import { entryAction, pickerTabs, tilesFor } from '../../kiosk-ui/src/pos/pos-derived.js';
import { moved } from '../../kiosk-ui/src/lib/reorder.js';
import { quantityKey } from '../../kiosk-ui/src/lib/cash.js';

const cat = (id: string, name: string, position: number): Category => ({
  id,
  name,
  color: '#123456',
  position,
  icon: null,
  image_url: null,
  created_at: '',
  updated_at: '',
});
const prd = (id: string, name: string, category_id: string | null): Product => ({
  id,
  barcode: null,
  name,
  price_cents: 100,
  category_id,
  category: null,
  deposit_product_id: null,
  vat_rate: 19,
  active: true,
  image_url: null,
  created_at: '',
  updated_at: '',
});

const cats = [cat('c2', 'Snacks', 1), cat('c1', 'Getränke', 0), cat('c3', 'Leer', 2)];
const products = [prd('a', 'Bier', 'c1'), prd('b', 'Brezel', 'c2'), prd('c', 'Wasser', 'c1')];

test('tabs: quick-keys pages with products, categories in order that hold products, all', () => {
  const tabs = pickerTabs(
    cats,
    [
      { name: 'Favoriten', product_ids: ['c', 'a'] },
      { name: 'Leer', product_ids: [] },
    ],
    products,
  );
  assert.deepEqual(
    tabs.map((t) => t.id),
    ['quick:0', 'c1', 'c2', 'all'],
  );
  assert.deepEqual(
    pickerTabs(cats, [], products).map((t) => t.id),
    ['c1', 'c2', 'all'],
  );
});

test('tiles: a quick-keys page keeps the owner order and skips products not for sale', () => {
  const quick = [{ name: 'F', product_ids: ['c', 'gone', 'a'] }];
  const [q, c1, , all] = pickerTabs(cats, quick, products);
  assert.deepEqual(
    tilesFor(q, products, quick).map((p) => p.id),
    ['c', 'a'],
  );
  assert.deepEqual(
    tilesFor(c1, products, quick).map((p) => p.id),
    ['a', 'c'],
  );
  assert.equal(tilesFor(all, products, quick).length, 3);
});

test('Enter: digits are a barcode, one search match is added, other text a Code 128 label', () => {
  assert.deepEqual(entryAction(' 4006381333931 ', products), { barcode: '4006381333931' });
  assert.deepEqual(entryAction('bier', [products[0]]), { product_id: 'a' });
  assert.deepEqual(entryAction('VERSCHENKT-1C', []), { barcode: 'VERSCHENKT-1C' });
  assert.equal(entryAction('br e', products), null, 'several matches and spaces: nothing');
  assert.equal(entryAction('   ', products), null);
});

test('reorder: one place up or down, ends stay', () => {
  assert.deepEqual(moved(['a', 'b', 'c'], 1, -1), ['b', 'a', 'c']);
  assert.deepEqual(moved(['a', 'b', 'c'], 1, 1), ['a', 'c', 'b']);
  assert.deepEqual(moved(['a', 'b', 'c'], 0, -1), ['a', 'b', 'c']);
  assert.deepEqual(moved(['a', 'b', 'c'], 2, 1), ['a', 'b', 'c']);
});

test('quantity keypad: digits append up to 999, back and clear', () => {
  let q = 0;
  for (const k of ['1', '2']) q = quantityKey(q, k);
  assert.equal(q, 12);
  assert.equal(quantityKey(999, '9'), 999, 'no fourth digit');
  assert.equal(quantityKey(123, 'back'), 12);
  assert.equal(quantityKey(123, 'C'), 0);
});
