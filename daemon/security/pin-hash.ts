/**
 * PIN hashing: scrypt (RFC 7914) with a random 16-byte salt per PIN. A 4-8 digit PIN has
 * little entropy, so the slow hash only protects a stolen employees.json against quick
 * offline guessing; the online defence is the lock-out (pin-lockout.ts).
 * Stored as "scrypt$N$r$p$salt$hash" (base64url) so the cost can be raised later.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(pin: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(pin, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export const PIN_RE = /^[0-9]{4,8}$/;

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pin, salt, KEYLEN, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  // Bounds keep a tampered file from making one login cost gigabytes.
  if (!(n >= 2 && n <= 2 ** 20 && r >= 1 && r <= 32 && p >= 1 && p <= 4)) return false;
  if (expected.length < 16 || expected.length > 64) return false;
  const maxmem = 256 * n * r + (1 << 20);
  const key = await scrypt(pin, salt, expected.length, { N: n, r, p, maxmem });
  return timingSafeEqual(key, expected);
}
