/**
 * HID report descriptors (HID 1.11, section 6.2.2) → the layout of a HID POS scanner's
 * Scanned Data Report, so that reports are decoded from what the device itself declares
 * instead of one vendor's 64-byte layout.
 *
 * Short items only (long items are skipped): Main (Input, Output, Feature, Collection, End
 * Collection), Global (Usage Page, Report Size, Report Count, Report ID, Push, Pop) and Local
 * (Usage, Usage Minimum/Maximum). Input fields are laid out in declaration order per report
 * id; a report with an id starts with that id byte.
 *
 * The scanner's fields are those of the Bar Code Scanner page (HID POS Usage Tables 1.02,
 * usage page 0x8C): Symbology Identifier 1-3 (0xFB-0xFD, the AIM identifier), Decoded Data
 * (0xFE), Decode Data Continued (0xFF); plus Generic Desktop Byte Count (0x01:0x3B) where the
 * device reports how many data bytes are valid.
 */

export const PAGE_GENERIC_DESKTOP = 0x01;
export const PAGE_BARCODE = 0x8c;
export const USAGE_BYTE_COUNT = 0x3b;
export const USAGE_SYMBOLOGY_1 = 0xfb;
export const USAGE_DECODED_DATA = 0xfe;
export const USAGE_DATA_CONTINUED = 0xff;

export interface InputField {
  reportId: number;
  usagePage: number;
  usage: number;
  /** Bit offset inside the report, after the report id byte. */
  bitOffset: number;
  bitSize: number;
}

interface Globals {
  usagePage: number;
  reportSize: number;
  reportCount: number;
  reportId: number;
}

/** Every Input field of a descriptor (one per report-count element). */
export function inputFields(desc: Uint8Array): InputField[] {
  const fields: InputField[] = [];
  let g: Globals = { usagePage: 0, reportSize: 0, reportCount: 0, reportId: 0 };
  const stack: Globals[] = [];
  let usages: Array<{ page: number | null; id: number }> = [];
  let usageMin: number | null = null;
  let usageMax: number | null = null;
  const bits = new Map<number, number>();
  let i = 0;
  while (i < desc.length) {
    const prefix = desc[i];
    if (prefix === 0xfe) {
      // Long item: bDataSize, bLongItemTag, data.
      i += 3 + (desc[i + 1] ?? 0);
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 0x03];
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    if (i + 1 + size > desc.length) break;
    let value = 0;
    for (let b = 0; b < size; b++) value |= desc[i + 1 + b] << (8 * b);
    value >>>= 0;
    i += 1 + size;
    if (type === 1) {
      if (tag === 0x0) g.usagePage = value;
      else if (tag === 0x7) g.reportSize = value;
      else if (tag === 0x9) g.reportCount = value;
      else if (tag === 0x8) g.reportId = value;
      else if (tag === 0xa) stack.push({ ...g });
      else if (tag === 0xb) g = stack.pop() ?? g;
    } else if (type === 2) {
      // A 4-byte usage carries its own page in the high 16 bits.
      const ext =
        size === 4 ? { page: value >>> 16, id: value & 0xffff } : { page: null, id: value };
      if (tag === 0x0) usages.push(ext);
      else if (tag === 0x1) usageMin = ext.id;
      else if (tag === 0x2) usageMax = ext.id;
    } else if (type === 0) {
      if (tag === 0x8) {
        // Input
        const at = bits.get(g.reportId) ?? 0;
        const list =
          usages.length > 0
            ? usages
            : usageMin !== null && usageMax !== null
              ? Array.from({ length: Math.max(0, usageMax - usageMin + 1) }, (_, k) => ({
                  page: null,
                  id: usageMin! + k,
                }))
              : [];
        for (let k = 0; k < g.reportCount; k++) {
          const u = list[Math.min(k, list.length - 1)];
          fields.push({
            reportId: g.reportId,
            usagePage: u?.page ?? g.usagePage,
            usage: u?.id ?? 0,
            bitOffset: at + k * g.reportSize,
            bitSize: g.reportSize,
          });
        }
        bits.set(g.reportId, at + g.reportCount * g.reportSize);
      }
      // Every main item ends the local state.
      usages = [];
      usageMin = usageMax = null;
    }
  }
  return fields;
}

export interface PosLayout {
  /** 0 when the device does not number its reports. */
  reportId: number;
  /** Byte offsets in the report as read (including the id byte when reportId > 0). */
  byteCount: number | null;
  aim: number[];
  dataOffset: number;
  dataLength: number;
  /** Bit position (from the report start) of Decode Data Continued, or null. */
  continuedBit: number | null;
  /** Report length in bytes, id byte included. */
  length: number;
}

/** The Scanned Data Report's layout, or null when the descriptor declares no Decoded Data. */
export function posLayout(desc: Uint8Array): PosLayout | null {
  const fields = inputFields(desc);
  const data = fields.filter(
    (f) => f.usagePage === PAGE_BARCODE && f.usage === USAGE_DECODED_DATA && f.bitSize === 8,
  );
  if (data.length === 0) return null;
  const reportId = data[0].reportId;
  const mine = fields.filter((f) => f.reportId === reportId);
  const lead = reportId > 0 ? 8 : 0;
  const byte = (f: InputField) => (lead + f.bitOffset) / 8;
  const first = data.filter((f) => f.reportId === reportId);
  const count = mine.find(
    (f) => f.usagePage === PAGE_GENERIC_DESKTOP && f.usage === USAGE_BYTE_COUNT && f.bitSize === 8,
  );
  const aim = [0, 1, 2]
    .map((k) =>
      mine.find(
        (f) => f.usagePage === PAGE_BARCODE && f.usage === USAGE_SYMBOLOGY_1 + k && f.bitSize === 8,
      ),
    )
    .filter((f): f is InputField => f !== undefined)
    .map(byte);
  const cont = mine.find((f) => f.usagePage === PAGE_BARCODE && f.usage === USAGE_DATA_CONTINUED);
  const endBits = Math.max(...mine.map((f) => f.bitOffset + f.bitSize));
  return {
    reportId,
    byteCount: count ? byte(count) : null,
    aim,
    dataOffset: byte(first[0]),
    dataLength: first.length,
    continuedBit: cont ? lead + cont.bitOffset : null,
    length: Math.ceil((lead + endBits) / 8),
  };
}

/**
 * The layout HID POS scanners commonly ship (Honeywell's descriptor: id 2, Byte Count, three
 * AIM bytes, 56 data bytes, two vendor bytes, a flags byte with Continued in bit 0), used
 * when a device's descriptor cannot be read.
 */
export const DEFAULT_POS_LAYOUT: PosLayout = {
  reportId: 0x02,
  byteCount: 1,
  aim: [2, 3, 4],
  dataOffset: 5,
  dataLength: 56,
  continuedBit: 63 * 8,
  length: 64,
};
