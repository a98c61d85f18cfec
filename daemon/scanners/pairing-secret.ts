/**
 * Pairing secrets: `PREFIX + mode + issued + body + mac`, all in the layout-safe base32 of
 * ./base32.ts so CODE128 and keyboard-wedge scanners in every supported layout read them unchanged.
 *
 *   mode    1 char   D = the terminal id is embedded, H = a persisted short terminal handle
 *   issued  7 chars  issue time, Unix seconds (35 bits: good until the year 3058)
 *   body    n chars  D: the terminal id, 6 bits per character ([A-Za-z0-9_-] is exactly 64);
 *                    H: the handle number
 *   mac    12 chars  the first 60 bits of HMAC-SHA256(SCANNER_PAIRING_SIGNING_SECRET, ...)
 *                    over mode, issue time and the terminal id itself
 *
 * With the defaults (prefix POSLINK-, 48 characters) terminal ids up to 16 characters are
 * embedded and verification needs no state at all. Longer ids (up to 64) get a handle from
 * pairings.json; the MAC still covers the real terminal id, so a handle table restored from
 * an old backup can never pair a scanner with the wrong terminal.
 *
 * Revocation without extra characters: the MAC also covers the terminal's code generation and
 * the global epoch (pairings.json). Unpairing a scanner bumps its terminal's generation, "revoke
 * all" the epoch; every code signed before no longer verifies (refused as `revoked`). Codes of
 * generation 0 and epoch 0 are signed exactly as before revocation existed.
 *
 * 60 bits of MAC: a forger has to present ~2^59 codes through a scanner (or the network scan
 * API, which needs the scanner secret and is rate limited) to expect one success.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { BitReader, BitWriter, decodeInt, encodeInt } from './base32.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const ID_INDEX = new Map<string, number>([...ID_ALPHABET].map((c, i) => [c, i]));
const ISSUED_CHARS = 7;
const MAC_CHARS = 12;
/** mode + issued + at least one body char + mac. */
const MIN_PAYLOAD = 1 + ISSUED_CHARS + 1 + MAC_CHARS;
/** Tolerated clock difference for codes "issued in the future" (another clock, NTP steps). */
const FUTURE_SKEW_S = 300;

/** Maps long terminal ids to short numbers (persisted by the pairing store). */
export interface TerminalHandles {
  handleFor(terminalId: string): Promise<number>;
  terminalFor(handle: number): string | null;
  /** The generation of a terminal's codes and the global epoch, signed into every code. */
  generationOf(terminalId: string): { epoch: number; generation: number };
}

export interface PairingSecretDeps {
  prefix: string;
  signingSecret: string;
  maxLength: number;
  maxAgeDays: number;
  clock: Clock;
  handles: TerminalHandles;
}

export interface IssuedSecret {
  secret: string;
  issued_at: string;
  expires_at: string;
}

export type RefusalCode =
  | 'too_long'
  | 'truncated'
  | 'malformed'
  | 'forged'
  | 'unknown_terminal'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked';

export type Verification =
  | { ok: true; terminal_id: string; issued_at: string }
  | { ok: false; code: RefusalCode; reason: string };

export class PairingSecrets {
  constructor(private readonly deps: PairingSecretDeps) {
    if (deps.maxLength - deps.prefix.length < MIN_PAYLOAD) {
      throw new Error(
        `pairing: SCANNER_PAIRING_BARCODE_MAX_LENGTH ${deps.maxLength} leaves no room after the prefix (needs ${deps.prefix.length + MIN_PAYLOAD})`,
      );
    }
  }

  /** Does a scanned value claim to be a pairing secret? (Such a value never reaches a cart.) */
  isPairingValue(value: string): boolean {
    return value.toUpperCase().startsWith(this.deps.prefix.toUpperCase());
  }

  /** Longest terminal id that is embedded directly (longer ids use a handle). */
  get maxEmbeddedIdLength(): number {
    const bodyChars = this.deps.maxLength - this.deps.prefix.length - 1 - ISSUED_CHARS - MAC_CHARS;
    return Math.floor((bodyChars * 5) / 6);
  }

