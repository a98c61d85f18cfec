/**
 * USB hotplug through the `usb` package (libusb-free nusb backend, loaded lazily). Its
 * attach/detach callbacks only say "something changed"; the manager then enumerates HID
 * devices again. When hotplug is unavailable (no /sys/bus/usb in a container, no native
 * module), the manager polls instead.
 *
 * The package's WebUSB-style wrapper rethrows native failures from a timer (an uncaught
 * exception), so the raw Emitter is used and every call is awaited here.
 */
import { watch, type FSWatcher } from 'node:fs';
export interface Hotplug {
  /** Resolves with whether events will come; onChange fires on attach and detach. */
  start(onChange: () => void): Promise<{ available: boolean; message?: string }>;
  stop(): Promise<void>;
}

interface UsbNative {
  nativeGetDevices(): Promise<unknown[]>;
  Emitter: new () => {
    addAttach(cb: (d: unknown) => void): Promise<void>;
    removeAttach(): Promise<void>;
    addDetach(cb: (h: string) => void): Promise<void>;
    removeDetach(): Promise<void>;
  };
}

export function usbHotplug(): Hotplug {
  let emitter: InstanceType<UsbNative['Emitter']> | null = null;
  return {
    async start(onChange) {
      let native: UsbNative;
      try {
        const mod = (await import('usb/index.js')) as unknown as UsbNative & {
          default?: UsbNative;
        };
        native = mod.default ?? mod;
        // Probe first: without a USB bus the emitter starts but never fires.
        await native.nativeGetDevices();
      } catch (err) {
        return { available: false, message: `USB hotplug unavailable (${firstLine(err)})` };
      }
      try {
        const e = new native.Emitter();
        await e.addAttach(() => onChange());
        await e.addDetach(() => onChange());
        emitter = e;
        return { available: true };
      } catch (err) {
        return { available: false, message: `USB hotplug unavailable (${firstLine(err)})` };
      }
    },
    async stop() {
      const e = emitter;
      emitter = null;
      if (!e) return;
      await e.removeAttach().catch(() => {});
      await e.removeDetach().catch(() => {});
    },
  };
}

export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

/**
 * Hotplug from the hidraw nodes themselves (Linux): the kernel creates /dev/hidrawN for every
 * HID interface, USB or Bluetooth or virtual (uhid), and removes it on unplug; udev then sets
 * its group (an attribute change, which inotify reports too). node-hid reads exactly these
 * nodes, so their appearing, changing and going are the events that matter.
 */
export function hidrawHotplug(dir = '/dev'): Hotplug {
  let watcher: FSWatcher | null = null;
  return {
    async start(onChange) {
      if (process.platform !== 'linux')
        return { available: false, message: 'no hidraw (not Linux)' };
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name && /^hidraw\d+$/.test(String(name))) onChange();
        });
        w.on('error', () => {});
        watcher = w;
        return { available: true };
      } catch (err) {
        return { available: false, message: `hidraw hotplug unavailable (${firstLine(err)})` };
      }
    },
    async stop() {
      watcher?.close();
      watcher = null;
    },
  };
}

/** Several event sources as one: available when any is; changes from each are passed on. */
export function combinedHotplug(sources: Hotplug[]): Hotplug {
  return {
    async start(onChange) {
      const results = await Promise.all(sources.map((s) => s.start(onChange)));
      if (results.some((r) => r.available)) return { available: true };
      return { available: false, message: results.map((r) => r.message).join('; ') };
    },
    async stop() {
      await Promise.all(sources.map((s) => s.stop()));
    },
  };
}
