/**
 * POS security admin API and the loopback-only whitelist export:
 *   GET, PUT /api/v1/admin/settings/pos-security (admin)
 *   GET /api/v1/admin/current-ip (admin)
 *   GET /api/internal/allowed-ips (loopback callers only)
 */
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { readJson } from '../body.js';
import { fail } from '../errors.js';
import { isLoopbackIp } from '../../security/ip-match.js';
import { normaliseIp } from '../../security/client-ip.js';
import { applyPosSecurityInput } from '../../security/pos-security-input.js';
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
  requireAdmin: (ctx: Context, next: Next) => Promise<void>;
  /** PIN_IDLE_LOGOUT_MINUTES, shown when the setting is null. */
  defaultIdleMinutes: number;
  pinLoginInForce: () => boolean;
  audit: (ctx: Context, action: string, before: unknown, after: unknown) => void;
  /** Called after a durable change so it applies at once. */
  applied: () => void;
}

export function securityRoutes(router: Router, deps: SecurityRouteDeps): void {
  const { whitelist, settings, requireAdmin } = deps;

  const view = (s: PosSecuritySettings, ctx: Context): PosSecurityView => {
    const status = whitelist.status();
    const ip = ctx.state.clientIp as string;
    return {
      enabled: s.pos_ip_whitelist_enabled,
      allowed_ips: s.pos_allowed_ips,
      pin_login_enabled: s.pos_pin_login_enabled,
      pin_idle_logout_minutes: s.pos_pin_idle_logout_minutes,
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

  router.get('/api/v1/admin/settings/pos-security', requireAdmin, (ctx) => {
    ctx.body = view(whitelist.section(), ctx);
  });

  router.put('/api/v1/admin/settings/pos-security', requireAdmin, async (ctx) => {
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

  router.get('/api/v1/admin/current-ip', requireAdmin, (ctx) => {
    const ip = ctx.state.clientIp as string;
    const peer = ctx.req.socket.remoteAddress ?? '';
    ctx.body = {
      ip,
      loopback: isLoopbackIp(ip),
      via_proxy: ip !== normaliseIp(peer),
      listed: whitelist.listed(ip),
      allowed: whitelist.allows(ip),
    } satisfies CurrentIp;
  });

  router.get('/api/internal/allowed-ips', (ctx) => {
    // Local means both: the socket (headers cannot fake it) and the client address (behind a
    // reverse proxy on the Pi every socket is loopback).
    const local =
      isLoopbackIp(ctx.req.socket.remoteAddress ?? '') &&
      isLoopbackIp(ctx.state.clientIp as string);
    if (!local) fail(403, 'loopback_only', 'This endpoint answers callers on this machine only');
    const s = whitelist.status();
    ctx.body = { ips: s.entries, enabled: s.enabled };
  });
}
