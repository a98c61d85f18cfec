/**
 * Configuration: the ONLY module that reads process.env.
 *
 * Every variable is declared once in VARS (name, default, rule, meaning). The README's
 * configuration table is checked against this list by tests/unit/config.test.ts, so a new
 * variable cannot be added without documenting it.
 *
 * Sources, later wins: built-in defaults < env file < process environment.
 * The env file is POS_ENV_FILE if set (empty string = none), else /etc/pos/pos.env when it
 * exists (the appliance), else ./.env when it exists (development).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { LAYOUTS, type Layout } from './scanners/keymaps.js';

export type AppEnv = 'demo' | 'production';

export interface Config {
  appEnv: AppEnv;
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  timezone: string;
  currency: string;
  shopName: string;
  defaultTerminalId: string;

  adminToken: string;
  adminSessionHours: number;
  scannerApiSecret: string;
  scannerDefaultId: string;
  scannerId: string;
  scannerPairingPrefix: string;
  scannerPairingSigningSecret: string;
  scannerPairingMaxAgeDays: number;
  scannerPairingBarcodeFormat: string;
  scannerPairingBarcodeMaxLength: number;
  scannerKeyboardLayout: Layout;
  scannerList: string;
  scannerGapMs: number;
  /** Demo only: virtual HID scanners fed recorded reports over the admin API. */
  scannerSimulator: boolean;

  /** Per provider id (lower case, e.g. fake_card): minimum payment in cents. */
  paymentMinimumCents: Record<string, number>;
  paymentMinimumTopupBarcode: string;
  fakeCardDelayMs: number;

  sumupApiKey: string;
  sumupMerchantCode: string;
  sumupAffiliateKey: string;
  sumupAppId: string;
  sumupApiUrl: string;
  sumupReaderId: string;
  sumupFake: boolean;
  sumupPollMs: number;
  sumupTimeoutMs: number;

  /** fake | fiskaly | off; '' = production without a choice (sales marked unsigned, loudly). */
  fiscalProvider: '' | 'fake' | 'fiskaly' | 'off';
  fiscalTimeoutMs: number;
  fiscalTillSerial: string;
  fiskalyApiKey: string;
  fiskalyApiSecret: string;
  fiskalyApiUrl: string;
  fiskalyTssId: string;
  fiskalyClientId: string;
  fiskalyAdminPin: string;

  allowedPosIps: string[];
  /** ALLOWED_HOSTS: extra names (lower case; `*.domain` allowed) for the Host check. */
  allowedHosts: string[];
  httpHeadersTimeoutMs: number;
  maxConnectionsPerIp: number;
  maxWebSocketsPerIp: number;
  trustProxy: string[];
  pinIdleLogoutMinutes: number;
  pinRotationDays: number;

  /** FLEET_DATABASE_URL: libpq URL of the central PostgreSQL ('' = fleet shipping off). */
  fleetDatabaseUrl: string;
  /** FLEET_CATALOG: `local` (edited here) or `pull` (taken from the centre, read-only here). */
  fleetCatalog: 'local' | 'pull';
  /** FLEET_BRANCH_NAME: the branch name in the centre until admin sets one ('' = SHOP_NAME). */
  fleetBranchName: string;
  fleetBatchSize: number;
  /** Journal entries per second a backlog is shipped at, at most. */
  fleetMaxRate: number;
  /** Seconds between catalog checks and the longest wait between reconnects. */
  fleetCheckSeconds: number;

  /** systemd integration (set by systemd, not by the operator). */
  notifySocket: string;
  watchdogUsec: number;

  /** Where the values came from, for the start-up log. */
  envFile: string | null;
  /** Things worth a log line at start that do not stop the daemon (a retired variable...). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`config: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

interface VarSpec {
  name: string;
  /** Default as documented (string form); function for defaults that depend on APP_ENV. */
  def: string | ((env: Env) => string);
  doc: string;
  /** Listed in README? systemd-provided variables are documented separately. */
  documented?: boolean;
}

