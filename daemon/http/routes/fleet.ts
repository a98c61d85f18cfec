/**
 * Fleet (admin; docs/FLEET.md):
 *   GET /api/v1/admin/fleet/status   identity, connected, pending, last shipped, last error
 *   PUT /api/v1/admin/fleet/branch   {branch_name} the branch name the centre shows
 */
import type { Context, Routes } from '../../core/http.js';
import { fail } from '../../core/errors.js';
import { bidiControlIn } from '../../core/text.js';
import type { Fleet } from '../../fleet/index.js';
import { readJson } from '../body.js';

export interface FleetRouteDeps {
  fleet: Fleet;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
}

export function fleetRoutes(routes: Routes, deps: FleetRouteDeps): void {
  routes.get('/api/v1/admin/fleet/status', (ctx) => {
    ctx.body = deps.fleet.status();
  });

  routes.put('/api/v1/admin/fleet/branch', async (ctx) => {
    const body = await readJson(ctx);
    const name = typeof body.branch_name === 'string' ? body.branch_name.trim() : null;
    // eslint-disable-next-line no-control-regex
    if (!name || name.length > 80 || /[\u0000-\u001f\u007f]/.test(name) || bidiControlIn(name))
      fail(400, 'invalid_field', 'branch_name must be 1-80 characters of text', 'branch_name');
    const before = deps.fleet.status().branch_name;
    await deps.fleet.setBranch(name);
    deps.audit(ctx, 'fleet.branch', { branch_name: before }, { branch_name: name });
    ctx.body = deps.fleet.status();
  });
}
