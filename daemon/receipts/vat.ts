/**
 * VAT in integer cents. Prices in the catalog are gross (VAT included), as on a shop shelf.
 *
 * Rounding rule (documented in docs/OPERATIONS.md): VAT is computed once per rate from the sum
 * of the gross line totals at that rate, VAT = gross × r / (100 + r), rounded half away from
 * zero to a whole cent; net = gross − VAT. Summing per rate first (not per line) is what German
 * receipts and most EU tills do and keeps net + VAT = gross exact for every row.
 * Rates may have up to two decimals (e.g. 8.1 %, 5.5 %); they are handled as basis points so
 * no float touches money.
 */

/** Percent → basis points (19 → 1900, 8.1 → 810). */
export function rateBasisPoints(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 100)
    throw new RangeError(`vat: rate must be 0-100 %, got ${rate}`);
  return Math.round(rate * 100);
}

/** VAT contained in a gross amount (integer cents, sign kept; rounding half away from zero). */
export function vatOfGross(grossCents: number, rate: number): number {
  if (!Number.isSafeInteger(grossCents)) throw new RangeError('vat: gross must be integer cents');
  const bp = rateBasisPoints(rate);
  if (bp === 0 || grossCents === 0) return 0;
  const abs = Math.abs(grossCents);
  const den = 10000 + bp;
  // round(abs * bp / den), half up, in integers: floor((2·abs·bp + den) / (2·den)).
  const vat = Math.floor((2 * abs * bp + den) / (2 * den));
  return grossCents < 0 ? -vat : vat;
}

export interface VatRow {
  /** Letter printed next to each line (A = highest rate). */
  code: string;
  rate: number;
  gross_cents: number;
  net_cents: number;
  vat_cents: number;
}

/**
 * One row per rate, highest rate first, codes A, B, C... A line's amount is what it comes to
 * after its discounts (`discount_cents`, positive), so VAT is on discounted amounts.
 */
export function vatBreakdown(
  lines: Array<{ vat_rate: number; line_total_cents: number; discount_cents?: number }>,
): VatRow[] {
  const byRate = new Map<number, number>();
  for (const l of lines) {
    const bp = rateBasisPoints(l.vat_rate);
    byRate.set(bp, (byRate.get(bp) ?? 0) + l.line_total_cents - (l.discount_cents ?? 0));
  }
  return [...byRate.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([bp, gross], i) => {
      const rate = bp / 100;
      const vat = vatOfGross(gross, rate);
      return {
        code: String.fromCharCode(65 + (i % 26)),
        rate,
        gross_cents: gross,
        net_cents: gross - vat,
        vat_cents: vat,
      };
    });
}