/** Demo-mode secrets: fixed so a newcomer can follow the README; refused in production. */
export const DEMO_SECRETS = {
  ADMIN_TOKEN: 'demo-admin-token',
  SCANNER_API_SECRET: 'demo-scanner-secret',
  SCANNER_PAIRING_SIGNING_SECRET: 'demo-pairing-signing-secret',
} as const;

const isProd = (env: Env) => env.APP_ENV === 'production';

export const VARS: VarSpec[] = [
  {
    name: 'APP_ENV',
    def: 'demo',
    doc: '`demo` (seeds demo data, demo secrets allowed) or `production` (strict secrets, no seeding)',
  },
  { name: 'HOST', def: '0.0.0.0', doc: 'Address the HTTP server binds to' },
  { name: 'PORT', def: '8080', doc: 'HTTP port (0 = any free port, used by tests)' },
  {
    name: 'DATA_DIR',
    def: (env) => (isProd(env) ? '/data/pos' : './data'),
    doc: 'Where settings, catalog, journals and images live (`./data` in demo, `/data/pos` in production)',
  },
  {
    name: 'PUBLIC_URL',
    def: '',
    doc: 'Base URL other devices use to reach the daemon (payment callbacks, receipt QR codes); derived from the request when empty',
  },
  { name: 'LOG_LEVEL', def: 'info', doc: '`debug`, `info`, `warn` or `error`' },
  {
    name: 'TIMEZONE',
    def: 'Europe/Berlin',
    doc: 'IANA time zone for day boundaries, reports and receipts; an unknown zone refuses to start',
  },
  {
    name: 'CURRENCY',
    def: 'EUR',
    doc: 'ISO 4217 currency code (all amounts are integer minor units)',
  },
  { name: 'SHOP_NAME', def: 'Counter POS', doc: 'Shop name shown on receipts and payment titles' },
  {
    name: 'DEFAULT_TERMINAL_ID',
    def: 'kiosk',
    doc: 'Terminal id of the kiosk screen; unpaired scanners send their scans here',
  },
  {
    name: 'ADMIN_TOKEN',
    def: (env) => (isProd(env) ? '' : DEMO_SECRETS.ADMIN_TOKEN),
    doc: 'Admin API bearer token / admin UI login (production: required, strong)',
  },
  { name: 'ADMIN_SESSION_HOURS', def: '12', doc: 'Lifetime of an admin UI session cookie' },
  {
    name: 'SCANNER_API_SECRET',
    def: (env) => (isProd(env) ? '' : DEMO_SECRETS.SCANNER_API_SECRET),
    doc: 'Shared secret network scanners send as `X-Scanner-Secret` (production: required, strong)',
  },
  {
    name: 'SCANNER_DEFAULT_ID',
    def: 'network-default',
    doc: 'Scanner id assumed when a network scan carries no `X-Scanner-Id`',
  },
  { name: 'SCANNER_ID', def: 'cli', doc: 'Scanner id that `scripts/scan` sends' },
  {
    name: 'SCANNER_PAIRING_PREFIX',
    def: 'POSLINK-',
    doc: 'Prefix that marks a scanned value as a pairing secret',
  },
  {
    name: 'SCANNER_PAIRING_SIGNING_SECRET',
    def: (env) => (isProd(env) ? '' : DEMO_SECRETS.SCANNER_PAIRING_SIGNING_SECRET),
    doc: 'HMAC key for pairing secrets (production: required, strong)',
  },
  {
    name: 'SCANNER_PAIRING_MAX_AGE_DAYS',
    def: '30',
    doc: 'How long a pairing barcode stays valid',
  },
  {
    name: 'SCANNER_PAIRING_BARCODE_FORMAT',
    def: 'CODE128',
    doc: 'bwip-js symbology for the pairing barcode (`CODE128`, `qrcode`, `datamatrix`, ...)',
  },
  {
    name: 'SCANNER_PAIRING_BARCODE_MAX_LENGTH',
    def: '48',
    doc: 'Maximum length of a pairing secret (what the scanners can read in one code)',
  },
  {
    name: 'SCANNER_KEYBOARD_LAYOUT',
    def: 'us',
    doc: 'Keyboard layout of a keyboard-wedge scanner nobody has taught yet (`us`, `de`, `fr`, `uk`, `ch`; factory scanners type `us`); learned per scanner from the pairing or layout-test code',
  },
  {
    name: 'SCANNER_LIST',
    def: '',
    doc: 'Known scanner vendors/models (`VID:PID`, `VID:*`); empty: `/etc/pos/scanners.list` when it exists, else the shipped `systemd/scanners.list`. The same file makes the udev rules',
  },
  {
    // Gone: a second list next to scanners.list could disagree with the udev rules.
    name: 'SCANNER_KEYBOARD_IDS',
    def: '',
    doc: 'Removed; list keyboard-mode scanners in scanners.list',
    documented: false,
  },
  {
    name: 'SCANNER_GAP_MS',
    def: '80',
    doc: 'A keyboard-wedge barcode without Enter/Tab ends after this many ms without a report',
  },
  {
    name: 'SCANNER_SIMULATOR',
    def: '0',
    doc: '`1` adds virtual HID scanners that replay recorded reports via `POST /api/v1/scanners/simulate` (demo only)',
  },
  {
    name: 'PAYMENT_MINIMUM_<PROVIDER>_CENTS',
    def: 'fake_card: 100, others 0',
    doc: 'Minimum payment per provider, e.g. `PAYMENT_MINIMUM_SUMUP_SOLO_CENTS=100`',
    documented: true,
  },
  {
    name: 'PAYMENT_MINIMUM_TOPUP_BARCODE',
    def: 'VERSCHENKT-1C',
    doc: 'Barcode of the 1-cent product used to top a cart up to a provider minimum',
  },
  {
    name: 'FAKE_CARD_DELAY_MS',
    def: '1500',
    doc: 'How long the demo card provider "waits for the card"',
  },
  {
    name: 'SUMUP_API_KEY',
    def: '',
    doc: 'SumUp API key (Solo readers); empty = sumup_solo unavailable',
  },
  { name: 'SUMUP_MERCHANT_CODE', def: '', doc: 'SumUp merchant code (Solo readers)' },
  {
    name: 'SUMUP_AFFILIATE_KEY',
    def: '',
    doc: 'SumUp affiliate key (Solo readers and Tap-to-Pay app switch)',
  },
  { name: 'SUMUP_APP_ID', def: '', doc: 'SumUp application id paired with the affiliate key' },
  {
    name: 'SUMUP_API_URL',
    def: 'https://api.sumup.com',
    doc: 'SumUp API base URL (tests and demos point it at the fake server)',
  },
  {
    name: 'SUMUP_READER_ID',
    def: '',
    doc: 'Default Solo reader id until readers are assigned per terminal in admin',
  },
  {
    name: 'SUMUP_POLL_MS',
    def: '3000',
    doc: 'How often a pending SumUp payment is checked with the API when no callback arrived',
  },
  {
    name: 'SUMUP_TIMEOUT_MS',
    def: '10000',
    doc: 'Time limit for one SumUp API request before the cashier is told SumUp did not answer',
  },
  {
    name: 'SUMUP_FAKE',
    def: '0',
    doc: '`1` starts the built-in fake SumUp server on loopback and points the SumUp providers at it (demo only)',
  },
  {
    name: 'FISCAL_PROVIDER',
    def: (env) => (isProd(env) ? '' : 'fake'),
    doc: 'TSE for German fiscal law (KassenSichV): `fiskaly` (fiskaly SIGN DE cloud TSE), `fake` (local demo TSE, refused in production) or `off` (no signing: outside Germany). Production without a choice starts, but every sale is marked unsigned ("TSE ausgefallen") and the log and admin page say why (docs/FISCAL.md)',
  },
  {
    name: 'FISCAL_TIMEOUT_MS',
    def: '3000',
    doc: 'How long a sale waits for the TSE before it completes unsigned and a TSE outage is recorded',
  },
  {
    name: 'FISCAL_TILL_SERIAL',
    def: '',
    doc: "The till's serial number printed on receipts and registered with the TSE and the tax office; empty = one generated at first start and kept in fiscal.json",
  },
  {
    name: 'FISKALY_API_KEY',
    def: '',
    doc: 'fiskaly SIGN DE API key (required with `FISCAL_PROVIDER=fiskaly`)',
  },
  {
    name: 'FISKALY_API_SECRET',
    def: '',
    doc: 'fiskaly SIGN DE API secret (required with `FISCAL_PROVIDER=fiskaly`)',
  },
  {
    name: 'FISKALY_API_URL',
    def: 'https://kassensichv-middleware.fiskaly.com/api/v2',
    doc: 'fiskaly SIGN DE API v2 base URL (tests point it at the fake fiskaly server)',
  },
  {
    name: 'FISKALY_TSS_ID',
    def: '',
    doc: 'UUID of the fiskaly TSS this till signs with (required with `FISCAL_PROVIDER=fiskaly`)',
  },
  {
    name: 'FISKALY_CLIENT_ID',
    def: '',
    doc: 'UUID of this till as fiskaly client; empty = derived from the till serial',
  },
  {
    name: 'FISKALY_ADMIN_PIN',
    def: '',
    doc: "Admin PIN of the TSS, used by the admin page's TSS set-up (create, personalise, initialise, register the till)",
  },
  {
    name: 'ALLOWED_POS_IPS',
    def: '',
    doc: 'Comma-separated whitelist used when settings.json cannot be read (IPs or CIDR)',
  },
  {
    name: 'ALLOWED_HOSTS',
    def: '',
    doc: "Comma-separated extra host names (or `*.domain`) browsers may use to reach the daemon; localhost, this machine's addresses and host name (also `.local`) and `PUBLIC_URL` are always allowed (DNS-rebinding guard)",
  },
  {
    name: 'HTTP_HEADERS_TIMEOUT_MS',
    def: '15000',
    doc: "A client must send a request's headers within this time, or the connection is closed (slow-loris guard)",
  },
  {
    name: 'MAX_CONNECTIONS_PER_IP',
    def: '64',
    doc: 'Open HTTP connections one client address may hold (loopback: 4×); more are closed at once',
  },
  {
    name: 'MAX_WEBSOCKETS_PER_IP',
    def: '16',
    doc: 'Live WebSockets one client address may hold (loopback: 4×); more are refused with 429',
  },
  {
    name: 'TRUST_PROXY',
    def: '',
    doc: 'Comma-separated proxy addresses or CIDR ranges whose `X-Forwarded-For` is believed',
  },
  {
    name: 'PIN_IDLE_LOGOUT_MINUTES',
    def: '15',
    doc: 'A cashier logged in with a PIN is logged out after this many idle minutes (admin can override)',
  },
  {
    name: 'PIN_ROTATION_DAYS',
    def: '90',
    doc: 'Admin shows a rotation reminder for PINs older than this many days (0 = never)',
  },
  {
    name: 'FLEET_DATABASE_URL',
    def: '',
    doc: 'PostgreSQL connection URL (libpq form, e.g. `postgres://pos_branch1:…@db.example:5432/pos?sslmode=verify-full&sslrootcert=/etc/pos/fleet-ca.pem`) the journal is shipped to; empty = no fleet (docs/FLEET.md)',
  },
  {
    name: 'FLEET_CATALOG',
    def: 'local',
    doc: '`local` (catalog edited on this appliance) or `pull` (products, prices, VAT and categories come from the centre; local catalog edits are refused)',
  },
  {
    name: 'FLEET_BRANCH_NAME',
    def: '',
    doc: 'Branch name this appliance reports to the centre until one is set on the admin page (empty = `SHOP_NAME`)',
  },
  {
    name: 'FLEET_BATCH_SIZE',
    def: '500',
    doc: 'Journal entries per transaction shipped to the centre',
  },
  {
    name: 'FLEET_MAX_RATE',
    def: '2000',
    doc: 'At most this many journal entries per second are shipped (a backlog is caught up at this rate so selling never slows)',
  },
  {
    name: 'FLEET_CHECK_SECONDS',
    def: '30',
    doc: 'Seconds between catalog checks (besides LISTEN/NOTIFY) and the longest wait between reconnects to the centre',
  },
  {
    name: 'POS_ENV_FILE',
    def: '/etc/pos/pos.env or ./.env',
    doc: 'Env file to read (empty = none)',
  },
  { name: 'NOTIFY_SOCKET', def: '', doc: 'Set by systemd (Type=notify)', documented: false },
  { name: 'WATCHDOG_USEC', def: '', doc: 'Set by systemd (WatchdogSec)', documented: false },
];

