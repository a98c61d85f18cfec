/**
 * Daemon refusals, translated by their stable error `code` (`err.<code>`). The daemon's own
 * `message` is English for logs and API clients; the UI never shows it. A code may have a
 * second text `err.<code>.params` that uses the error's params (e.g. `{minimum}` from
 * `minimum_payment_cents`); it is chosen only when every placeholder in it can be filled.
 * A code the UI does not know falls back to `err.status.<status>` (or the 4xx/5xx text).
 *
 * The texts live by area in errors-*.ts (a new code goes into its area's file, German and
 * English); this file joins them into the one error table the UI translates from.
 * tests/unit/ui-i18n.test.ts reads the daemon sources and fails on a code without both texts,
 * and on a key that two areas both define.
 */
import * as general from './errors-general.js';
import * as sale from './errors-sale.js';
import * as catalog from './errors-catalog.js';
import * as admin from './errors-admin.js';
import * as fiscal from './errors-fiscal.js';
import * as update from './errors-update.js';

/** The error tables by area; a key belongs to exactly one. */
export const ERROR_AREAS = { general, sale, catalog, admin, fiscal, update };

export const de = {
  ...general.de,
  ...sale.de,
  ...catalog.de,
  ...admin.de,
  ...fiscal.de,
  ...update.de,
};

export const en: Record<keyof typeof de, string> = {
  ...general.en,
  ...sale.en,
  ...catalog.en,
  ...admin.en,
  ...fiscal.en,
  ...update.en,
};
