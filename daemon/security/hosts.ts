/**
 * The Host allow-list (DNS-rebinding guard). A page on evil.example whose name an attacker
 * points at the appliance's address reaches the daemon from the till's own browser, same
 * origin as far as the browser knows — but its requests carry `Host: evil.example`. Every
 * request and WebSocket upgrade is checked: the Host must be one of the names the appliance
 * is really reached by:
 *   - localhost (and *.localhost), loopback literals;
 *   - an address of this machine's network interfaces (re-read when an unknown literal
 *     arrives, at most every 2 s, so a new DHCP lease needs no restart);
 *   - this machine's host name, and that name + ".local" (mDNS);
 *   - the host of PUBLIC_URL;
 *   - ALLOWED_HOSTS and the owner's list in admin (exact names, `*.domain`, IP literals).
 * The port is not part of the check (a port forward may change it). A request without a Host
 * header (HTTP/1.0 scanners) is no browser and passes.
 */
import os from 'node:os';
import { canonicalIp, isLoopbackIp } from './ip-match.js';

export interface HostAllowListDeps {
  publicUrl: string;
  /** ALLOWED_HOSTS (lower case). */
  configured: string[];
  /** The owner's list from the POS security settings. */
  fromSettings: () => readonly string[];
  hostname?: () => string;
  addresses?: () => string[];
  now?: () => number;
}

const REFRESH_MS = 2000;

/** `Host` header → bare lower-case name or canonical IP literal ('' when absent/unparsable). */
export function hostName(header: string | undefined): string {
  if (!header) return '';
  let h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return h;
    h = h.slice(1, end);
  } else {
    const colon = h.lastIndexOf(':');
    if (colon >= 0 && h.indexOf(':') === colon && /^\d*$/.test(h.slice(colon + 1)))
      h = h.slice(0, colon);
  }
  h = h.replace(/\.$/, '');
  return canonicalIp(h) ?? h;
}

function interfaceAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) {
      const c = canonicalIp(a.address.replace(/%.*$/, ''));
      if (c) out.push(c);
    }
  return out;
}

export class HostAllowList {
  private addresses = new Set<string>();
  /** Host headers already found to be ours (a till sends the same one on every request). */
  private known = new Map<string, boolean>();
  private readAt = -Infinity;
  private readonly publicHost: string;

  constructor(private readonly deps: HostAllowListDeps) {
    let host = '';
    try {
      host = deps.publicUrl ? hostName(new URL(deps.publicUrl).host) : '';
    } catch {
      /* config.ts validated it */
    }
    this.publicHost = host;
  }

  private ownAddress(ip: string): boolean {
    if (this.addresses.has(ip)) return true;
    const now = (this.deps.now ?? Date.now)();
    if (now - this.readAt < REFRESH_MS) return false;
    this.readAt = now;
    this.addresses = new Set((this.deps.addresses ?? interfaceAddresses)());
    return this.addresses.has(ip);
  }

  private listed(name: string, list: readonly string[]): boolean {
    for (const entry of list) {
      const e = entry.toLowerCase();
      if (e.startsWith('*.') ? name.endsWith(e.slice(1)) : hostName(e) === name) return true;
    }
    return false;
  }

  /** Is `header` (a raw Host header) a name this appliance is reached by? */
  allows(header: string | undefined): boolean {
    if (header === undefined || header === '') return true;
    if (this.known.has(header)) return true;
    const ok = this.decide(header);
    // Only "yes" is remembered (an owner's new name or a new address must apply at once), and
    // only a bounded number of them.
    if (ok) {
      if (this.known.size >= 256) this.known.clear();
      this.known.set(header, true);
    }
    return ok;
  }

  /** Forgets remembered names (the owner's list changed). */
  changed(): void {
    this.known.clear();
  }

  private decide(header: string): boolean {
    const name = hostName(header);
    if (name === '') return false;
    if (name === 'localhost' || name.endsWith('.localhost')) return true;
    if (canonicalIp(name)) return isLoopbackIp(name) || this.ownAddress(name);
    const own = (this.deps.hostname ?? os.hostname)().toLowerCase();
    if (name === own || name === `${own}.local`) return true;
    if (this.publicHost && name === this.publicHost) return true;
    return this.listed(name, this.deps.configured) || this.listed(name, this.deps.fromSettings());
  }
}
