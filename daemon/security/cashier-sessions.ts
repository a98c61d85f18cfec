/**
 * Per-terminal cashier sessions: after a PIN login a till carries a random token (HttpOnly
 * cookie `pos_cashier`, or the `X-Cashier-Session` header for clients that drive several
 * terminals). One cashier per terminal; a new login on a terminal replaces the old session.
 * A session ends on logout, after the idle time without a till write, or when the employee
 * is deactivated or deleted. Sessions live in memory: a daemon restart logs every till out.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Clock } from '../clock.js';
import type { Employee, Employees } from './employees.js';

export const CASHIER_COOKIE = 'pos_cashier';
export const CASHIER_HEADER = 'x-cashier-session';
const MAX_SESSIONS = 1000;

export interface Cashier {
  id: string;
  name: string;
  role: Employee['role'];
  terminal_id: string;
}

interface Session {
  token: string;
  terminalId: string;
  employeeId: string;
  lastSeen: number;
}

export interface CashierDeps {
  clock: Clock;
  employees: Employees;
  /** Setting pos_pin_login_enabled. */
  enabled: () => boolean;
  idleMinutes: () => number;
}

export class CashierSessions {
  private byToken = new Map<string, Session>();
  private byTerminal = new Map<string, Session>();

  constructor(private readonly deps: CashierDeps) {}

  /** PIN login is in force: switched on and at least one active employee exists. */
  required(): boolean {
    return this.deps.enabled() && this.deps.employees.activeCount() > 0;
  }

  login(terminalId: string, employee: Employee): string {
    const old = this.byTerminal.get(terminalId);
    if (old) this.end(old);
    // Bounded: terminal ids are chosen by clients, so many logins must not grow memory.
    if (this.byToken.size >= MAX_SESSIONS) this.end(this.byToken.values().next().value!);
    const s: Session = {
      token: randomBytes(32).toString('base64url'),
      terminalId,
      employeeId: employee.id,
      lastSeen: this.deps.clock.now(),
    };
    this.byToken.set(s.token, s);
    this.byTerminal.set(terminalId, s);
    return s.token;
  }

  logout(token: string): Cashier | null {
    const s = this.byToken.get(token);
    if (!s) return null;
    const c = this.cashierOf(s);
    this.end(s);
    return c;
  }

  /** Ends every session of an employee (deactivated, deleted, PIN changed). */
  logoutEmployee(employeeId: string): void {
    for (const s of [...this.byToken.values()]) if (s.employeeId === employeeId) this.end(s);
  }

  /**
   * The cashier behind a token, for a request about `terminalId` (null = any terminal; the
   * caller decides what a foreign terminal may do). `touch` (a till write: scanning, paying)
   * refreshes the idle timer; reads do not, so a screen that polls its status still logs out
   * when nobody works the till. An idle or orphaned session ends here.
   */
  lookup(token: string | undefined, terminalId: string | null, touch = true): Cashier | null {
    if (!token) return null;
    const s = this.byToken.get(token);
    if (!s) return null;
    const now = this.deps.clock.now();
    if (now - s.lastSeen > this.deps.idleMinutes() * 60_000) {
      this.end(s);
      return null;
    }
    const cashier = this.cashierOf(s);
    if (!cashier) {
      this.end(s);
      return null;
    }
    if (terminalId !== null && terminalId !== s.terminalId) return null;
    if (touch) s.lastSeen = now;
    return cashier;
  }

  /** Who is logged in on a terminal (without refreshing the idle timer). */
  onTerminal(terminalId: string): Cashier | null {
    const s = this.byTerminal.get(terminalId);
    if (!s) return null;
    if (this.deps.clock.now() - s.lastSeen > this.deps.idleMinutes() * 60_000) {
      this.end(s);
      return null;
    }
    return this.cashierOf(s);
  }

  static tokenOf(ctx: Context): string | undefined {
    return ctx.get(CASHIER_HEADER) || ctx.cookies.get(CASHIER_COOKIE) || undefined;
  }

  private cashierOf(s: Session): Cashier | null {
    const e = this.deps.employees.get(s.employeeId);
    if (!e || !e.active) return null;
    return { id: e.id, name: e.name, role: e.role, terminal_id: s.terminalId };
  }

  private end(s: Session): void {
    this.byToken.delete(s.token);
    if (this.byTerminal.get(s.terminalId) === s) this.byTerminal.delete(s.terminalId);
  }

  clear(): void {
    this.byToken.clear();
    this.byTerminal.clear();
  }
}
