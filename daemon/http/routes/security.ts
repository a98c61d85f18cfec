/**
 * POS security admin API and the loopback-only whitelist export:
 *   GET, PUT /api/v1/admin/settings/pos-security (admin)
 *   GET /api/v1/admin/current-ip (admin)
 *   GET /api/internal/allowed-ips (loopback callers only)
 */
import type { Context, Routes } from '../../core/http.js';
import { readJson } from '../body.js';
import { isLoopbackIp } from '../../security/ip-match.js';
import { normaliseIp } from '../../security/client-ip.js';
import { applyPosSecurityInput } from '../pos-security-input.js';
import {
  DEFAULTS,
  SECTION,
  type PosSecuritySettings,
  type PosWhitelist,
} from '../../security/whitelist.js';
import type { Settings } from '../../settings/index.js';
import type { CurrentIp, PosSecurityView } from '../../protocol.js';

export interface SecurityRouteDeps {
  whitelist: PosWhitelist;
  settings: Settings;
  /** PIN_IDLE_LOGOUT_MINUTES, shown when the setting is null. */
  defaultIdleMinutes: number;
  pinLoginInForce: () => boolean;
  audit: (ctx: Context, action: string, before: unknown, after: unknown) => void;
  /** Called after a durable change so it applies at once. */
  applied: () => void;
}

export function securityRoutes(routes: Routes, deps: SecurityRouteDeps): void {
  const { whitelist, settings } = deps;

  const view = (s: PosSecuritySettings, ctx: Context): PosSecurityView => {
    const status = whitelist.status();
    const ip = ctx.state.clientIp;
    return {
      enabled: s.pos_ip_whitelist_enabled,
      allowed_ips: s.pos_allowed_ips,
      pin_login_enabled: s.pos_pin_login_enabled,
      pin_idle_logout_minutes: s.pos_pin_idle_logout_minutes,
      allowed_hosts: s.pos_allowed_hosts,
      effective: {
        source: status.source,
        restricted: status.enforced,
        entries: status.entries,
        message:
          status.message ??
          (status.enforced
            ? null
            : 'No restriction: every device on the network can open /pos (enable the list and add at least one entry)'),
        pin_login_in_force: deps.pinLoginInForce(),
        pin_idle_logout_minutes: s.pos_pin_idle_logout_minutes ?? deps.defaultIdleMinutes,
      },
      your_ip: ip,
      your_ip_allowed: whitelist.allows(ip),
    };
  };

  routes.get('/api/v1/admin/settings/pos-security', (ctx) => {
    ctx.body = view(whitelist.section(), ctx);
  });

  routes.put('/api/v1/admin/settings/pos-security', async (ctx) => {
    const body = await readJson(ctx);
    const before = whitelist.section();
    const next = applyPosSecurityInput(body, before);
    await settings.update<PosSecuritySettings>(SECTION, DEFAULTS, () => next);
    deps.applied();
    const listChanged =
      JSON.stringify(before.pos_allowed_ips) !== JSON.stringify(next.pos_allowed_ips);
    const toggled = before.pos_ip_whitelist_enabled !== next.pos_ip_whitelist_enabled;
    const action = listChanged || toggled ? 'whitelist.change' : 'settings.change';
    deps.audit(ctx, action, before, next);
    ctx.body = view(whitelist.section(), ctx);
  });

  routes.get('/api/v1/admin/current-ip', (ctx) => {
    const ip = ctx.state.clientIp;
    const peer = ctx.req.socket.remoteAddress ?? '';
    ctx.body = {
      ip,
      loopback: isLoopbackIp(ip),
      via_proxy: ip !== normaliseIp(peer),
      listed: whitelist.listed(ip),
      allowed: whitelist.allows(ip),
    } satisfies CurrentIp;
  });

  routes.get('/api/internal/allowed-ips', (ctx) => {
    // Policy `internal`: the guard let only callers on this machine through.
    const s = whitelist.status();
    ctx.body = { ips: s.entries, enabled: s.enabled };
  });
}
