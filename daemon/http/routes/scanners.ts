/**
 * Scanner endpoints.
 *
 * Network scanners (the reference contract; own secret, not behind the IP whitelist):
 *   POST /api/v1/scanner/scan            X-Scanner-Secret, X-Scanner-Id (default
 *                                        SCANNER_DEFAULT_ID), body {barcode}; a pairing
 *                                        value that does not verify → 422 pairing_refused
 *   GET  /api/v1/scanner/validate-token  X-Scanner-Secret
 *   OPTIONS on both                      CORS preflight (browser-based scanner clients)
 * Wrong secret → 401, counted per client address; too many → 429 with Retry-After.
 *
 * Terminals (POS, IP whitelist):
 *   GET /api/v1/scanner/pairing-secret?terminal_id=     {secret, barcode_format, barcode_svg, expires_at}
 *   GET /api/v1/scanner/pairing-secret.png?terminal_id= the same code as PNG
 *
 * Admin:
 *   GET /api/v1/scanners                 {scanners, keyboards}
 *   GET /api/v1/scanners/layout-test     {text, barcode_format, barcode_svg}: scanned by a
 *                                        keyboard scanner, teaches it its layout
 *   PATCH /api/v1/scanners/:id           {name?, layout?, enabled?, is_scanner?, terminal_id?: null}
 *   POST /api/v1/scanners/simulate       demo simulator (SCANNER_SIMULATOR=1): plug a virtual
 *                                        device, feed it reports (interval_ms apart)
 *   POST /api/v1/scanners/pairing-codes/revoke   {confirm: true}: withdraw every pairing code shown so far
 */
import type { Context, Routes } from '../../core/http.js';
import type { Clock } from '../../clock.js';
import type { PairingSecret, ScannerInfo } from '../../protocol.js';
import { FailureLimiter } from '../../security/rate-limit.js';
import { secretEquals } from '../../security/secrets.js';
import { BarcodeRenderError, barcodePng, barcodeSvg } from '../../scanners/barcode-image.js';
import {
  SCANNER_ID_RE,
  USAGE_PAGE_BARCODE_SCANNER,
  USAGE_PAGE_GENERIC_DESKTOP,
  USAGE_KEYBOARD,
} from '../../scanners/device.js';
import { MAX_SCAN_CHARS, type Scanners } from '../../scanners/index.js';
import { isLayout } from '../../scanners/keymaps.js';
import { LAYOUT_TEST_TEXT } from '../../scanners/layout-learning.js';
import { readJson, queryParam } from '../body.js';
import { fail } from '../../core/errors.js';
import { boolField, intField, onlyKeys, str } from '../validate.js';

export interface ScannerRouteDeps {
  scanners: Scanners;
  clock: Clock;
  apiSecret: string;
  defaultScannerId: string;
  barcodeFormat: string;
  audit?: (ctx: Context, action: string, before: unknown, after: unknown) => void;
  /** Wrong-secret attempts per client address before 429 (per window). */
  maxFailures?: number;
  failureWindowMs?: number;
}

/** Longest barcode accepted from the network (GS1 DataMatrix / QR payloads included). */
export const MAX_NETWORK_BARCODE = MAX_SCAN_CHARS;

const CORS_HEADERS = 'Content-Type, X-Scanner-Id, X-Scanner-Secret';

function cors(ctx: Context): void {
  // Scanner clients authenticate with a header secret, never cookies: any origin may call.
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  ctx.set('Access-Control-Allow-Headers', CORS_HEADERS);
  ctx.set('Access-Control-Max-Age', '600');
}

