/**
 * Keyboard layouts (us, de, fr, uk, ch): the pairing alphabet reads the same in every pair of
 * them, the layout-test text reads right in exactly one, and learnLayout() finds the layout a
 * scanner typed a pairing code or the layout test in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALPHABET } from '../../daemon/scanners/base32.js';
import { decodeAs } from '../../daemon/scanners/keyboard-decoder.js';
import { LAYOUTS, typeText, type Layout } from '../../daemon/scanners/keymaps.js';
import { LAYOUT_TEST_TEXT, learnLayout } from '../../daemon/scanners/layout-learning.js';

function reports(text: string, layout: Layout): Uint8Array[] {
  const presses = typeText(text, layout);
  assert.ok(presses, `${text} typeable on ${layout}`);
  return presses.flatMap((p) => [
    Uint8Array.from([p.mods, 0, p.usage, 0, 0, 0, 0, 0]),
    new Uint8Array(8),
  ]);
}

test('every pairing-alphabet character typed in any layout decodes the same in every layout', () => {
  for (const typed of LAYOUTS)
    for (const read of LAYOUTS)
      assert.equal(decodeAs(reports(ALPHABET, typed), read), ALPHABET, `${typed} → ${read}`);
});

test('the layout-test text decodes right only in the layout it was typed in', () => {
  for (const typed of LAYOUTS)
    for (const read of LAYOUTS) {
      const got = decodeAs(reports(LAYOUT_TEST_TEXT, typed), read);
      assert.equal(got === LAYOUT_TEST_TEXT, typed === read, `${typed} read as ${read}: ${got}`);
    }
});

test('symbols factory scanners type: "4*9" is "4(9" only when a US scanner is read as German', () => {
  assert.equal(decodeAs(reports('4*9', 'us'), 'us'), '4*9');
  assert.equal(decodeAs(reports('4*9', 'us'), 'de'), '4(9');
  assert.equal(decodeAs(reports('4*9', 'fr'), 'fr'), '4*9');
  assert.equal(decodeAs(reports('a@q', 'fr'), 'fr'), 'a@q');
  assert.equal(decodeAs(reports('£#', 'uk'), 'uk'), '£#');
  assert.equal(decodeAs(reports('ç*', 'ch'), 'ch'), 'ç*');
});

test('learnLayout: the layout whose reading verifies wins, current first; refused codes stay pairing values', () => {
  const code = 'POSLINK-BCDEFbcdef';
  const checks = {
    isPairingValue: (t: string) => t.startsWith('POSLINK-'),
    verifies: (t: string) => t === code,
  };
  // "-" is a different key in us/uk, de/ch and fr: the prefix tells those groups apart.
  assert.deepEqual(learnLayout(reports(code, 'fr'), 'us', checks), {
    kind: 'pairing',
    text: code,
    layout: 'fr',
    verified: true,
  });
  assert.equal((learnLayout(reports(code, 'de'), 'us', checks) as { layout: string }).layout, 'de');
  assert.equal((learnLayout(reports(code, 'ch'), 'ch', checks) as { layout: string }).layout, 'ch');
  assert.equal((learnLayout(reports(code, 'uk'), 'us', checks) as { layout: string }).layout, 'us');
  const forged = 'POSLINK-BCDEFbcdeg';
  assert.deepEqual(learnLayout(reports(forged, 'fr'), 'us', checks), {
    kind: 'pairing',
    text: forged,
    layout: 'fr',
    verified: false,
  });
  for (const l of LAYOUTS)
    assert.deepEqual(learnLayout(reports(LAYOUT_TEST_TEXT, l), 'us', checks), {
      kind: 'layout_test',
      layout: l,
    });
  assert.deepEqual(learnLayout(reports('2100000000029', 'us'), 'us', checks), { kind: 'plain' });
});
