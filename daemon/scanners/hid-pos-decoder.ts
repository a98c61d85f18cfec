/**
 * HID POS barcode scanner reports → barcodes (HID Point of Sale Usage Tables 1.02, usage
 * page 0x8C Bar Code Scanner: Scanned Data Report with Symbology Identifier and Decoded Data,
 * and "Decoded Data Continued" for codes longer than one report).
 *
 * The report layout is the one HID POS scanners ship with (Honeywell, Zebra, Datalogic,
 * Access-IS), 64 bytes with the report id:
 *
 *   byte 0        report id 0x02 (Scanned Data Report)
 *   byte 1        number of data bytes in this report
 *   bytes 2-4     AIM symbology identifier, e.g. "]E0" (EAN/UPC), "]C0" (Code 128), "]Q1" (QR)
 *   bytes 5..n-4  decoded data (56 bytes in a 64-byte report), zero padded
 *   byte n-3      vendor symbology id, byte n-2 reserved
 *   byte n-1      bit 0: Decoded Data Continued (more reports follow for this code)
 *
 * Other report ids (status, configuration) are ignored.
 *
 * That fixed layout is only the fallback: when the device's report descriptor is known
 * (./hid-descriptor.ts), the report id, Byte Count, AIM bytes, data field and the Continued
 * bit are taken from where the descriptor puts them, whatever their order and size.
 */
import type { PosLayout } from './hid-descriptor.js';

export const SCANNED_DATA_REPORT_ID = 0x02;
/** Header (id, length, 3 AIM bytes) + trailer (2 vendor bytes, flags). */
const OVERHEAD = 5 + 3;
export const MAX_CODE_BYTES = 8192;

export interface PosBarcode {
  barcode: string;
  /** AIM symbology identifier ("]E0"), or null when the scanner sent none. */
  aim: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export class HidPosDecoder {
  private parts: Uint8Array[] = [];
  private size = 0;
  private aim: string | null = null;
  private lastAt = -Infinity;
  malformed = 0;

  /**
   * @param staleMs a continuation that arrives later than this starts a new code
   * @param layout from the device's report descriptor; null: the common fixed layout
   */
  constructor(
    private readonly staleMs = 1000,
    private readonly layout: PosLayout | null = null,
  ) {}

  feed(report: Uint8Array, at: number): PosBarcode[] {
    if (this.parts.length && at - this.lastAt > this.staleMs) this.reset();
    this.lastAt = at;
    if (this.layout) return this.feedLayout(report, this.layout);
    if (report.length < OVERHEAD + 1 || report[0] !== SCANNED_DATA_REPORT_ID) {
      if (report[0] === SCANNED_DATA_REPORT_ID) this.malformed++;
      return [];
    }
    const room = report.length - OVERHEAD;
    const len = Math.min(report[1], room);
    if (report[1] > room) this.malformed++;
    if (this.parts.length === 0) this.aim = readAim(report);
    const data = report.subarray(5, 5 + len);
    const continued = (report[report.length - 1] & 0x01) !== 0;
    if (this.size + data.length > MAX_CODE_BYTES) {
      this.reset();
      this.malformed++;
      return [];
    }
    this.parts.push(data);
    this.size += data.length;
    if (continued) return [];
    const bytes = Buffer.concat(this.parts);
    const aim = this.aim;
    this.reset();
    const barcode = decodeText(bytes);
    return barcode ? [{ barcode, aim }] : [];
  }

  private feedLayout(report: Uint8Array, l: PosLayout): PosBarcode[] {
    if (l.reportId > 0 && report[0] !== l.reportId) return []; // another report (status, ...)
    if (report.length < l.dataOffset + 1) {
      this.malformed++;
      return [];
    }
    const room = Math.min(l.dataLength, report.length - l.dataOffset);
    let len = room;
    if (l.byteCount !== null) {
      len = Math.min(report[l.byteCount], room);
      if (report[l.byteCount] > room) this.malformed++;
    }
    if (this.parts.length === 0 && l.aim.length === 3) {
      const a = l.aim.map((o) => report[o]);
      this.aim = a[0] === 0x5d ? String.fromCharCode(...a) : null;
    }
    let data = report.subarray(l.dataOffset, l.dataOffset + len);
    // Without a Byte Count the padding NULs are cut off the end.
    if (l.byteCount === null) {
      let end = data.length;
      while (end > 0 && data[end - 1] === 0) end--;
      data = data.subarray(0, end);
    }
    const cb = l.continuedBit;
    const continued = cb !== null && ((report[cb >> 3] ?? 0) & (1 << (cb & 7))) !== 0;
    return this.push(data, continued);
  }

  private push(data: Uint8Array, continued: boolean): PosBarcode[] {
    if (this.size + data.length > MAX_CODE_BYTES) {
      this.reset();
      this.malformed++;
      return [];
    }
    this.parts.push(data);
    this.size += data.length;
    if (continued) return [];
    const bytes = Buffer.concat(this.parts);
    const aim = this.aim;
    this.reset();
    const barcode = decodeText(bytes);
    return barcode ? [{ barcode, aim }] : [];
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.aim = null;
  }
}

function readAim(report: Uint8Array): string | null {
  if (report[2] !== 0x5d) return null; // AIM identifiers start with "]"
  return String.fromCharCode(report[2], report[3], report[4]);
}

/** Data is bytes; barcodes are text. UTF-8 when valid, else Latin-1; control bytes at the ends (suffixes) go. */
function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  // eslint-disable-next-line no-control-regex
  return text.replace(/^[\u0000-\u001f]+|[\u0000-\u001f]+$/g, '');
}
