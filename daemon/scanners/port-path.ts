/**
 * The USB port path ("1-1.3": bus 1, root port 1, hub port 3) of a hidraw node, read from
 * sysfs: /sys/class/hidraw/hidrawN/device links to
 * .../usb1/1-1/1-1.3/1-1.3:1.0/0003:0C2E:0B61.0001. The last "bus-port[.port...]" segment is
 * the device; it stays the same as long as the scanner stays in the same socket.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';

const PORT_SEGMENT = /^\d+-\d+(\.\d+)*$/;

export async function usbPortPath(hidPath: string, sysRoot = '/sys'): Promise<string | null> {
  const m = /^\/dev\/(hidraw\d+)$/.exec(hidPath);
  if (!m) return null;
  let real: string;
  try {
    real = await realpath(path.join(sysRoot, 'class', 'hidraw', m[1], 'device'));
  } catch {
    return null;
  }
  const port = real.split('/').filter((s) => PORT_SEGMENT.test(s));
  return port.length ? port[port.length - 1] : null;
}
