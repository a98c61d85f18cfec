/**
 * Role checks for till actions. Use from any POS route:
 *
 *   requireRole(ctx, 'manager');   // throws 401/403, or returns the cashier (or null)
 *
 * Passes when: the request carries admin credentials (the owner); or PIN login is not in
 * force (switched off, or no active employees — then the IP whitelist is the only gate, as
 * documented in docs/SECURITY.md); or the till's logged-in cashier has the role or a higher
 * one (manager > cashier). Otherwise 401 cashier_login_required / 403 role_required.
 */
import type { Context } from '../core/http.js';
import { fail } from '../core/errors.js';
import type { CashierInfo } from '../protocol.js';
import type { Role } from './employees.js';

const RANK: Record<Role, number> = { cashier: 1, manager: 2 };

export function requireRole(ctx: Context, role: Role): CashierInfo | null {
  const cashier = ctx.state.cashier ?? null;
  if (ctx.state.admin || ctx.state.security?.isAdmin()) return cashier;
  if (!ctx.state.security?.cashierRequired) return cashier;
  if (!cashier) fail(401, 'cashier_login_required', 'Log in with your PIN on this till first');
  if (RANK[cashier.role] < RANK[role])
    fail(
      403,
      'role_required',
      `This needs a ${role}: a ${role} must log in with their PIN`,
      undefined,
      {
        role,
      },
    );
  return cashier;
}

/** Who did it, for journal lines: the cashier's name, "admin", or null. */
export function actorName(ctx: Context): string | null {
  return (
    ctx.state.cashier?.name ?? (ctx.state.admin || ctx.state.security?.isAdmin() ? 'admin' : null)
  );
}
