/**
 * Per-terminal cashier sessions: after a PIN login a till carries a random token (HttpOnly
 * cookie `pos_cashier`, or the `X-Cashier-Session` header for clients that drive several
 * terminals). One cashier per terminal; a new login on a terminal replaces the old session.
 * A session ends on logout, after the idle time without a till write, or when the employee
 * is deactivated or deleted.
 *
 * Sessions are kept in cashier-sessions.json (fsync'd like every document), so a daemon
 * restart — an update, a crash, a power cut — does not log the tills out: the cashier goes on
 * with the cart as it was. Only a SHA-256 of each token is stored, never the token itself.
 * The idle time is written at most once a minute per session (a scan must not cost a write).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { Clock } from '../clock.js';
import type { JsonDocument } from '../store/index.js';
import type { Employee, Employees } from './employees.js';

export interface StoredCashierSession {
  token_sha256: string;
  terminal_id: string;
  employee_id: string;
  last_seen: number;
}
export interface CashierSessionsData {
  sessions: StoredCashierSession[];
}
export const CASHIER_SESSIONS_DOC = {
  name: 'cashier-sessions.json',
  schemaVersion: 1,
  defaults: (): CashierSessionsData => ({ sessions: [] }),
  validate: (d: unknown) =>
    Array.isArray((d as CashierSessionsData | null)?.sessions) ? null : 'sessions is not a list',
};
/** How often a refreshed idle timer is written at most. */
const PERSIST_TOUCH_MS = 60_000;

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

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
  /** SHA-256 of the token (the token itself lives only in the till's cookie). */
  hash: string;
  terminalId: string;
  employeeId: string;
  lastSeen: number;
  persistedSeen: number;
}

export interface CashierDeps {
  clock: Clock;
  employees: Employees;
  /** Setting pos_pin_login_enabled. */
  enabled: () => boolean;
  idleMinutes: () => number;
  /** Where sessions survive a restart; without it they live in memory only. */
  doc?: JsonDocument<CashierSessionsData>;
}

export class CashierSessions {
  private byToken = new Map<string, Session>();
  private byTerminal = new Map<string, Session>();

  constructor(private readonly deps: CashierDeps) {
    const now = deps.clock.now();
    for (const st of deps.doc?.data.sessions ?? []) {
      if (now - st.last_seen > deps.idleMinutes() * 60_000) continue;
      const s: Session = {
        hash: st.token_sha256,
        terminalId: st.terminal_id,
        employeeId: st.employee_id,
        lastSeen: st.last_seen,
        persistedSeen: st.last_seen,
      };
      this.byToken.set(s.hash, s);
      this.byTerminal.set(s.terminalId, s);
    }
  }

  /** Writes the sessions (fire and forget: a lost write only means one PIN entry again). */
  private persist(): void {
    const doc = this.deps.doc;
    if (!doc) return;
    const sessions = [...this.byToken.values()].map((s) => {
      s.persistedSeen = s.lastSeen;
      return {
        token_sha256: s.hash,
        terminal_id: s.terminalId,
        employee_id: s.employeeId,
        last_seen: s.lastSeen,
      };
    });
    void doc
      .update((d) => {
        d.sessions = sessions;
      })
      .catch(() => {
        /* storage trouble shows in health; the sessions still work in memory */
      });
  }

  /** PIN login is in force: switched on and at least one active employee exists. */
  required(): boolean {
    return this.deps.enabled() && this.deps.employees.activeCount() > 0;
  }

  login(terminalId: string, employee: Employee): string {
    const old = this.byTerminal.get(terminalId);
    if (old) this.end(old);
    // Bounded: terminal ids are chosen by clients, so many logins must not grow memory.
    if (this.byToken.size >= MAX_SESSIONS) this.end(this.byToken.values().next().value!);
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const s: Session = {
      hash: sha256(token),
      terminalId,
      employeeId: employee.id,
      lastSeen: now,
      persistedSeen: now,
    };
    this.byToken.set(s.hash, s);
    this.byTerminal.set(terminalId, s);
    this.persist();
    return token;
  }

  logout(token: string): Cashier | null {
    const s = this.byToken.get(sha256(token));
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
    const s = this.byToken.get(sha256(token));
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
    if (touch) {
      s.lastSeen = now;
      if (now - s.persistedSeen > PERSIST_TOUCH_MS) this.persist();
    }
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
    this.byToken.delete(s.hash);
    if (this.byTerminal.get(s.terminalId) === s) this.byTerminal.delete(s.terminalId);
    this.persist();
  }

  /** Forgets the sessions in memory (daemon stop); the stored ones come back at the next start. */
  clear(): void {
    this.byToken.clear();
    this.byTerminal.clear();
  }
}
