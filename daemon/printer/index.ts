/**
 * The receipt printer: one printer per appliance, chosen in the settings section `printer`:
 *  - `usb`: a USB printer through libusb (VID:PID, or the first printer-class device when
 *    empty), followed by hotplug; or, with `device_path`, the kernel's usblp device
 *    (/dev/usb/lp0) when the usblp driver owns the printer;
 *  - `network`: raw TCP to host:port (9100);
 *  - `none`: no printer; receipts are QR codes only.
 * `model` picks the printer profile (command language, code pages) the encoder uses.
 *
 * Printing never fails a sale: print() resolves with {printed:false, code, message}; `code`
 * (printer_off, printer_not_configured, printer_not_connected, printer_failed) is what the
 * till translates, the English `message` goes to the log and the admin status. A till with
 * no printer configured prints nothing and says nothing about printers.
 */
import { sectionKeysProblem, type Settings } from '../settings/index.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { PrinterStatus, PrintResult, PrintCode } from '../protocol.js';
import {
  hexId,
  openSystemUsbBus,
  printerInterface,
  writeToPrinter,
  type UsbBus,
  type UsbDeviceLike,
} from './usb.js';
import {
  deviceWritable,
  probeNetwork,
  TransportError,
  writeToDevice,
  writeToNetwork,
} from './transports.js';
import { DEFAULT_MODEL, isPrinterModel, type PaperWidth, type PrinterModel } from './profiles.js';

export type PrinterConnection = 'usb' | 'network' | 'none';

export interface PrinterSettings {
  connection: PrinterConnection;
  /** USB vendor id in hex ("04b8"); empty = the first USB printer-class device found. */
  vendor_id: string;
  product_id: string;
  /** The usblp device (/dev/usb/lp0); empty = libusb with vendor_id/product_id. */
  device_path: string;
  /** Network printer (raw TCP). */
  host: string;
  port: number;
  /** Printer profile (receipt-printer-encoder printerModel). */
  model: PrinterModel;
  paper_width_mm: PaperWidth;
  /** Kick the drawer on cash sales and cash refunds. */
  drawer_kick: boolean;
  enabled: boolean;
}

/** Re-scan interval while no printer is found. */
const RESCAN_MS = 5000;

