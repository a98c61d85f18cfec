/**
 * Learning a keyboard-wedge scanner's layout from what it types for a code the daemon knows.
 *
 * A scanner presses the keys its "keyboard country" puts the characters on; decoded with the
 * wrong layout the same keys make other characters. For a code the daemon can check — a
 * pairing code (its MAC verifies) or the layout-test code (a fixed text) — the daemon decodes
 * the scanner's reports with every supported layout and keeps the one that gives a valid
 * reading, current layout first.
 *
 * The layout-test text holds characters that sit on different keys in each supported layout
 * (y/z: QWERTZ; q/a: AZERTY; @ and ": US vs UK; * and ç: German vs Swiss), so exactly one
 * layout decodes it right (tests/unit/scanner-layouts.test.ts checks every pair). The pairing
 * code's own characters decode the same everywhere, only the prefix's "-" tells us/uk,
 * de/ch and fr apart: pairing always works, and the layout test settles the rest.
 */
import { splitAim } from './aim.js';
import { decodeAs } from './keyboard-decoder.js';
import { LAYOUTS, type Layout } from './keymaps.js';

/** What the "layout test" barcode on the admin Scanners page says (CODE128, printable ASCII). */
export const LAYOUT_TEST_TEXT = 'LAYOUT-TEST-yq@"*';

export interface LayoutChecks {
  isPairingValue(text: string): boolean;
  verifies(text: string): boolean;
}

export type Learned =
  /** The text to route, read in `layout` (learned when it differs from the current one). */
  | { kind: 'pairing'; text: string; layout: Layout; verified: boolean }
  | { kind: 'layout_test'; layout: Layout }
  | { kind: 'plain' };

/** Layouts to try: the scanner's current one first, then the rest in LAYOUTS order. */
function order(current: Layout): Layout[] {
  return [current, ...LAYOUTS.filter((l) => l !== current)];
}

export function learnLayout(
  reports: readonly Uint8Array[],
  current: Layout,
  checks: LayoutChecks,
): Learned {
  let refused: { text: string; layout: Layout } | null = null;
  for (const layout of order(current)) {
    // An AIM prefix (`]C0`) is typed in the layout too; it is not part of the code.
    const text = splitAim(decodeAs(reports, layout)).barcode;
    if (text === LAYOUT_TEST_TEXT) return { kind: 'layout_test', layout };
    if (checks.isPairingValue(text)) {
      if (checks.verifies(text)) return { kind: 'pairing', text, layout, verified: true };
      refused ??= { text, layout };
    }
  }
  // A pairing value in some layout that verifies in none: refused, never a product.
  return refused ? { kind: 'pairing', ...refused, verified: false } : { kind: 'plain' };
}
