/**
 * Receipts and the printer:
 *   GET  /r/:token                                   public receipt page (no login, printable)
 *   GET  /api/v1/sales/:id/receipt[?wait=1]          receipt model, URL, QR SVG, print result
 *   POST /api/v1/sales/:id/receipt/print             print a copy of that receipt
 *   POST /api/v1/terminals/:terminal_id/receipt/reprint-last
 *   GET  /api/v1/printer                             printer status
 *   POST /api/v1/printer/open-drawer                 manager; audited
 *   POST /api/v1/admin/printer/test                  admin: test page
 *   GET, PUT /api/v1/admin/settings/printer | receipts (admin)
 */
import type { Context, Routes } from '../../core/http.js';
import type { Sale } from '../../protocol.js';
import { receiptPage } from '../../receipts/html.js';
import type { Receipts } from '../../receipts/index.js';
import { parseReceiptSettings } from '../../receipts/settings.js';
import { RECEIPT_DEFAULTS, RECEIPT_SETTINGS_SECTION } from '../../receipts/model.js';
import {
  parsePrinterSettings,
  PRINTER_DEFAULTS,
  PRINTER_SECTION,
  type Printer,
} from '../../printer/index.js';
import { printerModels } from '../../printer/profiles.js';
import { receiptNotFoundPage } from '../../receipts/html.js';
import type { Settings } from '../../settings/index.js';
import { requireRole } from '../../security/roles.js';
import { queryParam, readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam, str } from '../validate.js';

export interface ReceiptRouteDeps {
  receipts: Receipts;
  printer: Printer;
  settings: Settings;
  findSale(id: string): Promise<Sale | undefined>;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
  publicUrl: string;
}

/**
 * Base URL as this client reached us (receipt links shown on a remote till), or '' when the
 * service's own choice is better: the kiosk reaches us as localhost, which a customer's phone
 * scanning the QR code cannot — then the LAN address is used (Receipts.baseUrl()).
 */
export function requestBase(ctx: Context, publicUrl: string): string {
  if (publicUrl) return publicUrl;
  const host = ctx.get('host');
  if (!/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) return '';
  const name = host.replace(/:\d+$/, '');
  if (/^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.[\d.]+\])$/i.test(name)) return '';
  return `${ctx.protocol}://${host}`;
}

export async function paidSale(
  findSale: (id: string) => Promise<Sale | undefined>,
  id: string,
): Promise<Sale> {
  const sale = await findSale(idParam(id));
  if (!sale) fail(404, 'not_found', `No sale ${id}`);
  if (sale.state !== 'succeeded' && sale.state !== 'refunded')
    fail(409, 'no_receipt', `Sale ${sale.number} is ${sale.state}; only paid sales have a receipt`);
  return sale;
}

export function receiptRoutes(routes: Routes, deps: ReceiptRouteDeps): void {
  const { receipts, printer, settings } = deps;

  routes.get('/r/:token', async (ctx) => {
    const receipt = await receipts.byToken(ctx.params.token ?? '');
    ctx.set('Cache-Control', 'private, no-store');
    ctx.set('X-Robots-Tag', 'noindex');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    );
    ctx.type = 'html';
    if (!receipt) {
      ctx.status = 404;
      ctx.body = receiptNotFoundPage(receipts.language());
      return;
    }
    ctx.body = receiptPage(receipt);
  });

  routes.get('/api/v1/sales/:id/receipt', async (ctx) => {
    const sale = await paidSale(deps.findSale, ctx.params.id);
    // ?wait=1: answer once the automatic print has finished, so `print` says how it went.
    if (queryParam(ctx, 'wait') === '1') await receipts.printed(sale.id);
    ctx.body = receipts.info(sale, requestBase(ctx, deps.publicUrl) || undefined);
  });

  routes.post('/api/v1/sales/:id/receipt/print', async (ctx) => {
    const sale = await paidSale(deps.findSale, ctx.params.id);
    ctx.body = await receipts.printSale(sale, { copy: true });
  });

  routes.post('/api/v1/terminals/:terminal_id/receipt/reprint-last', async (ctx) => {
    const terminal = idParam(ctx.params.terminal_id, 'terminal_id');
    ctx.body = await receipts.reprintLast(terminal);
  });

  routes.get('/api/v1/printer', (ctx) => {
    ctx.body = printer.status();
  });

  routes.post('/api/v1/printer/open-drawer', async (ctx) => {
    requireRole(ctx, 'manager');
    const body = await readJson(ctx, { allowEmpty: true });
    const reason = str(body, 'reason', { max: 200, optional: true }) ?? null;
    const result = await receipts.openDrawer();
    deps.audit(ctx, 'drawer.open', null, { reason, printed: result.printed });
    ctx.body = result;
  });

  routes.post('/api/v1/admin/printer/test', async (ctx) => {
    ctx.body = await receipts.printTestPage();
  });

  routes.get('/api/v1/admin/settings/printer', (ctx) => {
    ctx.body = { ...printer.config(), status: printer.status(), models: printerModels() };
  });

  routes.put('/api/v1/admin/settings/printer', async (ctx) => {
    const body = await readJson(ctx);
    const before = printer.config();
    const next = parsePrinterSettings(body, before);
    if ('field' in next) fail(400, 'invalid_field', next.message, next.field);
    await settings.update(PRINTER_SECTION, PRINTER_DEFAULTS, () => next);
    await printer.rescan();
    deps.audit(ctx, 'settings.printer', before, next);
    ctx.body = { ...printer.config(), status: printer.status(), models: printerModels() };
  });

  routes.get('/api/v1/admin/settings/receipts', (ctx) => {
    ctx.body = receipts.settings();
  });

  routes.put('/api/v1/admin/settings/receipts', async (ctx) => {
    const body = await readJson(ctx);
    const before = receipts.settings();
    const next = parseReceiptSettings(body, before);
    if ('field' in next) fail(400, 'invalid_field', next.message, next.field);
    await settings.update(RECEIPT_SETTINGS_SECTION, RECEIPT_DEFAULTS, () => next);
    deps.audit(ctx, 'settings.receipts', before, next);
    ctx.body = receipts.settings();
  });
}
