import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startDaemon, ADMIN } from '../helpers/daemon.js';
import { connectWs, upgradeStatus, wsUrl } from '../helpers/ws.js';
import { addItem, makeProduct } from '../helpers/shop.js';

test(
  'snapshot on connect: cart, providers, pending sale, timezone',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 90 });
      await addItem(d, 'snap', { product_id: p.id, quantity: 2 });
      const c = await connectWs(wsUrl(d.url, 'terminal_id=snap'));
      const s = await c.next('snapshot');
      assert.equal(s.terminal_id, 'snap');
      assert.equal(s.cart?.total_cents, 180);
      assert.equal(s.pending_sale, null);
      assert.ok(s.providers.some((x) => x.id === 'cash' && x.available));
      assert.equal(s.timezone, d.app.config.timezone);
      assert.equal(s.currency, 'EUR');
      assert.equal(s.default_terminal_id, 'kiosk');
      assert.ok(Array.isArray(s.scanners));
      // watch switches the terminal and answers with that terminal's snapshot.
      c.send({ type: 'watch', terminal_id: 'other' });
      const s2 = await c.next('snapshot', (m) => m.terminal_id === 'other');
      assert.equal(s2.cart?.lines.length, 0);
      await c.close();
    } finally {
      await d.stop();
    }
  },
);

test(
  'malformed client messages get {type:"error"} and change nothing',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 90 });
      await addItem(d, 'm', { product_id: p.id });
      const c = await connectWs(wsUrl(d.url, 'terminal_id=m'));
      await c.next('snapshot');
      const before = d.app.checkout.getCart('m');
      const bad = [
        'not json',
        '[1,2]',
        'null',
        '{"type":"explode"}',
        '{"no":"type"}',
        '{"type":"ping","t":"x"}',
        '{"type":"watch","terminal_id":"../etc"}',
        '{"type":"cart.updated","cart":{"terminal_id":"m","lines":[]}}',
      ];
      for (const msg of bad) {
        c.send(msg);
        const e = await c.next('error');
        assert.equal(e.code, 'bad_message', msg);
      }
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      assert.equal((await c.next('error')).code, 'bad_message');
      c.send({ type: 'ping', t: 42 });
      assert.equal((await c.next('pong')).t, 42);
      assert.deepEqual(d.app.checkout.getCart('m'), before);
      // Still watching "m": a change there still arrives.
      await addItem(d, 'm', { product_id: p.id });
      assert.equal((await c.next('cart.updated')).cart.lines[0].quantity, 2);
      // Oversized message: the socket is closed (1009), the daemon carries on.
      c.send('x'.repeat(10_000));
      assert.equal((await c.closed).code, 1009);
      assert.equal((await d.get('/api/v1/health')).status, 200);
    } finally {
      await d.stop();
    }
  },
);

test(
  'upgrade refusals: wrong path, bad terminal id, guard, cross-origin, admin without session',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const base = d.url.replace(/^http/, 'ws');
      assert.equal(await upgradeStatus(`${base}/nows?terminal_id=a`), 404);
      assert.equal(await upgradeStatus(`${base}/ws`), 400);
      assert.equal(await upgradeStatus(`${base}/ws?terminal_id=a%20b`), 400);
      assert.equal(await upgradeStatus(`${base}/ws?role=root`), 400);
      assert.equal(await upgradeStatus(`${base}/ws?role=admin`), 401);
      assert.equal(
        await upgradeStatus(`${base}/ws?terminal_id=a`, { origin: 'http://evil.example' }),
        403,
      );
      assert.equal(await upgradeStatus(`${base}/ws?terminal_id=a`, { origin: d.url }), 101);
      // The IP whitelist seam: whatever the guard refuses is refused with its status.
      const guards = d.app.security.guards;
      const original = guards.upgradeGuard;
      guards.upgradeGuard = () => ({ status: 403, message: 'not on the list' });
      assert.equal(await upgradeStatus(`${base}/ws?terminal_id=a`), 403);
      guards.upgradeGuard = original;
      assert.equal(await upgradeStatus(`${base}/ws?terminal_id=a`), 101);
    } finally {
      await d.stop();
    }
  },
);

