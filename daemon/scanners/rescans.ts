/**
 * When the scanners module enumerates HID devices again: on every hotplug event (at once, then
 * after the settle delays a device needs to show all its interfaces), or every POLL_MS when
 * hotplug events are unavailable (a container without /sys/bus/usb).
 */
import { HOTPLUG_SETTLE_MS } from './hid-manager.js';
import type { Hotplug } from './hotplug.js';
import type { Timers } from './timers.js';

/** Poll interval when USB hotplug events are unavailable ("working within a second"). */
export const POLL_MS = 500;

/** The part of the HID manager a rescan needs (null once the module stopped). */
export interface Rescannable {
  kick(): void;
  rescan(): Promise<void>;
}

export class Rescans {
  private hotplug: Hotplug | null = null;
  private pollTimer: unknown = null;
  private readonly settleTimers = new Set<unknown>();
  private stopped = false;

  constructor(
    private readonly timers: Timers,
    private readonly manager: () => Rescannable | null,
  ) {}

  /** Starts listening; when hotplug is unavailable, polls and says why (else null). */
  async start(hotplug: Hotplug): Promise<string | null> {
    this.stopped = false;
    this.hotplug = hotplug;
    const hp = await hotplug.start(() => this.onHotplug());
    if (hp.available) return null;
    this.schedulePoll();
    return `${hp.message}; polling for scanners every ${POLL_MS} ms`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer !== null) this.timers.clear(this.pollTimer);
    this.pollTimer = null;
    for (const t of this.settleTimers) this.timers.clear(t);
    this.settleTimers.clear();
    await this.hotplug?.stop();
    this.hotplug = null;
  }

  private onHotplug(): void {
    this.manager()?.kick();
    for (const ms of HOTPLUG_SETTLE_MS) {
      const t = this.timers.set(() => {
        this.settleTimers.delete(t);
        void this.manager()?.rescan();
      }, ms);
      this.settleTimers.add(t);
    }
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = this.timers.set(() => {
      this.pollTimer = null;
      void this.manager()
        ?.rescan()
        .finally(() => this.schedulePoll());
    }, POLL_MS);
  }
}
