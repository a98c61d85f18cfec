import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiRequestError } from '../../kiosk-ui/src/lib/api.js';
import {
  errorNotice,
  errorText,
  importRowNotice,
  refusalNotice,
  statusKey,
} from '../../kiosk-ui/src/lib/errors.js';
import { translate, type Notice } from '../../kiosk-ui/src/lib/i18n.js';

const de = (n: Notice) => translate('de', n.key, n.vars);
const en = (n: Notice) => translate('en', n.key, n.vars);
const refused = (status: number, code: string, extra: Partial<ApiRequestError> = {}) =>
  new ApiRequestError(status, code, 'An English daemon sentence', extra.field, extra.params);

test('a known code is shown in the UI language, never the daemon sentence', () => {
  const err = refused(403, 'forbidden');
  assert.equal(de(errorNotice(err, 'de')), 'Falsches Admin-Token.');
  assert.equal(en(errorNotice(err, 'en')), 'Wrong admin token.');
  assert.doesNotMatch(errorText(err), /English daemon sentence/);
});

test('params fill the detailed text; without them the plain text is used', () => {
  const withParams = refused(422, 'below_minimum', {
    params: { minimum_payment_cents: 100, missing_cents: 35 },
  });
  assert.equal(
    de(errorNotice(withParams, 'de')).replace(/\s/g, ' '),
    'Mindestbetrag 1,00 €: es fehlen 0,35 €.',
  );
  assert.equal(en(errorNotice(withParams, 'en')), 'Minimum €1.00: €0.35 missing.');
  // A params text with a placeholder the params do not fill is not used.
  const partial = refused(422, 'below_minimum', { params: { minimum_payment_cents: 100 } });
  assert.equal(errorNotice(partial, 'de').key, 'err.below_minimum');
  const bare = refused(422, 'below_minimum');
  assert.equal(
    de(errorNotice(bare, 'de')),
    'Der Betrag liegt unter dem Mindestbetrag dieser Zahlungsart.',
  );
});

test('a field is named by its translated label', () => {
  const err = refused(400, 'invalid_field', { field: 'price_cents' });
  assert.equal(de(errorNotice(err, 'de')), 'Ungültige Eingabe: Preis.');
  assert.equal(en(errorNotice(err, 'en')), 'Invalid input: Price.');
  const unknownField = refused(400, 'invalid_field', { field: 'frobnicate' });
  assert.equal(de(errorNotice(unknownField, 'de')), 'Ungültige Eingabe.');
});

test('an unknown code falls back to a translated text for its HTTP status', () => {
  assert.equal(errorNotice(refused(404, 'brand_new_code')).key, 'err.status.404');
  assert.equal(errorNotice(refused(418, 'brand_new_code')).key, 'err.status.4xx');
  assert.equal(errorNotice(refused(507, 'brand_new_code')).key, 'err.status.5xx');
  assert.equal(errorNotice(refused(503, 'brand_new_code')).key, 'err.status.503');
  assert.equal(statusKey(undefined), 'err.unexpected');
});

test('no connection and page bugs have texts of their own', () => {
  const offline = new ApiRequestError(0, 'network', 'The daemon cannot be reached');
  assert.equal(errorNotice(offline).key, 'err.network');
  assert.equal(errorNotice(new TypeError('x is undefined')).key, 'err.unexpected');
  assert.equal(errorNotice('a string').key, 'err.unexpected');
});

test('CSV import rows: by code when given, else an invalid value in the named column', () => {
  assert.equal(
    de(importRowNotice({ code: 'duplicate_barcode', field: 'barcode' })),
    'Diesen Barcode hat schon ein anderer Artikel.',
  );
  assert.equal(de(importRowNotice({ field: 'price' })), 'Ungültige Eingabe: Preis.');
  assert.equal(refusalNotice({ code: 'wrong_pin' }).key, 'err.wrong_pin');
});
