/**
 * One reconnecting WebSocket to the daemon. Every (re)connect starts with a `snapshot`, so
 * the UI re-renders from it and never has to replay missed events. A ping every 15 s keeps
 * NAT/proxies open and detects a dead link: no message for 40 s closes and reconnects.
 */
import type { ClientMessage, ServerMessage } from '../../../daemon/protocol.js';
import { backoffDelay, stateAfterFailure, type ConnectionState } from './backoff.js';

const PING_MS = 15_000;
const DEAD_MS = 40_000;

export interface SocketOptions {
  /** Query string for /ws, e.g. `terminal_id=kiosk` or `role=admin`; read on every connect. */
  query: () => string;
  onMessage: (msg: ServerMessage) => void;
  onState: (state: ConnectionState) => void;
}

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastMessageAt = 0;
  private stopped = false;

  constructor(private readonly opts: SocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.ws?.close();
    this.ws = null;
  }

  /** Drops the current socket and connects again now (e.g. after switching terminal). */
  reconnect(): void {
    this.attempt = 0;
    clearTimeout(this.retryTimer);
    const old = this.ws;
    this.ws = null;
    old?.close();
    this.connect();
  }

  send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private connect(): void {
    if (this.stopped) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = this.opts.query();
    const ws = new WebSocket(`${proto}//${location.host}/ws${q ? `?${q}` : ''}`);
    this.ws = ws;
    this.opts.onState(this.attempt === 0 ? 'connecting' : stateAfterFailure(this.attempt));
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.heartbeat(ws), PING_MS);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      // A display socket's first message is its `display` state, not a snapshot.
      if (msg.type === 'snapshot' || msg.type === 'display') {
        this.attempt = 0;
        this.opts.onState('connected');
      }
      this.opts.onMessage(msg);
    };
    ws.onclose = () => this.lost(ws);
  }

  /** A socket closed or went silent: schedule the next attempt with backoff. */
  private lost(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    clearInterval(this.pingTimer);
    if (this.stopped) return;
    this.attempt++;
    this.opts.onState(stateAfterFailure(this.attempt));
    this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt));
  }

  private heartbeat(ws: WebSocket): void {
    if (Date.now() - this.lastMessageAt > DEAD_MS) {
      // A dead TCP link may take minutes to report close; do not wait for it.
      this.lost(ws);
      ws.close();
      return;
    }
    this.send({ type: 'ping', t: Date.now() });
  }
}
