import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AREAS,
  MESSAGES,
  fillTemplate,
  parseLang,
  translate,
} from '../../kiosk-ui/src/lib/i18n.js';

test('German and English have the same keys, none empty', () => {
  assert.deepEqual(Object.keys(MESSAGES.en).sort(), Object.keys(MESSAGES.de).sort());
  for (const [lang, table] of Object.entries(MESSAGES))
    for (const [k, v] of Object.entries(table)) assert.ok(v.trim(), `${lang} ${k}`);
});

test('placeholders match between the languages', () => {
  const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(MESSAGES.de) as Array<keyof typeof MESSAGES.de>)
    assert.deepEqual(names(MESSAGES.en[k]), names(MESSAGES.de[k]), k);
});

test('translate fills placeholders; unknown ones stay visible', () => {
  assert.equal(translate('de', 'scan.unknown', { code: '4001' }), 'Unbekannter Barcode: 4001');
  assert.equal(translate('en', 'scan.unknown', { code: '4001' }), 'Unknown barcode: 4001');
  assert.equal(fillTemplate('{a} {b}', { a: 1 }), '1 {b}');
});

test('German is the default language', () => {
  assert.equal(parseLang(null), 'de');
  assert.equal(parseLang('fr'), 'de');
  assert.equal(parseLang('en'), 'en');
});

test('every area file has both languages with the same keys, and no key is in two areas', () => {
  const owner = new Map<string, string>();
  for (const [area, t] of Object.entries(AREAS)) {
    assert.deepEqual(Object.keys(t.en).sort(), Object.keys(t.de).sort(), area);
    for (const k of Object.keys(t.de)) {
      assert.ok(!owner.has(k), `${k} is in ${owner.get(k)} and ${area}`);
      owner.set(k, area);
    }
  }
  assert.equal(owner.size, Object.keys(MESSAGES.de).length);
});