export const PRINTER_SECTION = 'printer';
export const PRINTER_DEFAULTS: PrinterSettings = {
  connection: 'usb',
  vendor_id: '',
  product_id: '',
  device_path: '',
  host: '',
  port: 9100,
  model: DEFAULT_MODEL,
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

interface Problem {
  code: PrintCode;
  message: string;
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
  /** usblp device or network printer answered at the last look (null: not looked yet). */
  private reachable: boolean | null = null;

  constructor(private readonly deps: PrinterDeps) {}

  readonly name = 'printer';

  config(): PrinterSettings {
    return {
      ...PRINTER_DEFAULTS,
      ...this.deps.settings.section(PRINTER_SECTION, PRINTER_DEFAULTS),
    };
  }

  async start(): Promise<void> {
    this.deps.events.on(this, 'settings.changed', ({ keys }) => {
      if (keys.includes(PRINTER_SECTION)) void this.rescan();
    });
    // Hotplug events are the fast path; a slow re-scan while no printer is found covers
    // systems where libusb delivers no hotplug events, and usblp or network printers.
    this.poll = setInterval(() => {
      if (!this.ready()) void this.rescan();
    }, RESCAN_MS);
    this.poll.unref();
    try {
      await this.useBus(await (this.deps.openBus ?? openSystemUsbBus)());
    } catch (err) {
      this.busError = `USB is not available on this machine (${(err as Error).message})`;
      // Only worth a warning when a USB printer is set up; otherwise receipts are QR codes.
      const c = this.config();
      const log = c.enabled && c.connection === 'usb' && c.vendor_id ? 'warn' : 'info';
      this.deps.log[log](`printer: ${this.busError}`);
      await this.rescan();
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

  private libusb(c = this.config()): boolean {
    return c.connection === 'usb' && !c.device_path;
  }

  /** Looks for the printer again (settings changed, hotplug, poll, before a job). */
  async rescan(): Promise<void> {
    const c = this.config();
    if (c.connection === 'usb' && c.device_path) {
      this.reachable = await deviceWritable(c.device_path);
    } else if (c.connection === 'network' && c.host) {
      this.reachable = await probeNetwork(c.host, c.port);
    } else this.reachable = null;
    if (!this.bus || !this.libusb(c)) return;
    try {
      const list = await this.bus.list();
      this.device = list.find((d) => this.matches(d)) ?? null;
    } catch (err) {
      this.device = null;
      this.lastError = `USB device list failed: ${(err as Error).message}`;
    }
  }

  private ready(): boolean {
    return this.libusb() ? !!this.device : this.reachable === true;
  }

  /** A printer is set up: chosen in the settings, or a USB printer found on auto. */
  private configured(c = this.config()): boolean {
    if (!c.enabled || c.connection === 'none') return false;
    if (c.connection === 'network') return !!c.host;
    return !!c.device_path || !!c.vendor_id || !!this.device;
  }

  status(): PrinterStatus {
    const c = this.config();
    const d = this.libusb(c) ? this.device : null;
    const problem = this.problem();
    return {
      configured: this.configured(c),
      connected: this.ready(),
      connection: c.connection,
      model: c.model,
      vendor_id: d ? hexId(d.vendorId) : c.vendor_id || null,
      product_id: d ? hexId(d.productId) : c.product_id || null,
      paper_width_mm: c.paper_width_mm,
      name: d
        ? this.describe(d)
        : c.connection === 'network' && c.host
          ? `${c.host}:${c.port}`
          : c.connection === 'usb' && c.device_path
            ? c.device_path
            : null,
      code: problem?.code ?? null,
      message: problem?.message ?? null,
      last_error: this.lastError,
      last_printed_at: this.lastPrintedAt,
    };
  }

  /** Why printing is impossible right now, or null. */
  private problem(): Problem | null {
    const c = this.config();
    if (!c.enabled) return { code: 'printer_off', message: 'Printing is switched off' };
    if (!this.configured(c))
      return {
        code: 'printer_not_configured',
        message: this.busError
          ? `No printer set up; ${this.busError}`
          : c.connection === 'network'
            ? 'No printer address set up'
            : 'No receipt printer set up or found',
      };
    if (this.ready()) return null;
    if (c.connection === 'network')
      return {
        code: 'printer_not_connected',
        message: `Network printer ${c.host}:${c.port} does not answer`,
      };
    if (c.device_path)
      return {
        code: 'printer_not_connected',
        message: `${c.device_path} is not there or not writable (usblp)`,
      };
    if (this.busError) return { code: 'printer_not_connected', message: this.busError };
    return {
      code: 'printer_not_connected',
      message: `Printer ${c.vendor_id}:${c.product_id || '*'} is not connected; check cable and power`,
    };
  }

  /** Prints one job; never throws. Jobs run one after another. */
  print(bytes: Uint8Array, what: string): Promise<PrintResult> {
    const job = this.queue.then(() => this.run(bytes, what));
    this.queue = job.catch(() => {});
    return job;
  }

  private async run(bytes: Uint8Array, what: string): Promise<PrintResult> {
    const c = this.config();
    if (!this.ready()) await this.rescan(); // plugged in since the last event or look
    const why = this.problem();
    // usblp and network printers are only really known by writing to them.
    if (why && (why.code !== 'printer_not_connected' || this.libusb(c)))
      return { printed: false, code: why.code, message: why.message };
    try {
      if (c.connection === 'network') await writeToNetwork(c.host, c.port, bytes);
      else if (c.device_path) await writeToDevice(c.device_path, bytes);
      else await writeToPrinter(this.device!, bytes);
      this.reachable = this.libusb(c) ? this.reachable : true;
      this.lastError = null;
      this.lastPrintedAt = new Date(this.deps.clock.now()).toISOString();
      return { printed: true, code: null, message: null };
    } catch (err) {
      const code =
        err instanceof TransportError && err.code === 'printer_not_connected'
          ? 'printer_not_connected'
          : 'printer_failed';
      if (code === 'printer_not_connected') this.reachable = false;
      this.lastError = `${what}: ${(err as Error).message}`;
      this.deps.log.warn(`printer: ${this.lastError}`);
      return { printed: false, code, message: `Printer error: ${(err as Error).message}` };
    }
  }
}

/** Validates a PUT of the printer section; returns the normalised value or a field error. */
export function parsePrinterSettings(
  body: Record<string, unknown>,
  current: PrinterSettings,
): PrinterSettings | { field: string; message: string } {
  const next = { ...PRINTER_DEFAULTS, ...current };
  const keys = sectionKeysProblem(body, PRINTER_DEFAULTS);
  if (keys) return keys;
  if (body.connection !== undefined) {
    if (body.connection !== 'usb' && body.connection !== 'network' && body.connection !== 'none')
      return { field: 'connection', message: 'connection must be usb, network or none' };
    next.connection = body.connection;
  }
  for (const key of ['vendor_id', 'product_id'] as const) {
    if (body[key] === undefined) continue;
    const v = body[key];
    if (typeof v !== 'string' || !/^([0-9a-fA-F]{4})?$/.test(v))
      return { field: key, message: `${key} must be 4 hex digits (e.g. 04b8) or empty` };
    next[key] = v.toLowerCase();
  }
  if (body.device_path !== undefined) {
    const v = body.device_path;
    if (typeof v !== 'string' || !/^(\/dev\/usb\/lp\d{1,2})?$/.test(v))
      return { field: 'device_path', message: 'device_path must be /dev/usb/lpN or empty' };
    next.device_path = v;
  }
  if (body.host !== undefined) {
    const v = body.host;
    if (typeof v !== 'string' || !/^([A-Za-z0-9.-]{1,253}|\[?[0-9A-Fa-f:.]{2,45}\]?)?$/.test(v))
      return { field: 'host', message: 'host must be a host name or an IP address' };
    next.host = v.replace(/^\[|\]$/g, '');
  }
  if (body.port !== undefined) {
    const v = body.port;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)
      return { field: 'port', message: 'port must be 1-65535' };
    next.port = v;
  }
  if (body.model !== undefined) {
    if (!isPrinterModel(body.model))
      return { field: 'model', message: 'model must be one of the printer profiles' };
    next.model = body.model;
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
  if (next.connection === 'network' && !next.host)
    return { field: 'host', message: 'a network printer needs its host' };
  return next;
}
