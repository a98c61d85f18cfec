/**
 * Receipts: every succeeded sale (and every refund) has one. This service builds the receipt
 * model, seals its public URL (/r/:token), renders the QR code the success screen shows, and
 * prints: automatically after a succeeded sale (settings `receipts.auto_print`), on "reprint
 * last receipt", and for refunds. Cash sales and cash refunds kick the drawer (ESC p) whether
 * or not a receipt is printed. The printer being offline never touches the sale: the result
 * is kept per sale and shown to the cashier.
 */
import { refundParts } from '../sale-payments.js';
import os from 'node:os';
import bwipjs from 'bwip-js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Settings } from '../settings/index.js';
import type {
  PrintResult,
  Receipt,
  ReceiptInfo,
  ReceiptSettings,
  Refund,
  Sale,
  ShiftReport,
  XReport,
  ZReport,
} from '../protocol.js';
import type { Printer } from '../printer/index.js';
import { VERSION } from '../core/version.js';
import { drawerKickBytes, receiptBytes, testPageBytes } from '../printer/layout.js';
import { reportBytes, shiftReportBytes } from '../printer/report-layout.js';
import { label, parseLanguage, tillName, type ShopLanguage } from './labels.js';
import { refundReceipt, saleReceipt, RECEIPT_DEFAULTS, RECEIPT_SETTINGS_SECTION } from './model.js';
import type { ReceiptRef, ReceiptTokens } from './tokens.js';

export interface ReceiptsDeps {
  config: Config;
  settings: Settings;
  events: EventBus;
  log: Logger;
  clock: Clock;
  printer: Printer;
  tokens: ReceiptTokens;
  findSale(id: string): Promise<Sale | undefined>;
  findRefund(id: string): Promise<Refund | undefined>;
  /** The till's serial number while a TSE is in use (printed on receipts), else null. */
  tillSerial?(): string | null;
  /** The daemon's own port (for receipt URLs when PUBLIC_URL is empty). */
  port(): number;
}

const KEEP_RESULTS = 500;

function qrSvg(text: string): string {
  return bwipjs.toSVG({ bcid: 'qrcode', text, eclevel: 'M' } as Parameters<typeof bwipjs.toSVG>[0]);
}

