/**
 * USB printer adapter. Receipt printers are USB printer-class devices (interface class 7) with
 * one bulk OUT endpoint that takes the raw ESC/POS stream.
 *
 * The adapter talks to a small device interface (the slice of the `usb` package's WebUSB-style
 * device it uses), so tests drive this same code with a fake device that records the bytes.
 * The real bus loads `usb` lazily: a machine without libusb or without /sys/bus/usb keeps
 * running and reports "printing unavailable" in plain words.
 */

export interface UsbEndpointLike {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: string;
}

export interface UsbInterfaceLike {
  interfaceNumber: number;
  alternate: { interfaceClass: number; endpoints: UsbEndpointLike[] };
}

/** The parts of a `usb` (v3, WebUSB-style) device the adapter uses. */
export interface UsbDeviceLike {
  vendorId: number;
  productId: number;
  productName?: string | null;
  manufacturerName?: string | null;
  serialNumber?: string | null;
  readonly opened: boolean;
  readonly configuration?: { interfaces: UsbInterfaceLike[] } | null;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration?(value: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  detachKernelDriver?(n: number): Promise<void>;
  transferOut(
    endpoint: number,
    data: Uint8Array,
    timeoutMs?: number,
  ): Promise<{ status: string; bytesWritten: number }>;
}

export interface UsbBus {
  list(): Promise<UsbDeviceLike[]>;
  /** Hotplug; returns a function that removes the listeners. */
  watch(onAttach: (d: UsbDeviceLike) => void, onDetach: (d: UsbDeviceLike) => void): () => void;
}

export const USB_CLASS_PRINTER = 7;
/** Bulk transfers are sent in pieces so one slow QR code cannot hit the transfer timeout. */
const CHUNK = 4096;
const TRANSFER_TIMEOUT_MS = 10_000;

export function hexId(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export function printerInterface(
  d: UsbDeviceLike,
): { iface: UsbInterfaceLike; endpoint: UsbEndpointLike } | null {
  for (const iface of d.configuration?.interfaces ?? []) {
    if (iface.alternate.interfaceClass !== USB_CLASS_PRINTER) continue;
    const endpoint = iface.alternate.endpoints.find(
      (e) => e.direction === 'out' && e.type === 'bulk',
    );
    if (endpoint) return { iface, endpoint };
  }
  return null;
}

export class PrinterIoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrinterIoError';
  }
}

/** Sends one job to the device: open, claim the printer interface, bulk-write, release. */
export async function writeToPrinter(d: UsbDeviceLike, bytes: Uint8Array): Promise<void> {
  const found = printerInterface(d);
  if (!found)
    throw new PrinterIoError(
      `USB device ${hexId(d.vendorId)}:${hexId(d.productId)} has no printer interface with a bulk OUT endpoint`,
    );
  const { iface, endpoint } = found;
  const wasOpen = d.opened;
  try {
    if (!wasOpen) await d.open();
    // Linux binds usblp to printer interfaces; it has to let go before we can claim.
    await d.detachKernelDriver?.(iface.interfaceNumber).catch(() => {});
    await d.claimInterface(iface.interfaceNumber);
    try {
      for (let off = 0; off < bytes.length; off += CHUNK) {
        const part = bytes.subarray(off, Math.min(bytes.length, off + CHUNK));
        const res = await d.transferOut(endpoint.endpointNumber, part, TRANSFER_TIMEOUT_MS);
        if (res.status !== 'ok' || res.bytesWritten !== part.length)
          throw new PrinterIoError(
            `printer stopped taking data (status ${res.status}, ${res.bytesWritten}/${part.length} bytes)`,
          );
      }
    } finally {
      await d.releaseInterface(iface.interfaceNumber).catch(() => {});
    }
  } catch (err) {
    if (err instanceof PrinterIoError) throw err;
    throw new PrinterIoError(`USB write failed: ${(err as Error).message}`);
  } finally {
    if (!wasOpen) await d.close().catch(() => {});
  }
}

/** The real bus (`usb` package). Throws with a plain reason when USB is not usable here. */
export async function openSystemUsbBus(): Promise<UsbBus> {
  const mod = (await import('usb')) as unknown as {
    usb: EventTarget & { getDevices(): Promise<UsbDeviceLike[]> };
  };
  const { usb } = mod;
  // Probe once so "no USB on this machine" is reported at start, not at the first sale.
  await usb.getDevices();
  return {
    list: () => usb.getDevices(),
    watch(onAttach, onDetach) {
      const a = (ev: Event) => onAttach((ev as unknown as { device: UsbDeviceLike }).device);
      const d = (ev: Event) => onDetach((ev as unknown as { device: UsbDeviceLike }).device);
      usb.addEventListener('connect', a);
      usb.addEventListener('disconnect', d);
      return () => {
        usb.removeEventListener('connect', a);
        usb.removeEventListener('disconnect', d);
      };
    },
  };
}
