/**
 * Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>` for API clients, or the
 * HttpOnly SameSite=Strict session cookie the admin UI receives at login (the token is never
 * kept in the browser). Missing credentials → 401, wrong ones → 403; failures are rate
 * limited per client address (429 with Retry-After).
 */
import { randomBytes } from 'node:crypto';
import type { Context } from '../core/http.js';
import type { Clock } from '../clock.js';
import { fail } from '../core/errors.js';
import { FailureLimiter } from './rate-limit.js';
import { secretEquals } from './secrets.js';

export const SESSION_COOKIE = 'pos_admin';

export interface AuthEvents {
  onLogin?(ip: string, ok: boolean, via: 'bearer' | 'login'): void;
}

export class AdminAuth {
  private sessions = new Map<string, number>();
  readonly limiter: FailureLimiter;

  constructor(
    private readonly token: string,
    private readonly clock: Clock,
    private readonly sessionMs: number,
    readonly events: AuthEvents = {},
  ) {
    this.limiter = new FailureLimiter(clock, 10, 5 * 60_000);
  }

  checkToken(given: string): boolean {
    return secretEquals(given, this.token);
  }

  private guard(ip: string): void {
    const wait = this.limiter.blockedFor(ip);
    if (wait > 0) {
      fail(
        429,
        'too_many_attempts',
        `Too many failed attempts; try again in ${wait} s`,
        undefined,
        { retry_after_s: wait },
      );
    }
  }

  /** The `admin` policy: passes (and sets ctx.state.admin) or throws 401/403/429. */
  check(ctx: Context): void {
    const ip = ctx.state.clientIp;
    const header = ctx.get('authorization');
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    if (cookie && this.validSession(cookie)) {
      ctx.state.admin = { via: 'session' };
      return;
    }
    if (!header) {
      if (cookie) fail(401, 'session_expired', 'Admin session expired; log in again');
      fail(401, 'unauthorized', 'Admin login required (Authorization: Bearer <ADMIN_TOKEN>)');
    }
    this.guard(ip);
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m || !this.checkToken(m[1])) {
      this.limiter.fail(ip);
      this.events.onLogin?.(ip, false, 'bearer');
      fail(403, 'forbidden', 'Wrong admin token');
    }
    ctx.state.admin = { via: 'bearer' };
  }

  /**
   * Non-throwing check for guards outside the admin routes (the IP whitelist lets the owner
   * through): 'session', 'bearer' or null. A wrong bearer token counts as a failed login and
   * a blocked address is not even checked, so this is no way around the rate limit.
   * Tokens are only read from the Authorization header, never from the query string.
   */
  credentialOf(ctx: Context): 'session' | 'bearer' | null {
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    if (cookie && this.validSession(cookie)) return 'session';
    const header = ctx.get('authorization');
    if (!header) return null;
    const ip = ctx.state.clientIp;
    if (this.limiter.blockedFor(ip) > 0) return null;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m && this.checkToken(m[1])) return 'bearer';
    this.limiter.fail(ip);
    this.events.onLogin?.(ip, false, 'bearer');
    return null;
  }

  /** POST /api/v1/admin/login {token} → session cookie. */
  login(ctx: Context, token: unknown): void {
    const ip = ctx.state.clientIp;
    this.guard(ip);
    if (typeof token !== 'string' || !this.checkToken(token)) {
      this.limiter.fail(ip);
      this.events.onLogin?.(ip, false, 'login');
      fail(403, 'forbidden', 'Wrong admin token');
    }
    this.limiter.reset(ip);
    this.events.onLogin?.(ip, true, 'login');
    const id = randomBytes(32).toString('base64url');
    this.prune();
    this.sessions.set(id, this.clock.now() + this.sessionMs);
    ctx.cookies.set(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: this.sessionMs,
      overwrite: true,
      secure: false,
    });
  }

  logout(ctx: Context): void {
    const id = ctx.cookies.get(SESSION_COOKIE);
    if (id) this.sessions.delete(id);
    ctx.cookies.set(SESSION_COOKIE, '', {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: 0,
    });
  }

  validSession(id: string): boolean {
    const exp = this.sessions.get(id);
    if (exp === undefined) return false;
    if (exp < this.clock.now()) {
      this.sessions.delete(id);
      return false;
    }
    return true;
  }

  /** For WebSocket upgrades: is the raw Cookie header an admin session? */
  sessionFromCookieHeader(header: string | undefined): boolean {
    if (!header) return false;
    for (const part of header.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE && this.validSession(v.join('='))) return true;
    }
    return false;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [id, exp] of this.sessions) if (exp < now) this.sessions.delete(id);
  }
}
