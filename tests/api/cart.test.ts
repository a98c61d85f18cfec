import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from '../helpers/daemon.js';
import { connectWs, wsUrl } from '../helpers/ws.js';
import { addItem, makeProduct } from '../helpers/shop.js';

test(
  'POST …/cart/items {barcode} twice increments one line; {product_id, quantity} merges',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 250 });
      let res = await addItem(d, 't1', { barcode: p.barcode });
      assert.equal(res.status, 200, res.text);
      res = await addItem(d, 't1', { barcode: p.barcode });
      assert.equal(res.body.lines.length, 1);
      assert.equal(res.body.lines[0].quantity, 2);
      res = await addItem(d, 't1', { product_id: p.id, quantity: 3 });
      assert.equal(res.body.lines[0].quantity, 5);
      assert.equal(res.body.total_cents, 1250);
      assert.equal(res.body.item_count, 5);
      assert.equal(res.body.last_line_id, res.body.lines[0].line_id);
      const cart = (await d.get('/api/v1/terminals/t1/cart')).body;
      assert.deepEqual(cart, res.body);
      // Another terminal has its own cart.
      assert.equal((await d.get('/api/v1/terminals/t2/cart')).body.lines.length, 0);
    } finally {
      await d.stop();
    }
  },
);

test('PATCH and DELETE lines, DELETE cart; versions only grow', { timeout: 60_000 }, async () => {
  const d = await startDaemon();
  try {
    const a = await makeProduct(d, { price_cents: 100 });
    const b = await makeProduct(d, { price_cents: 40 });
    await addItem(d, 'k', { barcode: a.barcode });
    const withB = (await addItem(d, 'k', { barcode: b.barcode })).body;
    const lineA = withB.lines[0].line_id;
    const lineB = withB.lines[1].line_id;
    let res = await d.request('PATCH', `/api/v1/terminals/k/cart/items/${lineA}`, {
      body: { quantity: 4 },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total_cents, 440);
    res = await d.request('DELETE', `/api/v1/terminals/k/cart/items/${lineB}`);
    assert.equal(res.body.total_cents, 400);
    assert.equal(res.body.lines.length, 1);
    const before = res.body.version;
    res = await d.request('DELETE', '/api/v1/terminals/k/cart');
    assert.equal(res.status, 200);
    assert.equal(res.body.lines.length, 0);
    assert.ok(res.body.version > before);
    res = await addItem(d, 'k', { barcode: a.barcode });
    assert.ok(res.body.version > before + 1, 'version keeps growing after a clear');
  } finally {
    await d.stop();
  }
});

test(
  'bad cart input → 4xx JSON errors and the cart stays unchanged',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 100 });
      const off = await makeProduct(d, { price_cents: 100, active: false });
      const first = (await addItem(d, 't', { barcode: p.barcode })).body;
      const line = first.lines[0].line_id;
      const cases: Array<[string, string, unknown, number, string]> = [
        ['POST', '/api/v1/terminals/t/cart/items', { barcode: 'NOPE-404' }, 404, 'unknown_barcode'],
        [
          'POST',
          '/api/v1/terminals/t/cart/items',
          { barcode: off.barcode },
          409,
          'product_inactive',
        ],
        [
          'POST',
          '/api/v1/terminals/t/cart/items',
          { product_id: p.id, quantity: 0 },
          400,
          'invalid_field',
        ],
        [
          'POST',
          '/api/v1/terminals/t/cart/items',
          { product_id: p.id, quantity: 1000 },
          400,
          'invalid_field',
        ],
        [
          'POST',
          '/api/v1/terminals/t/cart/items',
          { product_id: p.id, quantity: 1.5 },
          400,
          'invalid_field',
        ],
        [
          'POST',
          '/api/v1/terminals/t/cart/items',
          { barcode: p.barcode, product_id: p.id },
          400,
          'invalid_body',
        ],
        ['POST', '/api/v1/terminals/t/cart/items', {}, 400, 'invalid_body'],
        [
          'POST',
          '/api/v1/terminals/t/cart/items',
          { barcode: 'x', extra: 1 },
          400,
          'unknown_field',
        ],
        ['POST', '/api/v1/terminals/t/cart/items', { product_id: 'prd_missing' }, 404, 'not_found'],
        [
          'POST',
          '/api/v1/terminals/bad%20id/cart/items',
          { barcode: p.barcode },
          400,
          'invalid_id',
        ],
        ['PATCH', `/api/v1/terminals/t/cart/items/${line}`, { quantity: -1 }, 400, 'invalid_field'],
        ['PATCH', '/api/v1/terminals/t/cart/items/ln_nothere', { quantity: 2 }, 404, 'not_found'],
        ['DELETE', '/api/v1/terminals/t/cart/items/ln_nothere', undefined, 404, 'not_found'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const res = await d.request(method, path, { body });
        assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)}: ${res.text}`);
        assert.equal(res.body.error.code, code, `${method} ${path} ${JSON.stringify(body)}`);
      }
      const bad = await d.request('POST', '/api/v1/terminals/t/cart/items', {
        raw: '{"barcode":',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(bad.status, 400);
      const after = (await d.get('/api/v1/terminals/t/cart')).body;
      assert.deepEqual(after, first);
    } finally {
      await d.stop();
    }
  },
);

test(
  'two WebSocket clients on one terminal both receive the cart after an HTTP add',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 199 });
      const a = await connectWs(wsUrl(d.url, 'terminal_id=till-1'));
      const b = await connectWs(wsUrl(d.url, 'terminal_id=till-1'));
      const other = await connectWs(wsUrl(d.url, 'terminal_id=till-2'));
      await a.next('snapshot');
      await b.next('snapshot');
      await other.next('snapshot');
      const res = await addItem(d, 'till-1', { barcode: p.barcode });
      const ma = await a.next('cart.updated');
      const mb = await b.next('cart.updated');
      assert.deepEqual(ma.cart, res.body);
      assert.deepEqual(mb.cart, res.body);
      assert.equal(ma.cart.lines[0].name, p.name);
      // The other terminal heard nothing: its pong comes back with no cart.updated before it.
      other.send({ type: 'ping', t: 7 });
      await other.next('pong');
      assert.equal(other.messages.filter((m) => m.type === 'cart.updated').length, 0);
      await Promise.all([a.close(), b.close(), other.close()]);
    } finally {
      await d.stop();
    }
  },
);

test(
  'unknown barcode → scan.unknown_barcode to that terminal, cart unchanged',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const c = await connectWs(wsUrl(d.url, 'terminal_id=t9'));
      await c.next('snapshot');
      const r = await d.app.checkout.scan({
        terminal_id: 't9',
        barcode: '4000000000000',
        scanner_id: 'usb-1',
      });
      assert.equal(r.result, 'unknown');
      const m = await c.next('scan.unknown_barcode');
      assert.deepEqual(
        { terminal_id: m.terminal_id, barcode: m.barcode, scanner_id: m.scanner_id },
        { terminal_id: 't9', barcode: '4000000000000', scanner_id: 'usb-1' },
      );
      assert.equal(d.app.checkout.getCart('t9').lines.length, 0);
      await c.close();
    } finally {
      await d.stop();
    }
  },
);

test('scan() adds by barcode and the cart survives a restart', { timeout: 60_000 }, async () => {
  let d = await startDaemon();
  try {
    const p = await makeProduct(d, { price_cents: 310 });
    const r = await d.app.checkout.scan({
      terminal_id: 'kiosk',
      barcode: p.barcode!,
      scanner_id: null,
    });
    assert.equal(r.result, 'added');
    await d.app.checkout.scan({ terminal_id: 'kiosk', barcode: p.barcode!, scanner_id: null });
    d = await d.restart();
    const cart = (await d.get('/api/v1/terminals/kiosk/cart')).body;
    assert.equal(cart.lines.length, 1);
    assert.equal(cart.lines[0].quantity, 2);
    assert.equal(cart.total_cents, 620);
  } finally {
    await d.stop();
  }
});

test('a price change reaches unpaid carts as cart.updated', { timeout: 60_000 }, async () => {
  const d = await startDaemon();
  try {
    const p = await makeProduct(d, { price_cents: 100 });
    await addItem(d, 'pc', { product_id: p.id, quantity: 2 });
    const c = await connectWs(wsUrl(d.url, 'terminal_id=pc'));
    await c.next('snapshot');
    const res = await d.request('PATCH', `/api/v1/products/${p.id}`, {
      body: { price_cents: 150 },
      admin: true,
    });
    assert.equal(res.status, 200, res.text);
    const m = await c.next('cart.updated');
    assert.equal(m.cart.total_cents, 300);
    await c.close();
  } finally {
    await d.stop();
  }
});
