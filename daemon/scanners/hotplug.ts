/**
 * USB hotplug through the `usb` package (libusb-free nusb backend, loaded lazily). Its
 * attach/detach callbacks only say "something changed"; the manager then enumerates HID
 * devices again. When hotplug is unavailable (no /sys/bus/usb in a container, no native
 * module), the manager polls instead.
 *
 * The package's WebUSB-style wrapper rethrows native failures from a timer (an uncaught
 * exception), so the raw Emitter is used and every call is awaited here.
 */
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
