/**
 * The receipts settings the admin PUTs (daemon/receipts/settings.ts): each field checked, the
 * first bad one named, unknown fields refused, good values merged over the current ones and
 * till names trimmed (an empty name drops the entry).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReceiptSettings } from '../../daemon/receipts/settings.js';
import { RECEIPT_DEFAULTS } from '../../daemon/receipts/model.js';
import type { ReceiptSettings } from '../../daemon/protocol.js';

const current: ReceiptSettings = { ...RECEIPT_DEFAULTS, shop_name: 'Kiosk', footer: 'Danke' };

test('good values are merged over the current settings; till names are trimmed, empty ones dropped', () => {
  const next = parseReceiptSettings(
    {
      shop_name: 'Vereinsheim',
      address_lines: ['Weg 1', '12345 Ort'],
      auto_print: false,
      language: 'en',
      terminal_names: { kiosk: '  Theke ', 'till-2': '   ' },
    },
    current,
  );
  assert.deepEqual(next, {
    ...current,
    shop_name: 'Vereinsheim',
    address_lines: ['Weg 1', '12345 Ort'],
    auto_print: false,
    language: 'en',
    terminal_names: { kiosk: 'Theke' },
  });
  assert.equal(current.shop_name, 'Kiosk', 'the current settings are not changed');
});

test('each bad field is named; unknown and empty bodies are refused', () => {
  const field = (body: Record<string, unknown>) => {
    const r = parseReceiptSettings(body, current);
    assert.ok('field' in r && typeof r.message === 'string', JSON.stringify(body));
    return (r as { field: string }).field;
  };
  assert.equal(field({}), '');
  assert.equal(field({ colour: 'red' }), 'colour');
  assert.equal(field({ shop_name: 'x'.repeat(201) }), 'shop_name');
  assert.equal(field({ footer: 'line\nbreak' }), 'footer');
  assert.equal(field({ tax_id: 42 }), 'tax_id');
  assert.equal(field({ address_lines: ['1', '2', '3', '4', '5', '6', '7'] }), 'address_lines');
  assert.equal(field({ address_lines: 'Weg 1' }), 'address_lines');
  assert.equal(field({ auto_print: 'yes' }), 'auto_print');
  assert.equal(field({ language: 'fr' }), 'language');
  assert.equal(field({ terminal_names: { 'bad id!': 'X' } }), 'terminal_names');
  assert.equal(field({ terminal_names: { kiosk: 'x'.repeat(41) } }), 'terminal_names');
  assert.equal(field({ terminal_names: ['kiosk'] }), 'terminal_names');
});
