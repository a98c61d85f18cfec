/**
 * The client's address as the daemon sees it: the socket's peer address, normalised
 * (IPv4-mapped IPv6 → IPv4). X-Forwarded-For is believed only when the direct peer is one
 * of TRUST_PROXY (as Koa does with app.proxy, but per peer): then the right-most address not
 * itself a trusted proxy is the client.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export function normaliseIp(addr: string): string {
  let a = addr.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone !== -1) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return mapped[1];
  return a.toLowerCase();
}

export function isLoopback(addr: string): boolean {
  const a = normaliseIp(addr);
  return a === '::1' || /^127\./.test(a);
}

export type ProxyMatcher = (addr: string) => boolean;

export function exactProxyMatcher(list: string[]): ProxyMatcher {
  const set = new Set(list.map(normaliseIp));
  return (addr) => set.has(normaliseIp(addr));
}

export function clientAddress(req: IncomingMessage, isTrustedProxy: ProxyMatcher): string {
  const peer = normaliseIp(req.socket.remoteAddress ?? '');
  if (!isTrustedProxy(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = raw
    .split(',')
    .map((s) => normaliseIp(s))
    .filter((s) => isIP(s) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrustedProxy(hops[i])) return hops[i];
  }
  return peer;
}
