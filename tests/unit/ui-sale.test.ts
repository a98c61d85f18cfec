import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sale } from '../../daemon/protocol.js';
import { appSwitchOf } from '../../kiosk-ui/src/lib/sale.js';

const sale = (payment: Record<string, unknown>) => ({ payment }) as unknown as Sale;

test('appSwitchOf reads the app-switch link and QR code of a pending sale', () => {
  const a = appSwitchOf(
    sale({ app_switch_url: 'sumupmerchant://pay/1.0?total=1.00', qr_svg: '<svg></svg>' }),
  );
  assert.deepEqual(a, { url: 'sumupmerchant://pay/1.0?total=1.00', qr_svg: '<svg></svg>' });
});

test('appSwitchOf never turns a javascript: URL into a link', () => {
  assert.equal(appSwitchOf(sale({ app_switch_url: 'javascript:alert(1)' })), null);
});

test('appSwitchOf is null for providers without app switch', () => {
  assert.equal(appSwitchOf(sale({ reader_id: 'r1' })), null);
});
