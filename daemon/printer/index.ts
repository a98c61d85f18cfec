/**
 * The receipt printer: finds the configured USB printer (settings section `printer`: VID:PID,
 * paper width), follows hotplug, and prints jobs one at a time.
 *
 * Printing never fails a sale: print() resolves with {printed:false, message} in plain words
 * ("Printer 04b8:0e15 is not connected") and the caller shows it; nothing throws.
 */
import { sectionKeysProblem, type Settings } from '../settings/index.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { PrinterStatus, PrintResult } from '../protocol.js';
import {
  hexId,
  openSystemUsbBus,
  printerInterface,
  writeToPrinter,
  type UsbBus,
  type UsbDeviceLike,
} from './usb.js';
import type { PaperWidth } from './layout.js';

export interface PrinterSettings {
  /** USB vendor id in hex ("04b8"); empty = the first USB printer-class device found. */
  vendor_id: string;
  product_id: string;
  paper_width_mm: PaperWidth;
  /** Kick the drawer on cash sales and cash refunds. */
  drawer_kick: boolean;
  enabled: boolean;
}

/** Re-scan interval while no printer is found. */
const RESCAN_MS = 5000;

export const PRINTER_SECTION = 'printer';
export const PRINTER_DEFAULTS: PrinterSettings = {
  vendor_id: '',
  product_id: '',
  paper_width_mm: 80,
  drawer_kick: true,
  enabled: true,
};

export interface PrinterDeps {
  settings: Settings;
  events: EventBus;
  log: Logger;
  clock: Clock;
  /** Opens the USB bus; defaults to the `usb` package. Tests hand in a fake bus. */
  openBus?: () => Promise<UsbBus>;
}

export class Printer {
  private bus: UsbBus | null = null;
  private busError: string | null = null;
  private device: UsbDeviceLike | null = null;
  private unwatch: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastError: string | null = null;
  private lastPrintedAt: string | null = null;
  private poll: NodeJS.Timeout | null = null;

  constructor(private readonly deps: PrinterDeps) {}

  readonly name = 'printer';

  config(): PrinterSettings {
    return this.deps.settings.section(PRINTER_SECTION, PRINTER_DEFAULTS);
  }

  async start(): Promise<void> {
    this.deps.events.on(this, 'settings.changed', ({ keys }) => {
      if (keys.includes(PRINTER_SECTION)) void this.rescan();
    });
    // Hotplug events are the fast path; a slow re-scan while no printer is found covers
    // systems where libusb delivers no hotplug events.
    this.poll = setInterval(() => {
      if (!this.device && this.bus) void this.rescan();
    }, RESCAN_MS);
    this.poll.unref();
    try {
      await this.useBus(await (this.deps.openBus ?? openSystemUsbBus)());
    } catch (err) {
      this.busError = `USB is not available on this machine (${(err as Error).message}); receipts are shown as QR codes only`;
      this.deps.log.warn(`printer: ${this.busError}`);
    }
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.unwatch?.();
    this.unwatch = null;
    this.deps.events.offOwner(this);
  }

  /** Switches to another USB bus (the real one at start; a fake one in tests). */
  async useBus(bus: UsbBus): Promise<void> {
    this.unwatch?.();
    this.bus = bus;
    this.busError = null;
    this.unwatch = bus.watch(
      (d) => {
        if (!this.device && this.matches(d)) {
          this.device = d;
          this.deps.log.info(`printer: ${this.describe(d)} attached`);
        }
      },
      (d) => {
        if (this.device === d) {
          this.device = null;
          this.deps.log.warn(`printer: ${this.describe(d)} detached`);
          void this.rescan();
        }
      },
    );
    await this.rescan();
  }

  private describe(d: UsbDeviceLike): string {
    const name = [d.manufacturerName, d.productName].filter(Boolean).join(' ');
    return `${hexId(d.vendorId)}:${hexId(d.productId)}${name ? ` (${name})` : ''}`;
  }

