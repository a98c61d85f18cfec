/**
 * Which HID devices are scanners, and keeping them open.
 *
 * - HID POS devices (usage page 0x8C) are always read. Keyboard-class devices (Generic
 *   Desktop / Keyboard) only when their VID:PID is on the scanner list (scanners.list, the
 *   file that also makes udev hide them from libinput) or an admin adopted them as a scanner.
 *   Every other keyboard is listed for the admin and its timing watched (keyboard-probes.ts):
 *   one that types like a scanner is flagged "looks like a scanner" for the admin to adopt.
 * - A physical device may show several HID collections (a POS interface and a keyboard
 *   interface); the POS one wins, so each scanner is read once.
 * - rescan() enumerates and reconciles: new scanners are opened, vanished ones closed. It
 *   runs at start, on every hotplug event (again shortly after, because the hidraw node
 *   appears a moment after the USB attach), on settings changes, and by polling when
 *   hotplug is unavailable.
 * - A read error closes the device; it is reopened with exponential backoff while it is
 *   still enumerated (250 ms doubling to 30 s; reset after the first good report).
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import {
  classify,
  scannerId,
  type HidBackend,
  type HidDeviceInfo,
  type HidKind,
} from './device.js';
import { posLayout, type PosLayout } from './hid-descriptor.js';
import type { Layout } from './keymaps.js';
import { ScannerReader, type DecodedScan } from './reader.js';
import type { Timers } from './timers.js';
import { KeyboardProbes } from './keyboard-probes.js';

export const BACKOFF_MIN_MS = 250;
export const BACKOFF_MAX_MS = 30_000;
/** Re-enumerate after a hotplug event at these delays (ms). */
export const HOTPLUG_SETTLE_MS = [0, 300, 1000];

export interface HidPrefs {
  layout: Layout;
  enabled: boolean;
  isScanner: boolean;
}

export interface HidManagerDeps {
  backend: HidBackend;
  log: Logger;
  clock: Clock;
  timers: Timers;
  gapMs: number;
  /** Is the device on the scanner list (scanners.list)? Asked on every rescan. */
  known?(info: HidDeviceInfo): boolean;
  /** Called before each enumeration (the scanner list re-reads a changed file). */
  beforeScan?(): void;
  prefs(id: string): HidPrefs;
  portPath(hidPath: string): Promise<string | null>;
  onScan(scannerId: string, scan: DecodedScan, kind: HidKind): void;
  /** The set of attached scanners or their state changed. */
  onChange(): void;
}

export interface AttachedScanner {
  id: string;
  kind: HidKind;
  info: HidDeviceInfo;
  open: boolean;
  failures: number;
  lastError: string | null;
}

interface Entry extends AttachedScanner {
  reader: ScannerReader | null;
  opening: boolean;
  retry: unknown;
}

/** A keyboard-class device that is not read. */
export interface UnreadKeyboard {
  id: string;
  info: HidDeviceInfo;
  /** It typed a burst like a scanner does (timing only); the admin may adopt it. */
  looksLikeScanner: boolean;
}

export class HidManager {
  private entries = new Map<string, Entry>();
  private keyboardList: Array<{ id: string; info: HidDeviceInfo }> = [];
  private readonly probes: KeyboardProbes;
  private scanning: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private enumerateFailed = false;

  constructor(private readonly deps: HidManagerDeps) {
    this.probes = new KeyboardProbes({
      backend: deps.backend,
      log: deps.log,
      clock: deps.clock,
      stopped: () => this.stopped,
      onSuspect: () => deps.onChange(),
    });
  }

  attached(): AttachedScanner[] {
    return [...this.entries.values()].map(({ id, kind, info, open, failures, lastError }) => ({
      id,
      kind,
      info,
      open,
      failures,
      lastError,
    }));
  }

  /** Keyboard-class devices that are not read (for the admin to adopt real scanners). */
  keyboards(): UnreadKeyboard[] {
    return this.keyboardList.map((k) => ({
      ...k,
      looksLikeScanner: this.probes.looksLikeScanner(k.id),
    }));
  }

