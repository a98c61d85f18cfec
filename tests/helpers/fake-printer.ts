/**
 * A fake USB receipt printer: the same device shape the `usb` package hands the printer
 * adapter (WebUSB-style), recording every byte written to its bulk OUT endpoint and every
 * call, so tests exercise the real adapter code. No USB exists on the test machine.
 */
import type { UsbBus, UsbDeviceLike, UsbInterfaceLike } from '../../daemon/printer/usb.js';

export class FakeUsbPrinter implements UsbDeviceLike {
  opened = false;
  readonly written: Buffer[] = [];
  readonly calls: string[] = [];
  /** Make the next transfers fail like a printer out of paper or unplugged mid-job. */
  failTransfers: 'stall' | 'throw' | null = null;
  /** While set, transfers wait for it (a slow printer mid-job). */
  hold: Promise<void> | null = null;
  productName = 'TM-T20III';
  manufacturerName = 'Fake Epson';
  serialNumber = 'FAKE0001';
  configuration: { interfaces: UsbInterfaceLike[] };

  constructor(
    readonly vendorId = 0x04b8,
    readonly productId = 0x0e28,
    interfaceClass = 7,
  ) {
    this.configuration = {
      interfaces: [
        {
          interfaceNumber: 0,
          alternate: {
            interfaceClass,
            endpoints: [
              { endpointNumber: 1, direction: 'out', type: 'bulk' },
              { endpointNumber: 2, direction: 'in', type: 'bulk' },
            ],
          },
        },
      ],
    };
  }

  /** Every byte the printer received, in order. */
  bytes(): Buffer {
    return Buffer.concat(this.written);
  }

  clear(): void {
    this.written.length = 0;
    this.calls.length = 0;
  }

  async open() {
    this.calls.push('open');
    this.opened = true;
  }
  async close() {
    this.calls.push('close');
    this.opened = false;
  }
  async detachKernelDriver(n: number) {
    this.calls.push(`detach:${n}`);
  }
  async claimInterface(n: number) {
    if (!this.opened) throw new Error('claim on a closed device');
    this.calls.push(`claim:${n}`);
  }
  async releaseInterface(n: number) {
    this.calls.push(`release:${n}`);
  }
  async transferOut(endpoint: number, data: Uint8Array) {
    if (!this.opened) throw new Error('transfer on a closed device');
    if (this.hold) await this.hold;
    if (this.failTransfers === 'throw') throw new Error('LIBUSB_ERROR_NO_DEVICE');
    if (this.failTransfers === 'stall') return { status: 'stall', bytesWritten: 0 };
    this.calls.push(`out:${endpoint}:${data.length}`);
    this.written.push(Buffer.from(data));
    return { status: 'ok', bytesWritten: data.length };
  }
}

/** A USB bus with plug/unplug for hotplug tests. */
export class FakeUsbBus implements UsbBus {
  devices: UsbDeviceLike[] = [];
  private listeners: Array<{ a: (d: UsbDeviceLike) => void; d: (d: UsbDeviceLike) => void }> = [];

  async list() {
    return [...this.devices];
  }

  watch(onAttach: (d: UsbDeviceLike) => void, onDetach: (d: UsbDeviceLike) => void) {
    const l = { a: onAttach, d: onDetach };
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  plug(d: UsbDeviceLike): void {
    this.devices.push(d);
    for (const l of this.listeners) l.a(d);
  }

  unplug(d: UsbDeviceLike): void {
    this.devices = this.devices.filter((x) => x !== d);
    for (const l of this.listeners) l.d(d);
  }

  get watchers(): number {
    return this.listeners.length;
  }
}
