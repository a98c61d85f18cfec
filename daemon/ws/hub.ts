/**
 * WebSocket hub on the daemon's HTTP server, path /ws (`ws` in noServer mode, so the upgrade
 * is checked before a socket exists).
 *
 * - `/ws?terminal_id=X`: a POS socket, behind the same guard as the POS API (IP whitelist).
 * - `/ws?role=admin`: an admin socket, authenticated by the admin session cookie; it receives
 *   every event.
 * - `/ws?display=X`: a customer display of till X, behind the POS guard too; it receives only
 *   `display` messages (a projection built for customers, daemon/display) — never carts,
 *   sales, scanners, settings or anything an admin socket sees — and may not `watch`.
 * A cross-site page must not open sockets with the user's cookies (cross-site WebSocket
 * hijacking): an Origin header whose host differs from Host is refused (RFC 6455 §10.2), and
 * the Host must be one the appliance is reached by (DNS rebinding, security/hosts.ts).
 * One client address holds at most `maxPerIp(ip)` sockets; more are refused with 429.
 *
 * On connect a `snapshot`; then bus events as ServerMessages, serialised once per event.
 * Heartbeat: a ping every HEARTBEAT_MS; a peer that did not answer the previous one is
 * terminated. A peer whose send buffer exceeds MAX_BUFFERED_BYTES is terminated instead of
 * growing the daemon's memory; it reconnects and gets a fresh snapshot.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { ClientMessage, ScannerInfo, ServerMessage } from '../protocol.js';

export const HEARTBEAT_MS = 30_000;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Client messages are tiny (ping, watch); anything larger is not ours. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

const TERMINAL_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface HubDeps {
  server: http.Server;
  events: EventBus;
  log: Logger;
  clientIp(req: http.IncomingMessage): string;
  posUpgradeGuard(
    req: http.IncomingMessage,
    ip: string,
  ): { status: number; message: string } | null;
  isAdminSession(cookieHeader: string | undefined): boolean;
  /** The Host allow-list (security/hosts.ts). */
  hostAllowed(host: string | undefined): boolean;
  /** Live sockets one client address may hold. */
  maxPerIp(ip: string): number;
  /** The snapshot for a socket watching `terminalId` (null for admin sockets). */
  snapshot(terminalId: string | null, scanners: ScannerInfo[]): ServerMessage;
  /** The first message of a customer display socket of `terminalId`. */
  displaySnapshot(terminalId: string): ServerMessage;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
}

interface Peer {
  ws: WebSocket;
  terminalId: string | null;
  admin: boolean;
  /** A customer display: gets only `display` messages of its till. */
  display: boolean;
  alive: boolean;
  ip: string;
}

export class WsHub {
  readonly name = 'ws';
  private wss: WebSocketServer | null = null;
  private peers = new Set<Peer>();
  private byTerminal = new Map<string, Set<Peer>>();
  private admins = new Set<Peer>();
  private displays = new Map<string, Set<Peer>>();
  private perIp = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private scanners: () => ScannerInfo[] = () => [];
  private readonly onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(req, socket, head);

  /** Send-buffer bound per peer (public so tests can lower it). */
  maxBufferedBytes: number;

  constructor(private readonly deps: HubDeps) {
    this.maxBufferedBytes = deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  }

  /** Where the snapshot's `scanners` come from (the scanners module sets this). */
  setScannersSource(fn: () => ScannerInfo[]): void {
    this.scanners = fn;
  }

  get size(): number {
    return this.peers.size;
  }

