/**
 * Boot keyboard reports → barcodes, for keyboard-wedge scanners.
 *
 * A boot keyboard input report (HID 1.11, appendix B.1) is 8 bytes: modifier bits, a
 * reserved byte, and up to six usage ids of the keys currently held (Keyboard/Keypad page
 * 0x07). A key press is a usage that appears in a report and was not in the previous one;
 * releases produce nothing. Several new keys in one report (scanners in "fast" mode roll
 * keys over) are taken in slot order. A report full of ErrorRollOver (0x01) says "too many
 * keys" and carries no state, so it is ignored.
 *
 * A barcode ends at Enter, keypad Enter or Tab (or CR, LF, Tab sent as Ctrl+M/J/I or as Alt
 * codes), or when no report came for `gapMs` (for scanners configured without a suffix).
 *
 * Control characters inside a code (GS, the FNC1 separator of GS1 codes; RS and EOT of
 * ISO/IEC 15434) arrive as Ctrl + a key (GS = Ctrl+], RS = Ctrl+^) or as Alt codes. Left Alt +
 * keypad digits is the "Alt code" entry scanners use to be layout independent: produced when
 * Alt is released, ASCII below 128, above it Windows-1252 with a leading 0 and the OEM code
 * page without (./code-pages.ts).
 */
import { altCodeChar } from './code-pages.js';
import { COMBINING, DEAD_PREFIX, KEYMAPS, MOD, USAGE, type Layout } from './keymaps.js';

/** A barcode longer than this is a runaway device (or not a scanner); it is dropped. */
export const MAX_BARCODE_CHARS = 512;

const KEYPAD_DIGITS: Record<number, number> = {
  0x62: 0,
  0x59: 1,
  0x5a: 2,
  0x5b: 3,
  0x5c: 4,
  0x5d: 5,
  0x5e: 6,
  0x5f: 7,
  0x60: 8,
  0x61: 9,
};

/** A completed code and the reports it was typed with (to decode again in another layout). */
export interface TypedCode {
  text: string;
  reports: Uint8Array[];
  /** Ended by Enter, Tab (or CR/LF/Tab as control characters); false: by the gap. */
  terminated: boolean;
}

export class KeyboardDecoder {
  private held = new Set<number>();
  /** Reports of the code in progress (kept only until it ends; never stored or logged). */
  private raw: Uint8Array[] = [];
  private codes: TypedCode[] | null = null;
  private buffer = '';
  private dead: string | null = null;
  private capsLock = false;
  private altCode: string | null = null;
  private lastAt = -Infinity;
  /** Reports that could not be read (wrong size); for diagnostics. */
  malformed = 0;

  constructor(
    public layout: Layout,
    /** No report for this long ends a code without terminator; the reader may change it. */
    public gapMs: number,
  ) {}

  /** True while characters are waiting for a terminator (the reader arms the gap timer). */
  get pending(): boolean {
    return this.buffer.length > 0 || this.dead !== null;
  }

  /** Feeds one input report received at time `at` (ms); returns completed barcodes. */
  feed(report: Uint8Array, at: number): string[] {
    return this.feedCodes(report, at).map((c) => c.text);
  }

  /** Like feed(), with each code's reports. */
  feedCodes(report: Uint8Array, at: number): TypedCode[] {
    const codes: TypedCode[] = [];
    this.codes = codes;
    try {
      this.feedReport(report, at);
    } finally {
      this.codes = null;
    }
    return codes;
  }

  private feedReport(report: Uint8Array, at: number): string[] {
    const out: string[] = [];
    if (this.pending && at - this.lastAt > this.gapMs) this.finish(out);
    this.lastAt = at;
    if (this.raw.length < MAX_BARCODE_CHARS * 4) this.raw.push(Uint8Array.from(report));
    // 8 bytes; 9 when the device numbers its reports (report id first).
    if (report.length !== 8 && report.length !== 9) {
      this.malformed++;
      return out;
    }
    const r = report.length === 9 ? report.subarray(1) : report;
    const mods = r[0];
    const keys: number[] = [];
    for (let i = 2; i < 8; i++) if (r[i] !== 0) keys.push(r[i]);
    if (
      keys.some(
        (k) => k === USAGE.errorRollOver || k === USAGE.postFail || k === USAGE.errorUndefined,
      )
    ) {
      return out;
    }
    if (this.altCode !== null && !(mods & MOD.leftAlt)) this.endAltCode(out);
    for (const k of keys) {
      if (!this.held.has(k)) this.press(k, mods, out);
    }
    this.held = new Set(keys);
    // Between codes nothing is kept (key releases, modifier-only reports).
    if (!this.pending && this.altCode === null) this.raw = [];
    return out;
  }

  /** Called by the gap timer: ends a barcode that had no terminator. */
  flush(): string[] {
    return this.flushCodes().map((c) => c.text);
  }

