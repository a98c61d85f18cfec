import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffDelay,
  stateAfterFailure,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  OFFLINE_AFTER_ATTEMPTS,
} from '../../kiosk-ui/src/lib/backoff.js';

test('backoffDelay grows exponentially up to the cap (upper bound of the jitter)', () => {
  const top = () => 1;
  assert.equal(backoffDelay(0, top), BACKOFF_BASE_MS);
  assert.equal(backoffDelay(1, top), BACKOFF_BASE_MS * 2);
  assert.equal(backoffDelay(3, top), BACKOFF_BASE_MS * 8);
  assert.equal(backoffDelay(30, top), BACKOFF_CAP_MS);
});

test('backoffDelay jitters but never below half the base delay', () => {
  assert.equal(
    backoffDelay(5, () => 0),
    BACKOFF_BASE_MS / 2,
  );
  assert.equal(
    backoffDelay(5, () => 0.5),
    Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 32) / 2,
  );
});

test('stateAfterFailure: reconnecting at first, offline after repeated failures', () => {
  assert.equal(stateAfterFailure(1), 'reconnecting');
  assert.equal(stateAfterFailure(OFFLINE_AFTER_ATTEMPTS - 1), 'reconnecting');
  assert.equal(stateAfterFailure(OFFLINE_AFTER_ATTEMPTS), 'offline');
});
