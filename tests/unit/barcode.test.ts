import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  barcodeProblem,
  barcodeVariants,
  expandUpcE,
  gs1CheckDigit,
  hasValidGs1Check,
} from '../../daemon/catalog/barcode.js';
import { demoEan13, demoProducts } from '../../daemon/catalog/demo.js';

// Check digits below are from published examples (GS1 General Specifications §7.9 worked
// example 629104150021-3; well-known retail codes) and were verified by hand with the GS1
// mod-10 rule, not by the code under test.
const VALID = {
  ean13: ['4006381333931', '5901234123457', '6291041500213', '4000417025005'],
  upcA: ['036000291452', '042100005264', '012345000065'],
  ean8: ['96385074', '73513537'],
  upcE: ['04252614', '01234565'],
};

test('gs1CheckDigit(body) follows the GS1 mod-10 rule', () => {
  assert.equal(gs1CheckDigit('629104150021'), 3); // GS1 General Specifications example
  assert.equal(gs1CheckDigit('400638133393'), 1);
  assert.equal(gs1CheckDigit('03600029145'), 2);
  assert.equal(gs1CheckDigit('9638507'), 4);
  assert.equal(gs1CheckDigit('000000000000'), 0);
});

test('hasValidGs1Check() accepts valid EAN-13, UPC-A and EAN-8 and rejects every wrong digit', () => {
  for (const code of [...VALID.ean13, ...VALID.upcA, ...VALID.ean8]) {
    assert.ok(hasValidGs1Check(code), code);
    const last = Number(code.at(-1));
    for (let wrong = 0; wrong <= 9; wrong++) {
      if (wrong === last) continue;
      assert.equal(hasValidGs1Check(code.slice(0, -1) + wrong), false, `${code} → ${wrong}`);
    }
  }
});

test('expandUpcE(code) expands UPC-E to UPC-A for every compression pattern', () => {
  assert.equal(expandUpcE('04252614'), '042100005264'); // last digit 0-2
  assert.equal(expandUpcE('01234565'), '012345000065'); // last digit 5-9
  assert.equal(expandUpcE('01234531'), '012300000451'); // last digit 3
  assert.equal(expandUpcE('01234543'), '012340000053'); // last digit 4
  for (const e of ['01234531', '01234543']) assert.equal(barcodeProblem(e), null, e);
  assert.equal(expandUpcE('21234565'), null, 'number system must be 0 or 1');
  assert.equal(expandUpcE('0123456'), null);
});

test('barcodeProblem() accepts valid GTINs and CODE128 text', () => {
  for (const code of [...VALID.ean13, ...VALID.upcA, ...VALID.ean8, ...VALID.upcE]) {
    assert.equal(barcodeProblem(code), null, code);
  }
  for (const code of ['VERSCHENKT-1C', 'KAFFEE', 'A-100/7', '12345', '123456789', '1']) {
    assert.equal(barcodeProblem(code), null, code);
  }
});

test('barcodeProblem() names the wrong check digit and the expected one', () => {
  assert.match(barcodeProblem('4006381333932')!, /wrong check digit \(expected 1\)/);
  assert.match(barcodeProblem('036000291453')!, /wrong check digit \(expected 2\)/);
  assert.match(barcodeProblem('96385075')!, /neither a valid EAN-8 nor UPC-E/);
  // Valid as UPC-E only: still accepted.
  assert.equal(hasValidGs1Check('04252614'), false);
  assert.equal(barcodeProblem('04252614'), null);
});

test('barcodeProblem() refuses empty, over-long, non-printable and padded codes', () => {
  assert.match(barcodeProblem('')!, /1-64/);
  assert.match(barcodeProblem('X'.repeat(65))!, /1-64/);
  assert.match(barcodeProblem('ABC\n')!, /printable/);
  assert.match(barcodeProblem('Käse')!, /printable/);
  assert.match(barcodeProblem(' 123')!, /spaces/);
});

test('barcodeVariants() pairs a UPC-A with its EAN-13 form', () => {
  assert.deepEqual(barcodeVariants('036000291452'), ['036000291452', '0036000291452']);
  assert.deepEqual(barcodeVariants('0036000291452'), ['0036000291452', '036000291452']);
  assert.deepEqual(barcodeVariants('4006381333931'), ['4006381333931']);
  assert.deepEqual(barcodeVariants('VERSCHENKT-1C'), ['VERSCHENKT-1C']);
});

test('demo catalog: ~20 products with valid in-store EAN-13s plus the 1-cent top-up', () => {
  const products = demoProducts('VERSCHENKT-1C');
  assert.ok(products.length >= 20);
  const codes = new Set(products.map((p) => p.barcode));
  assert.equal(codes.size, products.length, 'barcodes unique');
  for (const p of products.slice(0, -1)) {
    assert.match(p.barcode, /^2\d{12}$/, 'GS1 restricted-circulation prefix 2');
    assert.equal(barcodeProblem(p.barcode), null, p.barcode);
    assert.ok(Number.isInteger(p.price_cents) && p.price_cents > 0);
  }
  const topup = products.at(-1)!;
  assert.deepEqual(
    { barcode: topup.barcode, name: topup.name, price_cents: topup.price_cents },
    { barcode: 'VERSCHENKT-1C', name: 'Verschenkt', price_cents: 1 },
  );
  assert.equal(demoEan13(1), '2100000000012');
});