  private matches(d: UsbDeviceLike): boolean {
    const c = this.config();
    if (c.vendor_id) {
      return (
        hexId(d.vendorId) === c.vendor_id.toLowerCase() &&
        (!c.product_id || hexId(d.productId) === c.product_id.toLowerCase())
      );
    }
    return printerInterface(d) !== null;
  }

  async rescan(): Promise<void> {
    if (!this.bus) return;
    try {
      const list = await this.bus.list();
      this.device = list.find((d) => this.matches(d)) ?? null;
    } catch (err) {
      this.device = null;
      this.lastError = `USB device list failed: ${(err as Error).message}`;
    }
  }

  status(): PrinterStatus {
    const c = this.config();
    const d = this.device;
    return {
      configured: c.enabled && (!!c.vendor_id || !!d),
      connected: !!d,
      vendor_id: d ? hexId(d.vendorId) : c.vendor_id || null,
      product_id: d ? hexId(d.productId) : c.product_id || null,
      paper_width_mm: c.paper_width_mm,
      name: d ? this.describe(d) : null,
      message: this.unavailable(),
      last_error: this.lastError,
      last_printed_at: this.lastPrintedAt,
    };
  }

  /** Why printing is impossible right now, or null. */
  private unavailable(): string | null {
    const c = this.config();
    if (!c.enabled) return 'Printing is switched off in the printer settings';
    if (this.busError) return this.busError;
    if (!this.device) {
      return c.vendor_id
        ? `Printer ${c.vendor_id}:${c.product_id || '*'} is not connected; check cable and power`
        : 'No receipt printer connected';
    }
    return null;
  }

  /** Prints one job; never throws. Jobs run one after another. */
  print(bytes: Uint8Array, what: string): Promise<PrintResult> {
    const job = this.queue.then(() => this.run(bytes, what));
    this.queue = job.catch(() => {});
    return job;
  }

  private async run(bytes: Uint8Array, what: string): Promise<PrintResult> {
    if (!this.device) await this.rescan(); // plugged in since the last hotplug event or scan
    const why = this.unavailable();
    if (why) return { printed: false, message: why };
    const d = this.device!;
    try {
      await writeToPrinter(d, bytes);
      this.lastError = null;
      this.lastPrintedAt = new Date(this.deps.clock.now()).toISOString();
      return { printed: true, message: null };
    } catch (err) {
      this.lastError = `${what}: ${(err as Error).message}`;
      this.deps.log.warn(`printer: ${this.lastError}`);
      return { printed: false, message: `Printer error: ${(err as Error).message}` };
    }
  }
}

/** Validates a PUT of the printer section; returns the normalised value or a field error. */
export function parsePrinterSettings(
  body: Record<string, unknown>,
  current: PrinterSettings,
): PrinterSettings | { field: string; message: string } {
  const next = { ...current };
  const keys = sectionKeysProblem(body, PRINTER_DEFAULTS);
  if (keys) return keys;
  for (const key of ['vendor_id', 'product_id'] as const) {
    if (body[key] === undefined) continue;
    const v = body[key];
    if (typeof v !== 'string' || !/^([0-9a-fA-F]{4})?$/.test(v))
      return { field: key, message: `${key} must be 4 hex digits (e.g. 04b8) or empty` };
    next[key] = v.toLowerCase();
  }
  if (body.paper_width_mm !== undefined) {
    if (body.paper_width_mm !== 58 && body.paper_width_mm !== 80)
      return { field: 'paper_width_mm', message: 'paper_width_mm must be 58 or 80' };
    next.paper_width_mm = body.paper_width_mm;
  }
  for (const key of ['drawer_kick', 'enabled'] as const) {
    if (body[key] === undefined) continue;
    if (typeof body[key] !== 'boolean')
      return { field: key, message: `${key} must be true or false` };
    next[key] = body[key] as boolean;
  }
  if (!next.vendor_id && next.product_id)
    return { field: 'vendor_id', message: 'vendor_id is needed when product_id is set' };
  return next;
}
