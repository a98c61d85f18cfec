/** Constant-time comparison of secrets of any length (hash first, then timingSafeEqual). */
import { createHash, timingSafeEqual } from 'node:crypto';

export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
