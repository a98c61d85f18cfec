/**
 * Connection limits (issue 19, finding 8): one client address cannot hold thousands of
 * WebSockets or connections, and a client that trickles its headers is cut off once the
 * header timeout has passed, not up to 30 s later (Node checks expired headers only every
 * connectionsCheckingInterval).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startDaemon } from '../helpers/daemon.js';

function openWs(port: number): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?terminal_id=kiosk`);
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

test('WebSockets per address are capped (loopback gets 4×); a closed one frees its place', async () => {
  const d = await startDaemon({ env: { MAX_WEBSOCKETS_PER_IP: '3' } });
  const open: WebSocket[] = [];
  try {
    const results = [];
    for (let i = 0; i < 20; i++) {
      const r = await openWs(d.port);
      results.push(r.status);
      if (r.ws) open.push(r.ws);
    }
    assert.equal(results.filter((s) => s === 101).length, 12, results.join(','));
    assert.equal(results.filter((s) => s === 429).length, 8, results.join(','));
    const closed = new Promise((r) => open[0].once('close', r));
    open.shift()!.close();
    await closed;
    // The daemon notices the close too; then a new socket is accepted.
    let again = await openWs(d.port);
    for (let i = 0; again.status !== 101 && i < 200; i++) {
      await new Promise((r) => setImmediate(r));
      again = await openWs(d.port);
    }
    assert.equal(again.status, 101);
    open.push(again.ws!);
  } finally {
    for (const ws of open) ws.terminate();
    await d.stop();
  }
});

test('connections per address are capped: the extra sockets are closed at once', async () => {
  const d = await startDaemon({ env: { MAX_CONNECTIONS_PER_IP: '5' } });
  const sockets: net.Socket[] = [];
  try {
    const outcome = await Promise.all(
      Array.from({ length: 30 }, () => {
        const s = net.connect(d.port, '127.0.0.1');
        sockets.push(s);
        return new Promise<'closed' | 'open'>((resolve) => {
          s.once('close', () => resolve('closed'));
          s.once('error', () => resolve('closed'));
          // An open connection answers a request; a refused one is closed before.
          s.once('connect', () =>
            s.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
          );
          s.once('data', () => resolve('open'));
        });
      }),
    );
    assert.equal(outcome.filter((o) => o === 'open').length, 20, outcome.join(','));
    assert.equal(outcome.filter((o) => o === 'closed').length, 10);
    assert.ok(d.logs.some((l) => /more than 20 open connections/.test(l)));
  } finally {
    for (const s of sockets) s.destroy();
    await d.stop();
  }
});

test('slow headers: a client trickling its headers is closed soon after HTTP_HEADERS_TIMEOUT_MS', async () => {
  const d = await startDaemon({ env: { HTTP_HEADERS_TIMEOUT_MS: '1000' } });
  const s = net.connect(d.port, '127.0.0.1');
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise((r) => s.once('connect', r));
    s.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // One header byte every 100 ms, for at most 25 s (Node's own check would come at 30 s).
    const start = Date.now();
    const done = new Promise<'closed by the daemon' | 'still open after 25 s'>((resolve) => {
      s.once('close', () => resolve('closed by the daemon'));
      s.on('error', () => {});
      timer = setInterval(() => {
        if (Date.now() - start > 25_000) return resolve('still open after 25 s');
        s.write('X-Slow: 1\r\n');
      }, 100);
    });
    assert.equal(await done, 'closed by the daemon');
  } finally {
    clearInterval(timer);
    s.destroy();
    await d.stop();
  }
});
