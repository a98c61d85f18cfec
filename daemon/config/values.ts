/**
 * Parsing and checking of configuration values (daemon/config.ts): the env file, numbers,
 * choices, URLs, host names, secrets. Each refusal names its variable (ConfigError).
 */
import path from 'node:path';
import { isIP } from 'node:net';
import { existsSync } from 'node:fs';
import { DEMO_SECRETS, type Env } from './vars.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`config: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Values that must never be used as production secrets. */
export const WEAK_SECRETS = [
  'changeme',
  'change-me',
  'admin',
  'password',
  'secret',
  'default',
  '123456',
  'test',
  ...Object.values(DEMO_SECRETS),
];

/** Why a production secret is unacceptable, or null when it is fine. */
export function weakSecretReason(value: string): string | null {
  if (value.length < 24) return 'must be at least 24 characters';
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return 'must contain letters and digits';
  const lower = value.toLowerCase();
  for (const weak of WEAK_SECRETS) {
    if (lower.includes(weak.toLowerCase()) && weak.length >= 5) {
      return `must not contain the known weak value "${weak}"`;
    }
  }
  if (/^(.)\1*$/.test(value) || new Set(value).size < 6)
    return 'must not be (nearly) one repeated character';
  // "abc123abc123..." has many distinct characters but little more entropy than "abc123".
  if (/^(.{1,12})\1+$/.test(value)) return 'must not be a short repeated pattern';
  return null;
}

export function parseEnvFile(text: string, file: string): Env {
  const out: Env = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new ConfigError(file, `line ${i + 1} is not NAME=value`);
    let value = m[2];
    if (/^".*"$/.test(value) || /^'.*'$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  });
  return out;
}

/** Where the appliance keeps its env file (written by pos-firstboot). */
export const APPLIANCE_ENV_FILE = '/etc/pos/pos.env';

export function resolveEnvFile(
  env: Env,
  cwd: string,
  applianceFile = APPLIANCE_ENV_FILE,
): string | null {
  if (env.POS_ENV_FILE !== undefined) return env.POS_ENV_FILE === '' ? null : env.POS_ENV_FILE;
  if (existsSync(applianceFile)) return applianceFile;
  const local = path.join(cwd, '.env');
  return existsSync(local) ? local : null;
}

export function int(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function bool(name: string, raw: string): boolean {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off', ''].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1/0 or true/false, got "${raw}"`);
}

export function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function url(name: string, raw: string, allowEmpty = false): string {
  if (raw === '' && allowEmpty) return '';
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

/** An IP literal or a host name (RFC 1123 labels); checked here so a typo is not a crash at listen. */
export function hostValue(name: string, raw: string): string {
  const hostname =
    /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
  if (isIP(raw) || hostname.test(raw)) return raw;
  throw new ConfigError(name, `must be an IP address or host name, got "${raw}"`);
}

/** ALLOWED_HOSTS entries: a host name, `*.` + a domain, or an IP literal; lower case. */
export function allowedHostValue(name: string, raw: string): string {
  const v = raw.trim().toLowerCase().replace(/\.$/, '');
  const bare = v.startsWith('*.') ? v.slice(2) : v.replace(/^\[(.*)\]$/, '$1');
  hostValue(name, bare);
  return v;
}

/** An empty DATA_DIR would resolve to the working directory (the project itself): refused. */
export function dataDirValue(name: string, raw: string, cwd: string): string {
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty');
  return path.resolve(cwd, raw);
}

/** A libpq connection URL (postgres:// or postgresql://), or empty. */
export function postgresUrl(name: string, raw: string): string {
  if (raw === '') return '';
  try {
    const u = new URL(raw);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('scheme');
    const mode = u.searchParams.get('sslmode');
    const modes = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];
    if (mode !== null && !modes.includes(mode))
      throw new ConfigError(name, `sslmode must be one of ${modes.join(', ')}, got "${mode}"`);
    return raw;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL');
  }
}

/** SumUp reader ids are "rdr_" + 26 letters/digits (SumUp API: ReaderID, length 30). */
export function readerId(raw: string): string {
  if (raw !== '' && !/^rdr_[A-Za-z0-9]{26}$/.test(raw))
    throw new ConfigError(
      'SUMUP_READER_ID',
      `must look like rdr_ followed by 26 letters/digits, got "${raw}"`,
    );
  return raw;
}

export function terminalId(name: string, raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) {
    throw new ConfigError(name, 'must be 1-64 characters of letters, digits, "_" and "-"');
  }
  return raw;
}
