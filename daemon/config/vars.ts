/**
 * Every configuration variable, declared once: name, default, meaning (daemon/config.ts reads
 * them; the README table is generated from this list by `npm run config:table`).
 */
export type Env = Record<string, string | undefined>;

export interface VarSpec {
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

export const isProd = (env: Env) => env.APP_ENV === 'production';

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
    name: 'PAYMENT_DEMO_CARD',
    def: (env) => (isProd(env) ? '0' : '1'),
    doc: '`1` offers the demo card provider "Karte (Demo)" (`fake_card`, no money moves) on the tills; `0` hides it. Production: off unless the owner sets `1` explicitly',
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
    name: 'POS_UPDATE_DIR',
    def: '',
    doc: 'Directory the daemon and the root update agent share (bundles, request.json, status.json, slots.json; docs/UPDATES.md); empty = `DATA_DIR/update` (the agent: `/data/pos/update`)',
  },
  {
    name: 'POS_UPDATE_MAX_BYTES',
    def: '2147483648',
    doc: 'Largest update bundle the admin page may upload or fetch (bytes)',
  },
  {
    name: 'POS_UPDATE_QUIET_CHECK_MS',
    def: '1000',
    doc: 'How often the daemon looks at the update files and, after an install, for a quiet moment to reboot (no cart line, no open payment)',
  },
  {
    name: 'POS_RAUC',
    def: 'rauc',
    doc: 'Update agent only: the rauc executable it runs',
  },
  {
    name: 'POS_REBOOT_COMMAND',
    def: 'systemctl reboot "--reboot-argument=0 tryboot"',
    doc: 'Update agent only: the reboot command after an install (split into words, no shell; quotes group)',
  },
  {
    name: 'POS_ENV_FILE',
    def: '/etc/pos/pos.env or ./.env',
    doc: 'Env file to read (empty = none)',
  },
  { name: 'NOTIFY_SOCKET', def: '', doc: 'Set by systemd (Type=notify)', documented: false },
  { name: 'WATCHDOG_USEC', def: '', doc: 'Set by systemd (WatchdogSec)', documented: false },
];

/** Documented variables, for the README check. */
export function documentedVariables(): string[] {
  return VARS.filter((v) => v.documented !== false).map((v) => v.name);
}