  async issue(terminalId: string): Promise<IssuedSecret> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(terminalId)) {
      throw new RangeError('terminal id must be 1-64 characters of letters, digits, "_" and "-"');
    }
    const issued = Math.floor(this.deps.clock.now() / 1000);
    let mode: 'D' | 'H';
    let body: string;
    if (terminalId.length <= this.maxEmbeddedIdLength) {
      mode = 'D';
      const w = new BitWriter();
      for (const c of terminalId) w.write(ID_INDEX.get(c)!, 6);
      body = w.toString();
    } else {
      mode = 'H';
      body = handleToString(await this.deps.handles.handleFor(terminalId));
    }
    const head = mode + encodeInt(issued, ISSUED_CHARS) + body;
    const gen = this.deps.handles.generationOf(terminalId);
    const secret = this.deps.prefix + head + this.mac(mode, issued, terminalId, gen);
    if (secret.length > this.deps.maxLength) {
      // Only reachable with an enormous handle table; refuse rather than print an unreadable code.
      throw new RangeError(
        `pairing code would be ${secret.length} characters, over the maximum ${this.deps.maxLength}`,
      );
    }
    return {
      secret,
      issued_at: new Date(issued * 1000).toISOString(),
      expires_at: new Date((issued + this.maxAgeSeconds) * 1000).toISOString(),
    };
  }

  verify(value: string): Verification {
    const first = this.verifyExact(value);
    if (first.ok || first.code === 'too_long' || first.code === 'truncated') return first;
    // The alphabet is mixed case: a scanner typing with Caps Lock on swaps every letter.
    const p = this.deps.prefix.length;
    const swapped = this.verifyExact(value.slice(0, p) + swapCase(value.slice(p)));
    return swapped.ok ? swapped : first;
  }

  private verifyExact(value: string): Verification {
    const { prefix, maxLength } = this.deps;
    if (value.length > maxLength) {
      return refuse(
        'too_long',
        `Pairing code is longer than ${maxLength} characters; it is not one of ours.`,
      );
    }
    const payload = value.slice(prefix.length);
    if (payload.length < MIN_PAYLOAD) {
      return refuse('truncated', 'Pairing code is incomplete (truncated read); scan it again.');
    }
    const mode = payload[0];
    const issuedText = payload.slice(1, 1 + ISSUED_CHARS);
    const body = payload.slice(1 + ISSUED_CHARS, payload.length - MAC_CHARS);
    const mac = payload.slice(payload.length - MAC_CHARS);
    const issuedBig = decodeInt(issuedText);
    if ((mode !== 'D' && mode !== 'H') || issuedBig === null || decodeInt(mac) === null) {
      return refuse('malformed', 'Pairing code is not readable; show a new code on the terminal.');
    }
    const issued = Number(issuedBig);
    const terminal = mode === 'D' ? decodeEmbeddedId(body) : this.terminalFromHandle(body);
    if (terminal === undefined) {
      return refuse('malformed', 'Pairing code is not readable; show a new code on the terminal.');
    }
    if (terminal === null) {
      return refuse(
        'unknown_terminal',
        'Pairing code names a terminal this appliance does not know; show a new code.',
      );
    }
    const gen = this.deps.handles.generationOf(terminal);
    const expected = this.mac(mode, issued, terminal, gen);
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(mac))) {
      if (this.signedEarlier(mode, issued, terminal, gen, mac))
        return refuse(
          'revoked',
          'Pairing code was withdrawn (its scanner was unpaired); show a new code on the terminal.',
        );
      return refuse('forged', 'Pairing code is not signed by this appliance (damaged or forged).');
    }
    const now = Math.floor(this.deps.clock.now() / 1000);
    if (issued > now + FUTURE_SKEW_S) {
      return refuse(
        'not_yet_valid',
        'Pairing code is dated in the future; check the clock and show a new code.',
      );
    }
    if (now - issued > this.maxAgeSeconds) {
      return refuse(
        'expired',
        `Pairing code expired (valid ${this.deps.maxAgeDays} days); show a new code on the terminal.`,
      );
    }
    return { ok: true, terminal_id: terminal, issued_at: new Date(issued * 1000).toISOString() };
  }

  private get maxAgeSeconds(): number {
    return this.deps.maxAgeDays * 86_400;
  }

  /** undefined = not decodable, null = unknown handle. */
  private terminalFromHandle(body: string): string | null | undefined {
    const n = decodeInt(body);
    if (n === null || n > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    if (handleToString(Number(n)) !== body) return undefined; // non-canonical (leading zeros)
    return this.deps.handles.terminalFor(Number(n));
  }

  /** Was `mac` valid for an earlier generation or epoch (a withdrawn code, not a forgery)? */
  private signedEarlier(
    mode: string,
    issued: number,
    terminalId: string,
    now: { epoch: number; generation: number },
    mac: string,
  ): boolean {
    for (let epoch = now.epoch; epoch >= Math.max(0, now.epoch - 8); epoch--)
      for (let g = now.generation; g >= Math.max(0, now.generation - 8); g--) {
        if (epoch === now.epoch && g === now.generation) continue;
        const m = this.mac(mode, issued, terminalId, { epoch, generation: g });
        if (timingSafeEqual(Buffer.from(m), Buffer.from(mac))) return true;
      }
    return false;
  }

  private mac(
    mode: string,
    issued: number,
    terminalId: string,
    gen: { epoch: number; generation: number },
  ): string {
    const revocable = gen.epoch || gen.generation ? `\n${gen.epoch}.${gen.generation}` : '';
    const digest = createHmac('sha256', this.deps.signingSecret)
      .update(`counter-pos pairing v1\n${mode}\n${issued}\n${terminalId}${revocable}`)
      .digest();
    // First 60 bits = 12 base32 characters.
    return encodeInt(digest.readBigUInt64BE(0) >> 4n, MAC_CHARS);
  }
}

function refuse(code: RefusalCode, reason: string): Verification {
  return { ok: false, code, reason };
}

function handleToString(n: number): string {
  let chars = 1;
  while (BigInt(n) >= 1n << BigInt(chars * 5)) chars++;
  return encodeInt(n, chars);
}

/** undefined when the body is not a canonical encoding of 1-64 id characters. */
function decodeEmbeddedId(body: string): string | undefined {
  const r = BitReader.fromString(body);
  if (!r) return undefined;
  const count = Math.floor(r.remaining / 6);
  if (count < 1 || Math.ceil((count * 6) / 5) !== body.length) return undefined;
  let id = '';
  for (let i = 0; i < count; i++) id += ID_ALPHABET[Number(r.read(6))];
  if (r.read(r.remaining) !== 0n) return undefined; // padding bits must be zero
  return id;
}

function swapCase(text: string): string {
  return text.replace(/[a-z]+|[A-Z]+/g, (m) =>
    m === m.toLowerCase() ? m.toUpperCase() : m.toLowerCase(),
  );
}
