/**
 * POS security, wired into the app in one call from createApp():
 * IP whitelist (whitelist.ts) behind app.requestGuard / app.posGuard / app.posUpgradeGuard,
 * CIDR-aware TRUST_PROXY, cashier PIN login (employees, sessions, lock-out), the audit journal
 * (app.audit + hooks) and their HTTP routes. See docs/SECURITY.md.
 */
import path from 'node:path';
import type { Context } from 'koa';
import type { AppHost } from '../app-host.js';
import { ConfigError } from '../config.js';
import { SETTINGS_DOC, type SettingsData } from '../settings/index.js';
import { auditRoutes } from '../http/routes/audit.js';
import { cashierRoutes } from '../http/routes/cashier.js';
import { employeeRoutes } from '../http/routes/employees.js';
import { securityRoutes } from '../http/routes/security.js';
import { AuditLog } from './audit.js';
import { AuditHooks } from './audit-hooks.js';
import { CashierSessions } from './cashier-sessions.js';
import { cidrProxyMatcher } from './client-ip.js';
import { Employees } from './employees.js';
import { createGuards } from './guard.js';
import { installFirstBootToken } from './first-boot-token.js';
import { parseRange, IpEntryError } from './ip-match.js';
import { PinLockout } from './pin-lockout.js';
import { actorOf } from './request-context.js';
import { PosWhitelist, SECTION } from './whitelist.js';

export { requireRole, roleMiddleware } from './roles.js';

function checkList(variable: string, list: string[]): void {
  for (const entry of list) {
    try {
      parseRange(entry);
    } catch (err) {
      if (err instanceof IpEntryError) throw new ConfigError(variable, err.message);
      throw err;
    }
  }
}

export interface Security {
  whitelist: PosWhitelist;
  employees: Employees;
  cashiers: CashierSessions;
  lockout: PinLockout;
  audit: AuditLog;
}

export async function installSecurity(app: AppHost): Promise<Security> {
  const { config, log, clock, events, settings, auth, router } = app;
  const slog = log.child('security');
  checkList('TRUST_PROXY', config.trustProxy);
  checkList('ALLOWED_POS_IPS', config.allowedPosIps);
  app.setTrustedProxyMatcher(cidrProxyMatcher(config.trustProxy));

  const whitelist = new PosWhitelist({
    settings,
    fallback: config.allowedPosIps,
    warn: (m) => slog.warn(m),
  });
  const st = whitelist.status();
  if (st.message) slog.error(st.message);
  const employees = await Employees.open(app.store, clock, config.pinRotationDays);
  const idleMinutes = () =>
    whitelist.section().pos_pin_idle_logout_minutes ?? config.pinIdleLogoutMinutes;
  const cashiers = new CashierSessions({
    clock,
    employees,
    enabled: () => whitelist.section().pos_pin_login_enabled,
    idleMinutes,
  });
  const lockout = new PinLockout(clock);
  const audit = new AuditLog(path.join(config.dataDir, 'audit'), clock, (m) => slog.error(m));

  const guards = createGuards({
    whitelist,
    auth,
    cashiers,
    afterRequest: (ctx) => hooks.flush(ctx),
  });
  app.requestGuard = guards.requestGuard;
  app.posGuard = guards.posGuard;
  app.posUpgradeGuard = guards.upgradeGuard;

  const record = (ctx: Context | null, action: string, before: unknown, after: unknown): void => {
    const subject = (after ?? before) as { id?: unknown } | null;
    // The route recorded its own entry: generic ones for the same request are dropped.
    if (ctx) ctx.state.audited = true;
    void audit.append({
      actor: actorOf(ctx),
      ip: (ctx?.state.clientIp as string | undefined) ?? null,
      action,
      target: typeof subject?.id === 'string' ? subject.id : null,
      before,
      after,
    });
  };
  app.audit = record;

  app.healthContributors.push((h) => {
    const s = whitelist.status();
    h.pos_security = {
      ip_whitelist: s.enforced ? 'on' : 'off',
      source: s.source,
      entries: s.entries.length,
      pin_login: cashiers.required(),
      ...(s.message ? { message: s.message } : {}),
    };
    if (s.source !== 'settings') h.status = 'degraded';
  });

  const settingsDoc = await app.store.document<SettingsData>(SETTINGS_DOC);
  const hooks = new AuditHooks({
    events,
    audit,
    auth,
    settingsDoc,
    ownSections: new Set([SECTION]),
  });
  const owner = {};
  app.use({
    name: 'security',
    start: () => {
      // Other writers of the section (none today) apply at once too.
      events.on(owner, 'settings.changed', ({ keys }) => {
        if (keys.includes(SECTION)) whitelist.reload();
      });
      hooks.start();
    },
    stop: async () => {
      hooks.stop();
      events.offOwner(owner);
      cashiers.clear();
      await audit.idle();
    },
  });

  securityRoutes(router, {
    whitelist,
    settings,
    requireAdmin: auth.require,
    defaultIdleMinutes: config.pinIdleLogoutMinutes,
    pinLoginInForce: () => cashiers.required(),
    audit: record,
    applied: () => whitelist.reload(),
  });
  cashierRoutes(router, { employees, cashiers, lockout, idleMinutes, audit: record });
  employeeRoutes(router, { employees, cashiers, requireAdmin: auth.require, audit: record });
  auditRoutes(router, { audit, clock, timezone: config.timezone, requireAdmin: auth.require });
  // The appliance's first-boot admin token, shown to the kiosk until the first admin login.
  installFirstBootToken(app);
  return { whitelist, employees, cashiers, lockout, audit };
}
