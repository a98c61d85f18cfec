/**
 * One open HID scanner: device reports → decoder → barcodes. The same class reads node-hid
 * devices, the demo simulator and the devices tests build from recorded fixtures.
 */
import type { Clock } from '../clock.js';
import type { HidDevice, HidKind } from './device.js';
import type { PosLayout } from './hid-descriptor.js';
import { HidPosDecoder } from './hid-pos-decoder.js';
import { KeyboardDecoder } from './keyboard-decoder.js';
import type { Layout } from './keymaps.js';
import type { Timers } from './timers.js';

export interface DecodedScan {
  barcode: string;
  /** AIM symbology identifier (HID POS only). */
  aim: string | null;
  /** Keyboard scanners: the reports of this code, to decode in another layout. */
  typed?: Uint8Array[];
}

export interface ReaderDeps {
  kind: HidKind;
  layout: Layout;
  /** HID POS: the Scanned Data Report layout from the device's report descriptor. */
  posLayout?: PosLayout | null;
  gapMs: number;
  clock: Clock;
  timers: Timers;
  onScan(scan: DecodedScan): void;
  /** The device failed (unplugged, read error); the reader is already closed. */
  onFailure(err: Error): void;
  /** First report after opening: the device works (resets reopen backoff). */
  onHealthy?(): void;
}

export class ScannerReader {
  private readonly keyboard: KeyboardDecoder | null;
  private readonly pos: HidPosDecoder | null;
  private gapTimer: unknown = null;
  private closed = false;
  private healthy = false;

  constructor(
    private readonly device: HidDevice,
    private readonly deps: ReaderDeps,
  ) {
    this.keyboard = deps.kind === 'keyboard' ? new KeyboardDecoder(deps.layout, deps.gapMs) : null;
    this.pos = deps.kind === 'hid_pos' ? new HidPosDecoder(1000, deps.posLayout ?? null) : null;
    device.on('data', (report) => this.onReport(report));
    device.on('error', (err) => this.fail(err));
  }

  setLayout(layout: Layout): void {
    if (this.keyboard) this.keyboard.layout = layout;
  }

  /** Feeds one report exactly as a device 'data' event does. */
  onReport(report: Uint8Array): void {
    if (this.closed) return;
    if (!this.healthy) {
      this.healthy = true;
      this.deps.onHealthy?.();
    }
    const at = this.deps.clock.now();
    if (this.pos) {
      for (const s of this.pos.feed(report, at)) this.deps.onScan(s);
      return;
    }
    const kb = this.keyboard!;
    for (const c of kb.feedCodes(report, at))
      this.deps.onScan({ barcode: c.text, aim: null, typed: c.reports });
    this.armGapTimer();
  }

  private armGapTimer(): void {
    if (this.gapTimer !== null) this.deps.timers.clear(this.gapTimer);
    this.gapTimer = null;
    if (!this.keyboard?.pending) return;
    this.gapTimer = this.deps.timers.set(() => {
      this.gapTimer = null;
      if (this.closed) return;
      for (const c of this.keyboard!.flushCodes())
        this.deps.onScan({ barcode: c.text, aim: null, typed: c.reports });
    }, this.deps.gapMs);
  }

  private fail(err: Error): void {
    if (this.closed) return;
    void this.close();
    this.deps.onFailure(err);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.gapTimer !== null) this.deps.timers.clear(this.gapTimer);
    this.gapTimer = null;
    // Listeners stay: the closed flag makes them no-ops, and the 'error' one must exist until
    // the device is gone (an 'error' without a listener would throw). node-hid's HIDAsync
    // stops its read thread and drops its listeners itself in close(); removing the 'data'
    // listener first would schedule a pause() on a device that is being closed.
    try {
      await this.device.close();
    } catch {
      // Already gone (unplugged): nothing left to release.
    }
  }
}
