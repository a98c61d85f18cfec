/**
 * Drawer count for the Z report: counts per note and coin (value in cents → count), their
 * sum, and the body the daemon takes. The denomination lists are the daemon's own
 * (daemon/closing/cash.ts), so the grid offers exactly what POST /closing/z accepts.
 */
import { DENOMINATIONS } from '../../../daemon/closing/cash.js';

export type DrawerCount = Readonly<Record<number, number>>;

/** Notes and coins for the grid, highest first; empty for a currency without a list. */
export function denominationsFor(currency: string): readonly number[] {
  return DENOMINATIONS[currency] ?? [];
}

/** Notes start at 5 (EUR, CHF, GBP) or 1 (USD) units; everything below is a coin. */
export function isNote(cents: number, currency: string): boolean {
  return cents >= (currency === 'USD' ? 100 : 500);
}

/** Sum of the counted notes and coins, in cents. */
export function countTotal(count: DrawerCount): number {
  let total = 0;
  for (const [value, n] of Object.entries(count)) total += Number(value) * n;
  return total;
}

/** Sets one denomination's count (whole, 0…9999); returns a new object (Lit sees the change). */
export function setCount(count: DrawerCount, cents: number, n: number): DrawerCount {
  const v = Number.isFinite(n) ? Math.min(9999, Math.max(0, Math.trunc(n))) : 0;
  const next: Record<number, number> = { ...count };
  if (v === 0) delete next[cents];
  else next[cents] = v;
  return next;
}

/** The `denominations` object for POST /closing/z (only counted values, keys in cents). */
export function denominationsBody(count: DrawerCount): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [value, n] of Object.entries(count)) if (n > 0) out[value] = n;
  return out;
}

/** counted − expected: negative means cash is missing. */
export function difference(countedCents: number, expectedCents: number): number {
  return countedCents - expectedCents;
}

/** How a difference is shown: missing (red), over (amber), or balanced. */
export function differenceKind(diffCents: number): 'missing' | 'over' | 'balanced' {
  return diffCents < 0 ? 'missing' : diffCents > 0 ? 'over' : 'balanced';
}
