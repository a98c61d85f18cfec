import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const SECRET = 'demo-scanner-secret';
const scanHeaders = (id?: string, secret = SECRET) => ({
  'x-scanner-secret': secret,
  ...(id ? { 'x-scanner-id': id } : {}),
});

async function withDaemon(fn: (d: TestDaemon) => Promise<void>, env: Record<string, string> = {}) {
  const d = await startDaemon({ env });
  try {
    await fn(d);
  } finally {
    await d.stop();
  }
}

test('POST /api/v1/scanner/scan: an unpaired network scanner adds to the default terminal (kiosk)', () =>
  withDaemon(async (d) => {
    const res = await d.post(
      '/api/v1/scanner/scan',
      { barcode: '2100000000012' },
      { headers: scanHeaders('phone-1') },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.result, 'added');
    assert.equal(res.body.terminal_id, 'kiosk');
    assert.equal(res.body.scanner_id, 'phone-1');
    const cart = await d.get('/api/v1/terminals/kiosk/cart');
    assert.deepEqual(
      cart.body.lines.map((l: { barcode: string; quantity: number }) => [l.barcode, l.quantity]),
      [['2100000000012', 1]],
    );
    // CORS: the response itself may be read by a browser-based scanner client.
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  }));

test('POST /api/v1/scanner/scan without X-Scanner-Id uses SCANNER_DEFAULT_ID; DEFAULT_TERMINAL_ID is honoured', () =>
  withDaemon(
    async (d) => {
      const res = await d.post(
        '/api/v1/scanner/scan',
        { barcode: '2100000000029' },
        { headers: scanHeaders() },
      );
      assert.equal(res.status, 200);
      assert.equal(res.body.scanner_id, 'door-scanner');
      assert.equal(res.body.terminal_id, 'front');
      assert.equal((await d.get('/api/v1/terminals/front/cart')).body.item_count, 1);
      assert.equal((await d.get('/api/v1/terminals/kiosk/cart')).body.item_count, 0);
    },
    { SCANNER_DEFAULT_ID: 'door-scanner', DEFAULT_TERMINAL_ID: 'front' },
  ));

test('POST /api/v1/scanner/scan: unknown barcode → result unknown, scan.unknown_barcode on the bus, cart unchanged', () =>
  withDaemon(async (d) => {
    const seen: unknown[] = [];
    d.app.events.on(seen, 'scan.unknown_barcode', (e) => seen.push(e));
    const res = await d.post(
      '/api/v1/scanner/scan',
      { barcode: '9999999999994' },
      { headers: scanHeaders('p') },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.result, 'unknown');
    assert.deepEqual(seen, [{ terminal_id: 'kiosk', barcode: '9999999999994', scanner_id: 'p' }]);
    assert.equal((await d.get('/api/v1/terminals/kiosk/cart')).body.item_count, 0);
  }));

test('POST /api/v1/scanner/scan: missing or wrong secret → 401, nothing added', () =>
  withDaemon(async (d) => {
    const none = await d.post('/api/v1/scanner/scan', { barcode: '2100000000012' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'invalid_scanner_secret');
    const wrong = await d.post(
      '/api/v1/scanner/scan',
      { barcode: '2100000000012' },
      { headers: scanHeaders('x', 'nope') },
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_scanner_secret');
    // A secret that is a prefix of the real one is still wrong.
    const prefix = await d.post(
      '/api/v1/scanner/scan',
      { barcode: '2100000000012' },
      { headers: scanHeaders('x', SECRET.slice(0, -1)) },
    );
    assert.equal(prefix.status, 401);
    assert.equal((await d.get('/api/v1/terminals/kiosk/cart')).body.item_count, 0);
  }));

test('wrong scanner secrets are rate limited per client address (429 with Retry-After), others unaffected', () =>
  withDaemon(
    async (d) => {
      for (let i = 0; i < 10; i++) {
        const r = await d.get('/api/v1/scanner/validate-token', {
          headers: scanHeaders('x', 'wrong'),
        });
        assert.equal(r.status, 401, `attempt ${i + 1}`);
      }
      const blocked = await d.post(
        '/api/v1/scanner/scan',
        { barcode: '2100000000012' },
        { headers: scanHeaders('x') },
      );
      assert.equal(blocked.status, 429, 'even the right secret waits once the address is blocked');
      assert.equal(blocked.body.error.code, 'too_many_attempts');
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      // Another client address (IPv6 loopback on the same daemon) is not blocked.
      const other = await fetch(`http://[::1]:${d.port}/api/v1/scanner/validate-token`, {
        headers: scanHeaders('x'),
      });
      assert.equal(other.status, 200);
      assert.equal((await d.get('/api/v1/terminals/kiosk/cart')).body.item_count, 0);
    },
    { HOST: '::' },
  ));

test('GET /api/v1/scanner/validate-token: 200 with the right secret, 401 without', () =>
  withDaemon(async (d) => {
    const ok = await d.get('/api/v1/scanner/validate-token', { headers: scanHeaders('tablet-3') });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { ok: true, scanner_id: 'tablet-3' });
    const bad = await d.get('/api/v1/scanner/validate-token');
    assert.equal(bad.status, 401);
  }));

test('OPTIONS preflight allows X-Scanner-Id and X-Scanner-Secret from any origin', () =>
  withDaemon(async (d) => {
    for (const p of ['/api/v1/scanner/scan', '/api/v1/scanner/validate-token']) {
      const res = await d.request('OPTIONS', p, {
        headers: {
          origin: 'http://192.168.1.50:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-scanner-id, x-scanner-secret, content-type',
        },
      });
      assert.equal(res.status, 204, p);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const h of ['x-scanner-id', 'x-scanner-secret', 'content-type'])
        assert.ok(allowed.includes(h), h);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    }
  }));

