/**
 * Cash keypad: the tendered amount is typed in cents like on a till (1, 2, 5, 0 → 12,50) or
 * set with a quick note; change is tendered minus total.
 */
export const QUICK_NOTES_CENTS = [500, 1000, 2000, 5000] as const;
const MAX_TENDERED_CENTS = 10_000_000;

export type CashKey =
  '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '00' | 'back' | 'clear';

export function pressKey(tenderedCents: number, key: CashKey): number {
  if (key === 'clear') return 0;
  if (key === 'back') return Math.floor(tenderedCents / 10);
  const next = Number(`${tenderedCents}${key}`);
  return next > MAX_TENDERED_CENTS ? tenderedCents : next;
}

/** Change due, or null while the tendered amount does not cover the total. */
export function changeDue(totalCents: number, tenderedCents: number): number | null {
  return tenderedCents >= totalCents ? tenderedCents - totalCents : null;
}

/** Quick notes worth offering: those that cover the total (smaller ones make no sense). */
export function usefulNotes(totalCents: number): number[] {
  return QUICK_NOTES_CENTS.filter((n) => n >= totalCents);
}

/** The quantity keypad (12 × Brötchen): digits append up to 999, ⌫ removes one, C clears. */
export function quantityKey(q: number, key: string): number {
  if (key === 'C') return 0;
  if (key === 'back') return Math.floor(q / 10);
  if (!/^[0-9]$/.test(key)) return q;
  const next = q * 10 + Number(key);
  return next > 999 ? q : next;
}
