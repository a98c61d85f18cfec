import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  DEMO_SECRETS,
  documentedVariables,
  loadConfig,
  parseEnvFile,
  weakSecretReason,
} from '../../daemon/config.js';
import { ROOT, runDaemonExpectExit } from '../helpers/daemon.js';

/** A secret that passes every production rule (random-looking, letters and digits). */
const STRONG = {
  ADMIN_TOKEN: 'k7Qm2vXr9Lp4Wz8Tn3Bc6Hd1',
  SCANNER_API_SECRET: 'Zp5Rt8Vw2Xy7Qa4Mn9Kb3Lc6',
  SCANNER_PAIRING_SIGNING_SECRET: 'h3J8k2L7m4N9p1Q6r5S0t8U2',
};

const base = { POS_ENV_FILE: '', DATA_DIR: '/tmp/pos-config-test' };

function load(env: Record<string, string>) {
  return loadConfig({ ...base, ...env }, ROOT);
}

/** Asserts loadConfig refuses `env`, naming `variable` (and matching `rule` when given). */
function refuses(env: Record<string, string>, variable: string, rule?: RegExp): void {
  assert.throws(
    () => load(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      assert.equal(err.variable, variable);
      assert.ok(err.message.includes(variable), err.message);
      if (rule) assert.match(err.message, rule);
      return true;
    },
  );
}

test('loadConfig({}) in demo mode accepts the demo defaults', () => {
  const c = load({});
  assert.equal(c.appEnv, 'demo');
  assert.equal(c.adminToken, DEMO_SECRETS.ADMIN_TOKEN);
  assert.equal(c.scannerApiSecret, DEMO_SECRETS.SCANNER_API_SECRET);
  assert.equal(c.scannerPairingSigningSecret, DEMO_SECRETS.SCANNER_PAIRING_SIGNING_SECRET);
  assert.equal(c.port, 8080);
  assert.equal(c.timezone, 'Europe/Berlin');
  assert.equal(c.scannerPairingPrefix, 'POSLINK-');
  assert.equal(c.scannerPairingMaxAgeDays, 30);
  assert.equal(c.scannerPairingBarcodeFormat, 'CODE128');
  assert.equal(c.paymentMinimumTopupBarcode, 'VERSCHENKT-1C');
  assert.equal(c.paymentMinimumCents.fake_card, 100);
  assert.equal(c.dataDir, '/tmp/pos-config-test');
});

test('loadConfig() in production with strong secrets is accepted', () => {
  const c = load({ APP_ENV: 'production', ...STRONG });
  assert.equal(c.appEnv, 'production');
  assert.equal(c.adminToken, STRONG.ADMIN_TOKEN);
});

test('DATA_DIR defaults to ./data in demo and /data/pos in production', () => {
  assert.equal(loadConfig({ POS_ENV_FILE: '' }, ROOT).dataDir, path.join(ROOT, 'data'));
  assert.equal(
    loadConfig({ POS_ENV_FILE: '', APP_ENV: 'production', ...STRONG }, ROOT).dataDir,
    '/data/pos',
  );
});

for (const name of Object.keys(STRONG) as Array<keyof typeof STRONG>) {
  const prod = (value: string | undefined) => {
    const env: Record<string, string> = { APP_ENV: 'production', ...STRONG };
    if (value === undefined) delete env[name];
    else env[name] = value;
    return env;
  };
  test(`production ${name}: missing is refused`, () => {
    refuses(prod(undefined), name, /required when APP_ENV=production/);
  });
  test(`production ${name}: shorter than 24 characters is refused`, () => {
    refuses(prod('k7Qm2vXr9Lp4Wz8Tn3Bc6H'), name, /at least 24 characters/);
  });
  test(`production ${name}: no digits is refused`, () => {
    refuses(prod('kQmvXrLpWzTnBcHdfGjRsYuE'), name, /letters and digits/);
  });
  test(`production ${name}: no letters is refused`, () => {
    refuses(prod('738291046571928374650192'), name, /letters and digits/);
  });
  test(`production ${name}: containing a known weak value is refused`, () => {
    refuses(prod('changeme-2024-changeme-2025'), name, /known weak value "changeme"/);
    refuses(prod('Password1234567890Password'), name, /known weak value "password"/);
  });
  test(`production ${name}: a demo default (even padded) is refused`, () => {
    for (const demo of Object.values(DEMO_SECRETS)) {
      refuses(prod(`${demo}-9a8b7c6d5e4f3`), name, /known weak value/);
    }
  });
  test(`production ${name}: repeated characters are refused`, () => {
    refuses(prod('aaaaaaaaaaaaaaaaaaaaaaaa1'), name, /repeated character/);
    refuses(prod('a1a1a1a1a1a1a1a1a1a1a1a1'), name, /repeated/);
    refuses(prod('abc123abc123abc123abc123'), name, /short repeated pattern/);
  });
}

