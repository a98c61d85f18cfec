/**
 * Feeds the audit journal from the rest of the daemon without those modules knowing about it:
 * admin logins (AdminAuth events), settings sections changed by anyone (before/after from a
 * snapshot of settings.json), scanner pairings and sale cancellations/refunds (event bus).
 * The actor and client address come from the request being handled (request-context.ts);
 * events outside a request (a HID scan, a payment poller) are recorded as "system".
 */
import type { Context } from 'koa';
import type { EventBus } from '../events.js';
import type { JsonDocument } from '../store/index.js';
import type { SettingsData } from '../settings/index.js';
import type { AdminAuth, AuthEvents } from './auth.js';
import type { AuditLog } from './audit.js';
import { actorOf, currentRequest } from './request-context.js';

export interface AuditHookDeps {
  events: EventBus;
  audit: AuditLog;
  auth: AdminAuth;
  settingsDoc: JsonDocument<SettingsData>;
  /** Sections whose changes are audited by their own routes with more detail. */
  ownSections: ReadonlySet<string>;
}

const clone = (v: unknown): unknown => (v === undefined ? null : structuredClone(v));

export class AuditHooks {
  readonly name = 'audit-hooks';
  private snapshot: Record<string, unknown> = {};
  private seenSaleStates = new Set<string>();
  private previousOnLogin: AuthEvents['onLogin'];

  constructor(private readonly deps: AuditHookDeps) {}

  /**
   * Records a generic entry. Inside a request it waits for the end of the request: a route that
   * records its own, more specific entry (app.audit) replaces the generic ones (see flush()).
   */
  private record(action: string, target: string | null, before: unknown, after: unknown): void {
    const ctx = currentRequest();
    const write = () =>
      void this.deps.audit.append({
        actor: actorOf(ctx),
        ip: (ctx?.state.clientIp as string | undefined) ?? null,
        action,
        target,
        before,
        after,
      });
    if (ctx) ((ctx.state.pendingAudit ??= []) as Array<() => void>).push(write);
    else write();
  }

  start(): void {
    const { events, audit, auth, settingsDoc, ownSections } = this.deps;
    this.snapshot = clone(settingsDoc.data) as Record<string, unknown>;

    this.previousOnLogin = auth.events.onLogin;
    auth.events.onLogin = (ip, ok, via) => {
      this.previousOnLogin?.(ip, ok, via);
      void audit.append({
        actor: ok ? 'admin' : 'anonymous',
        ip,
        action: ok ? 'admin.login' : 'admin.login_failed',
        before: null,
        after: { via },
      });
    };

    events.on(this, 'settings.changed', ({ keys }) => {
      for (const key of keys) {
        const before = this.snapshot[key] ?? null;
        const after = clone(settingsDoc.data[key]);
        this.snapshot[key] = after;
        if (!ownSections.has(key)) this.record('settings.change', key, before, after);
      }
    });

    events.on(this, 'scanner.paired', (e) => {
      this.record(
        'scanner.pair',
        e.scanner_id,
        { terminal_id: e.previous_terminal_id },
        { terminal_id: e.terminal_id },
      );
    });

    events.on(this, 'payment.updated', ({ sale }) => {
      if (sale.state !== 'cancelled' && sale.state !== 'refunded') return;
      const key = `${sale.id}:${sale.state}`;
      if (this.seenSaleStates.has(key)) return; // the same state re-broadcast
      this.seenSaleStates.add(key);
      if (this.seenSaleStates.size > 5000)
        this.seenSaleStates.delete(this.seenSaleStates.values().next().value!);
      this.record(sale.state === 'cancelled' ? 'sale.cancel' : 'sale.refund', sale.id, null, {
        number: sale.number,
        terminal_id: sale.terminal_id,
        provider: sale.provider,
        total_cents: sale.total_cents,
        state: sale.state,
        reason: sale.reason,
        cashier: sale.cashier,
      });
    });
  }

  /** End of a request: its generic entries, unless the route recorded its own. */
  flush(ctx: Context): void {
    const pending = ctx.state.pendingAudit as Array<() => void> | undefined;
    if (!pending) return;
    ctx.state.pendingAudit = undefined;
    if (!ctx.state.audited) for (const write of pending) write();
  }

  stop(): void {
    this.deps.events.offOwner(this);
    this.deps.auth.events.onLogin = this.previousOnLogin;
  }
}
