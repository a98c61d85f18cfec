/**
 * The client's address as the daemon sees it: the socket's peer address in canonical form
 * (RFC 5952 text; IPv4-mapped IPv6 → IPv4). X-Forwarded-For is believed only when the direct
 * peer is one of TRUST_PROXY (as Koa does with app.proxy, but per peer): then the right-most
 * address not itself a trusted proxy is the client. Anything a client writes further left is
 * never looked at, so a forged header cannot choose its own address.
 */
import type { IncomingMessage } from 'node:http';
import { canonicalIp, isLoopbackIp, parseRange, rangeMatcher } from './ip-match.js';

/** Canonical text of an address; input that is not an address is returned trimmed, lower case. */
export function normaliseIp(addr: string): string {
  return canonicalIp(addr) ?? addr.trim().toLowerCase();
}

export function isLoopback(addr: string): boolean {
  return isLoopbackIp(addr);
}

export type ProxyMatcher = (addr: string) => boolean;

export function exactProxyMatcher(list: string[]): ProxyMatcher {
  const set = new Set(list.map(normaliseIp));
  return (addr) => set.has(normaliseIp(addr));
}

/** TRUST_PROXY entries as addresses or CIDR ranges (throws IpEntryError on a bad entry). */
export function cidrProxyMatcher(list: string[]): ProxyMatcher {
  return rangeMatcher(list.map((e) => parseRange(e)));
}

/** A socket's peer in canonical form, worked out once per connection (keep-alive reuses it). */
const peers = new WeakMap<object, string>();

function peerOf(req: IncomingMessage): string {
  let peer = peers.get(req.socket);
  if (peer === undefined) {
    peer = normaliseIp(req.socket.remoteAddress ?? '');
    peers.set(req.socket, peer);
  }
  return peer;
}

export function clientAddress(req: IncomingMessage, isTrustedProxy: ProxyMatcher): string {
  const peer = peerOf(req);
  if (!isTrustedProxy(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = raw
    .split(',')
    .map((s) => canonicalIp(s))
    .filter((s): s is string => s !== null);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrustedProxy(hops[i])) return hops[i];
  }
  return peer;
}