const KNOWN = new Set(VARS.map((v) => v.name));
/** Our variable families: an unknown name in one of them is almost always a typo. */
const OWN_PREFIXES = [
  'SCANNER_',
  'SUMUP_',
  'PAYMENT_',
  'ADMIN_',
  'POS_',
  'PIN_',
  'FISCAL_',
  'FISKALY_',
  'FLEET_',
];
/** The project's tools (image build, CI, kiosk session) read these; the daemon ignores them. */
const TOOL_PREFIXES = ['POS_IMAGE_', 'POS_CI_', 'POS_KIOSK_'];
const MINIMUM_RE = /^PAYMENT_MINIMUM_([A-Z0-9_]+)_CENTS$/;

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

function resolveEnvFile(env: Env, cwd: string): string | null {
  if (env.POS_ENV_FILE !== undefined) return env.POS_ENV_FILE === '' ? null : env.POS_ENV_FILE;
  if (existsSync('/etc/pos/pos.env')) return '/etc/pos/pos.env';
  const local = path.join(cwd, '.env');
  return existsSync(local) ? local : null;
}

function int(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function bool(name: string, raw: string): boolean {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off', ''].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be 1/0 or true/false, got "${raw}"`);
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function url(name: string, raw: string, allowEmpty = false): string {
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

/** Default provider minimums; env overrides per provider. */
const DEFAULT_MINIMUMS: Record<string, number> = { fake_card: 100 };

/**
 * Builds the typed Config. Pure apart from reading the env file; throws ConfigError naming
 * the variable and the rule.
 */
export function loadConfig(processEnv: Env = process.env, cwd = process.cwd()): Config {
  const envFile = resolveEnvFile(processEnv, cwd);
  let fileEnv: Env = {};
  if (envFile) {
    let text: string;
    try {
      text = readFileSync(envFile, 'utf8');
    } catch (err) {
      throw new ConfigError('POS_ENV_FILE', `cannot read ${envFile}: ${(err as Error).message}`);
    }
    fileEnv = parseEnvFile(text, envFile);
    // In the env file every name must be ours: a file is written for this daemon only.
    for (const name of Object.keys(fileEnv)) {
      if (!KNOWN.has(name) && !MINIMUM_RE.test(name)) {
        throw new ConfigError(name, `unknown variable in ${envFile}`);
      }
    }
  }
  const env: Env = { ...fileEnv, ...processEnv };
  for (const name of Object.keys(processEnv)) {
    if (
      OWN_PREFIXES.some((p) => name.startsWith(p)) &&
      !TOOL_PREFIXES.some((p) => name.startsWith(p)) &&
      !KNOWN.has(name) &&
      !MINIMUM_RE.test(name)
    ) {
      throw new ConfigError(name, 'unknown variable (typo?); see the README configuration table');
    }
  }

  const get = (name: string): string => {
    const v = env[name];
    if (v !== undefined) return v;
    const spec = VARS.find((s) => s.name === name);
    if (!spec) throw new Error(`config: no spec for ${name}`);
    return typeof spec.def === 'function' ? spec.def(env) : spec.def;
  };

  const appEnv = oneOf('APP_ENV', get('APP_ENV'), ['demo', 'production'] as const);
  const timezone = get('TIMEZONE');
  if (!isValidTimeZone(timezone)) {
    throw new ConfigError(
      'TIMEZONE',
      `must be an IANA time zone such as Europe/Berlin, got "${timezone}"`,
    );
  }
  const currency = get('CURRENCY');
  if (!/^[A-Z]{3}$/.test(currency))
    throw new ConfigError('CURRENCY', `must be an ISO 4217 code, got "${currency}"`);

  const secret = (name: keyof typeof DEMO_SECRETS): string => {
    const value = get(name);
    if (appEnv === 'production') {
      if (!value) throw new ConfigError(name, 'is required when APP_ENV=production');
      const why = weakSecretReason(value);
      if (why) throw new ConfigError(name, `${why} when APP_ENV=production`);
    } else if (!value) {
      throw new ConfigError(name, 'must not be empty');
    }
    return value;
  };

  const paymentMinimumCents: Record<string, number> = { ...DEFAULT_MINIMUMS };
  for (const [name, raw] of Object.entries(env)) {
    const m = MINIMUM_RE.exec(name);
    if (m && raw !== undefined)
      paymentMinimumCents[m[1].toLowerCase()] = int(name, raw, 0, 10_000_000);
  }

  const layout = oneOf('SCANNER_KEYBOARD_LAYOUT', get('SCANNER_KEYBOARD_LAYOUT'), LAYOUTS);
  const warnings: string[] = [];
  // Retired, not refused: an appliance updated in the field must still start (and sell).
  if (get('SCANNER_KEYBOARD_IDS'))
    warnings.push(
      'SCANNER_KEYBOARD_IDS is no longer used and is ignored: add keyboard-mode scanners to scanners.list (SCANNER_LIST; on the appliance /etc/pos/scanners.list), the one list the udev rules come from too, and remove this variable',
    );
  const prefix = get('SCANNER_PAIRING_PREFIX');
  if (!/^[A-Z0-9-]{1,16}$/.test(prefix)) {
    throw new ConfigError(
      'SCANNER_PAIRING_PREFIX',
      'must be 1-16 characters of A-Z, 0-9 and "-" (scannable in CODE128)',
    );
  }
  const pairingMaxLength = int(
    'SCANNER_PAIRING_BARCODE_MAX_LENGTH',
    get('SCANNER_PAIRING_BARCODE_MAX_LENGTH'),
    24,
    200,
  );
  // A pairing code needs 22 characters after the prefix: mode, issue time, MAC and the
  // shortest terminal (docs/SCANNERS.md).
  if (pairingMaxLength < prefix.length + 22) {
    throw new ConfigError(
      'SCANNER_PAIRING_BARCODE_MAX_LENGTH',
      `must be at least ${prefix.length + 22} with the prefix "${prefix}", got ${pairingMaxLength}`,
    );
  }
  const scannerSimulator = bool('SCANNER_SIMULATOR', get('SCANNER_SIMULATOR'));
  if (scannerSimulator && appEnv === 'production') {
    throw new ConfigError('SCANNER_SIMULATOR', 'must not be set when APP_ENV=production');
  }
  const format = get('SCANNER_PAIRING_BARCODE_FORMAT');
  if (!/^[a-z0-9]+$/i.test(format)) {
    throw new ConfigError(
      'SCANNER_PAIRING_BARCODE_FORMAT',
      `must be a bwip-js symbology name, got "${format}"`,
    );
  }
  const sumupFake = bool('SUMUP_FAKE', get('SUMUP_FAKE'));
  if (sumupFake && appEnv === 'production') {
    throw new ConfigError('SUMUP_FAKE', 'must not be set when APP_ENV=production');
  }

  const fiscalProvider = oneOf('FISCAL_PROVIDER', get('FISCAL_PROVIDER'), [
    '',
    'fake',
    'fiskaly',
    'off',
  ] as const);
  if (fiscalProvider === 'fake' && appEnv === 'production')
    throw new ConfigError(
      'FISCAL_PROVIDER',
      'fake is a demo TSE and must not be used when APP_ENV=production (choose fiskaly or off)',
    );
  if (fiscalProvider === '' && appEnv === 'production')
    warnings.push(
      'FISCAL_PROVIDER is not set: sales are not signed by a TSE and every receipt says "TSE ausgefallen"; set FISCAL_PROVIDER=fiskaly (Germany) or off (docs/FISCAL.md)',
    );
  if (fiscalProvider === 'fiskaly')
    for (const name of ['FISKALY_API_KEY', 'FISKALY_API_SECRET', 'FISKALY_TSS_ID'])
      if (!get(name)) throw new ConfigError(name, 'is required with FISCAL_PROVIDER=fiskaly');
  const uuidOrEmpty = (name: string): string => {
    const v = get(name);
    if (v && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
      throw new ConfigError(name, `must be a UUID, got "${v}"`);
    return v;
  };
  const tillSerial = get('FISCAL_TILL_SERIAL');
  if (tillSerial && !/^[A-Za-z0-9._-]{1,70}$/.test(tillSerial))
    throw new ConfigError('FISCAL_TILL_SERIAL', 'must be 1-70 letters, digits, ".", "_" or "-"');
  if (get('FLEET_CATALOG') === 'pull' && !get('FLEET_DATABASE_URL'))
    throw new ConfigError('FLEET_CATALOG', '`pull` needs FLEET_DATABASE_URL (the centre)');

  const config: Config = {
    appEnv,
    host: hostValue('HOST', get('HOST')),
    port: int('PORT', get('PORT'), 0, 65535),
    dataDir: dataDirValue('DATA_DIR', get('DATA_DIR'), cwd),
    publicUrl: url('PUBLIC_URL', get('PUBLIC_URL'), true),
    logLevel: oneOf('LOG_LEVEL', get('LOG_LEVEL'), ['debug', 'info', 'warn', 'error'] as const),
    timezone,
    currency,
    shopName: get('SHOP_NAME'),
    defaultTerminalId: terminalId('DEFAULT_TERMINAL_ID', get('DEFAULT_TERMINAL_ID')),

    adminToken: secret('ADMIN_TOKEN'),
    adminSessionHours: int('ADMIN_SESSION_HOURS', get('ADMIN_SESSION_HOURS'), 1, 24 * 30),
    scannerApiSecret: secret('SCANNER_API_SECRET'),
    scannerDefaultId: get('SCANNER_DEFAULT_ID'),
    scannerId: get('SCANNER_ID'),
    scannerPairingPrefix: prefix,
    scannerPairingSigningSecret: secret('SCANNER_PAIRING_SIGNING_SECRET'),
    scannerPairingMaxAgeDays: int(
      'SCANNER_PAIRING_MAX_AGE_DAYS',
      get('SCANNER_PAIRING_MAX_AGE_DAYS'),
      1,
      3650,
    ),
    scannerPairingBarcodeFormat: format,
    scannerPairingBarcodeMaxLength: pairingMaxLength,
    scannerKeyboardLayout: layout,
    scannerList: get('SCANNER_LIST'),
    scannerGapMs: int('SCANNER_GAP_MS', get('SCANNER_GAP_MS'), 5, 5000),
    scannerSimulator,

    paymentMinimumCents,
    paymentMinimumTopupBarcode: get('PAYMENT_MINIMUM_TOPUP_BARCODE'),
    fakeCardDelayMs: int('FAKE_CARD_DELAY_MS', get('FAKE_CARD_DELAY_MS'), 0, 600_000),

    sumupApiKey: get('SUMUP_API_KEY'),
    sumupMerchantCode: get('SUMUP_MERCHANT_CODE'),
    sumupAffiliateKey: get('SUMUP_AFFILIATE_KEY'),
    sumupAppId: get('SUMUP_APP_ID'),
    sumupApiUrl: url('SUMUP_API_URL', get('SUMUP_API_URL')),
    sumupReaderId: readerId(get('SUMUP_READER_ID')),
    sumupFake,
    sumupPollMs: int('SUMUP_POLL_MS', get('SUMUP_POLL_MS'), 10, 600_000),
    sumupTimeoutMs: int('SUMUP_TIMEOUT_MS', get('SUMUP_TIMEOUT_MS'), 50, 120_000),

    fiscalProvider,
    fiscalTimeoutMs: int('FISCAL_TIMEOUT_MS', get('FISCAL_TIMEOUT_MS'), 50, 60_000),
    fiscalTillSerial: tillSerial,
    fiskalyApiKey: get('FISKALY_API_KEY'),
    fiskalyApiSecret: get('FISKALY_API_SECRET'),
    fiskalyApiUrl: url('FISKALY_API_URL', get('FISKALY_API_URL')),
    fiskalyTssId: uuidOrEmpty('FISKALY_TSS_ID'),
    fiskalyClientId: uuidOrEmpty('FISKALY_CLIENT_ID'),
    fiskalyAdminPin: get('FISKALY_ADMIN_PIN'),

    allowedPosIps: list(get('ALLOWED_POS_IPS')),
    allowedHosts: list(get('ALLOWED_HOSTS')).map((h) => allowedHostValue('ALLOWED_HOSTS', h)),
    httpHeadersTimeoutMs: int(
      'HTTP_HEADERS_TIMEOUT_MS',
      get('HTTP_HEADERS_TIMEOUT_MS'),
      500,
      600_000,
    ),
    maxConnectionsPerIp: int('MAX_CONNECTIONS_PER_IP', get('MAX_CONNECTIONS_PER_IP'), 1, 100_000),
    maxWebSocketsPerIp: int('MAX_WEBSOCKETS_PER_IP', get('MAX_WEBSOCKETS_PER_IP'), 1, 100_000),
    trustProxy: list(get('TRUST_PROXY')),
    pinIdleLogoutMinutes: int(
      'PIN_IDLE_LOGOUT_MINUTES',
      get('PIN_IDLE_LOGOUT_MINUTES'),
      1,
      24 * 60,
    ),
    pinRotationDays: int('PIN_ROTATION_DAYS', get('PIN_ROTATION_DAYS'), 0, 3650),

    fleetDatabaseUrl: postgresUrl('FLEET_DATABASE_URL', get('FLEET_DATABASE_URL')),
    fleetCatalog: oneOf('FLEET_CATALOG', get('FLEET_CATALOG'), ['local', 'pull'] as const),
    fleetBranchName: get('FLEET_BRANCH_NAME').trim().slice(0, 80),
    fleetBatchSize: int('FLEET_BATCH_SIZE', get('FLEET_BATCH_SIZE'), 1, 5000),
    fleetMaxRate: int('FLEET_MAX_RATE', get('FLEET_MAX_RATE'), 10, 1_000_000),
    fleetCheckSeconds: int('FLEET_CHECK_SECONDS', get('FLEET_CHECK_SECONDS'), 1, 3600),

    notifySocket: env.NOTIFY_SOCKET ?? '',
    watchdogUsec: env.WATCHDOG_USEC
      ? int('WATCHDOG_USEC', env.WATCHDOG_USEC, 0, Number.MAX_SAFE_INTEGER)
      : 0,
    envFile,
    warnings,
  };
  return config;
}

/** An IP literal or a host name (RFC 1123 labels); checked here so a typo is not a crash at listen. */
function hostValue(name: string, raw: string): string {
  const hostname =
    /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
  if (isIP(raw) || hostname.test(raw)) return raw;
  throw new ConfigError(name, `must be an IP address or host name, got "${raw}"`);
}

/** ALLOWED_HOSTS entries: a host name, `*.` + a domain, or an IP literal; lower case. */
function allowedHostValue(name: string, raw: string): string {
  const v = raw.trim().toLowerCase().replace(/\.$/, '');
  const bare = v.startsWith('*.') ? v.slice(2) : v.replace(/^\[(.*)\]$/, '$1');
  hostValue(name, bare);
  return v;
}

/** An empty DATA_DIR would resolve to the working directory (the project itself): refused. */
function dataDirValue(name: string, raw: string, cwd: string): string {
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty');
  return path.resolve(cwd, raw);
}

/** A libpq connection URL (postgres:// or postgresql://), or empty. */
function postgresUrl(name: string, raw: string): string {
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
function readerId(raw: string): string {
  if (raw !== '' && !/^rdr_[A-Za-z0-9]{26}$/.test(raw))
    throw new ConfigError(
      'SUMUP_READER_ID',
      `must look like rdr_ followed by 26 letters/digits, got "${raw}"`,
    );
  return raw;
}

function terminalId(name: string, raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) {
    throw new ConfigError(name, 'must be 1-64 characters of letters, digits, "_" and "-"');
  }
  return raw;
}

/** Documented variables, for the README check. */
export function documentedVariables(): string[] {
  return VARS.filter((v) => v.documented !== false).map((v) => v.name);
}
