import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { requireRole } from '../../daemon/security/roles.js';
import { POLICIES, STATIC_PAGES, policyOf } from '../../daemon/security/policy.js';
import { ROUTE_KEY } from '../../daemon/http/router.js';
import { DomainError } from '../../daemon/core/errors.js';
import { startDaemon } from '../helpers/daemon.js';

interface Layer {
  path: string;
  methods: string[];
  stack: Array<{ [ROUTE_KEY]?: string }>;
}

test('policy table: every mounted route has a policy, every policy a route', async () => {
  const d = await startDaemon();
  try {
    const layers = d.app.router.stack as unknown as Layer[];
    const mounted = new Set<string>();
    for (const layer of layers) {
      const key = layer.stack[0]?.[ROUTE_KEY];
      assert.ok(
        key,
        `route ${layer.methods.join(',')} ${layer.path} was not mounted by mountRoutes`,
      );
      mounted.add(key);
      assert.ok(policyOf(key), `route ${key} has no entry in daemon/security/policy.ts`);
    }
    assert.ok(mounted.size > 50, `only ${mounted.size} routes found`);
    for (const key of Object.keys(POLICIES)) {
      if (STATIC_PAGES.includes(key)) continue;
      assert.ok(mounted.has(key), `policy.ts names ${key}, which no route declares`);
    }
    for (const [key, entry] of Object.entries(POLICIES))
      if (entry.policy === 'public') assert.ok(entry.why, `public route ${key} must say why`);
  } finally {
    await d.stop();
  }
});

test('routeGuard(key): a route missing from the table refuses everyone, admin included', async () => {
  const d = await startDaemon();
  try {
    const guard = d.app.security.guards.routeGuard('GET /api/v1/not-in-the-table');
    const ctx = {
      state: { clientIp: '127.0.0.1', admin: { via: 'bearer' } },
    } as unknown as Context;
    let reached = false;
    await assert.rejects(
      guard(ctx, async () => {
        reached = true;
      }),
      (e: unknown) => e instanceof DomainError && e.status === 403 && e.code === 'no_policy',
    );
    assert.equal(reached, false);
  } finally {
    await d.stop();
  }
});

function ctx(state: Record<string, unknown>): Context {
  return { state } as unknown as Context;
}

const throwsCode = (fn: () => unknown, status: number, code: string) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof DomainError && e.status === status && e.code === code,
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
  throwsCode(
    () => requireRole(ctx({ security: inForce }), 'manager'),
    401,
    'cashier_login_required',
  );
  throwsCode(
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

test('docs/SECURITY.md carries the policy table as daemon/security/policy.ts has it', async () => {
  const { readFile } = await import('node:fs/promises');
  const { withTable, DOC } = await import('../../scripts/policy-table.js');
  const doc = await readFile(DOC, 'utf8');
  assert.equal(doc, await withTable(doc), 'run: npm run policy:table');
});
