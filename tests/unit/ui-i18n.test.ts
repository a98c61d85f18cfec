import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AREAS,
  MESSAGES,
  fillTemplate,
  isMessageKey,
  parseLang,
  placeholders,
  translate,
} from '../../kiosk-ui/src/lib/i18n.js';
import { ERROR_AREAS } from '../../kiosk-ui/src/lib/messages/errors.js';
import { ROOT } from '../helpers/daemon.js';
import { daemonErrorCodes } from '../helpers/daemon-error-codes.js';

test('German and English have the same keys, none empty', () => {
  assert.deepEqual(Object.keys(MESSAGES.en).sort(), Object.keys(MESSAGES.de).sort());
  for (const [lang, table] of Object.entries(MESSAGES))
    for (const [k, v] of Object.entries(table)) assert.ok(v.trim(), `${lang} ${k}`);
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

test('the error table joins its area files: both languages each, no key in two, none lost', () => {
  const owner = new Map<string, string>();
  for (const [area, t] of Object.entries(ERROR_AREAS)) {
    assert.deepEqual(Object.keys(t.en).sort(), Object.keys(t.de).sort(), area);
    assert.ok(Object.keys(t.de).length > 0, area);
    for (const k of Object.keys(t.de)) {
      assert.ok(!owner.has(k), `${k} is in errors-${owner.get(k)}.ts and errors-${area}.ts`);
      owner.set(k, area);
      assert.equal(MESSAGES.de[k as keyof typeof MESSAGES.de], t.de[k as keyof typeof t.de], k);
      assert.equal(MESSAGES.en[k as keyof typeof MESSAGES.en], t.en[k as keyof typeof t.en], k);
    }
  }
  assert.deepEqual([...owner.keys()].sort(), Object.keys(AREAS.errors.de).sort());
});

test('placeholders match between the languages', () => {
  const names = (s: string) => placeholders(s).sort();
  for (const k of Object.keys(MESSAGES.de) as Array<keyof typeof MESSAGES.de>)
    assert.deepEqual(names(MESSAGES.en[k]), names(MESSAGES.de[k]), k);
});

test('every error code the daemon uses has a German and an English text', () => {
  const codes = daemonErrorCodes(ROOT);
  // The collector still finds the daemon's refusals (a refactor that hides them from it
  // must update tests/helpers/daemon-error-codes.ts, not pass silently).
  assert.ok(codes.size >= 60, `only ${codes.size} codes found in daemon/`);
  for (const known of ['not_found', 'below_minimum', 'wrong_pin', 'payment_pending', 'expired'])
    assert.ok(codes.has(known), `collector misses ${known}`);
  const missing = [...codes.keys()].filter((c) => !isMessageKey(`err.${c}`));
  assert.deepEqual(
    missing.map((c) => `${c} (${[...codes.get(c)!].join(', ')})`),
    [],
    'add err.<code> to its area in kiosk-ui/src/lib/messages/errors-*.ts (de and en)',
  );
  for (const c of codes.keys()) {
    const key = `err.${c}` as keyof typeof MESSAGES.de;
    assert.notEqual(MESSAGES.de[key], MESSAGES.en[key], `${key} is not translated`);
  }
});

test('error texts: the plain text has no placeholders, a .params text has a plain one', () => {
  for (const k of Object.keys(MESSAGES.de)) {
    if (!k.startsWith('err.')) continue;
    if (k.endsWith('.params'))
      assert.ok(isMessageKey(k.slice(0, -'.params'.length)), `${k} without its plain text`);
    else assert.deepEqual(placeholders(MESSAGES.de[k as keyof typeof MESSAGES.de]), [], k);
  }
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
