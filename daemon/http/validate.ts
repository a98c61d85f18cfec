/** Small field validators that throw 400 naming the field. */
import { bidiControlIn, BIDI_CONTROL_CODE } from '../core/text.js';
import { fail } from '../core/errors.js';

export function str(
  body: Record<string, unknown>,
  field: string,
  /** noBidi: refuse bidirectional control characters (names, barcodes: core/text.ts). */
  opts: { max?: number; min?: number; optional?: boolean; noBidi?: boolean } = {},
): string | undefined {
  const v = body[field];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string') fail(400, 'invalid_field', `${field} must be a string`, field);
  const max = opts.max ?? 200;
  const min = opts.min ?? 0;
  if (v.length > max)
    fail(400, 'invalid_field', `${field} must be at most ${max} characters`, field);
  if (v.length < min)
    fail(
      400,
      'invalid_field',
      min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`,
      field,
    );
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v))
    fail(400, 'invalid_field', `${field} must not contain control characters`, field);
  const bidi = opts.noBidi ? bidiControlIn(v) : null;
  if (bidi)
    fail(
      400,
      BIDI_CONTROL_CODE,
      `${field} must not contain bidirectional control characters (${bidi})`,
      field,
    );
  return v;
}

export function intField(
  body: Record<string, unknown>,
  field: string,
  opts: { min: number; max: number; optional?: boolean },
): number | undefined {
  const v = body[field];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(400, 'invalid_field', `${field} must be an integer`, field);
  if (v < opts.min || v > opts.max)
    fail(400, 'invalid_field', `${field} must be between ${opts.min} and ${opts.max}`, field);
  return v;
}

export function boolField(
  body: Record<string, unknown>,
  field: string,
  opts: { optional?: boolean } = {},
): boolean | undefined {
  const v = body[field];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'boolean') fail(400, 'invalid_field', `${field} must be true or false`, field);
  return v;
}

/** Ids in paths: a conservative alphabet, so no traversal or odd bytes reach file names. */
export function idParam(value: string | undefined, name = 'id'): string {
  if (!value || !/^[A-Za-z0-9_-]{1,64}$/.test(value))
    fail(
      400,
      'invalid_id',
      `${name} must be 1-64 characters of letters, digits, "_" and "-"`,
      name,
    );
  return value;
}

export function onlyKeys(body: Record<string, unknown>, allowed: string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) fail(400, 'unknown_field', `Unknown field "${key}"`, key);
  }
}
