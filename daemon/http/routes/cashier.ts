/**
 * Cashier PIN login per terminal (behind the IP whitelist like every POS route):
 *   GET  /api/v1/terminals/:terminal_id/cashier         who is logged in, is login required
 *   POST /api/v1/terminals/:terminal_id/cashier/login   {pin, employee_id?} → session
 *   POST /api/v1/terminals/:terminal_id/cashier/logout
 * Wrong PINs lock the client address out with a growing delay (pin-lockout.ts).
 */
import type { Context, Routes } from '../../core/http.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam, onlyKeys } from '../validate.js';
import { CASHIER_COOKIE, CashierSessions } from '../../security/cashier-sessions.js';
import type { Employees } from '../../security/employees.js';
import { PIN_RE } from '../../security/pin-hash.js';
import { PinBusyError, type PinLockout } from '../../security/pin-lockout.js';
import type { CashierInfo, CashierLogin, CashierStatus } from '../../protocol.js';

export interface CashierRouteDeps {
  employees: Employees;
  cashiers: CashierSessions;
  lockout: PinLockout;
  idleMinutes: () => number;
  audit: (ctx: Context, action: string, before: unknown, after: unknown) => void;
}

export function cashierRoutes(routes: Routes, deps: CashierRouteDeps): void {
  const { employees, cashiers, lockout } = deps;
  const base = '/api/v1/terminals/:terminal_id/cashier';

  const refuseWhileLocked = (ctx: Context, key: string) => {
    const ms = lockout.lockedFor(key);
    if (ms > 0) {
      const s = Math.ceil(ms / 1000);
      ctx.set('Retry-After', String(s));
      fail(429, 'pin_locked', `Too many wrong PINs; try again in ${s} s`, 'pin', {
        retry_after_s: s,
      });
    }
  };

  routes.get(base, (ctx) => {
    const terminal = idParam(ctx.params.terminal_id, 'terminal_id');
    const required = cashiers.required();
    const mine = ctx.state.cashier as { terminal_id: string } | undefined;
    const ms = lockout.lockedFor(ctx.state.clientIp);
    ctx.body = {
      terminal_id: terminal,
      required,
      cashier: mine && mine.terminal_id === terminal ? (ctx.state.cashier as CashierInfo) : null,
      logged_in_elsewhere: cashiers.onTerminal(terminal) !== null && !mine,
      idle_logout_minutes: deps.idleMinutes(),
      locked_for_s: Math.ceil(ms / 1000),
      employees: required
        ? employees
            .list()
            .filter((e) => e.active)
            .map((e) => ({ id: e.id, name: e.name }))
        : [],
    } satisfies CashierStatus;
  });

  routes.post(`${base}/login`, async (ctx) => {
    const terminal = idParam(ctx.params.terminal_id, 'terminal_id');
    const key = ctx.state.clientIp;
    refuseWhileLocked(ctx, key);
    const body = await readJson(ctx);
    onlyKeys(body, ['pin', 'employee_id']);
    if (typeof body.pin !== 'string' || !PIN_RE.test(body.pin))
      fail(400, 'invalid_pin', 'pin must be 4 to 8 digits', 'pin');
    const employeeId =
      body.employee_id === undefined
        ? undefined
        : idParam(body.employee_id as string, 'employee_id');
    if (employees.activeCount() === 0)
      fail(409, 'no_employees', 'No employees are set up; PIN login is not in use');
    // One check per client at a time, a few in the whole daemon, and the attempt counted as a
    // failure before the slow comparison (pin-lockout.ts): a burst is refused, not evaluated.
    let release: () => void;
    try {
      release = lockout.enter(key);
    } catch (err) {
      if (!(err instanceof PinBusyError)) throw err;
      ctx.set('Retry-After', '1');
      fail(429, 'pin_busy', 'Another PIN check is running; try again', 'pin', { retry_after_s: 1 });
    }
    let who;
    try {
      refuseWhileLocked(ctx, key);
      const lockedMs = lockout.begin(key);
      who = await employees.findByPin(body.pin, { employeeId });
      if (who) lockout.succeeded(key);
      else {
        deps.audit(ctx, 'cashier.login_failed', null, {
          terminal_id: terminal,
          employee_id: employeeId ?? null,
        });
        if (lockedMs > 0) {
          const s = Math.ceil(lockedMs / 1000);
          ctx.set('Retry-After', String(s));
          fail(429, 'pin_locked', `Wrong PIN. Too many wrong PINs; try again in ${s} s`, 'pin', {
            retry_after_s: s,
          });
        }
        fail(401, 'wrong_pin', 'Wrong PIN', 'pin', { attempts_left: lockout.remaining(key) });
      }
    } finally {
      release();
    }
    const token = cashiers.login(terminal, who);
    ctx.cookies.set(CASHIER_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      overwrite: true,
    });
    const cashier = { id: who.id, name: who.name, role: who.role, terminal_id: terminal };
    ctx.state.cashier = cashier;
    deps.audit(ctx, 'cashier.login', null, cashier);
    ctx.body = {
      cashier,
      session: token,
      idle_logout_minutes: deps.idleMinutes(),
    } satisfies CashierLogin;
  });

  routes.post(`${base}/logout`, (ctx) => {
    idParam(ctx.params.terminal_id, 'terminal_id');
    const token = CashierSessions.tokenOf(ctx);
    const was = token ? cashiers.logout(token) : null;
    ctx.cookies.set(CASHIER_COOKIE, '', {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: 0,
    });
    if (was) deps.audit(ctx, 'cashier.logout', was, null);
    ctx.body = { ok: true };
  });
}
