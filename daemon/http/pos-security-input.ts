/**
 * Validation of PUT /api/v1/admin/settings/pos-security bodies. Every field is optional so the
 * admin UI can auto-save the toggle alone and save the list with "Save changes"; at least one
 * must be present. A bad list is refused as a whole with a message naming the row (1-based, as
 * the form shows it); nothing is stored then.
 */
import { fail } from '../core/errors.js';
import { boolField, onlyKeys } from './validate.js';
import { parseRange, IpEntryError } from '../security/ip-match.js';
import { MAX_ENTRIES, type AllowedIp, type PosSecuritySettings } from '../security/whitelist.js';

const KEYS = [
  'enabled',
  'allowed_ips',
  'pin_login_enabled',
  'pin_idle_logout_minutes',
  'allowed_hosts',
];
export const MAX_HOSTS = 50;
/** A host name (RFC 1123 labels), optionally `*.` + domain, or an IP literal. */
const HOST_RE =
  /^(\*\.)?(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function applyPosSecurityInput(
  body: Record<string, unknown>,
  current: PosSecuritySettings,
): PosSecuritySettings {
  onlyKeys(body, KEYS);
  if (!KEYS.some((k) => k in body))
    fail(400, 'invalid_body', `Send at least one of ${KEYS.join(', ')}`);
  const next = { ...current };
  const enabled = boolField(body, 'enabled', { optional: true });
  if (enabled !== undefined) next.pos_ip_whitelist_enabled = enabled;
  const pin = boolField(body, 'pin_login_enabled', { optional: true });
  if (pin !== undefined) next.pos_pin_login_enabled = pin;
  if ('pin_idle_logout_minutes' in body) {
    const v = body.pin_idle_logout_minutes;
    if (v !== null && !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1440))
      fail(
        400,
        'invalid_field',
        'pin_idle_logout_minutes must be a whole number of minutes from 1 to 1440, or null for the default',
        'pin_idle_logout_minutes',
      );
    next.pos_pin_idle_logout_minutes = v as number | null;
  }
  if ('allowed_ips' in body) next.pos_allowed_ips = allowedIps(body.allowed_ips);
  if ('allowed_hosts' in body) next.pos_allowed_hosts = allowedHosts(body.allowed_hosts);
  return next;
}

function allowedHosts(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_HOSTS)
    fail(
      400,
      'invalid_field',
      `allowed_hosts must be a list of at most ${MAX_HOSTS} host names`,
      'allowed_hosts',
    );
  return value.map((v: unknown, i) => {
    const h = typeof v === 'string' ? v.trim().toLowerCase().replace(/\.$/, '') : '';
    let ok = HOST_RE.test(h);
    if (!ok) {
      try {
        parseRange(h.replace(/^\[(.*)\]$/, '$1'));
        ok = !h.includes('/');
      } catch {
        ok = false;
      }
    }
    if (!ok)
      fail(
        400,
        'invalid_host',
        `allowed_hosts row ${i + 1}: not a host name`,
        `allowed_hosts[${i}]`,
        { row: i + 1 },
      );
    return h;
  });
}

function allowedIps(value: unknown): AllowedIp[] {
  if (!Array.isArray(value))
    fail(400, 'invalid_field', 'allowed_ips must be a list of {ip, name}', 'allowed_ips');
  if (value.length > MAX_ENTRIES)
    fail(400, 'invalid_field', `allowed_ips holds at most ${MAX_ENTRIES} entries`, 'allowed_ips');
  const seen = new Map<string, number>();
  return value.map((row: unknown, i) => {
    const n = i + 1;
    const field = `allowed_ips[${i}]`;
    if (!row || typeof row !== 'object' || Array.isArray(row))
      fail(400, 'invalid_ip', `allowed_ips row ${n}: must be an object {ip, name}`, field);
    const r = row as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (k !== 'ip' && k !== 'name')
        fail(400, 'invalid_ip', `allowed_ips row ${n}: unknown field "${k}"`, `${field}.${k}`);
    let text: string;
    try {
      text = parseRange(r.ip).text;
    } catch (err) {
      if (!(err instanceof IpEntryError)) throw err;
      fail(400, 'invalid_ip', `allowed_ips row ${n}: ip ${err.message}`, `${field}.ip`);
    }
    const name = r.name ?? '';
    // eslint-disable-next-line no-control-regex
    if (typeof name !== 'string' || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name))
      fail(
        400,
        'invalid_field',
        `allowed_ips row ${n}: name must be text of at most 100 characters`,
        `${field}.name`,
      );
    const dup = seen.get(text);
    if (dup !== undefined)
      fail(
        400,
        'invalid_ip',
        `allowed_ips row ${n}: ${text} is already in row ${dup}`,
        `${field}.ip`,
      );
    seen.set(text, n);
    return { ip: text, name: name.trim() };
  });
}
