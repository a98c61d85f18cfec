import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PinBusyError, PinLockout } from '../../daemon/security/pin-lockout.js';
import { ManualClock } from '../../daemon/clock.js';

test('PinLockout.begin(): free attempts, then doubling locks capped at the maximum', () => {
  const clock = new ManualClock();
  const l = new PinLockout(clock, { free: 2, baseMs: 1000, maxMs: 5000 });
  assert.equal(l.begin('a'), 0);
  assert.equal(l.remaining('a'), 1);
  assert.equal(l.begin('a'), 1000);
  assert.equal(l.lockedFor('a'), 1000);
  assert.equal(l.lockedFor('b'), 0, 'keys are independent');
  clock.advance(999);
  assert.equal(l.lockedFor('a'), 1);
  clock.advance(1);
  assert.equal(l.lockedFor('a'), 0);
  assert.equal(l.begin('a'), 2000);
  assert.equal(l.begin('a'), 4000);
  assert.equal(l.begin('a'), 5000);
  assert.equal(l.begin('a'), 5000);
  const bounded = new PinLockout(clock, { maxKeys: 2 });
  for (const k of ['x', 'y', 'z']) bounded.begin(k);
  assert.equal(bounded.remaining('x'), 3, 'oldest key dropped when full');
});

test('PinLockout.succeeded(): takes back only its own attempt; failures are forgotten an hour later', () => {
  const clock = new ManualClock();
  const l = new PinLockout(clock, { free: 3, baseMs: 1000 });
  l.begin('a');
  l.begin('a');
  l.begin('a'); // the right PIN, counted before the comparison: locks for now
  assert.equal(l.lockedFor('a'), 1000);
  l.succeeded('a');
  assert.equal(l.lockedFor('a'), 0);
  assert.equal(l.remaining('a'), 1, 'the two wrong ones stay');
  clock.advance(60 * 60_000 + 1);
  assert.equal(l.remaining('a'), 3);
});

test('PinLockout.enter(): one check per key at a time, a global cap, release frees the slot', () => {
  const l = new PinLockout(new ManualClock(), { maxConcurrent: 2 });
  const a = l.enter('a');
  assert.throws(() => l.enter('a'), PinBusyError);
  const b = l.enter('b');
  assert.throws(() => l.enter('c'), PinBusyError, 'global cap');
  a();
  a(); // twice is harmless
  const c = l.enter('c');
  assert.throws(() => l.enter('d'), PinBusyError);
  b();
  c();
  l.enter('a')();
});
