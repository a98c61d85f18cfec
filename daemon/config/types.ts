/**
 * The daemon's configuration as loadConfig (daemon/config.ts) hands it out: one field per
 * variable of VARS, parsed and checked. Types only, so any module can name it.
 */
import type { Layout } from '../scanners/keymaps.js';

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
  /** The demo card (`fake_card`) is offered: demo by default, production only when set. */
  paymentDemoCard: boolean;

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

  /** POS_UPDATE_DIR (resolved): the directory shared with the root update agent. */
  updateDir: string;
  updateMaxBytes: number;
  updateQuietCheckMs: number;

  /** systemd integration (set by systemd, not by the operator). */
  notifySocket: string;
  watchdogUsec: number;

  /** Where the values came from, for the start-up log. */
  envFile: string | null;
  /** Things worth a log line at start that do not stop the daemon (a retired variable...). */
  warnings: string[];
}
