/**
 * `scripts/scan`: sends barcodes the way a network scanner does (POST /api/v1/scanner/scan
 * with X-Scanner-Secret and X-Scanner-Id), for demos and for the old stand-alone scanner
 * clients. Settings come from the daemon's own configuration (env file, environment).
 *
 *   scripts/scan 2100000000012 [more codes...]   scan
 *   scripts/scan --pair till-2                    fetch till-2's pairing code and scan it
 *   scripts/scan --validate                       check the scanner secret
 *   scripts/scan --replay tests/fixtures/hid/kbd-de-ean13-enter.json
 *                                                 feed recorded HID reports to the demo
 *                                                 simulator (SCANNER_SIMULATOR=1, admin token)
 * Options: --url URL, --id SCANNER_ID, --secret SECRET, --device VID:PID[:SERIAL]
 * Exit: 0 added/paired/valid, 3 not added (unknown, refused), 1 other errors, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';

const USAGE =
  'usage: scripts/scan [--url URL] [--id SCANNER_ID] [--secret SECRET] <barcode>...\n' +
  '       scripts/scan --pair <terminal_id> | --validate | --replay <fixture.json> [--device VID:PID[:SERIAL]]';

interface Ctx {
  url: string;
  id: string;
  secret: string;
  admin: string;
}

async function call(
  ctx: Ctx,
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(ctx.url + p, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { error: { message: text.slice(0, 200) } };
  }
  return { status: res.status, body: parsed };
}

const scannerHeaders = (ctx: Ctx) => ({ 'x-scanner-secret': ctx.secret, 'x-scanner-id': ctx.id });

function errorText(body: Record<string, unknown>): string {
  const e = body.error as { code?: string; message?: string } | undefined;
  return e ? `${e.code ?? 'error'}: ${e.message ?? ''}` : JSON.stringify(body);
}

async function scan(ctx: Ctx, barcode: string): Promise<number> {
  const r = await call(ctx, 'POST', '/api/v1/scanner/scan', { barcode }, scannerHeaders(ctx));
  if (r.status !== 200) {
    console.error(`${barcode}: HTTP ${r.status} ${errorText(r.body)}`);
    return 1;
  }
  const b = r.body as {
    result: string;
    terminal_id: string;
    reason?: string;
    cart?: { item_count: number; total_cents: number };
  };
  const extra = b.cart
    ? ` (${b.cart.item_count} items, ${(b.cart.total_cents / 100).toFixed(2)})`
    : b.reason
      ? `: ${b.reason}`
      : '';
  const shown =
    barcode.toUpperCase().startsWith('POSLINK') || b.result.startsWith('pair')
      ? 'pairing code'
      : barcode;
  console.log(`${shown} → ${b.terminal_id}: ${b.result}${extra}`);
  return b.result === 'added' || b.result === 'paired' ? 0 : 3;
}

async function replay(ctx: Ctx, file: string, device: string | undefined): Promise<number> {
  const fixture = JSON.parse(await readFile(file, 'utf8')) as {
    kind: 'keyboard' | 'hid_pos';
    reports: Array<{ hex: string }>;
  };
  const [vid, pid, serial] = (
    device ?? (fixture.kind === 'hid_pos' ? '0c2e:0b81:DEMO-POS' : '1eab:0c03:DEMO-WEDGE')
  ).split(':');
  const body = {
    vendor_id: parseInt(vid, 16),
    product_id: parseInt(pid, 16),
    serial: serial ?? '',
    kind: fixture.kind,
    reports: fixture.reports.map((r) => r.hex),
  };
  const admin = { authorization: `Bearer ${ctx.admin}` };
  let r = await call(ctx, 'POST', '/api/v1/scanners/simulate', body, admin);
  const code = (r.body.error as { code?: string } | undefined)?.code;
  if (r.status === 409 && code === 'scanner_not_open' && fixture.kind === 'keyboard') {
    // A keyboard-class device is only read once marked as a scanner: mark the demo device.
    const id = `${vid}:${pid}:${serial ?? ''}`;
    const m = await call(
      ctx,
      'PATCH',
      `/api/v1/scanners/${encodeURIComponent(id)}`,
      { is_scanner: true },
      admin,
    );
    if (m.status !== 200) {
      console.error(`marking ${id} as scanner: HTTP ${m.status} ${errorText(m.body)}`);
      return 1;
    }
    r = await call(ctx, 'POST', '/api/v1/scanners/simulate', body, admin);
  }
  if (r.status !== 200) {
    console.error(`replay: HTTP ${r.status} ${errorText(r.body)}`);
    return 1;
  }
  console.log(`replayed ${r.body.reports} reports through ${r.body.scanner_id}`);
  return 0;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        id: { type: 'string' },
        secret: { type: 'string' },
        pair: { type: 'string' },
        validate: { type: 'boolean' },
        replay: { type: 'string' },
        device: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: o, positionals } = args;
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`scan: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const ctx: Ctx = {
    url: (o.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`).replace(
      /\/+$/,
      '',
    ),
    id: o.id ?? config.scannerId,
    secret: o.secret ?? config.scannerApiSecret,
    admin: config.adminToken,
  };
  try {
    if (o.validate) {
      const r = await call(
        ctx,
        'GET',
        '/api/v1/scanner/validate-token',
        undefined,
        scannerHeaders(ctx),
      );
      console.log(
        r.status === 200
          ? `secret ok (scanner id ${ctx.id})`
          : `HTTP ${r.status} ${errorText(r.body)}`,
      );
      return r.status === 200 ? 0 : 1;
    }
    if (o.replay) return await replay(ctx, o.replay, o.device);
    if (o.pair) {
      const r = await call(
        ctx,
        'GET',
        `/api/v1/scanner/pairing-secret?terminal_id=${encodeURIComponent(o.pair)}`,
      );
      if (r.status !== 200) {
        console.error(`pairing code: HTTP ${r.status} ${errorText(r.body)}`);
        return 1;
      }
      return await scan(ctx, String(r.body.secret));
    }
    if (positionals.length === 0) {
      console.error(USAGE);
      return 2;
    }
    let worst = 0;
    for (const code of positionals) worst = Math.max(worst, await scan(ctx, code));
    return worst;
  } catch (err) {
    console.error(`scan: cannot reach ${ctx.url}: ${(err as Error).message}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