test('weakSecretReason() accepts a random 24+ character secret', () => {
  for (const s of Object.values(STRONG)) assert.equal(weakSecretReason(s), null);
});

test('demo mode: an empty secret is refused, naming it', () => {
  refuses({ ADMIN_TOKEN: '' }, 'ADMIN_TOKEN', /must not be empty/);
});

test('TIMEZONE: an IANA zone is accepted, anything else refused', () => {
  assert.equal(load({ TIMEZONE: 'America/New_York' }).timezone, 'America/New_York');
  refuses({ TIMEZONE: 'Mars/Olympus_Mons' }, 'TIMEZONE', /IANA time zone/);
  refuses({ TIMEZONE: 'Berlin' }, 'TIMEZONE', /IANA/);
  refuses({ TIMEZONE: '' }, 'TIMEZONE');
});

test('malformed numbers are refused naming the variable', () => {
  refuses({ PORT: 'eighty' }, 'PORT', /integer/);
  refuses({ PORT: '70000' }, 'PORT', /between 0 and 65535/);
  refuses({ PORT: '8080.5' }, 'PORT', /integer/);
  refuses({ SCANNER_PAIRING_MAX_AGE_DAYS: '0' }, 'SCANNER_PAIRING_MAX_AGE_DAYS', /between/);
  refuses({ SCANNER_PAIRING_BARCODE_MAX_LENGTH: '1e2' }, 'SCANNER_PAIRING_BARCODE_MAX_LENGTH');
  refuses({ ADMIN_SESSION_HOURS: '' }, 'ADMIN_SESSION_HOURS', /integer/);
  refuses({ PAYMENT_MINIMUM_CASH_CENTS: '-5' }, 'PAYMENT_MINIMUM_CASH_CENTS', /between/);
  refuses({ PAYMENT_MINIMUM_SUMUP_SOLO_CENTS: '1,00' }, 'PAYMENT_MINIMUM_SUMUP_SOLO_CENTS');
});

test('PAYMENT_MINIMUM_<PROVIDER>_CENTS sets the minimum per provider id', () => {
  const c = load({ PAYMENT_MINIMUM_SUMUP_SOLO_CENTS: '250', PAYMENT_MINIMUM_FAKE_CARD_CENTS: '0' });
  assert.equal(c.paymentMinimumCents.sumup_solo, 250);
  assert.equal(c.paymentMinimumCents.fake_card, 0);
});