/** First non-internal IPv4 address: what a phone on the shop's network can reach. */
function lanAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export class Receipts {
  readonly name = 'receipts';
  private last = new Map<string, ReceiptRef>();
  private results = new Map<string, PrintResult>();
  private pending = new Set<Promise<unknown>>();
  /** Automatic prints under way, by sale id (GET …/receipt?wait=1 waits for them). */
  private printing = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ReceiptsDeps) {}

  start(): void {
    this.deps.events.on(this, 'payment.updated', ({ sale }) => {
      if (sale.state !== 'succeeded') return;
      this.last.set(sale.terminal_id, { kind: 'sale', id: sale.id });
      // The bus delivers synchronously inside the checkout: building the receipt there would
      // delay every sale's answer. The sale is durable already and the receipt is derived from
      // it, so the print (and the drawer kick) runs right after the answer: setImmediate keeps
      // sales in order, and printed()/idle() see the job from this moment on.
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.onPaid(sale))
        .finally(() => this.printing.delete(sale.id));
      this.printing.set(sale.id, p);
      this.track(p);
    });
  }

  stop(): void {
    this.deps.events.offOwner(this);
  }

  /** Resolves when every print started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  settings(): ReceiptSettings {
    return {
      ...RECEIPT_DEFAULTS,
      ...this.deps.settings.section(RECEIPT_SETTINGS_SECTION, RECEIPT_DEFAULTS),
    };
  }

  /** The shop's language: receipts, reports, and the tills' default. */
  language(): ShopLanguage {
    return parseLanguage(this.settings().language);
  }

  /** A till's name as people read it ("Kasse 1"). */
  terminalName(terminalId: string): string {
    const s = this.settings();
    return tillName(
      terminalId,
      s.terminal_names,
      this.deps.config.defaultTerminalId,
      this.language(),
    );
  }

  /** Base URL customers' phones use: PUBLIC_URL, else this machine's LAN address. */
  baseUrl(): string {
    return this.deps.config.publicUrl || `http://${lanAddress()}:${this.deps.port()}`;
  }

  token(ref: ReceiptRef): string {
    return this.deps.tokens.issue(ref);
  }

  url(ref: ReceiptRef, base = this.baseUrl()): string {
    return `${base}/r/${this.token(ref)}`;
  }

  private context(url: string) {
    const { config } = this.deps;
    return {
      settings: this.settings(),
      shopName: config.shopName,
      timezone: config.timezone,
      currency: config.currency,
      url,
      kioskId: config.defaultTerminalId,
      tillSerial: this.deps.tillSerial?.() ?? null,
      software: `Counter POS ${VERSION}`,
    };
  }

  saleReceipt(sale: Sale, base?: string): Receipt {
    return saleReceipt(sale, this.context(this.url({ kind: 'sale', id: sale.id }, base)));
  }

  refundReceipt(refund: Refund, sale: Sale, base?: string): Receipt {
    return refundReceipt(
      refund,
      sale,
      this.context(this.url({ kind: 'refund', id: refund.id }, base)),
    );
  }

  /** The receipt of a succeeded sale with its QR code; null when it has no receipt (yet). */
  info(sale: Sale, base?: string): ReceiptInfo & { print: PrintResult | null } {
    const receipt = this.saleReceipt(sale, base);
    const token = this.token({ kind: 'sale', id: sale.id });
    return {
      receipt,
      token,
      url: receipt.url,
      qr_svg: qrSvg(receipt.url),
      print: this.results.get(sale.id) ?? null,
    };
  }

  /** A paid sale's receipt page and its QR code, without building the receipt (the display). */
  qr(sale: Sale, base?: string): { url: string; qr_svg: string } {
    const url = this.url({ kind: 'sale', id: sale.id }, base);
    return { url, qr_svg: qrSvg(url) };
  }

  /** The receipt a public token stands for, or null (unknown, forged, not a paid sale). */
  async byToken(token: string): Promise<Receipt | null> {
    const ref = this.deps.tokens.parse(token);
    if (!ref) return null;
    if (ref.kind === 'sale') {
      const sale = await this.deps.findSale(ref.id);
      if (!sale || (sale.state !== 'succeeded' && sale.state !== 'refunded')) return null;
      return this.saleReceipt(sale);
    }
    const refund = await this.deps.findRefund(ref.id);
    if (!refund) return null;
    const sale = await this.deps.findSale(refund.sale_id);
    return sale ? this.refundReceipt(refund, sale) : null;
  }

  private remember(id: string, r: PrintResult): PrintResult {
    this.results.set(id, r);
    if (this.results.size > KEEP_RESULTS) this.results.delete(this.results.keys().next().value!);
    return r;
  }

  /** Resolves when the automatic print of a sale (if any is under way) has finished. */
  async printed(id: string): Promise<void> {
    await this.printing.get(id);
  }

  printResult(id: string): PrintResult | null {
    return this.results.get(id) ?? null;
  }

  private paper() {
    const c = this.deps.printer.config();
    return { profile: { model: c.model, width: c.paper_width_mm }, drawerOnCash: c.drawer_kick };
  }

  private async onPaid(sale: Sale): Promise<void> {
    const cash = sale.provider === 'cash';
    // No printer set up: receipts are QR codes, and nothing about printers is said.
    if (!this.deps.printer.status().configured) return;
    try {
      if (this.settings().auto_print) await this.printSale(sale, { copy: false });
      else if (cash && this.paper().drawerOnCash)
        this.remember(
          sale.id,
          await this.deps.printer.print(
            drawerKickBytes(this.paper().profile),
            `drawer for sale ${sale.number}`,
          ),
        );
    } catch (err) {
      this.deps.log.error(
        `receipts: printing sale ${sale.number} failed: ${(err as Error).message}`,
      );
    }
  }

  /** Prints a sale's receipt; the original of a cash sale opens the drawer. */
  async printSale(sale: Sale, opts: { copy: boolean }): Promise<PrintResult> {
    const p = this.paper();
    const bytes = receiptBytes(this.saleReceipt(sale), {
      profile: p.profile,
      drawer: !opts.copy && sale.provider === 'cash' && p.drawerOnCash,
      copy: opts.copy,
    });
    const r = await this.deps.printer.print(bytes, `receipt ${sale.number}`);
    return opts.copy ? r : this.remember(sale.id, r);
  }

  /** Prints a refund receipt; a cash refund opens the drawer to pay out. */
  async printRefund(refund: Refund, sale: Sale): Promise<PrintResult> {
    this.last.set(sale.terminal_id, { kind: 'refund', id: refund.id });
    const p = this.paper();
    const bytes = receiptBytes(this.refundReceipt(refund, sale), {
      profile: p.profile,
      // A split refund with a cash part pays that part out of the drawer too.
      drawer: refundParts(refund).some((x) => x.method === 'cash') && p.drawerOnCash,
    });
    return this.remember(
      refund.id,
      await this.deps.printer.print(bytes, `refund R-${refund.number}`),
    );
  }

  /** "Reprint last receipt" of a till: a copy, never a drawer kick. */
  async reprintLast(terminalId: string): Promise<PrintResult & { receipt: string | null }> {
    const ref = this.last.get(terminalId);
    if (!ref)
      return {
        printed: false,
        code: 'no_receipt',
        message: 'No receipt printed on this till since the daemon started',
        receipt: null,
      };
    const p = this.paper();
    if (ref.kind === 'sale') {
      const sale = await this.deps.findSale(ref.id);
      if (!sale)
        return {
          printed: false,
          code: 'no_receipt',
          message: 'The last sale is gone',
          receipt: null,
        };
      const r = await this.printSale(sale, { copy: true });
      return { ...r, receipt: label(this.language(), 'receipt_no', { n: sale.number }) };
    }
    const refund = await this.deps.findRefund(ref.id);
    const sale = refund && (await this.deps.findSale(refund.sale_id));
    if (!refund || !sale)
      return {
        printed: false,
        code: 'no_receipt',
        message: 'The last refund is gone',
        receipt: null,
      };
    const bytes = receiptBytes(this.refundReceipt(refund, sale), {
      profile: p.profile,
      drawer: false,
      copy: true,
    });
    const r = await this.deps.printer.print(bytes, `copy of refund R-${refund.number}`);
    return { ...r, receipt: label(this.language(), 'refund_short', { n: refund.number }) };
  }

  openDrawer(): Promise<PrintResult> {
    return this.deps.printer.print(drawerKickBytes(this.paper().profile), 'open drawer');
  }

  /** The settings page's test print, in the shop's language. */
  printTestPage(): Promise<PrintResult> {
    return this.deps.printer.print(
      testPageBytes(this.paper().profile, this.language()),
      'test page',
    );
  }

  /** Cash-up per cashier on paper (PrintResult says why not when no printer is set up). */
  printShiftReport(r: ShiftReport): Promise<PrintResult> {
    const bytes = shiftReportBytes(
      r,
      this.paper().profile,
      this.settings().shop_name || this.deps.config.shopName,
      this.language(),
    );
    return this.deps.printer.print(bytes, 'cash-up per cashier');
  }

  printReport(r: XReport | ZReport): Promise<PrintResult> {
    const bytes = reportBytes(
      r,
      this.paper().profile,
      this.settings().shop_name || this.deps.config.shopName,
      this.language(),
    );
    return this.deps.printer.print(
      bytes,
      'number' in r ? `Z report ${(r as ZReport).number}` : 'X report',
    );
  }
}
