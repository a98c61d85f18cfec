import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { runDaemonExpectExit, startDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { connectWs, wsUrl } from '../helpers/ws.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';

async function journalLines(d: TestDaemon): Promise<Array<Record<string, any>>> {
  const dir = path.join(d.dataDir, 'sales');
  const out: Array<Record<string, any>> = [];
  for (const f of (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const l of (await readFile(path.join(dir, f), 'utf8')).split('\n'))
      if (l) out.push(JSON.parse(l));
  }
  return out;
}

function pay(d: TestDaemon, terminal: string, body: object) {
  return d.post(`/api/v1/terminals/${terminal}/checkout`, body);
}

test(
  'cash: change is tendered minus total; the cart clears; the sale is journalled',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 345 });
      await addItem(d, 'c1', { product_id: p.id, quantity: 2 });
      const res = await pay(d, 'c1', {
        provider: 'cash',
        idempotency_key: newKey(),
        tendered_cents: 1000,
      });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.state, 'succeeded');
      assert.equal(res.body.total_cents, 690);
      assert.equal(res.body.tendered_cents, 1000);
      assert.equal(res.body.change_cents, 310);
      assert.equal(res.body.number, 1);
      assert.equal(res.body.lines[0].unit_price_cents, 345);
      assert.equal((await d.get('/api/v1/terminals/c1/cart')).body.lines.length, 0);
      const lines = await journalLines(d);
      assert.deepEqual(
        lines.map((l) => l.e + ':' + (l.sale?.state ?? l.state)),
        ['created:pending', 'update:succeeded'],
      );
      assert.equal(lines[1].change_cents, 310);
      const got = await d.get(`/api/v1/sales/${res.body.id}`);
      assert.deepEqual(got.body, res.body);
    } finally {
      await d.stop();
    }
  },
);

test(
  'cash: tendered below the total is refused, creates no sale, keeps the cart',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 500 });
      const cart = (await addItem(d, 'c2', { product_id: p.id })).body;
      const res = await pay(d, 'c2', {
        provider: 'cash',
        idempotency_key: newKey(),
        tendered_cents: 499,
      });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'tendered_too_low');
      assert.deepEqual((await d.get('/api/v1/terminals/c2/cart')).body, cart);
      assert.equal((await journalLines(d)).length, 0);
      // The next sale still gets number 1: the refusal used no number.
      const ok = await pay(d, 'c2', {
        provider: 'cash',
        idempotency_key: newKey(),
        tendered_cents: 500,
      });
      assert.equal(ok.body.number, 1);
      assert.equal(ok.body.change_cents, 0);
    } finally {
      await d.stop();
    }
  },
);

test('the same idempotency_key twice → one sale', { timeout: 60_000 }, async () => {
  const d = await startDaemon();
  try {
    const p = await makeProduct(d, { price_cents: 120 });
    await addItem(d, 'i1', { product_id: p.id });
    const key = newKey();
    const [a, b] = await Promise.all([
      pay(d, 'i1', { provider: 'cash', idempotency_key: key }),
      pay(d, 'i1', { provider: 'cash', idempotency_key: key }),
    ]);
    const c = await pay(d, 'i1', { provider: 'cash', idempotency_key: key });
    assert.deepEqual([a.status, b.status].sort(), [200, 201]);
    assert.equal(c.status, 200);
    assert.equal(a.body.id, b.body.id);
    assert.equal(c.body.id, a.body.id);
    assert.equal(c.body.state, 'succeeded');
    assert.equal((await journalLines(d)).filter((l) => l.e === 'created').length, 1);
    // The key belongs to that checkout: elsewhere it is a conflict, not a second sale.
    await addItem(d, 'i2', { product_id: p.id });
    const other = await pay(d, 'i2', { provider: 'cash', idempotency_key: key });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'idempotency_conflict');
  } finally {
    await d.stop();
  }
});

