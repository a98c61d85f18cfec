/**
 * The catalog's in-memory lookups (daemon/catalog/product-index.ts): a scan finds a UPC-A by
 * its EAN-13 form and back, a replaced or removed product leaves no stale barcode (and never
 * drops one another product holds), the admin search sorts in German and matches name, barcode
 * and category, and the CSV import's name lookups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProductIndex } from '../../daemon/catalog/product-index.js';
import type { Product } from '../../daemon/protocol.js';
import { testProduct } from '../helpers/products.js';

function product(
  id: string,
  name: string,
  barcode: string | null,
  extra: Partial<Product> = {},
): Product {
  return testProduct(id, { name, barcode, ...extra });
}

test('a scan finds a product by its barcode, a UPC-A by its EAN-13 form and back', () => {
  const upc = product('p1', 'Cola', '012345678905');
  const ean = product('p2', 'Wasser', '0400000000017');
  const idx = new ProductIndex([upc, ean]);
  assert.equal(idx.size, 2);
  assert.equal(idx.byCode('012345678905'), upc);
  assert.equal(idx.byCode('0012345678905'), upc, 'EAN-13 spelling of a stored UPC-A');
  assert.equal(idx.byCode('400000000017'), ean, 'UPC-A spelling of a stored EAN-13');
  assert.equal(idx.withBarcode('0012345678905'), undefined, 'withBarcode is exact');
  assert.equal(idx.byCode('999'), undefined);
});

test("replace and remove keep the barcode index in step, never dropping another product's code", () => {
  const a = product('a', 'A', '111');
  const idx = new ProductIndex([a]);
  const a2 = { ...a, barcode: '222' };
  idx.replace(a, a2);
  assert.equal(idx.byCode('111'), undefined, 'the old barcode is gone');
  assert.equal(idx.byCode('222'), a2);
  assert.equal(idx.get('a'), a2);
  // The code 222 moves to b (a newer write); removing the stale a2 must not unlist b.
  const b = product('b', 'B', '222');
  idx.add(b);
  idx.remove(a2);
  assert.equal(idx.byCode('222'), b);
  assert.equal(idx.has('a'), false);
  assert.deepEqual(idx.ids(), ['b']);
  idx.reset([a]);
  assert.deepEqual([idx.ids(), idx.byCode('222'), idx.byCode('111')], [['a'], undefined, a]);
});

test('search: German order; the needle matches name, barcode or category, case-insensitively', () => {
  const idx = new ProductIndex([
    product('z', 'Zitrone', '5000', { category: 'Obst' }),
    product('o', 'Öl', '7000'),
    product('a', 'Apfel', '6000', { category: 'Obst' }),
  ]);
  assert.deepEqual(
    idx.search().map((p) => p.name),
    ['Apfel', 'Öl', 'Zitrone'],
  );
  assert.deepEqual(
    idx.search('OBST').map((p) => p.id),
    ['a', 'z'],
  );
  assert.deepEqual(
    idx.search('öl').map((p) => p.id),
    ['o'],
  );
  assert.deepEqual(
    idx.search('700').map((p) => p.id),
    ['o'],
  );
});

test('name lookups and deposit holders', () => {
  const deposit = product('d', 'Pfand', null);
  const withCode = product('x', 'Brezel', '123');
  const noCode = product('y', 'Brezel', null);
  const bottle = product('b', 'Bier', '9', { deposit_product_id: 'd' });
  const idx = new ProductIndex([deposit, withCode, noCode, bottle]);
  assert.equal(idx.byName('Brezel'), withCode);
  assert.equal(idx.byNameWithoutBarcode('Brezel'), noCode);
  assert.equal(idx.byNameWithoutBarcode('Bier'), undefined);
  assert.deepEqual(idx.depositHolders('d'), [bottle]);
  assert.deepEqual(idx.depositHolders('b'), []);
});
