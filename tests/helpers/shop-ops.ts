/**
 * Shop-operation test helpers: a real daemon whose printer is a fake USB receipt printer
 * (the real adapter code writes to it), products with known VAT rates, and sales made through
 * the real checkout API.
 */
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { Sale } from '../../daemon/protocol.js';
import { startDaemon, type TestDaemon } from './daemon.js';
import { FakeUsbBus, FakeUsbPrinter } from './fake-printer.js';

export interface Shop {
  d: TestDaemon;
  bus: FakeUsbBus;
  dev: FakeUsbPrinter;
}

export async function startShop(opts: Parameters<typeof startDaemon>[0] = {}): Promise<Shop> {
  const d = await startDaemon({
    ...opts,
    env: {
      APP_ENV: 'production',
      FISCAL_PROVIDER: 'off',
      ...prodSecrets,
      // These suites pay with the demo card: in production only when enabled explicitly.
      PAYMENT_DEMO_CARD: '1',
      ...opts.env,
    },
  });
  const bus = new FakeUsbBus();
  const dev = new FakeUsbPrinter();
  bus.devices.push(dev);
  await d.app.shop.printer.useBus(bus);
  return { d, bus, dev };
}

/** Production mode: no demo catalog, so tests control every product. */
export const prodSecrets = {
  ADMIN_TOKEN: 'shopOpsOwnerToken2026xyzQ',
  SCANNER_API_SECRET: 'shopOpsScannerKey2026xyzQ',
  SCANNER_PAIRING_SIGNING_SECRET: 'shopOpsPairingKey2026xyzQ',
};
export const ADMIN_TOKEN = prodSecrets.ADMIN_TOKEN;

export async function product(
  d: TestDaemon,
  p: { barcode: string; name: string; price_cents: number; vat_rate: number },
): Promise<void> {
  const r = await d.post('/api/v1/products', { ...p, category: 'Test' }, { admin: ADMIN_TOKEN });
  assert.equal(r.status, 201, r.text);
}

/** Sells the items on a terminal and returns the settled sale (prints are awaited too). */
export async function sell(
  d: TestDaemon,
  items: Array<[barcode: string, quantity: number]>,
  provider: 'cash' | 'fake_card' = 'cash',
  tendered?: number,
  terminal = 'kiosk',
): Promise<Sale> {
  for (const [barcode, quantity] of items) {
    const r = await d.post(`/api/v1/terminals/${terminal}/cart/items`, { barcode, quantity });
    assert.equal(r.status, 200, r.text);
  }
  const body: Record<string, unknown> = { provider, idempotency_key: randomUUID() };
  if (tendered !== undefined) body.tendered_cents = tendered;
  const r = await d.post<Sale>(`/api/v1/terminals/${terminal}/checkout`, body);
  assert.equal(r.status, 201, r.text);
  let sale = r.body;
  if (sale.state === 'pending') {
    // Listen before asking: the payment may settle between the answer and a later listener.
    const owner = {};
    const done = new Promise<Sale>((resolve) =>
      d.app.events.on(owner, 'payment.updated', ({ sale: s }) => {
        if (s.id === sale.id && s.state !== 'pending') resolve(s);
      }),
    );
    const now = await d.get<Sale>(`/api/v1/sales/${sale.id}`);
    sale = now.body.state === 'pending' ? await done : now.body;
    d.app.events.offOwner(owner);
  }
  await d.app.shop.receipts.idle();
  return sale;
}
