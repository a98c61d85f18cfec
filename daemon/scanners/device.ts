/**
 * The hardware seam. node-hid's HIDAsync satisfies HidDevice; tests and the demo simulator
 * provide their own devices and feed recorded reports through the same reader and decoders.
 */
export interface HidDevice {
  on(event: 'data', fn: (report: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  close(): Promise<void> | void;
}

/** One HID top-level collection as enumeration reports it (node-hid's Device shape). */
export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  interface: number;
  usagePage?: number;
  usage?: number;
  /** USB port path when the backend knows it (the simulator); else read from sysfs. */
  portPath?: string;
}

export interface HidBackend {
  readonly name: string;
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidDevice>;
  /** The device's HID report descriptor (Linux: sysfs of the hidraw node), null if unknown. */
  descriptor?(path: string): Promise<Uint8Array | null>;
}

/** HID POS Bar Code Scanner page (HID POS Usage Tables 1.02, section 3). */
export const USAGE_PAGE_BARCODE_SCANNER = 0x8c;
/** Generic Desktop page, Keyboard usage (HUT 1.4, section 4). */
export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const USAGE_KEYBOARD = 0x06;

export type HidKind = 'hid_pos' | 'keyboard';

export function classify(info: HidDeviceInfo): HidKind | null {
  if (info.usagePage === USAGE_PAGE_BARCODE_SCANNER) return 'hid_pos';
  if (info.usagePage === USAGE_PAGE_GENERIC_DESKTOP && info.usage === USAGE_KEYBOARD)
    return 'keyboard';
  return null;
}

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** "0c2e:0b61", the form scanners.list uses. */
export function vidPid(info: Pick<HidDeviceInfo, 'vendorId' | 'productId'>): string {
  return `${hex4(info.vendorId)}:${hex4(info.productId)}`;
}

/**
 * The stable scanner id: VID:PID:serial, or VID:PID@usb-<port path> when the device has no
 * serial number (then the id follows the USB socket, which is what the cashier sees).
 */
export function scannerId(info: HidDeviceInfo, portPath: string | null): string {
  const serial = (info.serialNumber ?? '')
    .trim()
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 48);
  if (serial && !/^0+$/.test(serial)) return `${vidPid(info)}:${serial}`;
  const where = portPath ? `usb-${portPath}` : info.path.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${vidPid(info)}@${where}`;
}

/** Scanner ids in URLs and headers: HID ids above, network ids chosen by the operator. */
export const SCANNER_ID_RE = /^[A-Za-z0-9._:@-]{1,100}$/;
