import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyboardDecoder } from '../../daemon/scanners/keyboard-decoder.js';
import { HidPosDecoder } from '../../daemon/scanners/hid-pos-decoder.js';
import { allFixtures, reportBytes, type HidFixture } from '../helpers/scanner-fixtures.js';

function decodeKeyboard(f: HidFixture): { codes: string[]; afterFlush: string[] } {
  const d = new KeyboardDecoder(f.layout!, f.gap_ms!);
  const codes: string[] = [];
  for (const r of f.reports) codes.push(...d.feed(reportBytes(r.hex), r.t));
  return { codes, afterFlush: d.flush() };
}

for (const f of allFixtures()) {
  test(`fixture ${f.name}: ${f.description}`, () => {
    if (f.kind === 'keyboard') {
      const { codes, afterFlush } = decodeKeyboard(f);
      assert.deepEqual(codes, f.expect);
      assert.deepEqual(afterFlush, f.expect_after_flush ?? []);
    } else {
      const d = new HidPosDecoder();
      const out = f.reports.flatMap((r) => d.feed(reportBytes(r.hex), r.t));
      assert.deepEqual(
        out.map((o) => o.barcode),
        f.expect,
      );
      if (f.expect_aim)
        assert.deepEqual(
          out.map((o) => o.aim),
          f.expect_aim,
        );
    }
  });
}

test('KeyboardDecoder: the same reports read with the other layout differ exactly where US and DE differ', () => {
  const f = allFixtures().find((x) => x.name === 'kbd-de-symbols')!;
  const asUs = decodeKeyboard({ ...f, layout: 'us' }).codes[0];
  assert.ok(asUs.startsWith('Zy[:'), asUs); // QWERTY: Shift+0x1D = Z, 0x1C = y, 0x2F = [, Shift+0x33 = :
  // Digits never differ, which is why an EAN-13 reads right even with a wrong layout.
  const ean = allFixtures().find((x) => x.name === 'kbd-de-ean13-enter')!;
  assert.deepEqual(decodeKeyboard({ ...ean, layout: 'us' }).codes, ['2100000000029']);
});

test('KeyboardDecoder: a code without terminator ends when a report comes after more than gap ms', () => {
  const d = new KeyboardDecoder('us', 50);
  assert.deepEqual(d.feed(reportBytes('00 00 1e 00 00 00 00 00'), 0), []);
  assert.deepEqual(d.feed(reportBytes('00 00 00 00 00 00 00 00'), 10), []);
  assert.equal(d.pending, true);
  assert.deepEqual(d.feed(reportBytes('00 00 1f 00 00 00 00 00'), 61), ['1']);
  assert.deepEqual(d.flush(), ['2']);
  assert.equal(d.pending, false);
});

test('KeyboardDecoder: wrong-size reports produce no text; Ctrl+letter is its control character; Alt shortcuts none', () => {
  const d = new KeyboardDecoder('de', 80);
  d.feed(reportBytes('00 00 04'), 0);
  assert.equal(d.malformed, 1);
  d.feed(reportBytes('01 00 04 00 00 00 00 00'), 1); // Ctrl+a: SOH, as "Control + ASCII" mode sends it
  d.feed(reportBytes('00 00 00 00 00 00 00 00'), 2);
  d.feed(reportBytes('04 00 05 00 00 00 00 00'), 3); // Alt+b: a shortcut, no text
  d.feed(reportBytes('00 00 00 00 00 00 00 00'), 4);
  d.feed(reportBytes('00 00 05 00 00 00 00 00'), 5); // b
  assert.deepEqual(d.feed(reportBytes('00 00 28 00 00 00 00 00'), 6), ['\x01b']);
});

test('KeyboardDecoder: a runaway device without terminator cannot grow memory and yields no code', () => {
  const d = new KeyboardDecoder('us', 80);
  for (let i = 0; i < 2000; i++) {
    d.feed(reportBytes('00 00 04 00 00 00 00 00'), i);
    d.feed(reportBytes('00 00 00 00 00 00 00 00'), i);
  }
  assert.deepEqual(d.flush(), []);
});

test('HidPosDecoder: a length byte larger than the report is clamped and counted', () => {
  const d = new HidPosDecoder();
  const r = Buffer.alloc(64);
  r[0] = 2;
  r[1] = 200;
  r.write(']E0', 2, 'latin1');
  r.write('1234', 5, 'latin1');
  const out = d.feed(r, 0);
  assert.equal(out[0].barcode, '1234'); // trailing zero padding stripped as control bytes
  assert.equal(d.malformed, 1);
});
