/**
 * The WebSocket hub (daemon/ws/hub.ts) on its own: a real HTTP server on 127.0.0.1, the real
 * event bus, real `ws` clients; the hub's collaborators (guard, admin session, Host list,
 * snapshot) are plain functions the test sets.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { WsHub, MAX_CLIENT_MESSAGE_BYTES } from '../../daemon/ws/hub.js';
import { EventBus } from '../../daemon/events.js';
import { memoryLogger } from '../../daemon/log.js';
import type { Cart, ScannerInfo, ServerMessage } from '../../daemon/protocol.js';
import { connectWs, upgradeStatus, type WsClient } from '../helpers/ws.js';

async function startHub(t: TestContext) {
  const server = http.createServer((_req, res) => res.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const events = new EventBus();
  const log = memoryLogger();
  const knobs = { guard: null as { status: number; message: string } | null, maxPerIp: 10 };
  const snapshots: Array<string | null> = [];
  const hub = new WsHub({
    server,
    events,
    log,
    clientIp: (req) => req.socket.remoteAddress ?? '',
    posUpgradeGuard: () => knobs.guard,
    isAdminSession: (cookie) => cookie === 'pos_admin=yes',
    hostAllowed: (host) => host === `127.0.0.1:${port}`,
    maxPerIp: () => knobs.maxPerIp,
    snapshot: (terminalId, scanners) => {
      snapshots.push(terminalId);
      return { type: 'snapshot', terminal_id: terminalId, scanners } as unknown as ServerMessage;
    },
    displaySnapshot: (terminalId) =>
      ({ type: 'display', display: { terminal_id: terminalId } }) as unknown as ServerMessage,
  });
  hub.start();
  const url = (query: string) => `ws://127.0.0.1:${port}/ws?${query}`;
  const clients: WsClient[] = [];
  const connect = async (query: string, headers?: Record<string, string>) => {
    const c = await connectWs(url(query), { headers });
    clients.push(c);
    await c.next('snapshot');
    return c;
  };
  t.after(async () => {
    for (const c of clients) c.ws.terminate();
    hub.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { server, port, events, log, hub, knobs, snapshots, url, connect };
}

const cart = (terminal_id: string, version: number) => ({ terminal_id, version }) as Cart;

/** Waits (bounded by the test's timeout) until `cond` holds. */
async function until(cond: () => boolean) {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

/** The message types a client got after the snapshot(s), in order. */
const types = (c: WsClient) => c.messages.filter((m) => m.type !== 'snapshot').map((m) => m.type);

test('a snapshot on connect; terminal events go to that terminal’s sockets and once to each admin socket, catalog-wide events to all', async (t) => {
  const h = await startHub(t);
  const scanners = [{ id: 'sc1' }] as ScannerInfo[];
  h.hub.setScannersSource(() => scanners);
  const t1 = await h.connect('terminal_id=t1');
  const t2 = await h.connect('terminal_id=t2');
  const admin = await h.connect('role=admin', { cookie: 'pos_admin=yes' });
  assert.deepEqual(t1.messages[0], { type: 'snapshot', terminal_id: 't1', scanners });
  assert.deepEqual(admin.messages[0], { type: 'snapshot', terminal_id: null, scanners });
  h.events.emit('cart.updated', { cart: cart('t1', 4) });
  h.events.emit('payment.updated', { sale: { terminal_id: 't2' } as never });
  h.events.emit('scan.unknown_barcode', { terminal_id: 't1', barcode: '1', scanner_id: null });
  h.events.emit('products.changed', { product_ids: ['p1'] }); // to all: the last message
  for (const c of [t1, t2, admin]) await c.next('products.changed');
  assert.deepEqual(types(t1), ['cart.updated', 'scan.unknown_barcode', 'products.changed']);
  assert.deepEqual(types(t2), ['payment.updated', 'products.changed']);
  assert.deepEqual(types(admin), [
    'cart.updated',
    'payment.updated',
    'scan.unknown_barcode',
    'products.changed',
  ]);
  // An admin socket that also watches t1 gets t1's events once, not twice.
  admin.send({ type: 'watch', terminal_id: 't1' });
  await admin.next('snapshot', (m) => m.terminal_id === 't1');
  h.events.emit('cart.updated', { cart: cart('t1', 5) });
  h.events.emit('settings.changed', { keys: ['x'] });
  await admin.next('settings.changed');
  assert.equal(admin.messages.filter((m) => m.type === 'cart.updated').length, 2);
});

test('scanner.paired goes to the new terminal, scanner.unpaired to the previous one only', async (t) => {
  const h = await startHub(t);
  const before = await h.connect('terminal_id=old');
  const after = await h.connect('terminal_id=new');
  const admin = await h.connect('role=admin', { cookie: 'pos_admin=yes' });
  h.events.emit('scanner.paired', {
    scanner_id: 'sc',
    terminal_id: 'new',
    previous_terminal_id: 'old',
  });
  h.events.emit('providers.changed', { providers: [] });
  for (const c of [before, after, admin]) await c.next('providers.changed');
  assert.deepEqual(types(before), ['scanner.unpaired', 'providers.changed']);
  assert.deepEqual(before.messages[1], {
    type: 'scanner.unpaired',
    scanner_id: 'sc',
    terminal_id: 'old',
  });
  assert.deepEqual(types(after), ['scanner.paired', 'providers.changed']);
  assert.deepEqual(types(admin), ['scanner.paired', 'providers.changed']);
});

test('watch moves a socket to another terminal: a new snapshot, then that terminal’s events only', async (t) => {
  const h = await startHub(t);
  const c = await h.connect('terminal_id=a');
  c.send({ type: 'watch', terminal_id: 'b' });
  await c.next('snapshot', (m) => m.terminal_id === 'b');
  assert.deepEqual(h.snapshots, ['a', 'b']);
  h.events.emit('cart.updated', { cart: cart('a', 1) });
  h.events.emit('cart.updated', { cart: cart('b', 1) });
  const got = await c.next('cart.updated');
  assert.equal(got.cart.terminal_id, 'b');
  c.send({ type: 'ping', t: 1 });
  await c.next('pong');
  assert.equal(c.messages.filter((m) => m.type === 'cart.updated').length, 1);
});

test('upgrade refusals: path, Host, cross-site Origin, repeated or bad parameters, admin without session, the guard, too many sockets per address', async (t) => {
  const h = await startHub(t);
  const base = `ws://127.0.0.1:${h.port}`;
  assert.equal(await upgradeStatus(`${base}/other?terminal_id=a`), 404);
  assert.equal(await upgradeStatus(h.url('terminal_id=a'), { host: 'evil.example' }), 421);
  assert.equal(await upgradeStatus(h.url('terminal_id=a'), { origin: 'http://evil.example' }), 403);
  assert.equal(await upgradeStatus(h.url('terminal_id=a'), { origin: 'not a url' }), 403);
  assert.equal(
    await upgradeStatus(h.url('terminal_id=a'), { origin: `http://127.0.0.1:${h.port}` }),
    101,
  );
  assert.equal(await upgradeStatus(h.url('terminal_id=a&terminal_id=b')), 400);
  assert.equal(await upgradeStatus(h.url('role=admin&role=admin')), 400);
  assert.equal(await upgradeStatus(h.url('role=owner')), 400);
  assert.equal(await upgradeStatus(h.url('terminal_id=bad%20id')), 400);
  assert.equal(await upgradeStatus(h.url('')), 400);
  assert.equal(await upgradeStatus(h.url('role=admin')), 401);
  assert.equal(await upgradeStatus(h.url('role=admin'), { cookie: 'pos_admin=no' }), 401);
  h.knobs.guard = { status: 403, message: 'not on the whitelist' };
  assert.equal(await upgradeStatus(h.url('terminal_id=a')), 403);
  // Admin sockets do not pass the POS guard: they need the session.
  assert.equal(await upgradeStatus(h.url('role=admin'), { cookie: 'pos_admin=yes' }), 101);
  h.knobs.guard = null;
  await until(() => h.hub.size === 0);
  h.knobs.maxPerIp = 2;
  const a = await h.connect('terminal_id=a');
  await h.connect('terminal_id=a');
  assert.equal(await upgradeStatus(h.url('terminal_id=a')), 429);
  await a.close();
  await until(() => h.hub.size === 1);
  assert.equal(await upgradeStatus(h.url('terminal_id=a')), 101);
});

test('client messages: ping → pong; anything else gets {type:"error"} and changes nothing; an oversized message closes the socket (1009)', async (t) => {
  const h = await startHub(t);
  const c = await h.connect('terminal_id=a');
  c.send({ type: 'ping', t: 42 });
  assert.deepEqual(await c.next('pong'), { type: 'pong', t: 42 });
  const bad = [
    'not json',
    '[1,2]',
    'null',
    JSON.stringify({ type: 'ping' }),
    JSON.stringify({ type: 'watch', terminal_id: '../x' }),
    JSON.stringify({ type: 'shutdown' }),
  ];
  for (const m of bad) c.send(m);
  c.ws.send(Buffer.from('binary'), { binary: true });
  for (let i = 0; i < bad.length + 1; i++) {
    const e = await c.next('error');
    assert.equal(e.code, 'bad_message');
  }
  assert.deepEqual(h.snapshots, ['a'], 'no watch happened');
  c.send('x'.repeat(MAX_CLIENT_MESSAGE_BYTES + 1));
  assert.equal((await c.closed).code, 1009);
});

test('heartbeat: a peer that does not answer pings is dropped at the next round, a live one stays', async (t) => {
  const h = await startHub(t);
  const live = await h.connect('terminal_id=a');
  const dead = new WebSocket(h.url('terminal_id=a'), { autoPong: false });
  await new Promise((r) => dead.once('message', r));
  const deadClosed = new Promise((r) => dead.once('close', r));
  const pinged = new Promise((r) => live.ws.once('ping', r));
  h.hub.heartbeat();
  await pinged;
  // The live client's pong went out before this message: its answer proves the hub read it.
  live.send({ type: 'ping', t: 1 });
  await live.next('pong');
  h.hub.heartbeat();
  await deadClosed;
  assert.equal(h.hub.size, 1);
  assert.ok(h.log.lines.some((l) => l.includes('did not answer the heartbeat')));
  h.events.emit('cart.updated', { cart: cart('a', 1) });
  await live.next('cart.updated');
});

test('a peer that stops reading is dropped once its send buffer passes the bound; the others are still served', async (t) => {
  const h = await startHub(t);
  h.hub.maxBufferedBytes = 64 * 1024;
  const reader = await h.connect('terminal_id=a');
  const stuck = await h.connect('terminal_id=a');
  (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const ids = Array.from({ length: 4000 }, (_, i) => `prd_${String(i).padStart(8, '0')}`);
  let rounds = 0;
  while (h.hub.size > 1) {
    rounds++;
    assert.ok(rounds < 2000, 'the stuck peer was never dropped');
    h.events.emit('products.changed', { product_ids: ids });
    await reader.next('products.changed');
  }
  assert.ok(h.log.lines.some((l) => /is not reading .* dropped/.test(l)));
  reader.send({ type: 'ping', t: 3 });
  assert.equal((await reader.next('pong')).t, 3);
});

test('stop(): every socket is closed and no new one is accepted', async (t) => {
  const h = await startHub(t);
  const c = await h.connect('terminal_id=a');
  h.hub.stop();
  await c.closed;
  assert.equal(h.hub.size, 0);
  // Nothing answers upgrades any more; bus events reach nobody and do not throw.
  h.events.emit('cart.updated', { cart: cart('a', 1) });
  await assert.rejects(
    new Promise((resolve, reject) => {
      const ws = new WebSocket(h.url('terminal_id=a'));
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    }),
  );
  h.hub.start(); // t.after() stops it again
});
