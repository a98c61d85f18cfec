/**
 * Employees (admin): /api/v1/admin/employees. PINs go in, never out: responses carry the PIN's
 * age and whether it is due for rotation (PIN_ROTATION_DAYS), not the hash.
 */
import type { Context, Routes } from '../../core/http.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { boolField, idParam, onlyKeys, str } from '../validate.js';
import { ROLES, type Employees, type Role } from '../../security/employees.js';
import type { CashierSessions } from '../../security/cashier-sessions.js';
import { PIN_RE } from '../../security/pin-hash.js';

export interface EmployeeRouteDeps {
  employees: Employees;
  cashiers: CashierSessions;
  audit: (ctx: Context, action: string, before: unknown, after: unknown) => void;
}

function role(body: Record<string, unknown>, optional: boolean): Role | undefined {
  const v = body.role;
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !(ROLES as readonly string[]).includes(v))
    fail(400, 'invalid_field', `role must be one of ${ROLES.join(', ')}`, 'role');
  return v as Role;
}

function pin(body: Record<string, unknown>, optional: boolean): string | undefined {
  const v = body.pin;
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !PIN_RE.test(v))
    fail(400, 'invalid_pin', 'pin must be a string of 4 to 8 digits', 'pin');
  return v;
}

function name(body: Record<string, unknown>, optional: boolean): string | undefined {
  const v = str(body, 'name', { min: 1, max: 60, optional });
  if (v !== undefined && v.trim() === '')
    fail(400, 'invalid_field', 'name must not be empty', 'name');
  return v?.trim();
}

export function employeeRoutes(routes: Routes, deps: EmployeeRouteDeps): void {
  const { employees, cashiers } = deps;
  const base = '/api/v1/admin/employees';

  routes.get(base, (ctx) => {
    ctx.body = { employees: employees.list() };
  });

  routes.post(base, async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, ['name', 'role', 'pin']);
    const input = {
      name: name(body, false)!,
      role: role(body, true) ?? 'cashier',
      pin: pin(body, false)!,
    };
    const e = await employees.create(input);
    const v = employees.view(e);
    deps.audit(ctx, 'employee.create', null, v);
    ctx.status = 201;
    ctx.body = v;
  });

  routes.patch(`${base}/:id`, async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = await readJson(ctx);
    onlyKeys(body, ['name', 'role', 'pin', 'active']);
    const patch = {
      name: name(body, true),
      role: role(body, true),
      pin: pin(body, true),
      active: boolField(body, 'active', { optional: true }),
    };
    const { before, after } = await employees.update(id, patch);
    // A new PIN, a role change or deactivation takes effect at once on every till.
    if (patch.pin !== undefined || patch.role !== undefined || patch.active === false)
      cashiers.logoutEmployee(id);
    const b = employees.view(before);
    const a = employees.view(after);
    deps.audit(ctx, patch.pin !== undefined ? 'employee.pin_change' : 'employee.update', b, a);
    ctx.body = a;
  });

  routes.delete(`${base}/:id`, async (ctx) => {
    const id = idParam(ctx.params.id);
    const e = await employees.remove(id);
    cashiers.logoutEmployee(id);
    deps.audit(ctx, 'employee.delete', employees.view(e), null);
    ctx.status = 204;
  });
}