  get openCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.open) n++;
    return n;
  }

  /** Enumerate and reconcile; concurrent calls coalesce into one more pass. */
  rescan(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        await this.reconcile();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.scanning = null;
    });
    return this.scanning;
  }

  /** Settings changed: layouts apply to open readers at once; enable/disable via rescan. */
  applyPrefs(): Promise<void> {
    for (const e of this.entries.values()) e.reader?.setLayout(this.deps.prefs(e.id).layout);
    return this.rescan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.scanning?.catch(() => {});
    const closing: Array<Promise<void>> = [];
    for (const e of this.entries.values()) {
      if (e.retry !== null) this.deps.timers.clear(e.retry);
      e.retry = null;
      if (e.reader) closing.push(e.reader.close());
      e.reader = null;
      e.open = false;
    }
    this.entries.clear();
    closing.push(this.probes.close());
    await Promise.all(closing);
  }

  private async reconcile(): Promise<void> {
    const { deps } = this;
    let list: HidDeviceInfo[];
    deps.beforeScan?.();
    try {
      list = await deps.backend.devices();
      this.enumerateFailed = false;
    } catch (err) {
      if (!this.enumerateFailed)
        deps.log.warn(`listing HID devices failed: ${(err as Error).message}`);
      this.enumerateFailed = true;
      return;
    }
    if (this.stopped) return;
    const found = new Map<string, { kind: HidKind; info: HidDeviceInfo }>();
    for (const info of list) {
      const kind = classify(info);
      if (!kind) continue;
      const id = scannerId(info, info.portPath ?? (await deps.portPath(info.path)));
      const prev = found.get(id);
      if (!prev || (prev.kind === 'keyboard' && kind === 'hid_pos')) found.set(id, { kind, info });
    }
    const keyboards: Array<{ id: string; info: HidDeviceInfo }> = [];
    const present = new Map<string, { kind: HidKind; info: HidDeviceInfo }>();
    for (const [id, c] of found) {
      const allowed =
        c.kind === 'hid_pos' || deps.known?.(c.info) === true || deps.prefs(id).isScanner;
      if (allowed) present.set(id, c);
      else keyboards.push({ id, info: c.info });
    }
    let changed =
      keyboards.length !== this.keyboardList.length ||
      keyboards.some((k, i) => k.id !== this.keyboardList[i]?.id);
    this.keyboardList = keyboards;
    // Probes: one per unread keyboard (keyboard-probes.ts).
    await this.probes.sync(new Map(keyboards.map((k) => [k.id, k.info])));

    for (const [id, e] of this.entries) {
      const p = present.get(id);
      if (!p || p.info.path !== e.info.path) {
        // Unplugged (or re-enumerated under a new node: treat as unplug + plug).
        await this.detach(e, p ? 'moved' : 'unplugged');
        changed = true;
      }
    }
    for (const [id, p] of present) {
      let e = this.entries.get(id);
      if (!e) {
        e = {
          id,
          kind: p.kind,
          info: p.info,
          open: false,
          failures: 0,
          lastError: null,
          reader: null,
          opening: false,
          retry: null,
        };
        this.entries.set(id, e);
        deps.log.info(
          `scanner attached: ${id} (${p.kind}${p.info.product ? `, ${p.info.product}` : ''})`,
        );
        changed = true;
      }
      const enabled = deps.prefs(id).enabled;
      if (!enabled && (e.reader || e.retry !== null)) {
        if (e.retry !== null) deps.timers.clear(e.retry);
        e.retry = null;
        await e.reader?.close();
        e.reader = null;
        e.open = false;
        deps.log.info(`scanner disabled: ${id}`);
        changed = true;
      } else if (enabled && !e.reader && !e.opening && e.retry === null) {
        if (await this.open(e)) changed = true;
      }
    }
    if (changed && !this.stopped) deps.onChange();
  }

  private async detach(e: Entry, why: string): Promise<void> {
    this.entries.delete(e.id);
    if (e.retry !== null) this.deps.timers.clear(e.retry);
    e.retry = null;
    await e.reader?.close();
    e.reader = null;
    e.open = false;
    this.deps.log.info(`scanner ${why}: ${e.id}`);
  }

  /** Returns true when the scanner's state changed. */
  private async open(e: Entry): Promise<boolean> {
    const { deps } = this;
    e.opening = true;
    let device;
    let layout: PosLayout | null = null;
    try {
      if (e.kind === 'hid_pos' && deps.backend.descriptor) {
        const desc = await deps.backend.descriptor(e.info.path).catch(() => null);
        layout = desc ? posLayout(desc) : null;
        deps.log.info(
          `scanner ${e.id}: ${layout ? `report descriptor: id ${layout.reportId}, data ${layout.dataLength} bytes at ${layout.dataOffset}, ${layout.length}-byte reports` : 'no usable report descriptor; common HID POS layout'}`,
        );
      }
      device = await deps.backend.open(e.info.path);
    } catch (err) {
      e.opening = false;
      this.scheduleRetry(e, err as Error);
      return true;
    }
    e.opening = false;
    if (this.stopped || this.entries.get(e.id) !== e || !deps.prefs(e.id).enabled) {
      await Promise.resolve(device.close()).catch(() => {});
      return false;
    }
    e.reader = new ScannerReader(device, {
      kind: e.kind,
      layout: deps.prefs(e.id).layout,
      posLayout: layout,
      gapMs: deps.gapMs,
      clock: deps.clock,
      timers: deps.timers,
      onScan: (scan) => deps.onScan(e.id, scan, e.kind),
      onHealthy: () => {
        e.failures = 0;
        e.lastError = null;
      },
      onFailure: (err) => {
        e.reader = null;
        e.open = false;
        this.scheduleRetry(e, err);
        if (!this.stopped) deps.onChange();
      },
    });
    e.open = true;
    deps.log.info(`scanner open: ${e.id} (${e.kind})`);
    return true;
  }

  private scheduleRetry(e: Entry, err: Error): void {
    if (this.stopped || this.entries.get(e.id) !== e) return;
    e.failures++;
    // node-hid's read errors may come without a message.
    const message = err?.message || 'the device stopped answering (unplugged?)';
    e.lastError = message;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (e.failures - 1));
    const line = `scanner ${e.id}: ${message}; reopening in ${delay} ms`;
    if (e.failures === 1) this.deps.log.warn(line);
    else this.deps.log.debug(line);
    e.retry = this.deps.timers.set(() => {
      e.retry = null;
      void this.rescan();
    }, delay);
  }

  /**
   * A hidraw node appeared or changed (udev grants group pos a moment after the node exists):
   * devices waiting to be reopened, and keyboards the probe could not open, are tried again on
   * the next rescan instead of after their backoff.
   */
  kick(): void {
    for (const e of this.entries.values()) {
      if (e.retry === null) continue;
      this.deps.timers.clear(e.retry);
      e.retry = null;
    }
    this.probes.retryFailed();
  }

  /** Test and simulator access to an open reader. */
  readerOf(id: string): ScannerReader | null {
    return this.entries.get(id)?.reader ?? null;
  }
}
