import { test } from 'node:test';
import assert from 'node:assert/strict';
import { providerLabel } from '../../kiosk-ui/src/lib/providers.js';

test('providerLabel(id, lang) names the known providers in the UI language', () => {
  assert.equal(providerLabel('cash', 'de', 'Cash'), 'Bar');
  assert.equal(providerLabel('cash', 'en', 'Cash'), 'Cash');
  assert.equal(providerLabel('fake_card', 'de', 'Card (demo)'), 'Karte (Demo)');
  assert.equal(providerLabel('sumup_solo', 'de'), 'SumUp Solo');
  assert.equal(providerLabel('sumup_tap', 'de'), 'Tap to Pay');
});

test("providerLabel(id, lang, label) falls back to the daemon's label, then the id", () => {
  assert.equal(providerLabel('bonus_card', 'de', 'Bonuskarte'), 'Bonuskarte');
  assert.equal(providerLabel('bonus_card', 'de'), 'bonus_card');
});
