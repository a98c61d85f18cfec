/**
 * Amounts for SumUp: the Cloud API takes integer minor units plus `minor_unit`; the app-switch
 * URL takes a decimal string with "." (SumUp URL scheme docs: "Please use . as a decimal
 * separator"). CLP, COP and HUF have minor unit 0 at SumUp (CreateReaderCheckoutRequest docs).
 */
const SUMUP_ZERO_DECIMAL = new Set(['CLP', 'COP', 'HUF']);

export function minorUnit(currency: string): number {
  if (SUMUP_ZERO_DECIMAL.has(currency)) return 0;
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** 1234 EUR cents → "12.34"; integer arithmetic, never floats. */
export function decimalAmount(minor: number, currency: string): string {
  const digits = minorUnit(currency);
  if (digits === 0) return String(minor);
  const base = 10 ** digits;
  return `${Math.floor(minor / base)}.${String(minor % base).padStart(digits, '0')}`;
}

/** A transactions-API amount (major units, a JSON number) → minor units. */
export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorUnit(currency));
}
