/**
 * IP addresses and ranges compared canonically.
 *
 * Every address becomes 16 bytes: IPv6 as written (RFC 4291 §2.2 text forms, including "::"
 * and an embedded dotted IPv4 tail), IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d
 * (RFC 4291 §2.5.5.2). So "10.0.0.5", "::ffff:10.0.0.5" and "::FFFF:a00:5" are one address,
 * and an IPv4 prefix /n is the mapped prefix /96+n. Text output follows RFC 5952 (lower case,
 * longest zero run compressed) and prints mapped addresses as plain IPv4.
 */
import { isIP } from 'node:net';

export type Bytes16 = Uint8Array;

export interface IpRange {
  /** Network address (host bits zero). */
  net: Bytes16;
  /** Prefix length over the 16-byte form (IPv4 /n is 96+n). */
  bits: number;
  /** Canonical text: "10.0.0.5", "192.168.1.0/24", "2001:db8::/48". */
  text: string;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Strips [brackets] and a %zone (link-local peers carry one); keeps the rest verbatim. */
function unwrap(text: string): string {
  let a = text.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  return zone === -1 ? a : a.slice(0, zone);
}

function v4Bytes(a: string): number[] {
  return a.split('.').map(Number);
}

/** Parses one address (no prefix) into 16 bytes, or null when it is not an IP address. */
export function parseIp(text: string): Bytes16 | null {
  const a = unwrap(text);
  const family = isIP(a);
  if (family === 4) return Uint8Array.from([...MAPPED_PREFIX, ...v4Bytes(a)]);
  if (family !== 6) return null;
  // node:net has validated the syntax; expand "::" and a dotted tail into 8 groups.
  let tail: number[] = [];
  let body = a;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const b = v4Bytes(dotted[1]);
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    body = a.slice(0, -dotted[1].length);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const groupsWanted = 8 - tail.length;
  const toGroups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  let groups: number[];
  const gap = body.indexOf('::');
  if (gap === -1) groups = toGroups(body);
  else {
    const head = toGroups(body.slice(0, gap));
    const rest = toGroups(body.slice(gap + 2));
    groups = [...head, ...new Array(groupsWanted - head.length - rest.length).fill(0), ...rest];
  }
  groups = [...groups, ...tail];
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

export function isMapped(b: Bytes16): boolean {
  return MAPPED_PREFIX.every((v, i) => b[i] === v);
}

/** RFC 5952 text for 16 bytes; IPv4-mapped addresses print as dotted IPv4. */
export function formatIp(b: Bytes16): string {
  if (isMapped(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i] << 8) | b[i + 1]);
  // Longest run of two or more zero groups becomes "::" (first one on a tie, RFC 5952 §4.2.3).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

/** Canonical text of an address, or null when it is not one. */
export function canonicalIp(text: string): string | null {
  const b = parseIp(text);
  return b ? formatIp(b) : null;
}

export function isLoopbackBytes(b: Bytes16): boolean {
  if (isMapped(b)) return b[12] === 127; // 127.0.0.0/8 (RFC 1122 §3.2.1.3)
  return b.slice(0, 15).every((v) => v === 0) && b[15] === 1; // ::1 (RFC 4291 §2.5.3)
}

export function isLoopbackIp(text: string): boolean {
  const b = parseIp(text);
  return b !== null && isLoopbackBytes(b);
}

function maskBits(b: Bytes16, bits: number): Bytes16 {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = b[i] & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

function sameBytes(a: Bytes16, b: Bytes16): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class IpEntryError extends Error {}

/**
 * Parses a whitelist entry: an address or a CIDR range. Refuses (IpEntryError, plain words)
 * zone indexes, host names, prefixes out of range and ranges with host bits set (a typo like
 * 192.168.1.5/24 would silently open the whole /24).
 */
export function parseRange(text: unknown): IpRange {
  if (typeof text !== 'string') throw new IpEntryError('must be a string');
  const t = text.trim();
  if (t === '') throw new IpEntryError('must not be empty');
  if (t.length > 100) throw new IpEntryError('is too long to be an address');
  if (t.includes('%')) throw new IpEntryError(`"${t}": zone indexes (%eth0) are not supported`);
  const slash = t.indexOf('/');
  const addrText = slash === -1 ? t : t.slice(0, slash);
  if (addrText.startsWith('[')) throw new IpEntryError(`"${t}": write the address without [ ]`);
  const family = isIP(addrText);
  const addr = family ? parseIp(addrText) : null;
  if (!addr) throw new IpEntryError(`"${t}" is not an IPv4 or IPv6 address or CIDR range`);
  const v4 = family === 4;
  if (slash === -1) return { net: addr, bits: 128, text: formatIp(addr) };
  const prefixText = t.slice(slash + 1);
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
    throw new IpEntryError(`"${t}": the prefix length must be a number from 0 to ${max}`);
  const bits = Number(prefixText) + (v4 ? 96 : 0);
  const net = maskBits(addr, bits);
  if (!sameBytes(net, addr)) {
    throw new IpEntryError(
      `"${t}" has host bits set; write ${formatIp(net)}/${prefixText} for the range or ${addrText} for one address`,
    );
  }
  // A mapped IPv6 range (::ffff:10.0.0.0/120) prints in the IPv4 form it is equal to.
  const shown =
    isMapped(net) && bits >= 96 ? `${formatIp(net)}/${bits - 96}` : `${formatIp(net)}/${bits}`;
  return { net, bits, text: bits === 128 ? formatIp(net) : shown };
}

export type IpMatcher = (addr: string) => boolean;

/** The first `bits` bits of an address as a string key (no intermediate array). */
function maskedKey(b: Bytes16, bits: number): string {
  let k = '';
  for (let i = 0; i < 16; i++) {
    const keep = bits - 8 * i;
    k += String.fromCharCode(keep >= 8 ? b[i] : keep <= 0 ? 0 : b[i] & (0xff << (8 - keep)) & 0xff);
  }
  return k;
}

/**
 * A matcher over pre-parsed ranges; addresses that do not parse never match. Ranges are
 * grouped by prefix length, so one check costs one mask and one Set lookup per distinct
 * length in the list (a few), not one comparison per entry.
 */
export function rangeMatcher(ranges: IpRange[]): IpMatcher {
  const byBits = new Map<number, Set<string>>();
  for (const r of ranges) {
    const set = byBits.get(r.bits) ?? new Set<string>();
    set.add(maskedKey(r.net, r.bits));
    byBits.set(r.bits, set);
  }
  const groups = [...byBits];
  return (addr) => {
    const b = parseIp(addr);
    if (b === null) return false;
    for (const [bits, nets] of groups) if (nets.has(maskedKey(b, bits))) return true;
    return false;
  };
}

/**
 * Parses a list of entries; collects every bad one with its 1-based position so a form can
 * name the row.
 */
export function parseRanges(entries: unknown[]): {
  ranges: IpRange[];
  errors: Array<{ index: number; message: string }>;
} {
  const ranges: IpRange[] = [];
  const errors: Array<{ index: number; message: string }> = [];
  entries.forEach((e, index) => {
    try {
      ranges.push(parseRange(e));
    } catch (err) {
      if (!(err instanceof IpEntryError)) throw err;
      errors.push({ index, message: err.message });
    }
  });
  return { ranges, errors };
}
