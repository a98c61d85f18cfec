/**
 * Characters scanners really send (issue 13 point 5), decoded from boot keyboard reports:
 * GS as Ctrl+] and as Alt+029, Alt codes 128-255 with (Windows-1252) and without (OEM code
 * page 437/850) a leading 0, Enter / Tab / nothing (the gap) as terminator, CR sent as Ctrl+M;
 * AIM prefixes split off into the symbology. And the typing probe that tells a scanner's burst
 * from a person by timing alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyboardDecoder } from '../../daemon/scanners/keyboard-decoder.js';
import { altCodeChar } from '../../daemon/scanners/code-pages.js';
import { splitAim } from '../../daemon/scanners/aim.js';
import { TypingProbe } from '../../daemon/scanners/typing-probe.js';
import { learnLayout } from '../../daemon/scanners/layout-learning.js';
import { keyReports, reportBytes } from '../helpers/scanner-fixtures.js';

const h = (n: number) => n.toString(16).padStart(2, '0');
const report = (mods: number, ...keys: number[]) =>
  reportBytes([h(mods), '00', ...[...keys, 0, 0, 0, 0, 0, 0].slice(0, 6).map(h)].join(' '));
const UP = report(0);
const LALT = 0x04;
const LCTRL = 0x01;
const LSHIFT = 0x02;
const KP: Record<string, number> = { '0': 0x62, '1': 0x59, '2': 0x5a, '3': 0x5b, '4': 0x5c };
Object.assign(KP, { '5': 0x5d, '6': 0x5e, '7': 0x5f, '8': 0x60, '9': 0x61 });

/** Alt held, the digits on the keypad, Alt released: what "emulate keypad" sends. */
function altCode(digits: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of digits) out.push(report(LALT, KP[d]), report(LALT));
  out.push(UP);
  return out;
}
const typed = (layout: 'us' | 'de', text: string) =>
  keyReports(text, layout, 'none').map(reportBytes);
const ENTER = [report(0, 0x28), UP];
const TAB = [report(0, 0x2b), UP];

function decode(layout: 'us' | 'de', reports: Uint8Array[]): string[] {
  const d = new KeyboardDecoder(layout, 80);
  const out: string[] = [];
  reports.forEach((r, i) => out.push(...d.feed(r, i)));
  return [...out, ...d.flush()];
}

test('GS1-128 with GS as Ctrl+] (US and German scanners) and as Alt+029', () => {
  const gs1 = (sep: Uint8Array[], layout: 'us' | 'de') => [
    ...typed(layout, '0104012345678901'),
    ...sep,
    ...typed(layout, '10ABC123'),
    ...ENTER,
  ];
  const want = ['0104012345678901\x1d10ABC123'];
  assert.deepEqual(decode('us', gs1([report(LCTRL, 0x30), UP], 'us')), want, 'Ctrl+] US');
  // A German scanner: "]" is AltGr+9 there, Ctrl+] is pressed at the US position.
  assert.deepEqual(decode('de', gs1([report(LCTRL, 0x30), UP], 'de')), want, 'Ctrl+] de');
  assert.deepEqual(decode('us', gs1(altCode('029'), 'us')), want, 'Alt+029');
  assert.deepEqual(decode('de', gs1(altCode('29'), 'de')), want, 'Alt+29');
  // RS and EOT of ISO/IEC 15434: Ctrl+^ (Shift+6) and Ctrl+D.
  assert.deepEqual(
    decode('us', [
      ...typed('us', '[)>'),
      report(LCTRL | LSHIFT, 0x23),
      UP,
      report(LCTRL, 0x07),
      UP,
      ...ENTER,
    ]),
    ['[)>\x1e\x04'],
  );
});

