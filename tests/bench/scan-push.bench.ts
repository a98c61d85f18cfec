/**
 * scan → push: a barcode entering the scan path until the `cart.updated` message reaches the
 * terminal's WebSocket client, with 100 other clients connected; beside it, in the same run,
 * a bare `ws` echo round trip on loopback.
 *
 * The scan path's entry is a parameter (`entry`): by default app.checkout.scan(), where every
 * scanner's barcode enters checkout. A bench for the HID decode path passes an entry that
 * feeds recorded reports into the decoder instead.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { wsUrl } from '../helpers/ws.js';
import { latency, openClient, type Latency } from './lib.js';

export interface ScanPushOptions {
  scans?: number;
  others?: number;
  /** Puts `barcode` into the scan path of daemon `d` for terminal `terminal`. */
  entry?: (d: TestDaemon, terminal: string, barcode: string) => void;
}

export interface ScanPushResult {
  scan_to_push_ms: Latency;
  bare_echo_ms: Latency;
  others: number;
  message_bytes: number;
}

const TERMINAL = 'bench';

/** A bare `ws` echo server on loopback and a client of it: the baseline round trip. */
async function bareEcho(): Promise<{
  roundTrip(payload: string): Promise<number>;
  close(): Promise<void>;
}> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(m.toString())));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const c = await openClient(`ws://127.0.0.1:${port}/`);
  return {
    async roundTrip(payload) {
      const t0 = performance.now();
      c.ws.send(payload);
      await c.next();
      return performance.now() - t0;
    },
    async close() {
      c.ws.close();
      wss.close();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function benchScanPush(opts: ScanPushOptions = {}): Promise<ScanPushResult> {
  const scans = opts.scans ?? 2000;
  const othersCount = opts.others ?? 100;
  const entry =
    opts.entry ??
    ((d, terminal, barcode) =>
      void d.app.checkout.scan({ terminal_id: terminal, barcode, scanner_id: 'bench' }));
  // 100 sockets from one address: lift the per-address caps (they are for real clients).
  const d = await startDaemon({
    env: { LOG_LEVEL: 'warn', MAX_WEBSOCKETS_PER_IP: '1000', MAX_CONNECTIONS_PER_IP: '1000' },
  });
  try {
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const p = await d.app.catalog.create({
        name: `Bench ${i}`,
        price_cents: 100 + i,
        barcode: `BENCH-${i}`,
      });
      codes.push(p.barcode!);
    }
    const others = await Promise.all(
      Array.from({ length: othersCount }, (_, i) =>
        openClient(wsUrl(d.url, `terminal_id=other-${i}`)),
      ),
    );
    await Promise.all(others.map((o) => o.next()));
    const c = await openClient(wsUrl(d.url, `terminal_id=${TERMINAL}`));
    await c.next(); // snapshot
    // Scan and echo alternate in one loop, so both see the same machine load.
    const echo = await bareEcho();
    const times: number[] = [];
    const echoes: number[] = [];
    let payload = '';
    for (let i = 0; i < scans + 200; i++) {
      if (i % 500 === 0) {
        await d.app.checkout.clearCart(TERMINAL);
        await c.next();
      }
      const t0 = performance.now();
      entry(d, TERMINAL, codes[i % codes.length]);
      const msg = await c.next();
      const t = performance.now() - t0;
      // The echo carries a message of the size the scan pushed.
      if (payload.length !== msg.length) payload = 'x'.repeat(msg.length);
      const e = await echo.roundTrip(payload);
      if (i >= 200) {
        times.push(t);
        echoes.push(e);
      }
    }
    await echo.close();
    for (const o of [...others, c]) o.ws.close();
    return {
      scan_to_push_ms: latency(times),
      bare_echo_ms: latency(echoes),
      others: othersCount,
      message_bytes: payload.length,
    };
  } finally {
    await d.stop();
  }
}

if (process.argv[1]?.endsWith('scan-push.bench.ts')) {
  console.log(JSON.stringify(await benchScanPush(), null, 2));
}
