/**
 * The base32 alphabet of pairing secrets: only letters that every supported scanner layout
 * (us, de, fr, uk, ch; ./keymaps.ts) puts on the same key with the same Shift state, so a
 * keyboard-wedge scanner set to any of them types the code unchanged. Left out: digits (Shift
 * on French AZERTY), A Q W Z M (AZERTY) and Y (QWERTZ), I and O and their lower case plus l
 * (easy to misread). Upper and lower case count apart; all are CODE128 set B.
 * tests/unit/scanner-layouts.test.ts checks the invariance over every pair of layouts.
 */
export const ALPHABET = 'BCDEFGHJKLNPRSTUVXbcdefghjknprst';

const INDEX = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/** Writes unsigned integers of any bit width, MSB first, and yields base32 characters. */
export class BitWriter {
  private bits: number[] = [];

  write(value: number | bigint, width: number): this {
    const v = BigInt(value);
    if (v < 0n || v >= 1n << BigInt(width)) throw new RangeError(`${v} does not fit ${width} bits`);
    for (let i = width - 1; i >= 0; i--) this.bits.push(Number((v >> BigInt(i)) & 1n));
    return this;
  }

  /** Zero-pads to whole characters. */
  toString(): string {
    let out = '';
    for (let i = 0; i < this.bits.length; i += 5) {
      let n = 0;
      for (let j = 0; j < 5; j++) n = (n << 1) | (this.bits[i + j] ?? 0);
      out += ALPHABET[n];
    }
    return out;
  }
}

/** Reads what BitWriter wrote; null from fromString() on a character outside the alphabet. */
export class BitReader {
  private pos = 0;

  private constructor(private readonly bits: number[]) {}

  static fromString(text: string): BitReader | null {
    const bits: number[] = [];
    for (const c of text) {
      const n = INDEX.get(c);
      if (n === undefined) return null;
      for (let i = 4; i >= 0; i--) bits.push((n >> i) & 1);
    }
    return new BitReader(bits);
  }

  get remaining(): number {
    return this.bits.length - this.pos;
  }

  read(width: number): bigint {
    if (width > this.remaining) throw new RangeError('read past the end');
    let v = 0n;
    for (let i = 0; i < width; i++) v = (v << 1n) | BigInt(this.bits[this.pos++]);
    return v;
  }
}

/** Fixed-width base32 of a non-negative integer. */
export function encodeInt(value: number | bigint, chars: number): string {
  return new BitWriter().write(value, chars * 5).toString();
}

export function decodeInt(text: string): bigint | null {
  const r = BitReader.fromString(text);
  return r ? r.read(r.remaining) : null;
}
