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
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LAYOUTS } from './scanners/keymaps.js';
import type { Config } from './config/types.js';
export {
  ConfigError,
  WEAK_SECRETS,
  weakSecretReason,
  parseEnvFile,
  isValidTimeZone,
} from './config/values.js';
export { DEMO_SECRETS, VARS, documentedVariables } from './config/vars.js';
import {
  ConfigError,
  weakSecretReason,
  parseEnvFile,
  isValidTimeZone,
  resolveEnvFile,
  APPLIANCE_ENV_FILE,
  int,
  oneOf,
  bool,
  list,
  url,
  hostValue,
  allowedHostValue,
  dataDirValue,
  postgresUrl,
  readerId,
  terminalId,
} from './config/values.js';
import { DEMO_SECRETS, VARS, type Env } from './config/vars.js';

export type { AppEnv, Config } from './config/types.js';

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

/** Default provider minimums; env overrides per provider. */
const DEFAULT_MINIMUMS: Record<string, number> = { fake_card: 100 };

/**
 * Builds the typed Config. Pure apart from reading the env file; throws ConfigError naming
 * the variable and the rule.
 */
export function loadConfig(
  processEnv: Env = process.env,
  cwd = process.cwd(),
  applianceEnvFile = APPLIANCE_ENV_FILE,
): Config {
  const envFile = resolveEnvFile(processEnv, cwd, applianceEnvFile);
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
    paymentDemoCard: bool('PAYMENT_DEMO_CARD', get('PAYMENT_DEMO_CARD')),

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

    updateDir: get('POS_UPDATE_DIR')
      ? dataDirValue('POS_UPDATE_DIR', get('POS_UPDATE_DIR'), cwd)
      : path.join(dataDirValue('DATA_DIR', get('DATA_DIR'), cwd), 'update'),
    updateMaxBytes: int('POS_UPDATE_MAX_BYTES', get('POS_UPDATE_MAX_BYTES'), 1024, 2 ** 40),
    updateQuietCheckMs: int(
      'POS_UPDATE_QUIET_CHECK_MS',
      get('POS_UPDATE_QUIET_CHECK_MS'),
      20,
      60_000,
    ),

    notifySocket: env.NOTIFY_SOCKET ?? '',
    watchdogUsec: env.WATCHDOG_USEC
      ? int('WATCHDOG_USEC', env.WATCHDOG_USEC, 0, Number.MAX_SAFE_INTEGER)
      : 0,
    envFile,
    warnings,
  };
  return config;
}

/** What the root update agent (daemon/update/agent.ts) reads; it needs none of the rest. */
export interface AgentConfig {
  updateDir: string;
  rauc: string;
  rebootCommand: string;
}

export function loadAgentConfig(processEnv: Env = process.env): AgentConfig {
  const get = (name: string): string => {
    const v = processEnv[name];
    if (v) return v;
    const def = VARS.find((s) => s.name === name)?.def;
    return typeof def === 'string' ? def : '';
  };
  return {
    updateDir: path.resolve(get('POS_UPDATE_DIR') || '/data/pos/update'),
    rauc: get('POS_RAUC'),
    rebootCommand: get('POS_REBOOT_COMMAND'),
  };
}