export function scannerRoutes(routes: Routes, deps: ScannerRouteDeps): void {
  const { scanners } = deps;
  const limiter = new FailureLimiter(
    deps.clock,
    deps.maxFailures ?? 10,
    deps.failureWindowMs ?? 5 * 60_000,
  );

  const checkSecret = (ctx: Context): void => {
    const ip = ctx.state.clientIp;
    const wait = limiter.blockedFor(ip);
    if (wait > 0) {
      ctx.set('Retry-After', String(wait));
      fail(
        429,
        'too_many_attempts',
        `Too many wrong scanner secrets; try again in ${wait} s`,
        undefined,
        {
          retry_after_s: wait,
        },
      );
    }
    const given = ctx.get('x-scanner-secret');
    if (!given || !secretEquals(given, deps.apiSecret)) {
      limiter.fail(ip);
      fail(
        401,
        'invalid_scanner_secret',
        given ? 'Wrong X-Scanner-Secret' : 'X-Scanner-Secret header missing',
      );
    }
  };

  const networkScannerId = (ctx: Context): string => {
    const raw = ctx.get('x-scanner-id');
    const id = raw === '' ? deps.defaultScannerId : raw;
    if (!SCANNER_ID_RE.test(id))
      fail(
        400,
        'invalid_scanner_id',
        'X-Scanner-Id must be 1-100 characters of letters, digits and . _ : @ -',
      );
    return id;
  };

  for (const p of ['/api/v1/scanner/scan', '/api/v1/scanner/validate-token']) {
    routes.options(p, (ctx) => {
      cors(ctx);
      ctx.status = 204;
    });
  }

  routes.post('/api/v1/scanner/scan', async (ctx) => {
    cors(ctx);
    checkSecret(ctx);
    const scannerId = networkScannerId(ctx);
    const body = await readJson(ctx);
    onlyKeys(body, ['barcode']);
    const barcode = str(body, 'barcode', { min: 1, max: MAX_NETWORK_BARCODE, noBidi: true })!;
    if (barcode.trim() !== barcode)
      fail(400, 'invalid_field', 'barcode must not start or end with spaces', 'barcode');
    if (!scanners.isEnabled(scannerId))
      fail(403, 'scanner_disabled', `Scanner ${scannerId} is disabled in the admin settings`);
    const result = await scanners.networkScan(scannerId, barcode);
    if (result.result === 'pairing_refused') {
      // A value with the pairing prefix that does not verify never reaches a cart; the
      // scanner client hears it as an error (the refusal's own code in details).
      const details = {
        scanner_id: scannerId,
        terminal_id: result.terminal_id,
        reason: result.code,
      };
      if (result.code === 'storage')
        fail(503, 'pairing_not_saved', result.reason, undefined, details);
      fail(422, 'pairing_refused', result.reason, undefined, details);
    }
    ctx.body = { scanner_id: scannerId, ...result };
  });

  routes.get('/api/v1/scanner/validate-token', (ctx) => {
    cors(ctx);
    checkSecret(ctx);
    ctx.body = { ok: true, scanner_id: networkScannerId(ctx) };
  });

  const issue = async (ctx: Context) => {
    const terminalId = queryParam(ctx, 'terminal_id');
    if (!terminalId || !/^[A-Za-z0-9_-]{1,64}$/.test(terminalId))
      fail(
        400,
        'invalid_terminal_id',
        'terminal_id must be 1-64 characters of letters, digits, "_" and "-"',
        'terminal_id',
      );
    try {
      return await scanners.secrets.issue(terminalId);
    } catch (err) {
      if (err instanceof RangeError) fail(409, 'pairing_unavailable', err.message);
      throw err;
    }
  };

  const render = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BarcodeRenderError)
        fail(503, 'barcode_unavailable', `SCANNER_PAIRING_BARCODE_FORMAT: ${err.message}`);
      throw err;
    }
  };

  routes.get('/api/v1/scanner/pairing-secret', async (ctx) => {
    const s = await issue(ctx);
    const body: PairingSecret = {
      secret: s.secret,
      barcode_format: deps.barcodeFormat,
      barcode_svg: await render(() => barcodeSvg(s.secret, deps.barcodeFormat)),
      expires_at: s.expires_at,
    };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });

  routes.get('/api/v1/scanner/pairing-secret.png', async (ctx) => {
    const s = await issue(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'image/png';
    ctx.body = await render(() => barcodePng(s.secret, deps.barcodeFormat));
  });

  // The "layout test" code: a keyboard scanner that reads it learns its keyboard layout.
  routes.get('/api/v1/scanners/layout-test', async (ctx) => {
    ctx.body = {
      text: LAYOUT_TEST_TEXT,
      barcode_format: 'code128',
      barcode_svg: await render(() => barcodeSvg(LAYOUT_TEST_TEXT, 'code128')),
    };
  });

  routes.get('/api/v1/scanners', (ctx) => {
    ctx.body = { scanners: scanners.list(), keyboards: scanners.keyboards() };
  });

  routes.patch('/api/v1/scanners/:id', async (ctx) => {
    const id = ctx.params.id;
    if (!id || !SCANNER_ID_RE.test(id)) fail(400, 'invalid_id', 'Not a scanner id', 'id');
    if (!scanners.knows(id)) fail(404, 'not_found', `No scanner ${id}`);
    const body = await readJson(ctx);
    onlyKeys(body, ['name', 'layout', 'enabled', 'is_scanner', 'terminal_id']);
    const name = body.name === null ? null : str(body, 'name', { min: 1, max: 60, optional: true });
    if (body.layout !== undefined && !isLayout(body.layout))
      fail(400, 'invalid_field', 'layout must be one of us, de, fr, uk, ch', 'layout');
    const enabled = boolField(body, 'enabled', { optional: true });
    const isScanner = boolField(body, 'is_scanner', { optional: true });
    if (body.terminal_id !== undefined && body.terminal_id !== null)
      fail(
        400,
        'invalid_field',
        'terminal_id can only be set to null here (to forget the pairing); pair by scanning the code a terminal shows',
        'terminal_id',
      );
    await scanners.patch(id, {
      ...(body.name !== undefined ? { name: name ?? undefined } : {}),
      ...(body.layout !== undefined ? { layout: body.layout as ScannerInfo['layout'] } : {}),
      ...(enabled !== undefined ? { enabled } : {}),
      ...(isScanner !== undefined ? { is_scanner: isScanner } : {}),
      ...(body.terminal_id === null ? { unpair: true } : {}),
    });
    const info =
      scanners.list().find((s) => s.id === id) ?? scanners.keyboards().find((k) => k.id === id);
    ctx.body = info;
  });

  routes.post('/api/v1/scanners/pairing-codes/revoke', async (ctx) => {
    const body = await readJson(ctx);
    onlyKeys(body, ['confirm']);
    if (body.confirm !== true)
      fail(400, 'confirm_required', 'Send {"confirm": true} to withdraw every pairing code');
    await scanners.revokePairingCodes();
    deps.audit?.(ctx, 'scanner.pairing_codes_revoked', null, { all: true });
    ctx.body = { revoked: true };
  });

  routes.post('/api/v1/scanners/simulate', async (ctx) => {
    if (!scanners.simulator)
      fail(404, 'not_found', 'The scanner simulator is off (SCANNER_SIMULATOR=1, demo only)');
    const body = await readJson(ctx, { limit: 1024 * 1024 });
    onlyKeys(body, [
      'vendor_id',
      'product_id',
      'serial',
      'kind',
      'reports',
      'unplug',
      'port_path',
      'descriptor',
      'interval_ms',
    ]);
    const vendorId = intField(body, 'vendor_id', { min: 0, max: 0xffff })!;
    const productId = intField(body, 'product_id', { min: 0, max: 0xffff })!;
    const serial = str(body, 'serial', { max: 48, optional: true }) ?? '';
    const portPath = str(body, 'port_path', { max: 32, optional: true });
    if (portPath !== undefined && !/^\d+-\d+(\.\d+)*$/.test(portPath))
      fail(400, 'invalid_field', 'port_path must look like 1-1.3', 'port_path');
    const descHex = str(body, 'descriptor', { max: 8192, optional: true });
    if (descHex !== undefined && !/^([0-9a-fA-F]{2}\s*)+$/.test(descHex))
      fail(400, 'invalid_field', 'descriptor must be hex bytes', 'descriptor');
    const descriptor = descHex ? Buffer.from(descHex.replace(/\s+/g, ''), 'hex') : undefined;
    const kind = body.kind;
    if (kind !== 'hid_pos' && kind !== 'keyboard')
      fail(400, 'invalid_field', 'kind must be "hid_pos" or "keyboard"', 'kind');
    const device = {
      vendorId,
      productId,
      serialNumber: serial,
      product: 'Simulated scanner',
      usagePage: kind === 'hid_pos' ? USAGE_PAGE_BARCODE_SCANNER : USAGE_PAGE_GENERIC_DESKTOP,
      usage: kind === 'hid_pos' ? 0x02 : USAGE_KEYBOARD,
      ...(portPath ? { portPath } : {}),
    };
    if (boolField(body, 'unplug', { optional: true })) {
      await scanners.unplugSimulated(device);
      ctx.body = { unplugged: true };
      return;
    }
    const reports = body.reports;
    if (!Array.isArray(reports) || reports.length > 10_000)
      fail(
        400,
        'invalid_field',
        'reports must be an array of at most 10000 hex strings',
        'reports',
      );
    const bytes = reports.map((r, i) => {
      if (typeof r !== 'string' || !/^([0-9a-fA-F]{2}\s*){1,64}$/.test(r.trim()))
        fail(400, 'invalid_field', `reports[${i}] must be 1-64 hex bytes`, 'reports');
      return Buffer.from(r.replace(/\s+/g, ''), 'hex');
    });
    // Spaced reports (a person typing on a keyboard): at most a minute of them.
    const interval = intField(body, 'interval_ms', { min: 0, max: 1000, optional: true }) ?? 0;
    if (interval * bytes.length > 60_000)
      fail(400, 'invalid_field', 'interval_ms × reports must stay within 60 s', 'interval_ms');
    const out = await scanners.simulate(device, bytes, descriptor, interval);
    if (!out.fed)
      fail(
        409,
        'scanner_not_open',
        out.scanner_id
          ? `${out.scanner_id} is attached but not read (a keyboard not marked as scanner, or disabled)`
          : 'the simulated device was not opened',
      );
    ctx.body = { scanner_id: out.scanner_id, reports: bytes.length };
  });
}
