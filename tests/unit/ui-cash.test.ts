import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  changeDue,
  pressKey,
  usefulNotes,
  QUICK_NOTES_CENTS,
} from '../../kiosk-ui/src/lib/cash.js';

test('pressKey types cents like a till: 1, 2, 5, 0 → 12,50', () => {
  let v = 0;
  for (const k of ['1', '2', '5', '0'] as const) v = pressKey(v, k);
  assert.equal(v, 1250);
  assert.equal(pressKey(v, '00'), 125000);
  assert.equal(pressKey(v, 'back'), 125);
  assert.equal(pressKey(v, 'clear'), 0);
  assert.equal(pressKey(0, '0'), 0);
});

test('pressKey refuses amounts beyond 100,000 €', () => {
  assert.equal(pressKey(10_000_000, '1'), 10_000_000);
  assert.equal(pressKey(1_000_000, '00'), 1_000_000);
});

test('changeDue(total, tendered) is null until the amount covers the total', () => {
  assert.equal(changeDue(820, 500), null);
  assert.equal(changeDue(820, 820), 0);
  assert.equal(changeDue(820, 1000), 180);
});

test('quick notes are 5, 10, 20, 50 €; useful ones cover the total', () => {
  assert.deepEqual([...QUICK_NOTES_CENTS], [500, 1000, 2000, 5000]);
  assert.deepEqual(usefulNotes(820), [1000, 2000, 5000]);
  assert.deepEqual(usefulNotes(6000), []);
});
