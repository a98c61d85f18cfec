/**
 * One open HID scanner: device reports → decoder → barcodes. The same class reads node-hid
 * devices, the demo simulator and the devices tests build from recorded fixtures.
 */
import type { Clock } from '../clock.js';
import type { HidDevice, HidKind } from './device.js';
import type { PosLayout } from './hid-descriptor.js';
import { HidPosDecoder } from './hid-pos-decoder.js';
import { KeyboardDecoder, type TypedCode } from './keyboard-decoder.js';
import type { Layout } from './keymaps.js';
import type { Timers } from './timers.js';

/**
 * A keyboard scanner that ends its codes with Enter or Tab (the factory setting of practically
 * every scanner) needs no gap timer; the gap is then only a safety net this long. Reports reach
 * JavaScript with the times the event loop delivers them, not when the scanner sent them: a
 * busy moment (garbage collection on a Pi 3, a slow emulated CPU) can hold them back for longer
 * than SCANNER_GAP_MS and would cut a code in two. So a scanner is taken to have a suffix until
 * a code of it ends by the gap; from then on the short gap (SCANNER_GAP_MS) applies to it.
 */
export const SUFFIX_GAP_MS = 1000;

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
  /** Does this scanner end its codes with a terminator? Assumed (factory) until one ends by the gap. */
  private suffix = true;
  private closed = false;
  private healthy = false;

  constructor(
    private readonly device: HidDevice,
    private readonly deps: ReaderDeps,
  ) {
    this.keyboard =
      deps.kind === 'keyboard'
        ? new KeyboardDecoder(deps.layout, Math.max(deps.gapMs, SUFFIX_GAP_MS))
        : null;
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
    for (const c of kb.feedCodes(report, at)) this.emit(c);
    this.armGapTimer();
  }

  private armGapTimer(): void {
    if (this.gapTimer !== null) this.deps.timers.clear(this.gapTimer);
    this.gapTimer = null;
    if (!this.keyboard?.pending) return;
    this.gapTimer = this.deps.timers.set(() => {
      this.gapTimer = null;
      if (this.closed) return;
      for (const c of this.keyboard!.flushCodes()) this.emit(c);
    }, this.keyboard.gapMs);
  }

  private emit(c: TypedCode): void {
    if (!c.terminated && this.suffix) {
      // It ended by the gap: this scanner has no suffix; the short gap applies from now on.
      this.suffix = false;
      this.keyboard!.gapMs = this.deps.gapMs;
    }
    this.deps.onScan({ barcode: c.text, aim: null, typed: c.reports });
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
