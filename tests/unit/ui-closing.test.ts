import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countTotal,
  denominationsBody,
  denominationsFor,
  difference,
  differenceKind,
  isNote,
  setCount,
} from '../../kiosk-ui/src/lib/closing.js';

test('countTotal(count) sums notes and coins in cents', () => {
  assert.equal(countTotal({}), 0);
  assert.equal(countTotal({ 5000: 2, 1000: 3, 200: 4, 50: 1 }), 13850);
  assert.equal(countTotal({ 1: 7, 2: 1 }), 9);
});

test('setCount(count, value, n) returns a new object, clamps, and drops zero counts', () => {
  const a = {};
  const b = setCount(a, 200, 3);
  assert.notEqual(a, b);
  assert.deepEqual(a, {});
  assert.deepEqual(b, { 200: 3 });
  assert.deepEqual(setCount(b, 200, 0), {});
  assert.deepEqual(setCount(b, 200, -1), {}, 'minus on zero stays at zero');
  assert.deepEqual(setCount(b, 50, 2.9), { 200: 3, 50: 2 });
  assert.deepEqual(setCount(b, 50, Number.NaN), { 200: 3 });
  assert.deepEqual(setCount({}, 10, 123456), { 10: 9999 });
});

test('denominationsBody(count) is what POST /closing/z takes: only counted values', () => {
  assert.deepEqual(denominationsBody({ 5000: 2, 200: 0, 50: 1 }), { '5000': 2, '50': 1 });
});

test('denominationsFor(currency) offers the daemon list; EUR has 500 € down to 1 cent', () => {
  const eur = denominationsFor('EUR');
  assert.equal(eur[0], 50000);
  assert.equal(eur.at(-1), 1);
  assert.equal(eur.length, 15);
  assert.deepEqual(denominationsFor('XXX'), []);
});

test('isNote(cents, currency): euro notes from 5 €, dollar notes from 1 $', () => {
  assert.equal(isNote(500, 'EUR'), true);
  assert.equal(isNote(200, 'EUR'), false);
  assert.equal(isNote(100, 'USD'), true);
});

test('difference(counted, expected) is negative when cash is missing', () => {
  assert.equal(difference(450, 500), -50);
  assert.equal(differenceKind(-50), 'missing');
  assert.equal(differenceKind(20), 'over');
  assert.equal(differenceKind(0), 'balanced');
});
