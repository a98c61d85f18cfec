/**
 * The demo card ("Karte (Demo)", `fake_card`) moves no money: it is offered in demo mode, and
 * in production only when the owner sets PAYMENT_DEMO_CARD=1 (issue 16, pay3 point 5). Real
 * daemons on real ports: the provider list the tills read, and a checkout naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { prodSecrets } from '../helpers/shop-ops.js';
import { addItem, newKey } from '../helpers/shop.js';

const prodAdmin = { admin: prodSecrets.ADMIN_TOKEN };

async function offered(d: TestDaemon): Promise<string[]> {
  const r = await d.get<Array<{ id: string }>>('/api/v1/payments/providers/available');
  assert.equal(r.status, 200, r.text);
  return r.body.map((p) => p.id);
}

async function payByDemoCard(d: TestDaemon, admin: { admin: string | boolean }) {
  const p = await d.post<any>(
    '/api/v1/products',
    { name: 'Wasser', price_cents: 250, barcode: null },
    admin,
  );
  assert.equal(p.status, 201, p.text);
  await addItem(d, 'kiosk', { product_id: p.body.id });
  return d.post<any>('/api/v1/terminals/kiosk/checkout', {
    provider: 'fake_card',
    idempotency_key: newKey(),
  });
}

test('production without PAYMENT_DEMO_CARD: the demo card is neither offered nor accepted', async () => {
  const d = await startDaemon({
    env: { APP_ENV: 'production', FISCAL_PROVIDER: 'off', ...prodSecrets },
  });
  try {
    const ids = await offered(d);
    assert.ok(ids.includes('cash'), ids.join());
    assert.ok(!ids.includes('fake_card'), ids.join());
    const r = await payByDemoCard(d, prodAdmin);
    assert.deepEqual([r.status, r.body.error.code], [400, 'unknown_provider']);
  } finally {
    await d.stop();
  }
});

test('production with PAYMENT_DEMO_CARD=1, and demo mode by default: the demo card pays', async () => {
  const prod = await startDaemon({
    env: { APP_ENV: 'production', FISCAL_PROVIDER: 'off', ...prodSecrets, PAYMENT_DEMO_CARD: '1' },
  });
  try {
    assert.ok((await offered(prod)).includes('fake_card'));
    const r = await payByDemoCard(prod, prodAdmin);
    assert.equal(r.status, 201, r.text);
  } finally {
    await prod.stop();
  }
  const demo = await startDaemon();
  try {
    assert.ok((await offered(demo)).includes('fake_card'));
    const off = await startDaemon({ env: { PAYMENT_DEMO_CARD: '0' } });
    try {
      assert.ok(!(await offered(off)).includes('fake_card'));
    } finally {
      await off.stop();
    }
  } finally {
    await demo.stop();
  }
});
