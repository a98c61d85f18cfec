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
import type { ScannerInfo, ServerMessage } from '../protocol.js';
import { readClientMessage } from './client-message.js';
import { checkUpgrade, refusalResponse, TERMINAL_RE, type UpgradeRefusal } from './upgrade.js';

export const HEARTBEAT_MS = 30_000;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Client messages are tiny (ping, watch); anything larger is not ours. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

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
  /** Socket and client address both on this machine (the kiosk's own browser). */
  isLocal?(req: http.IncomingMessage, ip: string): boolean;
  /** The local kiosk reported its first paint with data (`client.painted`). */
  onPainted?(): void;
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
  /** Connected from this machine (socket and client address loopback). */
  local: boolean;
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

  /** Whether a customer display socket of the till is open. */
  hasDisplay(terminalId: string): boolean {
    return this.displays.has(terminalId);
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

  private reject(socket: Duplex, refusal: UpgradeRefusal): void {
    socket.end(refusalResponse(refusal));
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let ip: string | undefined;
    const ipOf = () => (ip ??= this.deps.clientIp(req));
    const ask = checkUpgrade(req, {
      hostAllowed: (host) => this.deps.hostAllowed(host),
      posGuard: () => this.deps.posUpgradeGuard(req, ipOf()),
      isAdminSession: (cookie) => this.deps.isAdminSession(cookie),
    });
    if ('code' in ask) return this.reject(socket, ask);
    const wss = this.wss;
    if (!wss)
      return this.reject(socket, {
        status: 404,
        code: 'not_found',
        message: 'WebSocket hub is not running',
      });
    const from = ipOf();
    if ((this.perIp.get(from) ?? 0) >= this.deps.maxPerIp(from))
      return this.reject(socket, {
        status: 429,
        code: 'too_many_sockets',
        message: 'Too many live connections from this address',
      });
    const local = this.deps.isLocal?.(req, from) ?? false;
    wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, { ...ask, ip: from, local }));
  }

  private accept(
    ws: WebSocket,
    opts: {
      terminalId: string | null;
      admin: boolean;
      display: boolean;
      ip: string;
      local: boolean;
    },
  ): void {
    const peer: Peer = {
      ws,
      terminalId: null,
      admin: opts.admin,
      display: opts.display,
      alive: true,
      ip: opts.ip,
      local: opts.local,
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
    const msg = readClientMessage(data, isBinary, peer.display);
    if ('error' in msg)
      return this.send(
        peer,
        JSON.stringify({ type: 'error', code: 'bad_message', message: msg.error }),
      );
    if (msg.type === 'ping') return this.send(peer, JSON.stringify({ type: 'pong', t: msg.t }));
    // Only this machine's kiosk counts (the mark-good check); a remote till's paint is ignored.
    if (msg.type === 'client.painted') {
      if (peer.local) this.deps.onPainted?.();
      return;
    }
    this.watch(peer, msg.terminal_id);
    this.send(peer, JSON.stringify(this.deps.snapshot(peer.terminalId, this.scanners())));
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
