/**
 * The POS IP whitelist: settings `pos_ip_whitelist_enabled` and `pos_allowed_ips` in
 * settings.json (section pos_security), compiled into a matcher held in memory. A change made
 * through save() is applied the moment it is durable; other writers are picked up from the
 * `settings.changed` event.
 *
 * If settings.json cannot be read, ALLOWED_POS_IPS applies instead (a non-empty list is then
 * enforced) and status() says so for /api/v1/health.
 */
import type { Settings } from '../settings/index.js';
import {
  isLoopbackIp,
  parseRange,
  rangeMatcher,
  IpEntryError,
  type IpMatcher,
} from './ip-match.js';

export const SECTION = 'pos_security';

export interface AllowedIp {
  ip: string;
  name: string;
}

export interface PosSecuritySettings {
  pos_ip_whitelist_enabled: boolean;
  pos_allowed_ips: AllowedIp[];
  pos_pin_login_enabled: boolean;
  /** null = PIN_IDLE_LOGOUT_MINUTES. */
  pos_pin_idle_logout_minutes: number | null;
  /** Host names (or `*.domain`) the owner added for the Host check (hosts.ts). */
  pos_allowed_hosts: string[];
}

export const DEFAULTS: PosSecuritySettings = {
  pos_ip_whitelist_enabled: false,
  pos_allowed_ips: [],
  pos_pin_login_enabled: false,
  pos_pin_idle_logout_minutes: null,
  pos_allowed_hosts: [],
};

export const MAX_ENTRIES = 500;

export interface WhitelistStatus {
  source: 'settings' | 'ALLOWED_POS_IPS';
  enabled: boolean;
  /** True when clients are actually restricted (enabled with at least one entry). */
  enforced: boolean;
  entries: string[];
  message?: string;
}

export interface WhitelistDeps {
  settings: Settings;
  /** ALLOWED_POS_IPS, already validated. */
  fallback: string[];
  warn: (msg: string) => void;
}

export class PosWhitelist {
  private matcher: IpMatcher = () => false;
  private current: WhitelistStatus = {
    source: 'settings',
    enabled: false,
    enforced: false,
    entries: [],
  };

  constructor(private readonly deps: WhitelistDeps) {
    this.reload();
  }

  /** The stored section, sanitised against hand edits of the wrong shape. */
  section(): PosSecuritySettings {
    const s = this.deps.settings.section<PosSecuritySettings>(SECTION, DEFAULTS);
    const list = Array.isArray(s.pos_allowed_ips) ? s.pos_allowed_ips : [];
    const idle = s.pos_pin_idle_logout_minutes;
    return {
      pos_ip_whitelist_enabled: s.pos_ip_whitelist_enabled === true,
      pos_allowed_ips: list.map((e) => ({
        ip: typeof e?.ip === 'string' ? e.ip : String(e?.ip ?? ''),
        name: typeof e?.name === 'string' ? e.name : '',
      })),
      pos_pin_login_enabled: s.pos_pin_login_enabled === true,
      pos_pin_idle_logout_minutes: Number.isInteger(idle) ? idle : null,
      pos_allowed_hosts: Array.isArray(s.pos_allowed_hosts)
        ? s.pos_allowed_hosts.filter((h): h is string => typeof h === 'string')
        : [],
    };
  }

  /** Recompiles from settings (or the env fallback). Cheap; called after every change. */
  reload(): void {
    const readable = this.deps.settings.readable;
    const s = this.section();
    const texts = readable ? s.pos_allowed_ips.map((e) => e.ip) : this.deps.fallback;
    const ranges = [];
    for (const t of texts) {
      try {
        ranges.push(parseRange(t));
      } catch (err) {
        if (!(err instanceof IpEntryError)) throw err;
        // A hand-edited bad entry matches nobody; the list stays enforced (fail closed).
        this.deps.warn(`pos_allowed_ips: ignoring entry ${JSON.stringify(t)}: ${err.message}`);
      }
    }
    this.matcher = rangeMatcher(ranges);
    const enabled = readable ? s.pos_ip_whitelist_enabled : texts.length > 0;
    this.current = {
      source: readable ? 'settings' : 'ALLOWED_POS_IPS',
      enabled,
      enforced: enabled && texts.length > 0,
      entries: ranges.map((r) => r.text),
    };
    if (!readable) {
      this.current.message =
        texts.length > 0
          ? `settings.json unreadable: ALLOWED_POS_IPS applies (${texts.length} entries)`
          : 'settings.json unreadable and ALLOWED_POS_IPS is empty: POS access is not restricted';
    }
  }

  status(): WhitelistStatus {
    return { ...this.current, entries: [...this.current.entries] };
  }

  /** Loopback always; otherwise listed addresses when the list is enforced. */
  allows(ip: string): boolean {
    // The kiosk asks on every request: its canonical loopback addresses need no parsing.
    if (ip === '127.0.0.1' || ip === '::1' || isLoopbackIp(ip)) return true;
    if (!this.current.enforced) return true;
    return this.matcher(ip);
  }

  /** Would this address be allowed by the list itself (ignoring "not enforced")? */
  listed(ip: string): boolean {
    return this.matcher(ip);
  }
}