test('malformed enums are refused naming the variable', () => {
  refuses({ APP_ENV: 'staging' }, 'APP_ENV', /demo, production/);
  refuses({ APP_ENV: 'Production' }, 'APP_ENV');
  refuses({ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /debug, info, warn, error/);
  refuses({ SCANNER_KEYBOARD_LAYOUT: 'azerty' }, 'SCANNER_KEYBOARD_LAYOUT');
  refuses({ SUMUP_FAKE: 'maybe' }, 'SUMUP_FAKE');
  refuses({ CURRENCY: 'euro' }, 'CURRENCY', /ISO 4217/);
  // Retired: ignored with a warning, so an updated appliance still starts.
  assert.match(load({ SCANNER_KEYBOARD_IDS: '0c2e:0b61' }).warnings.join('\n'), /scanners\.list/);
  refuses({ SCANNER_PAIRING_PREFIX: 'poslink ' }, 'SCANNER_PAIRING_PREFIX');
  refuses({ DEFAULT_TERMINAL_ID: '../kiosk' }, 'DEFAULT_TERMINAL_ID');
});

test('malformed URLs are refused naming the variable', () => {
  refuses({ SUMUP_API_URL: 'ftp://api.sumup.com' }, 'SUMUP_API_URL', /http\(s\) URL/);
  refuses({ SUMUP_API_URL: 'api.sumup.com' }, 'SUMUP_API_URL');
  refuses({ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL', /http\(s\) URL/);
  assert.equal(load({ PUBLIC_URL: 'http://pos.local:8080/' }).publicUrl, 'http://pos.local:8080');
});

test('HOST must be an IP or host name; DATA_DIR must not be empty', () => {
  assert.equal(load({ HOST: '::' }).host, '::');
  assert.equal(load({ HOST: 'pos-kiosk.local' }).host, 'pos-kiosk.local');
  refuses({ HOST: 'http://0.0.0.0' }, 'HOST', /IP address or host name/);
  refuses({ HOST: '0.0.0.0:8080' }, 'HOST');
  refuses({ DATA_DIR: '' }, 'DATA_DIR', /must not be empty/);
  assert.equal(load({ DATA_DIR: 'rel/data' }).dataDir, path.join(ROOT, 'rel', 'data'));
});

test('SUMUP_FAKE is refused in production', () => {
  refuses({ APP_ENV: 'production', ...STRONG, SUMUP_FAKE: '1' }, 'SUMUP_FAKE', /production/);
});

test('an unknown SCANNER_* / SUMUP_* variable (typo) is refused naming it', () => {
  refuses({ SCANNER_API_SECRT: 'x' }, 'SCANNER_API_SECRT', /unknown variable/);
  refuses({ SUMUP_APIKEY: 'x' }, 'SUMUP_APIKEY', /unknown variable/);
  refuses({ PAYMENT_MINIMUM_CASH: '5' }, 'PAYMENT_MINIMUM_CASH', /unknown variable/);
  // Variables outside our families belong to the system and are ignored.
  assert.equal(load({ HOME: '/root', LANG: 'C.UTF-8' }).appEnv, 'demo');
});

test('parseEnvFile(text, file) reads comments, export, quotes and CRLF', () => {
  const env = parseEnvFile(
    [
      '# Counter POS',
      '',
      'APP_ENV=production',
      'export PORT=9090',
      'SHOP_NAME="Kiosk am See"',
      "TIMEZONE='Europe/Vienna'",
      '  LOG_LEVEL = debug  ',
      'SCANNER_PAIRING_PREFIX=POS-=X',
    ].join('\r\n'),
    'pos.env',
  );
  assert.deepEqual(env, {
    APP_ENV: 'production',
    PORT: '9090',
    SHOP_NAME: 'Kiosk am See',
    TIMEZONE: 'Europe/Vienna',
    LOG_LEVEL: 'debug',
    SCANNER_PAIRING_PREFIX: 'POS-=X',
  });
});

test('parseEnvFile() refuses a line that is not NAME=value, naming file and line', () => {
  assert.throws(
    () => parseEnvFile('PORT=1\nthis is not an assignment\n', '/etc/pos/pos.env'),
    /\/etc\/pos\/pos\.env: line 2 is not NAME=value/,
  );
});

test('env file: values apply, the process environment wins, defaults fill the rest', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pos-env-'));
  try {
    const file = path.join(dir, 'pos.env');
    await writeFile(file, 'SHOP_NAME="From File"\nPORT=9000\nTIMEZONE=Europe/Vienna\n');
    const c = loadConfig({ POS_ENV_FILE: file, PORT: '9100', DATA_DIR: dir }, dir);
    assert.equal(c.envFile, file);
    assert.equal(c.shopName, 'From File'); // file over default
    assert.equal(c.port, 9100); // process env over file
    assert.equal(c.timezone, 'Europe/Vienna');
    assert.equal(c.currency, 'EUR'); // default
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('env file: without POS_ENV_FILE the appliance file wins, else ./.env in the working directory', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pos-env-'));
  try {
    const appliance = path.join(dir, 'etc-pos.env');
    await writeFile(path.join(dir, '.env'), 'SHOP_NAME=Dotenv Shop\n');
    // No appliance file (a development machine): ./.env is read.
    let c = loadConfig({ DATA_DIR: dir }, dir, appliance);
    assert.equal(c.envFile, path.join(dir, '.env'));
    assert.equal(c.shopName, 'Dotenv Shop');
    // On the appliance its file is read and ./.env is not.
    await writeFile(appliance, 'SHOP_NAME=Appliance Shop\n');
    c = loadConfig({ DATA_DIR: dir }, dir, appliance);
    assert.equal(c.envFile, appliance);
    assert.equal(c.shopName, 'Appliance Shop');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('env file: an unknown name or a missing file is refused', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pos-env-'));
  try {
    const file = path.join(dir, 'pos.env');
    await writeFile(file, 'ADMIN_TOKN=abc\n');
    assert.throws(
      () => loadConfig({ POS_ENV_FILE: file }, dir),
      (err: unknown) => err instanceof ConfigError && err.variable === 'ADMIN_TOKN',
    );
    assert.throws(
      () => loadConfig({ POS_ENV_FILE: path.join(dir, 'missing.env') }, dir),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.variable === 'POS_ENV_FILE' &&
        /cannot read/.test(err.message),
    );
    // A malformed value in the file is refused like one in the environment.
    await writeFile(file, 'PORT=http\n');
    assert.throws(
      () => loadConfig({ POS_ENV_FILE: file }, dir),
      (err: unknown) => err instanceof ConfigError && err.variable === 'PORT',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Variable names in README.md's configuration table (first column, between the markers). */
function readmeTableVariables(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- config-table:start -->');
  const end = readme.indexOf('<!-- config-table:end -->');
  assert.ok(start !== -1 && end > start, 'README.md has the config-table markers');
  const names: string[] = [];
  for (const line of readme.slice(start, end).split('\n')) {
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|');
    if (cells.length < 3) continue;
    const m = /^\s*`([^`]+)`\s*$/.exec(cells[0]);
    if (m) names.push(m[1]);
  }
  return names;
}

test('every documented variable appears in README.md, and only those', () => {
  const inReadme = readmeTableVariables();
  const documented = documentedVariables();
  assert.ok(documented.length > 20);
  const missing = documented.filter((n) => !inReadme.includes(n));
  assert.deepEqual(missing, [], `missing from README (run npm run config:table): ${missing}`);
  const stale = inReadme.filter((n) => !documented.includes(n));
  assert.deepEqual(stale, [], `in README but not in daemon/config.ts VARS: ${stale}`);
  for (const required of [
    'APP_ENV',
    'ADMIN_TOKEN',
    'SCANNER_API_SECRET',
    'SCANNER_DEFAULT_ID',
    'SCANNER_ID',
    'SCANNER_PAIRING_PREFIX',
    'SCANNER_PAIRING_SIGNING_SECRET',
    'SCANNER_PAIRING_MAX_AGE_DAYS',
    'SCANNER_PAIRING_BARCODE_FORMAT',
    'SCANNER_PAIRING_BARCODE_MAX_LENGTH',
    'TIMEZONE',
    'PAYMENT_MINIMUM_<PROVIDER>_CENTS',
    'PAYMENT_MINIMUM_TOPUP_BARCODE',
    'ALLOWED_POS_IPS',
    'PORT',
    'HOST',
    'DATA_DIR',
    'TRUST_PROXY',
  ]) {
    assert.ok(inReadme.includes(required), `${required} documented`);
  }
});

test('daemon with APP_ENV=production and a weak ADMIN_TOKEN exits non-zero naming it', async () => {
  const { code, output } = await runDaemonExpectExit({
    APP_ENV: 'production',
    ...STRONG,
    ADMIN_TOKEN: 'changeme',
    DATA_DIR: path.join(tmpdir(), 'pos-never-created'),
  });
  assert.notEqual(code, 0);
  assert.match(output, /refusing to start: config: ADMIN_TOKEN: must be at least 24 characters/);
  assert.doesNotMatch(output, /POS_READY/);
  assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
});

test('daemon refuses a PAYMENT_MINIMUM_<ID>_CENTS naming no provider with one clear line', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pos-minimum-'));
  try {
    const { code, output } = await runDaemonExpectExit({
      PAYMENT_MINIMUM_FOO_CENTS: '5',
      DATA_DIR: dataDir,
    });
    assert.equal(code, 2);
    assert.match(
      output,
      /refusing to start: config: PAYMENT_MINIMUM_FOO_CENTS: names no payment provider/,
    );
    assert.doesNotMatch(output, /POS_READY/);
    assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
