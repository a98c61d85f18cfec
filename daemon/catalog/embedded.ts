/**
 * Price- and weight-embedded EAN-13 (GS1 restricted circulation numbers, prefixes 20-29): a
 * scale or a back-office labeller prints the article number and the price (or the weight) into
 * the code. The layout is configured per prefix (settings section `selling`):
 *
 *   PP IIIII VVVVV C   prefix, `item_digits` digits of article number, the value, check digit
 *
 * The value fills the digits between article number and check digit: cents for `price`, grams
 * for `weight` (the product's price is then per kilogram). The catalog product is the one whose
 * barcode is the same code with the value zeroed (and its check digit recomputed), e.g. the
 * label 2212345012997 (12,99 €) finds the product with barcode 2212345000001.
 */
import { gs1CheckDigit } from './barcode.js';
import { CatalogError } from './categories.js';
import type { EmbeddedScheme, SellingSettings } from '../protocol.js';

export type { EmbeddedScheme, SellingSettings };

export const SELLING_SECTION = 'selling';
export const SELLING_DEFAULTS: SellingSettings = { embedded_barcodes: [] };

export interface EmbeddedRead {
  /** The code with the value zeroed: the catalog product's barcode. */
  base: string;
  kind: 'price' | 'weight';
  /** Cents (price) or grams (weight). */
  value: number;
}

/**
 * Reads a code under the configured schemes: null when no scheme's prefix matches (an ordinary
 * barcode). A matching code whose check digit is wrong is refused: it was misread or mistyped.
 */
export function readEmbedded(code: string, schemes: EmbeddedScheme[]): EmbeddedRead | null {
  if (!/^2\d{12}$/.test(code)) return null;
  const scheme = schemes.find((s) => code.startsWith(s.prefix));
  if (!scheme) return null;
  if (gs1CheckDigit(code.slice(0, 12)) !== Number(code[12]))
    throw new CatalogError(
      400,
      'invalid_check_digit',
      `${code}: the check digit does not match; scan again or type the code once more`,
      'barcode',
      { code },
    );
  const head = code.slice(0, 2 + scheme.item_digits);
  const value = Number(code.slice(2 + scheme.item_digits, 12));
  const body = head.padEnd(12, '0');
  return { base: body + gs1CheckDigit(body), kind: scheme.kind, value };
}

/** Gross price of `grams` at `perKgCents` a kilogram, rounded half up to a cent. */
export function weightPrice(perKgCents: number, grams: number): number {
  return Math.floor((perKgCents * grams * 2 + 1000) / 2000);
}

/** Validates a PUT /admin/settings/selling body. */
export function validateSelling(body: Record<string, unknown>): SellingSettings {
  for (const key of Object.keys(body))
    if (key !== 'embedded_barcodes')
      throw new CatalogError(400, 'unknown_field', `Unknown field "${key}"`, key);
  const list = body.embedded_barcodes;
  if (!Array.isArray(list) || list.length > 10)
    throw new CatalogError(
      400,
      'invalid_field',
      'embedded_barcodes must be a list of at most 10 schemes',
      'embedded_barcodes',
    );
  const seen = new Set<string>();
  const schemes = list.map((raw: unknown) => {
    const s = (raw ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(s))
      if (!['prefix', 'kind', 'item_digits'].includes(key))
        throw new CatalogError(400, 'unknown_field', `Unknown field "${key}"`, key);
    if (typeof s.prefix !== 'string' || !/^2\d$/.test(s.prefix))
      throw new CatalogError(400, 'invalid_field', 'prefix must be 20 to 29', 'prefix');
    if (seen.has(s.prefix))
      throw new CatalogError(400, 'invalid_field', `prefix ${s.prefix} twice`, 'prefix');
    seen.add(s.prefix);
    if (s.kind !== 'price' && s.kind !== 'weight')
      throw new CatalogError(400, 'invalid_field', 'kind must be price or weight', 'kind');
    const digits = s.item_digits;
    if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 3 || digits > 6)
      throw new CatalogError(400, 'invalid_field', 'item_digits must be 3 to 6', 'item_digits');
    return { prefix: s.prefix, kind: s.kind, item_digits: digits } as EmbeddedScheme;
  });
  return { embedded_barcodes: schemes };
}
