import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  centsToInput,
  dateRangeValid,
  formatMoney,
  formatTime,
  formatTopupHint,
  isoDateIn,
  parseEuroInput,
} from '../../kiosk-ui/src/lib/format.js';

// Intl separates amount and sign with a no-break space; compare with plain spaces.
const plain = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

test('formatMoney(cents, "de") uses comma decimals and a trailing €', () => {
  assert.equal(plain(formatMoney(1234, 'de')), '12,34 €');
  assert.equal(plain(formatMoney(5, 'de')), '0,05 €');
  assert.equal(plain(formatMoney(123456, 'de')), '1.234,56 €');
});

test('formatMoney(cents, "en") puts € first with a decimal point', () => {
  assert.equal(formatMoney(1234, 'en'), '€12.34');
  assert.equal(formatMoney(0, 'en'), '€0.00');
});

test('formatTopupHint(missing, lang) is "(+x,xx €)"', () => {
  assert.equal(plain(formatTopupHint(35, 'de')), '(+0,35 €)');
  assert.equal(formatTopupHint(150, 'en'), '(+€1.50)');
});

test('formatTime(iso, lang, tz) shows the daemon time zone, not the browser one', () => {
  const iso = '2026-07-01T10:05:00.000Z';
  assert.equal(formatTime(iso, 'de', 'Europe/Berlin'), '12:05');
  assert.equal(formatTime(iso, 'de', 'UTC'), '10:05');
  assert.equal(formatTime(iso, 'de', 'America/New_York'), '06:05');
});

test('isoDateIn(date, tz) is the calendar day in that zone', () => {
  const lateUtc = new Date('2026-11-21T23:30:00Z');
  assert.equal(isoDateIn(lateUtc, 'UTC'), '2026-11-21');
  assert.equal(isoDateIn(lateUtc, 'Europe/Berlin'), '2026-11-22');
});

test('parseEuroInput(text) reads comma or point amounts into cents', () => {
  assert.equal(parseEuroInput('2,50'), 250);
  assert.equal(parseEuroInput('2.5'), 250);
  assert.equal(parseEuroInput(' 12 '), 1200);
  assert.equal(parseEuroInput('0,05 €'), 5);
  assert.equal(parseEuroInput('abc'), null);
  assert.equal(parseEuroInput('1,234'), null);
  assert.equal(parseEuroInput(''), null);
  assert.equal(parseEuroInput('-1'), null);
});

test('centsToInput(cents, lang) round-trips through parseEuroInput', () => {
  for (const c of [0, 5, 250, 123456]) {
    assert.equal(parseEuroInput(centsToInput(c, 'de')), c);
    assert.equal(parseEuroInput(centsToInput(c, 'en')), c);
  }
  assert.equal(centsToInput(250, 'de'), '2,50');
});

test('dateRangeValid: both dates set, well formed, and from not after to', () => {
  assert.equal(dateRangeValid('2026-12-01', '2026-12-07'), true);
  assert.equal(dateRangeValid('2026-12-07', '2026-12-07'), true, 'one day is a range');
  assert.equal(dateRangeValid('2026-12-08', '2026-12-07'), false, 'from after to');
  assert.equal(dateRangeValid('', '2026-12-07'), false, 'from empty (date field cleared)');
  assert.equal(dateRangeValid('2026-12-01', ''), false, 'to empty');
  assert.equal(dateRangeValid('2026-1-01', '2026-12-07'), false, 'not YYYY-MM-DD');
});
