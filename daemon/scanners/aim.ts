/**
 * AIM symbology identifiers (ISO/IEC 15424): "]" + a symbology letter + a modifier, e.g. `]E0`
 * EAN/UPC, `]C1` GS1-128, `]Q1` QR Code, `]d2` GS1 DataMatrix. Scanners set to transmit them
 * put one in front of the data (keyboard wedge, network clients); the daemon takes it off into
 * the scan's symbology, so the barcode itself is what is printed under the bars.
 */
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/;

export interface SplitCode {
  /** The AIM identifier, or null when the code carries none. */
  symbology: string | null;
  barcode: string;
}

export function splitAim(text: string): SplitCode {
  const m = AIM_PREFIX.exec(text);
  if (!m || text.length === m[0].length) return { symbology: null, barcode: text };
  return { symbology: m[0], barcode: text.slice(m[0].length) };
}
