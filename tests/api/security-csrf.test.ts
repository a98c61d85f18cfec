import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from '../helpers/daemon.js';

test('cross-site writes are refused; same-origin and non-browser clients are not', async () => {
  const d = await startDaemon();
  try {
    const product = (await d.get('/api/v1/products?active=true')).body.products.find(
      (p: { barcode: string | null }) => p.barcode,
    );
    const add = (headers: Record<string, string>, type = 'application/json') =>
      d.request('POST', '/api/v1/terminals/csrf/cart/items', {
        raw: JSON.stringify({ barcode: product.barcode }),
        headers: { 'content-type': type, ...headers },
      });
    const own = new URL(d.url).host;
    for (const headers of <Array<Record<string, string>>>[
      { origin: 'http://evil.example' },
      { origin: `http://${own}.evil.example` },
      { origin: 'null' },
      { origin: 'not a url' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: `http://${own}`, 'sec-fetch-site': 'cross-site' },
    ]) {
      const res = await add(headers, 'text/plain');
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body.error.code, 'cross_site');
    }
    assert.equal((await d.get('/api/v1/terminals/csrf/cart')).body.item_count, 0);

    // A browser on the daemon's own origin, and clients that send no Origin (curl, scanners).
    assert.equal(
      (await add({ origin: `http://${own}`, 'sec-fetch-site': 'same-origin' })).status,
      200,
    );
    assert.equal((await add({})).status, 200);
    assert.equal((await d.get('/api/v1/terminals/csrf/cart')).body.item_count, 2);

    // Login CSRF and cross-site admin writes are refused before any credential check.
    const login = await d.request('POST', '/api/v1/admin/login', {
      raw: JSON.stringify({ token: 'demo-admin-token' }),
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
    });
    assert.equal(login.status, 403);
    assert.equal(login.headers.get('set-cookie'), null);
    // Requests that needed a CORS preflight (custom auth headers) are the preflight's business:
    // browser-based network scanners post from their own origin with X-Scanner-Secret.
    const scan = await d.request('POST', '/api/v1/scanner/scan', {
      raw: JSON.stringify({ barcode: product.barcode }),
      headers: {
        'content-type': 'application/json',
        origin: 'http://192.168.1.50:3000',
        'x-scanner-secret': 'demo-scanner-secret',
      },
    });
    assert.notEqual(scan.status, 403);
    // Reads are never refused for their origin (images, exports opened from elsewhere).
    assert.equal(
      (await d.get('/api/v1/products', { headers: { origin: 'http://evil.example' } })).status,
      200,
    );
  } finally {
    await d.stop();
  }
});