  start(): void {
    const { server, events } = this.deps;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_CLIENT_MESSAGE_BYTES,
      perMessageDeflate: false,
    });
    server.on('upgrade', this.onUpgrade);

    events.on(this, 'cart.updated', ({ cart }) =>
      this.toTerminal(cart.terminal_id, { type: 'cart.updated', cart }),
    );
    events.on(this, 'scan.unknown_barcode', (e) =>
      this.toTerminal(e.terminal_id, { type: 'scan.unknown_barcode', ...e }),
    );
    events.on(this, 'scan.refused', (e) =>
      this.toTerminal(e.terminal_id, { type: 'scan.refused', ...e }),
    );
    events.on(this, 'scanner.pairing_refused', (e) =>
      this.toTerminal(e.terminal_id, { type: 'scanner.pairing_refused', ...e }),
    );
    events.on(this, 'payment.updated', ({ sale }) =>
      this.toTerminal(sale.terminal_id, { type: 'payment.updated', sale }),
    );
    events.on(this, 'scanner.paired', ({ scanner_id, terminal_id, previous_terminal_id }) => {
      this.toTerminal(terminal_id, { type: 'scanner.paired', scanner_id, terminal_id });
      if (previous_terminal_id && previous_terminal_id !== terminal_id)
        this.toTerminal(
          previous_terminal_id,
          { type: 'scanner.unpaired', scanner_id, terminal_id: previous_terminal_id },
          false,
        );
    });
    events.on(this, 'display.updated', ({ display }) => {
      const peers = this.displays.get(display.terminal_id);
      if (!peers) return;
      const data = JSON.stringify({ type: 'display', display } satisfies ServerMessage);
      for (const p of peers) this.send(p, data);
    });
    events.on(this, 'products.changed', (e) => this.toAll({ type: 'products.changed', ...e }));
    events.on(this, 'scanners.changed', (e) => this.toAll({ type: 'scanners.changed', ...e }));
    events.on(this, 'settings.changed', (e) => this.toAll({ type: 'settings.changed', ...e }));
    events.on(this, 'providers.changed', (e) => this.toAll({ type: 'providers.changed', ...e }));

    this.timer = setInterval(() => this.heartbeat(), this.deps.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    this.deps.server.off('upgrade', this.onUpgrade);
    this.deps.events.offOwner(this);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const p of this.peers) p.ws.close(1001, 'daemon stopping');
    // Peers that do not answer the close handshake must not keep the server open.
    for (const p of this.peers) p.ws.terminate();
    this.peers.clear();
    this.perIp.clear();
    this.byTerminal.clear();
    this.admins.clear();
    this.displays.clear();
    this.wss?.close();
    this.wss = null;
  }

  /** One heartbeat round (exposed so tests can drive it without waiting). */
  heartbeat(): void {
    for (const p of this.peers) {
      if (!p.alive) {
        this.deps.log.info(`ws: ${p.ip} did not answer the heartbeat; dropped`);
        p.ws.terminate();
        continue;
      }
      p.alive = false;
      try {
        p.ws.ping();
      } catch {
        p.ws.terminate();
      }
    }
  }

  private reject(socket: Duplex, status: number, code: string, message: string): void {
    const body = JSON.stringify({ error: { code, message } });
    const reason = {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      421: 'Misdirected Request',
      429: 'Too Many Requests',
    }[status];
    socket.end(
      `HTTP/1.1 ${status} ${reason ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws') return this.reject(socket, 404, 'not_found', 'No WebSocket here');
    if (!this.deps.hostAllowed(req.headers.host))
      return this.reject(
        socket,
        421,
        'host_not_allowed',
        'This daemon is not reached by that name',
      );
    const origin = req.headers.origin;
    if (origin) {
      let host = '';
      try {
        host = new URL(origin).host;
      } catch {
        /* unparsable origin: refused below */
      }
      if (host !== req.headers.host)
        return this.reject(socket, 403, 'forbidden', 'Cross-origin WebSocket refused');
    }
    const ip = this.deps.clientIp(req);
    // A repeated parameter is refused, as queryParam() does for HTTP: never guess which counts.
    for (const name of ['role', 'terminal_id', 'display']) {
      if (url.searchParams.getAll(name).length > 1)
        return this.reject(
          socket,
          400,
          'invalid_query',
          `Query parameter "${name}" given more than once`,
        );
    }
    const role = url.searchParams.get('role');
    let terminalId = url.searchParams.get('terminal_id');
    const displayOf = url.searchParams.get('display');
    let admin = false;
    let display = false;
    if (displayOf !== null) {
      if (role !== null || terminalId !== null)
        return this.reject(
          socket,
          400,
          'invalid_query',
          'display cannot be combined with role or terminal_id',
        );
      if (!TERMINAL_RE.test(displayOf))
        return this.reject(
          socket,
          400,
          'invalid_query',
          'display must be a terminal id of 1-64 letters, digits, "_" and "-"',
        );
      const refusal = this.deps.posUpgradeGuard(req, ip);
      if (refusal) return this.reject(socket, refusal.status, 'forbidden', refusal.message);
      display = true;
      terminalId = displayOf;
    } else if (role === 'admin') {
      if (!this.deps.isAdminSession(req.headers.cookie))
        return this.reject(socket, 401, 'unauthorized', 'Admin login required');
      admin = true;
    } else if (role !== null) {
      return this.reject(socket, 400, 'invalid_query', 'role must be "admin" or absent');
    } else {
      if (!terminalId || !TERMINAL_RE.test(terminalId))
        return this.reject(
          socket,
          400,
          'invalid_query',
          'terminal_id must be 1-64 characters of letters, digits, "_" and "-"',
        );
      const refusal = this.deps.posUpgradeGuard(req, ip);
      if (refusal) return this.reject(socket, refusal.status, 'forbidden', refusal.message);
    }
    const wss = this.wss;
    if (!wss) return this.reject(socket, 404, 'not_found', 'WebSocket hub is not running');
    if ((this.perIp.get(ip) ?? 0) >= this.deps.maxPerIp(ip))
      return this.reject(
        socket,
        429,
        'too_many_sockets',
        'Too many live connections from this address',
      );
    wss.handleUpgrade(req, socket, head, (ws) =>
      this.accept(ws, { terminalId, admin, display, ip }),
    );
  }

  private accept(
    ws: WebSocket,
    opts: { terminalId: string | null; admin: boolean; display: boolean; ip: string },
  ): void {
    const peer: Peer = {
      ws,
      terminalId: null,
      admin: opts.admin,
      display: opts.display,
      alive: true,
      ip: opts.ip,
    };
    this.peers.add(peer);
    this.perIp.set(peer.ip, (this.perIp.get(peer.ip) ?? 0) + 1);
    if (peer.admin) this.admins.add(peer);
    if (peer.display && opts.terminalId) {
      peer.terminalId = opts.terminalId;
      const set = this.displays.get(opts.terminalId) ?? new Set<Peer>();
      set.add(peer);
      this.displays.set(opts.terminalId, set);
    } else if (opts.terminalId && TERMINAL_RE.test(opts.terminalId))
      this.watch(peer, opts.terminalId);
    ws.on('pong', () => (peer.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(peer, data as Buffer, isBinary));
    ws.on('close', () => this.drop(peer));
    ws.on('error', () => ws.terminate());
    this.send(
      peer,
      JSON.stringify(
        peer.display && peer.terminalId
          ? this.deps.displaySnapshot(peer.terminalId)
          : this.deps.snapshot(peer.terminalId, this.scanners()),
      ),
    );
  }

  private watch(peer: Peer, terminalId: string): void {
    if (peer.terminalId) this.byTerminal.get(peer.terminalId)?.delete(peer);
    peer.terminalId = terminalId;
    const set = this.byTerminal.get(terminalId) ?? new Set<Peer>();
    set.add(peer);
    this.byTerminal.set(terminalId, set);
  }

  private drop(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    const n = (this.perIp.get(peer.ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(peer.ip, n);
    else this.perIp.delete(peer.ip);
    this.admins.delete(peer);
    if (peer.display && peer.terminalId) {
      const set = this.displays.get(peer.terminalId);
      set?.delete(peer);
      if (set && set.size === 0) this.displays.delete(peer.terminalId);
    } else if (peer.terminalId) {
      const set = this.byTerminal.get(peer.terminalId);
      set?.delete(peer);
      if (set && set.size === 0) this.byTerminal.delete(peer.terminalId);
    }
  }

  private onMessage(peer: Peer, data: Buffer, isBinary: boolean): void {
    peer.alive = true;
    const error = (message: string) =>
      this.send(peer, JSON.stringify({ type: 'error', code: 'bad_message', message }));
    if (isBinary) return error('Messages must be JSON text');
    let msg: ClientMessage;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return error('Message is not valid JSON');
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg))
      return error('Message must be a JSON object with a "type"');
    switch (msg.type) {
      case 'ping':
        if (typeof msg.t !== 'number' || !Number.isFinite(msg.t))
          return error('ping needs a numeric "t"');
        return this.send(peer, JSON.stringify({ type: 'pong', t: msg.t }));
      case 'watch':
        if (peer.display) return error('A customer display cannot watch another till');
        if (typeof msg.terminal_id !== 'string' || !TERMINAL_RE.test(msg.terminal_id))
          return error('watch needs a terminal_id of 1-64 letters, digits, "_" or "-"');
        this.watch(peer, msg.terminal_id);
        return this.send(
          peer,
          JSON.stringify(this.deps.snapshot(peer.terminalId, this.scanners())),
        );
      default:
        return error(
          `Unknown message type ${JSON.stringify(String((msg as { type?: unknown }).type)).slice(0, 80)}`,
        );
    }
  }

  private send(peer: Peer, data: string): void {
    const ws = peer.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      this.deps.log.warn(
        `ws: ${peer.ip} is not reading (${ws.bufferedAmount} bytes queued); dropped`,
      );
      ws.terminate();
      this.drop(peer);
      return;
    }
    ws.send(data);
  }

  /** To sockets watching the terminal, and (once) to every admin socket. */
  private toTerminal(terminalId: string, msg: ServerMessage, admins = true): void {
    const data = JSON.stringify(msg);
    const watchers = this.byTerminal.get(terminalId);
    if (watchers) for (const p of watchers) this.send(p, data);
    if (!admins) return;
    for (const p of this.admins) if (p.terminalId !== terminalId) this.send(p, data);
  }

  private toAll(msg: ServerMessage): void {
    const data = JSON.stringify(msg);
    for (const p of this.peers) if (!p.display) this.send(p, data);
  }
}
