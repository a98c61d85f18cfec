/**
 * Barcode rules. Numeric codes of GTIN lengths must carry a valid check digit
 * (GS1 General Specifications, "Standard check digit calculations for GS1 data structures"):
 * EAN-8 / UPC-E (8 digits), UPC-A (12), EAN-13 (13). Everything else is accepted as printable
 * CODE128 text (ASCII 32-126), which is what shops print for in-house articles.
 */

/** GS1 mod-10: weights 3,1,3,1,... from the digit next to the check digit. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidGs1Check(code: string): boolean {
  return gs1CheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

/** UPC-E (number system 0 or 1) expanded to its UPC-A form, per the UPC-E compression rules. */
export function expandUpcE(code: string): string | null {
  if (!/^[01]\d{7}$/.test(code)) return null;
  const ns = code[0];
  const d = code.slice(1, 7);
  const check = code[7];
  const last = d[5];
  let body: string;
  if (last <= '2') body = `${d[0]}${d[1]}${last}0000${d[2]}${d[3]}${d[4]}`;
  else if (last === '3') body = `${d[0]}${d[1]}${d[2]}00000${d[3]}${d[4]}`;
  else if (last === '4') body = `${d[0]}${d[1]}${d[2]}${d[3]}00000${d[4]}`;
  else body = `${d[0]}${d[1]}${d[2]}${d[3]}${d[4]}0000${last}`;
  return `${ns}${body}${check}`;
}

/** Why a barcode is invalid, or null. */
export function barcodeProblem(code: string): string | null {
  if (code.length < 1 || code.length > 64) return 'must be 1-64 characters';
  if (!/^[\x20-\x7e]+$/.test(code)) return 'must be printable ASCII (CODE128 text)';
  if (code !== code.trim()) return 'must not start or end with spaces';
  if (/^\d+$/.test(code)) {
    if (code.length === 13 || code.length === 12) {
      return hasValidGs1Check(code)
        ? null
        : `has a wrong check digit (expected ${gs1CheckDigit(code.slice(0, -1))})`;
    }
    if (code.length === 8) {
      if (hasValidGs1Check(code)) return null; // EAN-8
      const upcA = expandUpcE(code);
      if (upcA && hasValidGs1Check(upcA)) return null; // UPC-E
      return 'has a wrong check digit (neither a valid EAN-8 nor UPC-E)';
    }
  }
  return null;
}

/**
 * Scanners may report a UPC-A as 13 digits with a leading 0 (its EAN-13 form) or the reverse;
 * lookups try both so either spelling finds the product.
 */
export function barcodeVariants(code: string): string[] {
  if (/^\d{12}$/.test(code)) return [code, `0${code}`];
  if (/^0\d{12}$/.test(code)) return [code, code.slice(1)];
  return [code];
}