test(
  'below the provider minimum is refused naming the missing amount; top-up reaches it',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 37 });
      await addItem(d, 'm1', { product_id: p.id, quantity: 2 });
      const providers = (await d.get('/api/v1/payments/providers/available')).body;
      const fake = providers.find((x: any) => x.id === 'fake_card');
      assert.equal(fake.minimum_payment_cents, 100);
      assert.equal(fake.minimum_topup_barcode, 'VERSCHENKT-1C');
      assert.equal(providers.find((x: any) => x.id === 'cash').minimum_topup_barcode, undefined);

      const res = await pay(d, 'm1', { provider: 'fake_card', idempotency_key: newKey() });
      assert.equal(res.status, 422, res.text);
      assert.equal(res.body.error.code, 'below_minimum');
      assert.match(res.body.error.message, /0\.26 EUR missing/);
      assert.equal(res.body.error.params.missing_cents, 26);
      assert.equal((await journalLines(d)).length, 0);

      const top = await d.post('/api/v1/terminals/m1/cart/topup', { provider: 'fake_card' });
      assert.equal(top.status, 200, top.text);
      assert.equal(top.body.added_quantity, 26);
      assert.equal(top.body.cart.total_cents, 100);
      const again = await d.post('/api/v1/terminals/m1/cart/topup', { provider: 'fake_card' });
      assert.equal(again.body.added_quantity, 0);
      assert.equal(
        (await d.post('/api/v1/terminals/m1/cart/topup', { provider: 'cash' })).status,
        409,
      );

      const ws = await connectWs(wsUrl(d.url, 'terminal_id=m1'));
      await ws.next('snapshot');
      const paid = await pay(d, 'm1', { provider: 'fake_card', idempotency_key: newKey() });
      assert.equal(paid.status, 201, paid.text);
      assert.equal(paid.body.state, 'pending');
      const done = await ws.next('payment.updated', (m) => m.sale.state !== 'pending');
      assert.equal(done.sale.state, 'succeeded');
      assert.equal(done.sale.total_cents, 100);
      const cleared = await ws.next('cart.updated', (m) => m.cart.lines.length === 0);
      assert.equal(cleared.cart.pending_sale_id, null);
      await ws.close();
    } finally {
      await d.stop();
    }
  },
);

test(
  'fake_card decline (total ending in 13 cents) fails the sale and keeps the cart',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 213 });
      const cart = (await addItem(d, 'f1', { product_id: p.id })).body;
      const ws = await connectWs(wsUrl(d.url, 'terminal_id=f1'));
      await ws.next('snapshot');
      const res = await pay(d, 'f1', { provider: 'fake_card', idempotency_key: newKey() });
      assert.equal(res.status, 201, res.text);
      const failed = await ws.next('payment.updated', (m) => m.sale.state !== 'pending');
      assert.equal(failed.sale.state, 'failed');
      assert.match(failed.sale.reason ?? '', /declined/i);
      const unlocked = await ws.next(
        'cart.updated',
        (m) => m.cart.pending_sale_id === null && m.cart.version > cart.version + 1,
      );
      assert.deepEqual(unlocked.cart.lines, cart.lines);
      const after = (await d.get('/api/v1/terminals/f1/cart')).body;
      assert.deepEqual(after.lines, cart.lines);
      assert.equal((await d.get(`/api/v1/sales/${res.body.id}`)).body.state, 'failed');
      await ws.close();
    } finally {
      await d.stop();
    }
  },
);

test(
  'while a payment is pending: scans refused, edits refused, cancel unlocks the cart',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon({ env: { FAKE_CARD_DELAY_MS: '600000' } });
    try {
      const p = await makeProduct(d, { price_cents: 150 });
      await addItem(d, 'p1', { product_id: p.id });
      const ws = await connectWs(wsUrl(d.url, 'terminal_id=p1'));
      await ws.next('snapshot');
      const sale = (await pay(d, 'p1', { provider: 'fake_card', idempotency_key: newKey() })).body;
      assert.equal(sale.state, 'pending');
      assert.equal(d.app.checkout.pendingSale('p1')?.id, sale.id);

      const scan = await d.app.checkout.scan({
        terminal_id: 'p1',
        barcode: p.barcode!,
        scanner_id: 's1',
      });
      assert.equal(scan.result, 'refused');
      const refused = await ws.next('scan.refused');
      assert.match(refused.reason, /payment is in progress/);
      assert.equal(refused.code, 'payment_pending', 'the till translates by this code');
      assert.equal(refused.params?.name, p.name);
      const edit = await addItem(d, 'p1', { product_id: p.id });
      assert.equal(edit.status, 409);
      assert.equal(edit.body.error.code, 'payment_pending');
      const second = await pay(d, 'p1', { provider: 'cash', idempotency_key: newKey() });
      assert.equal(second.status, 409);
      assert.equal(d.app.checkout.getCart('p1').lines[0].quantity, 1);

      // A snapshot on reconnect carries the pending sale.
      const late = await connectWs(wsUrl(d.url, 'terminal_id=p1'));
      assert.equal((await late.next('snapshot')).pending_sale?.id, sale.id);

      const cancel = await d.post(`/api/v1/sales/${sale.id}/cancel`);
      assert.equal(cancel.status, 200, cancel.text);
      assert.equal(cancel.body.state, 'cancelled');
      const again = await d.post(`/api/v1/sales/${sale.id}/cancel`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'not_pending');
      const cart = (await d.get('/api/v1/terminals/p1/cart')).body;
      assert.equal(cart.pending_sale_id, null);
      assert.equal(cart.lines.length, 1);
      assert.equal((await addItem(d, 'p1', { product_id: p.id })).status, 200);
      await Promise.all([ws.close(), late.close()]);
    } finally {
      await d.stop();
    }
  },
);

