/**
 * The Host allow-list (DNS rebinding): a page on evil.example whose DNS name an attacker
 * points at the appliance talks to the daemon from the till's own browser with
 * `Host: evil.example` and a matching Origin. Every request and WebSocket upgrade with a Host
 * that is not one of the appliance's own names is refused (421 host_not_allowed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import WebSocket from 'ws';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fillCart, startRig } from '../helpers/sumup.js';

interface Raw {
  status: number;
  body: string;
  json: { error?: { code: string } } | null;
}

/** node:http, so the Host header goes out as given (fetch would set its own). */
function raw(
  d: TestDaemon,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Raw> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: d.port,
        method,
        path,
        headers: {
          ...headers,
          ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            /* HTML */
          }
          resolve({ status: res.statusCode ?? 0, body: text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function upgrade(d: TestDaemon, host: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${d.port}/ws?terminal_id=kiosk`, {
      headers: { host, origin: `http://${host}` },
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

test('Host allow-list: a foreign Host is refused on the API, pages and WebSockets; own names pass', async () => {
  const d = await startDaemon({ env: { ALLOWED_HOSTS: 'kasse.example.org,*.shop.lan' } });
  try {
    const evil = await raw(d, 'GET', '/api/v1/products', {
      host: `evil.example:${d.port}`,
      origin: `http://evil.example:${d.port}`,
    });
    assert.equal(evil.status, 421);
    assert.equal(evil.json?.error?.code, 'host_not_allowed');
    const page = await raw(d, 'GET', '/pos', { host: 'evil.example', accept: 'text/html' });
    assert.equal(page.status, 421);
    assert.doesNotMatch(page.body, /<script/);
    // A state-changing request with a matching Origin (what a rebound page sends).
    const write = await raw(
      d,
      'POST',
      '/api/v1/terminals/kiosk/cart/items',
      { host: 'evil.example', origin: 'http://evil.example' },
      { product_id: 'x' },
    );
    assert.equal(write.status, 421);
    assert.equal(await upgrade(d, 'evil.example'), 421);

    const own = os.hostname().toLowerCase();
    for (const host of [
      `127.0.0.1:${d.port}`,
      `localhost:${d.port}`,
      '[::1]',
      own,
      `${own}.local`,
      'kasse.example.org',
      'till.shop.lan',
      'KASSE.Example.org.',
    ]) {
      const r = await raw(d, 'GET', '/api/v1/products', { host });
      assert.equal(r.status, 200, `${host}: ${r.body.slice(0, 100)}`);
    }
    assert.equal(await upgrade(d, `localhost:${d.port}`), 101);
    // A name the owner adds in admin applies at once.
    assert.equal((await raw(d, 'GET', '/api/v1/products', { host: 'pos.fritz.box' })).status, 421);
    const put = await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { allowed_hosts: ['pos.fritz.box'] },
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.allowed_hosts, ['pos.fritz.box']);
    assert.equal((await raw(d, 'GET', '/api/v1/products', { host: 'pos.fritz.box' })).status, 200);
    const bad = await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { allowed_hosts: ['not a host'] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_host');
  } finally {
    await d.stop();
  }
});

test('Host allow-list: a forged Host cannot steer the SumUp callback URL (PUBLIC_URL empty)', async () => {
  const rig = await startRig();
  try {
    await fillCart(rig.d, 'kiosk');
    const res = await raw(
      rig.d,
      'POST',
      '/api/v1/terminals/kiosk/checkout',
      { host: 'evil.example' },
      { provider: 'sumup_solo', idempotency_key: 'forged-host-0001' },
    );
    assert.equal(res.status, 421);
    assert.equal(rig.fake.checkouts.size, 0, 'SumUp was never asked');
    // Through the daemon's own name the callback URL carries that name.
    const ok = await raw(
      rig.d,
      'POST',
      '/api/v1/terminals/kiosk/checkout',
      { host: `127.0.0.1:${rig.d.port}` },
      { provider: 'sumup_solo', idempotency_key: 'own-host-0001' },
    );
    assert.equal(ok.status, 201, ok.body);
    const [checkout] = [...rig.fake.checkouts.values()];
    assert.equal(new URL(checkout.return_url!).host, `127.0.0.1:${rig.d.port}`);
  } finally {
    await rig.stop();
  }
});
