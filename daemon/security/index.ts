/**
 * POS security, built by the composition root from plain dependencies: the IP whitelist,
 * the Host allow-list, cashier PIN login (employees, sessions, lock-out), the audit journal
 * and its hooks, and the guards (guard.ts) that apply the route policies (policy.ts).
 * See docs/SECURITY.md.
 */
import path from 'node:path';
import type { Context } from '../core/http.js';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Health } from '../protocol.js';
import type { Store } from '../store/index.js';
import { SETTINGS_DOC, type Settings, type SettingsData } from '../settings/index.js';
import { AuditLog } from './audit.js';
import { AuditHooks } from './audit-hooks.js';
import type { AdminAuth } from './auth.js';
import { CashierSessions } from './cashier-sessions.js';
import { Employees } from './employees.js';
import { createGuards } from './guard.js';
import { HostAllowList } from './hosts.js';
import { parseRange, IpEntryError } from './ip-match.js';
import { PinLockout } from './pin-lockout.js';
import { actorOf } from './request-context.js';
import { PosWhitelist, SECTION } from './whitelist.js';

export { requireRole } from './roles.js';

/** Records an admin or manager action in the audit journal, after the change is durable. */
export type AuditFn = (
  ctx: Context | null,
  action: string,
  before: unknown,
  after: unknown,
) => void;

export interface SecurityDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  settings: Settings;
  auth: AdminAuth;
}

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

export class Security {
  readonly name = 'security';
  readonly guards: ReturnType<typeof createGuards>;
  readonly audit: AuditFn;
  private readonly owner = {};

  private constructor(
    private readonly deps: SecurityDeps,
    readonly whitelist: PosWhitelist,
    readonly hosts: HostAllowList,
    readonly employees: Employees,
    readonly cashiers: CashierSessions,
    readonly lockout: PinLockout,
    readonly auditLog: AuditLog,
    private readonly hooks: AuditHooks,
  ) {
    const log = deps.log;
    this.guards = createGuards({
      whitelist,
      auth: deps.auth,
      cashiers,
      afterRequest: (ctx) => hooks.flush(ctx),
      onMissingPolicy: (key) =>
        log.error(`route ${key} has no security policy; it refuses everyone`),
    });
    this.audit = (ctx, action, before, after) => {
      const subject = (after ?? before) as { id?: unknown } | null;
      // The route recorded its own entry: generic ones for the same request are dropped.
      if (ctx) ctx.state.audited = true;
      void auditLog.append({
        actor: actorOf(ctx),
        ip: ctx?.state.clientIp ?? null,
        action,
        target: typeof subject?.id === 'string' ? subject.id : null,
        before,
        after,
      });
    };
  }

  static async open(deps: SecurityDeps): Promise<Security> {
    const { config, log, clock, settings, store, auth, events } = deps;
    const slog = log.child('security');
    checkList('TRUST_PROXY', config.trustProxy);
    checkList('ALLOWED_POS_IPS', config.allowedPosIps);
    const whitelist = new PosWhitelist({
      settings,
      fallback: config.allowedPosIps,
      warn: (m) => slog.warn(m),
    });
    const st = whitelist.status();
    if (st.message) slog.error(st.message);
    const hosts = new HostAllowList({
      publicUrl: config.publicUrl,
      configured: config.allowedHosts,
      fromSettings: () => whitelist.section().pos_allowed_hosts,
    });
    const employees = await Employees.open(store, clock, config.pinRotationDays);
    const cashiers = new CashierSessions({
      clock,
      employees,
      enabled: () => whitelist.section().pos_pin_login_enabled,
      idleMinutes: () =>
        whitelist.section().pos_pin_idle_logout_minutes ?? config.pinIdleLogoutMinutes,
    });
    const lockout = new PinLockout(clock);
    const auditLog = new AuditLog(path.join(config.dataDir, 'audit'), clock, slog);
    await auditLog.open();
    const hooks = new AuditHooks({
      events,
      audit: auditLog,
      auth,
      settingsDoc: await store.document<SettingsData>(SETTINGS_DOC),
      ownSections: new Set([SECTION]),
    });
    return new Security(deps, whitelist, hosts, employees, cashiers, lockout, auditLog, hooks);
  }

  /** Minutes of till inactivity before a PIN session ends (setting, else env). */
  idleMinutes(): number {
    return (
      this.whitelist.section().pos_pin_idle_logout_minutes ?? this.deps.config.pinIdleLogoutMinutes
    );
  }

  /** The POS security section changed: the list and the host names apply at once. */
  applySettings(): void {
    this.whitelist.reload();
    this.hosts.changed();
  }

  start(): void {
    // Other writers of the section (none today) apply at once too.
    this.deps.events.on(this.owner, 'settings.changed', ({ keys }) => {
      if (keys.includes(SECTION)) this.applySettings();
    });
    this.hooks.start();
  }

  async stop(): Promise<void> {
    this.hooks.stop();
    this.deps.events.offOwner(this.owner);
    this.cashiers.clear();
    await this.auditLog.idle();
    await this.auditLog.close();
  }

  health(h: Health): void {
    const s = this.whitelist.status();
    h.pos_security = {
      ip_whitelist: s.enforced ? 'on' : 'off',
      source: s.source,
      entries: s.entries.length,
      pin_login: this.cashiers.required(),
      ...(s.message ? { message: s.message } : {}),
    };
    if (s.source !== 'settings') h.status = 'degraded';
  }
}
