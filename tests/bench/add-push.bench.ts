/**
 * add → push: a till's POST /api/v1/terminals/:t/cart/items until its `cart.updated` reaches
 * the till's WebSocket (what a tap on a product tile costs until the line shows), with 100
 * other clients connected. Beside it, in the same loop so both see the same machine load, the
 * bare baseline: a loopback HTTP POST round trip to a bare node:http server answering a body
 * of the same size, plus a bare `ws` echo of the pushed message's size.
 */
import http from 'node:http';
import { Agent } from 'node:http';
import { WebSocketServer } from 'ws';
import { startDaemon } from '../helpers/daemon.js';
import { wsUrl } from '../helpers/ws.js';
import { latency, openClient, type Latency } from './lib.js';

export interface AddPushResult {
  add_to_push_ms: Latency;
  bare_http_plus_echo_ms: Latency;
  others: number;
  push_bytes: number;
}

const TERMINAL = 'bench';

/** POST with a keep-alive agent (the browser keeps its connection too); resolves on the end. */
function post(agent: Agent, port: number, path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchAddPush(
  opts: { adds?: number; others?: number } = {},
): Promise<AddPushResult> {
  const adds = opts.adds ?? 1500;
  const othersCount = opts.others ?? 100;
  // 100 sockets from one address: lift the per-address caps (they are for real clients).
  const d = await startDaemon({
    env: { LOG_LEVEL: 'warn', MAX_WEBSOCKETS_PER_IP: '1000', MAX_CONNECTIONS_PER_IP: '1000' },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // The bare baseline: an HTTP server answering a JSON body, and a ws echo server.
  const bareHttp = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(bareAnswer);
    });
  });
  let bareAnswer = '{}';
  await new Promise<void>((r) => bareHttp.listen(0, '127.0.0.1', r));
  const barePort = (bareHttp.address() as { port: number }).port;
  const echoServer = http.createServer();
  const wss = new WebSocketServer({ server: echoServer, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(m.toString())));
  await new Promise<void>((r) => echoServer.listen(0, '127.0.0.1', r));
  const echo = await openClient(
    `ws://127.0.0.1:${(echoServer.address() as { port: number }).port}/`,
  );
  try {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await d.app.catalog.create({ name: `Bench ${i}`, price_cents: 100 + i })).id);
    const others = await Promise.all(
      Array.from({ length: othersCount }, (_, i) =>
        openClient(wsUrl(d.url, `terminal_id=other-${i}`)),
      ),
    );
    await Promise.all(others.map((o) => o.next()));
    const till = await openClient(wsUrl(d.url, `terminal_id=${TERMINAL}`));
    await till.next(); // snapshot
    const times: number[] = [];
    const bare: number[] = [];
    let payload = '';
    for (let i = 0; i < adds + 200; i++) {
      if (i % 150 === 0) {
        await d.app.checkout.clearCart(TERMINAL);
        await till.next();
      }
      const body = JSON.stringify({ product_id: ids[i % ids.length] });
      const t0 = performance.now();
      const answered = post(agent, d.port, `/api/v1/terminals/${TERMINAL}/cart/items`, body);
      const msg = await till.next();
      const t = performance.now() - t0;
      await answered;
      if (payload.length !== msg.length) {
        payload = 'x'.repeat(msg.length);
        bareAnswer = JSON.stringify({ cart: payload });
      }
      const b0 = performance.now();
      await post(agent, barePort, '/', body);
      echo.ws.send(payload);
      await echo.next();
      const b = performance.now() - b0;
      if (i >= 200) {
        times.push(t);
        bare.push(b);
      }
    }
    for (const o of [...others, till]) o.ws.close();
    return {
      add_to_push_ms: latency(times),
      bare_http_plus_echo_ms: latency(bare),
      others: othersCount,
      push_bytes: payload.length,
    };
  } finally {
    agent.destroy();
    echo.ws.close();
    wss.close();
    await new Promise((r) => echoServer.close(r));
    await new Promise((r) => bareHttp.close(r));
    await d.stop();
  }
}

if (process.argv[1]?.endsWith('add-push.bench.ts')) {
  console.log(JSON.stringify(await benchAddPush(), null, 2));
}