test('checkout input errors → 4xx, nothing journalled', { timeout: 60_000 }, async () => {
  const d = await startDaemon();
  try {
    const p = await makeProduct(d, { price_cents: 100 });
    const empty = await pay(d, 'e0', { provider: 'cash', idempotency_key: newKey() });
    assert.equal(empty.status, 409);
    assert.equal(empty.body.error.code, 'cart_empty');
    await addItem(d, 'e1', { product_id: p.id });
    const cases: Array<[object, number, string]> = [
      [{ provider: 'bitcoin', idempotency_key: newKey() }, 400, 'unknown_provider'],
      [{ provider: 'cash' }, 400, 'invalid_field'],
      [{ provider: 'cash', idempotency_key: 'short' }, 400, 'invalid_field'],
      [{ provider: 'cash', idempotency_key: 'bad key with spaces' }, 400, 'invalid_field'],
      [{ provider: 'cash', idempotency_key: newKey(), tendered_cents: -1 }, 400, 'invalid_field'],
      [{ provider: 'cash', idempotency_key: newKey(), tendered_cents: '5' }, 400, 'invalid_field'],
      [{ provider: 'cash', idempotency_key: newKey(), tip: 1 }, 400, 'unknown_field'],
    ];
    for (const [body, status, code] of cases) {
      const res = await pay(d, 'e1', body);
      assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error.code, code, JSON.stringify(body));
    }
    assert.equal((await d.get('/api/v1/sales/s_20260101_99')).status, 404);
    assert.equal((await d.get('/api/v1/sales/..%2F..%2Fetc')).status, 400);
    assert.equal((await d.post('/api/v1/sales/s_20260101_99/cancel')).status, 404);
    assert.equal((await journalLines(d)).length, 0);
  } finally {
    await d.stop();
  }
});

test(
  'sales list and day report (admin) add up per provider and product',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon({ env: { TIMEZONE: 'UTC' } });
    try {
      const a = await makeProduct(d, { name: 'Kaffee', price_cents: 210 });
      const b = await makeProduct(d, { name: 'Kuchen', price_cents: 313 });
      await addItem(d, 'r', { product_id: a.id, quantity: 3 });
      await pay(d, 'r', { provider: 'cash', idempotency_key: newKey() });
      await addItem(d, 'r', { product_id: b.id });
      const declined = (await pay(d, 'r', { provider: 'fake_card', idempotency_key: newKey() }))
        .body;
      const ws = await connectWs(wsUrl(d.url, 'terminal_id=r'));
      await ws.next('snapshot');
      if (d.app.checkout.getSale(declined.id)?.state === 'pending')
        await ws.next('payment.updated', (m) => m.sale.state === 'failed');
      await addItem(d, 'r', { product_id: a.id });
      await pay(d, 'r', { provider: 'fake_card', idempotency_key: newKey() });
      await ws.next(
        'payment.updated',
        (m) => m.sale.state === 'succeeded' && m.sale.provider === 'fake_card',
      );
      await ws.close();

      const today = d.shopDay(new Date().toISOString());
      assert.equal((await d.get(`/api/v1/sales?date=${today}`)).status, 401);
      const list = await d.get(`/api/v1/sales?date=${today}`, { admin: true });
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        list.body.sales.map((s: any) => [s.number, s.provider, s.state]),
        [
          [1, 'cash', 'succeeded'],
          [2, 'fake_card', 'failed'],
          [3, 'fake_card', 'succeeded'],
        ],
      );
      const rep = (await d.get(`/api/v1/reports/daily?date=${today}`, { admin: true })).body;
      assert.equal(rep.sale_count, 2);
      assert.equal(rep.total_cents, 630 + 523);
      assert.equal(rep.failed_count, 1);
      assert.deepEqual(
        rep.by_provider.map((x: any) => [x.provider, x.count, x.total_cents]),
        [
          ['cash', 1, 630],
          ['fake_card', 1, 523],
        ],
      );
      assert.deepEqual(rep.top_products[0], {
        product_id: a.id,
        name: 'Kaffee',
        quantity: 4,
        total_cents: 840,
      });
      assert.equal(rep.timezone, 'UTC');
      assert.equal(
        (await d.get('/api/v1/reports/daily?date=2026-02-30', { admin: true })).status,
        400,
      );
      const emptyDay = await d.get('/api/v1/reports/daily?date=2020-01-01', { admin: true });
      assert.equal(emptyDay.body.sale_count, 0);
    } finally {
      await d.stop();
    }
  },
);

test(
  'PAYMENT_MINIMUM_<ID>_CENTS naming no provider refuses the start, naming the variable',
  { timeout: 60_000 },
  async () => {
    const dir = await tempDir();
    const { code, output } = await runDaemonExpectExit({
      DATA_DIR: dir,
      PAYMENT_MINIMUM_CARDD_CENTS: '100',
    });
    assert.notEqual(code, 0);
    assert.match(output, /PAYMENT_MINIMUM_CARDD_CENTS/);
    assert.match(output, /names no payment provider/);
  },
);
