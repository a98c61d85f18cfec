/**
 * A WebSocket test client: collects every server message and lets a test await the next one
 * that matches (no sleeps; each wait is bounded only by the test's own timeout).
 */
import WebSocket from 'ws';
import type { ServerMessage } from '../../daemon/protocol.js';

export interface WsClient {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Resolves with the first message (not yet taken) matching `pred`. */
  next<T extends ServerMessage['type']>(
    type: T,
    pred?: (m: Extract<ServerMessage, { type: T }>) => boolean,
  ): Promise<Extract<ServerMessage, { type: T }>>;
  send(data: string | object): void;
  close(): Promise<void>;
  closed: Promise<{ code: number }>;
}

export function wsUrl(httpUrl: string, query: string): string {
  return httpUrl.replace(/^http/, 'ws') + '/ws?' + query;
}

export async function connectWs(
  url: string,
  opts: { headers?: Record<string, string> } = {},
): Promise<WsClient> {
  const ws = new WebSocket(url, { headers: opts.headers });
  const messages: ServerMessage[] = [];
  let cursor = new Set<number>();
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number }>((resolve) =>
    ws.on('close', (code) => {
      resolve({ code });
      for (const w of waiters.splice(0)) w();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
  });
  const next: WsClient['next'] = async (type, pred) => {
    for (;;) {
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i];
        if (cursor.has(i) || m.type !== type) continue;
        if (pred && !pred(m as never)) continue;
        cursor.add(i);
        return m as never;
      }
      if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed waiting for ${type}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return {
    ws,
    messages,
    next,
    send: (d) => ws.send(typeof d === 'string' ? d : JSON.stringify(d)),
    close: async () => {
      cursor = new Set();
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.close();
        await closed;
      }
    },
    closed,
  };
}

/** Tries to open a socket and returns the HTTP status of the refusal (or 101). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}