test('Alt codes 128-255: with a leading 0 Windows-1252, without it the OEM code page of the layout', () => {
  assert.deepEqual(decode('de', [...altCode('0228'), ...altCode('0128'), ...ENTER]), ['ä€']);
  assert.deepEqual(decode('de', [...altCode('132'), ...altCode('225'), ...ENTER]), ['äß'], 'CP850');
  assert.deepEqual(decode('us', [...altCode('132'), ...altCode('155'), ...ENTER]), ['ä¢'], 'CP437');
  assert.deepEqual(decode('de', [...altCode('155'), ...ENTER]), ['ø'], 'CP850 differs there');
  assert.equal(altCodeChar('0255', 'us'), 'ÿ');
  assert.equal(altCodeChar('256', 'us'), null);
  assert.equal(altCodeChar('0', 'us'), null);
  // Plain ASCII the same with and without the 0.
  assert.deepEqual(decode('de', [...altCode('65'), ...altCode('066'), ...ENTER]), ['AB']);
});

test('terminators: Enter, Tab, CR as Ctrl+M or Alt+013, and nothing (the gap ends it)', () => {
  assert.deepEqual(decode('us', [...typed('us', '111'), ...ENTER]), ['111']);
  assert.deepEqual(decode('us', [...typed('us', '222'), ...TAB]), ['222']);
  assert.deepEqual(decode('us', [...typed('us', '333'), report(LCTRL, 0x10), UP]), ['333']);
  assert.deepEqual(decode('us', [...typed('us', '444'), ...altCode('013')]), ['444']);
  // No terminator: only the gap timer (flush) ends it.
  const d = new KeyboardDecoder('us', 80);
  for (const r of typed('us', '555')) assert.deepEqual(d.feed(r, 0), []);
  assert.deepEqual(d.flush(), ['555']);
  // … or the next report after a longer pause.
  for (const r of typed('us', '666')) d.feed(r, 1000);
  assert.deepEqual(d.feed(typed('us', '7')[0], 2000), ['666']);
});

test('AIM prefixes ]C1 ]E0 ]Q1 go into the symbology, not the barcode', () => {
  assert.deepEqual(splitAim(']C1010401234567890110ABC'), {
    symbology: ']C1',
    barcode: '010401234567890110ABC',
  });
  assert.deepEqual(splitAim(']E04006381333931'), { symbology: ']E0', barcode: '4006381333931' });
  assert.deepEqual(splitAim(']Q1https://example.org'), {
    symbology: ']Q1',
    barcode: 'https://example.org',
  });
  assert.deepEqual(splitAim('4006381333931'), { symbology: null, barcode: '4006381333931' });
  assert.deepEqual(splitAim(']E0'), { symbology: null, barcode: ']E0' }, 'nothing after it');
  // A pairing code behind an AIM prefix still pairs, in the layout it was typed in.
  const code = 'POSLINK-D0ABC';
  const reports = keyReports(`]C0${code}`, 'us').map(reportBytes);
  const l = learnLayout(reports, 'de', {
    isPairingValue: (v) => v.startsWith('POSLINK-'),
    verifies: (v) => v === code,
  });
  assert.deepEqual(l, { kind: 'pairing', text: code, layout: 'us', verified: true });
});

test('TypingProbe: a burst ending in Enter is a scanner; a person, slow keys or no Enter are not', () => {
  const feed = (p: TypingProbe, reports: string[], stepMs: number, from = 0) => {
    let at = from;
    let found = null;
    for (const r of reports) {
      found = p.feed(reportBytes(r), at) ?? found;
      at += stepMs;
    }
    return found;
  };
  assert.deepEqual(feed(new TypingProbe(), keyReports('4006381333931', 'us'), 2), {
    keys: 13,
    ms: 48,
  });
  assert.deepEqual(feed(new TypingProbe(), keyReports('4006381333931', 'us', 'tab'), 8), {
    keys: 13,
    ms: 192,
  });
  assert.equal(feed(new TypingProbe(), keyReports('hallo welt', 'de'), 60), null, 'a person');
  assert.equal(feed(new TypingProbe(), keyReports('4006381333931', 'us', 'none'), 2), null);
  assert.equal(feed(new TypingProbe(), keyReports('1234', 'us'), 2), null, 'too short');
  // A fast person: 30 ms between reports is 60 ms between keys.
  assert.equal(feed(new TypingProbe(), keyReports('abcdefgh', 'us'), 30), null);
});
