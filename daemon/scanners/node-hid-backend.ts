/**
 * node-hid (hidapi over hidraw on Linux), loaded lazily: on a laptop without the native
 * module or libudev the import fails, the caller logs one line and the daemon carries on.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HidBackend, HidDevice, HidDeviceInfo } from './device.js';

/** /dev/hidrawN → /sys/class/hidraw/hidrawN/device/report_descriptor (Linux hidraw). */
export async function sysfsDescriptor(hidPath: string): Promise<Uint8Array | null> {
  const node = path.basename(hidPath);
  if (!/^hidraw\d+$/.test(node)) return null;
  try {
    return await readFile(`/sys/class/hidraw/${node}/device/report_descriptor`);
  } catch {
    return null;
  }
}

export async function loadNodeHid(): Promise<HidBackend> {
  const hid = await import('node-hid');
  const mod = (hid as unknown as { default?: typeof hid }).default ?? hid;
  return {
    name: 'node-hid',
    async devices(): Promise<HidDeviceInfo[]> {
      const list = await mod.devicesAsync();
      return list
        .filter((d) => typeof d.path === 'string' && d.path.length > 0)
        .map((d) => ({
          path: d.path!,
          vendorId: d.vendorId,
          productId: d.productId,
          serialNumber: d.serialNumber,
          manufacturer: d.manufacturer,
          product: d.product,
          interface: d.interface,
          usagePage: d.usagePage,
          usage: d.usage,
        }));
    },
    async open(path: string): Promise<HidDevice> {
      // HIDAsync reads in a worker thread and emits 'data' once a listener is attached.
      return (await mod.HIDAsync.open(path)) as unknown as HidDevice;
    },
    descriptor: sysfsDescriptor,
  };
}

/** Several backends as one (node-hid plus the demo simulator); one failing does not hide the other. */
export function compositeBackend(backends: HidBackend[]): HidBackend {
  // Which backend listed a path last, so open() goes to the right one.
  const owner = new Map<string, HidBackend>();
  return {
    name: backends.map((b) => b.name).join('+'),
    async devices() {
      const lists = await Promise.allSettled(backends.map((b) => b.devices()));
      const out: HidDeviceInfo[] = [];
      owner.clear();
      lists.forEach((l, i) => {
        if (l.status !== 'fulfilled') return;
        for (const d of l.value) owner.set(d.path, backends[i]);
        out.push(...l.value);
      });
      if (out.length === 0 && lists.every((l) => l.status === 'rejected') && lists.length > 0) {
        throw (lists[0] as PromiseRejectedResult).reason;
      }
      return out;
    },
    open(path) {
      const b = owner.get(path);
      if (!b) return Promise.reject(new Error(`no HID device at ${path}`));
      return b.open(path);
    },
    async descriptor(path) {
      return (await owner.get(path)?.descriptor?.(path)) ?? null;
    },
  };
}
