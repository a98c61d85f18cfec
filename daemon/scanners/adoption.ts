/**
 * Adoption requests: a keyboard the admin marked as a scanner is read at once, but only root
 * can hide it from the kiosk (udev). The daemon appends its VID:PID to DATA_DIR/scanners.adopt;
 * pos-scanner-rules (root, pos-scanner-rules.path) moves the line into /etc/pos/scanners.list,
 * which then drives udev and this daemon alike (docs/SCANNERS.md).
 */
import { open } from 'node:fs/promises';
import { vidPid, type HidDeviceInfo } from './device.js';

/** Adoption requests in the data directory: `VID:PID  # comment` lines. */
export const ADOPT_REQUEST_FILE = 'scanners.adopt';

/** One scanners.list line for an adopted device; the comment keeps only harmless characters. */
export function adoptionLine(info: HidDeviceInfo, now: number): string {
  const what = [info.manufacturer, info.product]
    .filter(Boolean)
    .join(' ')
    .replace(/[^\p{L}\p{N} ._()/+-]/gu, '')
    .slice(0, 60);
  const day = new Date(now).toISOString().slice(0, 10);
  return `${vidPid(info)}   # ${what || 'keyboard-mode scanner'}, adopted in Admin - Scanners on ${day}\n`;
}

/** Appends the line and fsyncs it (the root helper reads the file when it changes). */
export async function appendAdoptionRequest(file: string, line: string): Promise<void> {
  const fh = await open(file, 'a', 0o640);
  try {
    await fh.appendFile(line);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