  flushCodes(): TypedCode[] {
    const codes: TypedCode[] = [];
    this.codes = codes;
    try {
      this.finish([]);
    } finally {
      this.codes = null;
    }
    this.raw = [];
    return codes;
  }

  private press(key: number, mods: number, out: string[]): void {
    if (key === USAGE.enter || key === USAGE.keypadEnter || key === USAGE.tab) {
      this.finish(out, true);
      return;
    }
    if (key === USAGE.capsLock) {
      this.capsLock = !this.capsLock;
      return;
    }
    if (key === USAGE.backspace) {
      this.buffer = this.buffer.slice(0, -1);
      return;
    }
    if (key === USAGE.escape) {
      this.buffer = '';
      this.dead = null;
      return;
    }
    const ctrl = (mods & (MOD.leftCtrl | MOD.rightCtrl)) !== 0;
    const leftAlt = (mods & MOD.leftAlt) !== 0;
    // AltGr is Right Alt; scanners made for Windows often send Ctrl+Alt for it instead.
    const altGr = (mods & MOD.rightAlt) !== 0 || (ctrl && leftAlt);
    if (leftAlt && !altGr && key in KEYPAD_DIGITS) {
      this.altCode = (this.altCode ?? '') + KEYPAD_DIGITS[key];
      return;
    }
    if (ctrl && !leftAlt && !altGr) {
      const c = controlChar(this.layout, key, (mods & (MOD.leftShift | MOD.rightShift)) !== 0);
      if (c !== null) this.control(c, out);
      return;
    }
    if (leftAlt && !altGr) return; // shortcuts, not text
    const def = KEYMAPS[this.layout][key];
    if (!def) return;
    const shift = (mods & (MOD.leftShift | MOD.rightShift)) !== 0;
    let ch: string | undefined;
    if (altGr) ch = def[2];
    else {
      const isLetter = def[0].toUpperCase() === def[1] && def[0] !== def[1];
      ch = shift !== (this.capsLock && isLetter) ? def[1] : def[0];
    }
    if (!ch) return;
    if (ch.startsWith(DEAD_PREFIX)) {
      const accent = ch.slice(DEAD_PREFIX.length);
      if (this.dead) this.append(this.dead);
      this.dead = accent;
      return;
    }
    this.append(ch);
  }

  private append(ch: string): void {
    if (this.dead) {
      const accent = this.dead;
      this.dead = null;
      if (ch === ' ') ch = accent;
      else {
        const composed = (ch + COMBINING[accent]).normalize('NFC');
        ch = composed.length === 1 ? composed : accent + ch;
      }
    }
    // Past the limit the code is dropped at its end anyway; stop growing memory.
    if (this.buffer.length <= MAX_BARCODE_CHARS) this.buffer += ch;
  }

  private endAltCode(out: string[]): void {
    const digits = this.altCode!;
    this.altCode = null;
    const ch = altCodeChar(digits, this.layout);
    if (ch === null) return;
    if (ch < ' ') this.control(ch, out);
    else this.append(ch);
  }

  /** A control character: CR, LF and Tab end the code; the others are part of it. */
  private control(ch: string, out: string[]): void {
    if (ch === '\r' || ch === '\n' || ch === '\t') this.finish(out, true);
    else if (ch !== '\x1b') this.append(ch);
  }

  private finish(out: string[], terminated = false): void {
    if (this.dead) this.append(' ');
    const code = this.buffer;
    this.buffer = '';
    const reports = this.raw;
    this.raw = [];
    if (code.length > 0 && code.length <= MAX_BARCODE_CHARS) {
      out.push(code);
      this.codes?.push({ text: code, reports, terminated });
    }
  }
}

/**
 * Ctrl + key → the ASCII control character (Ctrl+@ … Ctrl+_ are 0x00-0x1F): the key's
 * character in the scanner's layout, or else at its US position (GS is Ctrl+] whatever key
 * `]` is on). Null for keys without one.
 */
function controlChar(layout: Layout, key: number, shift: boolean): string | null {
  for (const def of [KEYMAPS[layout][key], KEYMAPS.us[key]]) {
    const ch = def?.[shift ? 1 : 0];
    if (!ch || ch.length !== 1) continue;
    const code = ch.toUpperCase().charCodeAt(0);
    if (code > 0x40 && code <= 0x5f) return String.fromCharCode(code - 0x40);
  }
  return null;
}

/** What the same reports say in another layout (the first code they make, or ""). */
export function decodeAs(reports: readonly Uint8Array[], layout: Layout): string {
  const d = new KeyboardDecoder(layout, Infinity);
  const out: string[] = [];
  for (const r of reports) out.push(...d.feed(r, 0));
  out.push(...d.flush());
  return out[0] ?? '';
}
