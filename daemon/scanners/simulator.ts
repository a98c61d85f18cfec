/**
 * Demo-only virtual HID scanners (SCANNER_SIMULATOR=1): "plug" a device with a VID:PID,
 * serial and usage page, then feed it recorded reports. Everything after the device — the
 * manager, reader, decoders, pairing and routing — is the real path a USB scanner takes.
 */
import { EventEmitter } from 'node:events';
import type { HidBackend, HidDevice, HidDeviceInfo } from './device.js';

class VirtualDevice extends EventEmitter implements HidDevice {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

export class SimulatedBackend implements HidBackend {
  readonly name = 'simulator';
  private plugged = new Map<string, HidDeviceInfo>();
  private descriptors = new Map<string, Uint8Array>();
  private open_ = new Map<string, VirtualDevice>();
  private seq = 0;

  /** Plugs a device (or returns the path of the same one already plugged). */
  plug(info: Omit<HidDeviceInfo, 'path' | 'interface'>, descriptor?: Uint8Array): string {
    for (const [p, d] of this.plugged) {
      if (
        d.vendorId === info.vendorId &&
        d.productId === info.productId &&
        (d.serialNumber ?? '') === (info.serialNumber ?? '') &&
        d.usagePage === info.usagePage &&
        (d.portPath ?? '') === (info.portPath ?? '')
      ) {
        if (descriptor) this.descriptors.set(p, descriptor);
        return p;
      }
    }
    const path = `sim:${++this.seq}`;
    this.plugged.set(path, { ...info, path, interface: 0 });
    if (descriptor) this.descriptors.set(path, descriptor);
    return path;
  }

  unplug(path: string): void {
    this.plugged.delete(path);
    const dev = this.open_.get(path);
    this.open_.delete(path);
    // What node-hid reports when a device goes away under a read.
    dev?.emit('error', new Error('could not read from HID device'));
  }

  async descriptor(path: string): Promise<Uint8Array | null> {
    return this.descriptors.get(path) ?? null;
  }

  async devices(): Promise<HidDeviceInfo[]> {
    return [...this.plugged.values()];
  }

  async open(path: string): Promise<HidDevice> {
    if (!this.plugged.has(path)) throw new Error(`cannot open device with path ${path}`);
    const dev = new VirtualDevice();
    this.open_.set(path, dev);
    return dev;
  }

  /** Emits reports as 'data' events; false when the device is not open. */
  feed(path: string, reports: Buffer[]): boolean {
    const dev = this.open_.get(path);
    if (!dev || dev.closed) return false;
    for (const r of reports) dev.emit('data', r);
    return true;
  }
}