test(
  "admin socket (session cookie) receives every terminal's events",
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const login = await d.post('/api/v1/admin/login', { token: ADMIN });
      assert.equal(login.status, 200, login.text);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const admin = await connectWs(wsUrl(d.url, 'role=admin'), { headers: { cookie } });
      const snap = await admin.next('snapshot');
      assert.equal(snap.terminal_id, null);
      const p = await makeProduct(d, { price_cents: 10 });
      await addItem(d, 'x1', { product_id: p.id });
      await addItem(d, 'x2', { product_id: p.id });
      assert.equal(
        (await admin.next('cart.updated', (m) => m.cart.terminal_id === 'x1')).cart.total_cents,
        10,
      );
      assert.equal(
        (await admin.next('cart.updated', (m) => m.cart.terminal_id === 'x2')).cart.total_cents,
        10,
      );
      await admin.next('products.changed');
      await admin.close();
    } finally {
      await d.stop();
    }
  },
);

test(
  'scanner.paired goes to the new terminal, scanner.unpaired to the previous one',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const a = await connectWs(wsUrl(d.url, 'terminal_id=old'));
      const b = await connectWs(wsUrl(d.url, 'terminal_id=new'));
      await a.next('snapshot');
      await b.next('snapshot');
      d.app.events.emit('scanner.paired', {
        scanner_id: 'sc1',
        terminal_id: 'new',
        previous_terminal_id: 'old',
      });
      assert.deepEqual(await b.next('scanner.paired'), {
        type: 'scanner.paired',
        scanner_id: 'sc1',
        terminal_id: 'new',
      });
      assert.deepEqual(await a.next('scanner.unpaired'), {
        type: 'scanner.unpaired',
        scanner_id: 'sc1',
        terminal_id: 'old',
      });
      await Promise.all([a.close(), b.close()]);
    } finally {
      await d.stop();
    }
  },
);

test(
  'heartbeat: a peer that never answers pings is dropped, a live one stays',
  { timeout: 60_000 },
  async () => {
    const d = await startDaemon();
    try {
      const live = await connectWs(wsUrl(d.url, 'terminal_id=hb'));
      await live.next('snapshot');
      const dead = new WebSocket(wsUrl(d.url, 'terminal_id=hb'), { autoPong: false });
      await new Promise((r) => dead.once('message', r));
      const deadClosed = new Promise((r) => dead.once('close', r));
      assert.equal(d.app.ws.size, 2);
      const pinged = new Promise((r) => live.ws.once('ping', r));
      d.app.ws.heartbeat();
      await pinged;
      // The live pong is on the wire before this ping; its answer proves the server read it.
      live.send({ type: 'ping', t: 1 });
      await live.next('pong');
      d.app.ws.heartbeat();
      await deadClosed;
      assert.equal(d.app.ws.size, 1);
      live.send({ type: 'ping', t: 2 });
      assert.equal((await live.next('pong')).t, 2);
      await live.close();
    } finally {
      await d.stop();
    }
  },
);

test(
  'a peer that stops reading is dropped once its send buffer passes the bound',
  { timeout: 120_000 },
  async () => {
    const d = await startDaemon();
    try {
      d.app.ws.maxBufferedBytes = 64 * 1024;
      const reader = await connectWs(wsUrl(d.url, 'terminal_id=slow'));
      await reader.next('snapshot');
      const stuck = await connectWs(wsUrl(d.url, 'terminal_id=slow'));
      await stuck.next('snapshot');
      // Stop reading at the TCP level: the kernel buffers fill, then the daemon's queue grows.
      (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const ids = Array.from({ length: 2000 }, (_, i) => `prd_${String(i).padStart(8, '0')}`);
      let rounds = 0;
      while (d.app.ws.size > 1) {
        rounds++;
        assert.ok(rounds < 5000, 'the stuck peer was never dropped');
        d.app.events.emit('products.changed', { product_ids: ids });
        await reader.next('products.changed');
      }
      assert.ok(d.logs.some((l) => /is not reading .* dropped/.test(l)));
      // The reader kept up and is still served.
      reader.send({ type: 'ping', t: 3 });
      assert.equal((await reader.next('pong')).t, 3);
      await reader.close();
      stuck.ws.terminate();
    } finally {
      await d.stop();
    }
  },
);
