import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { isPosRequest, needsCashier, terminalOfPath } from '../../daemon/security/pos-policy.js';
import { requireRole } from '../../daemon/security/roles.js';
import { PinLockout } from '../../daemon/security/pin-lockout.js';
import { HttpError } from '../../daemon/http/errors.js';
import { ManualClock } from '../../daemon/clock.js';

test('isPosRequest(method, path): the POS page and every API path except the public list', () => {
  for (const [m, p] of [
    ['GET', '/pos'],
    ['GET', '/pos/'],
    ['GET', '/api/v1/products'],
    ['GET', '/api/v1/products/p1/image'],
    ['POST', '/api/v1/terminals/t1/cart/items'],
    ['GET', '/api/v1/payments/providers/available'],
    ['GET', '/api/v1/scanner/pairing-secret'],
    ['POST', '/api/v1/sales/s1/cancel'],
    ['GET', '/api/v1/some-future-route'],
    ['POST', '/api/v1/health'],
    ['GET', '/api/v1/administrator'],
  ])
    assert.ok(isPosRequest(m, p), `${m} ${p}`);
  for (const [m, p] of [
    ['GET', '/api/v1/health'],
    ['GET', '/api/v1/admin/session'],
    ['POST', '/api/v1/admin/login'],
    ['GET', '/api/internal/allowed-ips'],
    ['POST', '/api/v1/scanner/scan'],
    ['GET', '/api/v1/scanner/validate-token'],
    ['GET', '/api/v1/payments/sumup_tap/callback'],
    ['GET', '/admin'],
    ['GET', '/assets/app-ABCDEFGH.js'],
    ['GET', '/r/abc'],
    ['GET', '/posx'],
  ])
    assert.ok(!isPosRequest(m, p), `${m} ${p}`);
});

test('needsCashier(method, path): till writes only, never the login itself', () => {
  assert.ok(needsCashier('POST', '/api/v1/terminals/t1/cart/items'));
  assert.ok(needsCashier('DELETE', '/api/v1/terminals/t1/cart'));
  assert.ok(needsCashier('POST', '/api/v1/terminals/t1/checkout'));
  assert.ok(needsCashier('POST', '/api/v1/sales/s1/cancel'));
  assert.ok(!needsCashier('GET', '/api/v1/terminals/t1/cart'));
  assert.ok(!needsCashier('POST', '/api/v1/terminals/t1/cashier/login'));
  assert.ok(!needsCashier('POST', '/api/v1/terminals/t1/cashier/logout'));
  assert.ok(!needsCashier('POST', '/api/v1/products'));
  assert.equal(terminalOfPath('/api/v1/terminals/till-2/cart'), 'till-2');
  assert.equal(terminalOfPath('/api/v1/sales/x'), null);
});

function ctx(state: Record<string, unknown>): Context {
  return { state } as unknown as Context;
}

const throwsHttp = (fn: () => unknown, status: number, code: string) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof HttpError && e.status === status && e.code === code,
  );

test("requireRole(ctx, 'manager')", () => {
  const inForce = { isAdmin: () => false, cashierRequired: true };
  const manager = { id: 'e1', name: 'M', role: 'manager', terminal_id: 't' };
  const cashier = { id: 'e2', name: 'C', role: 'cashier', terminal_id: 't' };
  // PIN login not in force: the whitelist is the only gate.
  assert.equal(
    requireRole(ctx({ security: { isAdmin: () => false, cashierRequired: false } }), 'manager'),
    null,
  );
  throwsHttp(
    () => requireRole(ctx({ security: inForce }), 'manager'),
    401,
    'cashier_login_required',
  );
  throwsHttp(
    () => requireRole(ctx({ security: inForce, cashier }), 'manager'),
    403,
    'role_required',
  );
  assert.equal(requireRole(ctx({ security: inForce, cashier }), 'cashier'), cashier);
  assert.equal(requireRole(ctx({ security: inForce, cashier: manager }), 'manager'), manager);
  assert.equal(requireRole(ctx({ security: inForce, cashier: manager }), 'cashier'), manager);
  // The owner's admin credentials always pass.
  assert.equal(
    requireRole(ctx({ security: { ...inForce, isAdmin: () => true } }), 'manager'),
    null,
  );
  assert.equal(requireRole(ctx({ security: inForce, admin: { via: 'bearer' } }), 'manager'), null);
});

test('PinLockout: free attempts, then doubling locks capped at the maximum', () => {
  const clock = new ManualClock();
  const l = new PinLockout(clock, { free: 2, baseMs: 1000, maxMs: 5000 });
  assert.equal(l.fail('a'), 0);
  assert.equal(l.remaining('a'), 1);
  assert.equal(l.fail('a'), 1000);
  assert.equal(l.lockedFor('a'), 1000);
  assert.equal(l.lockedFor('b'), 0, 'keys are independent');
  clock.advance(999);
  assert.equal(l.lockedFor('a'), 1);
  clock.advance(1);
  assert.equal(l.lockedFor('a'), 0);
  assert.equal(l.fail('a'), 2000);
  assert.equal(l.fail('a'), 4000);
  assert.equal(l.fail('a'), 5000);
  assert.equal(l.fail('a'), 5000);
  l.reset('a');
  assert.equal(l.lockedFor('a'), 0);
  assert.equal(l.remaining('a'), 2);
  const bounded = new PinLockout(clock, { maxKeys: 2 });
  for (const k of ['x', 'y', 'z']) bounded.fail(k);
  assert.equal(bounded.remaining('x'), 3, 'oldest key dropped when full');
});