test('POST /api/v1/scanner/scan: bad input → 4xx naming the problem, nothing added', () =>
  withDaemon(async (d) => {
    const h = scanHeaders('p');
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'invalid_field'],
      [{ barcode: '' }, 400, 'invalid_field'],
      [{ barcode: 42 }, 400, 'invalid_field'],
      [{ barcode: 'a'.repeat(513) }, 400, 'invalid_field'],
      [{ barcode: '2100000000012\n' }, 400, 'invalid_field'],
      [{ barcode: ' 2100000000012' }, 400, 'invalid_field'],
      [{ barcode: '2100000000012', extra: 1 }, 400, 'unknown_field'],
    ];
    for (const [body, status, code] of cases) {
      const r = await d.post('/api/v1/scanner/scan', body, { headers: h });
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error.code, code, JSON.stringify(body));
    }
    const notJson = await d.request('POST', '/api/v1/scanner/scan', {
      raw: 'barcode=1',
      headers: { ...h, 'content-type': 'text/plain' },
    });
    assert.equal(notJson.status, 415);
    const badId = await d.post(
      '/api/v1/scanner/scan',
      { barcode: '2100000000012' },
      { headers: scanHeaders('bad id/../x') },
    );
    assert.equal(badId.status, 400);
    assert.equal(badId.body.error.code, 'invalid_scanner_id');
    assert.equal((await d.get('/api/v1/terminals/kiosk/cart')).body.item_count, 0);
  }));

test('a network scanner disabled by the admin is refused with 403 and listed as disabled', () =>
  withDaemon(async (d) => {
    await d.post(
      '/api/v1/scanner/scan',
      { barcode: '9999999999994' },
      { headers: scanHeaders('old-phone') },
    );
    const patch = await d.request('PATCH', '/api/v1/scanners/old-phone', {
      body: { enabled: false, name: 'Altes Handy' },
      admin: true,
    });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.enabled, false);
    assert.equal(patch.body.name, 'Altes Handy');
    const r = await d.post(
      '/api/v1/scanner/scan',
      { barcode: '2100000000012' },
      { headers: scanHeaders('old-phone') },
    );
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'scanner_disabled');
    assert.equal((await d.get('/api/v1/terminals/kiosk/cart')).body.item_count, 0);
    const list = await d.get('/api/v1/scanners', { admin: true });
    const s = list.body.scanners.find((x: { id: string }) => x.id === 'old-phone');
    assert.equal(s.kind, 'network');
    assert.equal(s.enabled, false);
  }));

test('scans during a pending payment are refused with a reason, never added to the sale being paid', () =>
  withDaemon(
    async (d) => {
      const h = scanHeaders('p');
      await d.post('/api/v1/scanner/scan', { barcode: '2100000000012' }, { headers: h });
      const pay = await d.post('/api/v1/terminals/kiosk/checkout', {
        provider: 'fake_card',
        idempotency_key: 'scan-test-0001',
      });
      assert.ok(pay.status === 200 || pay.status === 201, JSON.stringify(pay.body));
      const r = await d.post('/api/v1/scanner/scan', { barcode: '2100000000029' }, { headers: h });
      assert.equal(r.status, 200);
      assert.equal(r.body.result, 'refused');
      assert.match(r.body.reason, /payment/i);
      const cart = await d.get('/api/v1/terminals/kiosk/cart');
      assert.deepEqual(
        cart.body.lines.map((l: { barcode: string }) => l.barcode),
        ['2100000000012'],
      );
    },
    { FAKE_CARD_DELAY_MS: '600000' },
  ));
