/**
 * ESC/POS command encoder: the only place that knows printer bytes.
 *
 * Command facts follow the Epson ESC/POS command reference (TM series); every method names
 * the command it emits. Text is encoded in code page PC858 (PC850 with the euro sign at
 * 0xD5), selected with ESC t 19, because it covers German, French, Spanish and Nordic shop
 * text. Characters outside PC858 lose their accents (é → e) or become "?".
 */

const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;

/** ESC t n value for PC858 (Epson: "Page 19 [PC858: Euro]"). */
export const CODE_PAGE_PC858 = 19;

/** Unicode → PC858 for the upper half (0x80-0xFF); ASCII maps to itself. */
const PC858_UPPER =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

const TO_PC858 = new Map<string, number>();
for (let i = 0; i < PC858_UPPER.length; i++) TO_PC858.set(PC858_UPPER[i], 0x80 + i);
const FROM_PC858 = [...PC858_UPPER];

/** Encodes text for the printer: PC858, accents dropped where needed, control chars removed. */
export function encodePc858(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out.push(code);
    else if (TO_PC858.has(ch)) out.push(TO_PC858.get(ch)!);
    else if (code < 0x20 || code === 0x7f) continue;
    else {
      // Fall back to the base letter (NFD splits "ő" into "o" + combining mark).
      const base = ch.normalize('NFD')[0];
      const b = base.codePointAt(0)!;
      if (b >= 0x20 && b < 0x7f) out.push(b);
      else if (TO_PC858.has(base)) out.push(TO_PC858.get(base)!);
      else out.push(0x3f); // '?'
    }
  }
  return Buffer.from(out);
}

/** PC858 byte → Unicode (for the decoder used by tests and diagnostics). */
export function decodePc858Byte(b: number): string {
  return b < 0x80 ? String.fromCharCode(b) : FROM_PC858[b - 0x80];
}

export type Align = 'left' | 'center' | 'right';

export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';

/** Builds one ESC/POS byte stream. Methods chain; bytes() returns the result. */
export class EscPos {
  private chunks: Buffer[] = [];

  private push(...bytes: number[]): this {
    this.chunks.push(Buffer.from(bytes));
    return this;
  }

  /** ESC @ — initialise printer (clears modes), then ESC t 19 — code page PC858. */
  init(): this {
    return this.push(ESC, 0x40).push(ESC, 0x74, CODE_PAGE_PC858);
  }

  /** ESC a n — justification (0 left, 1 centre, 2 right). */
  align(a: Align): this {
    return this.push(ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2);
  }

  /** ESC E n — emphasised (bold) on/off. */
  bold(on: boolean): this {
    return this.push(ESC, 0x45, on ? 1 : 0);
  }

  /** GS ! n — character size: width and height magnification 1-8. */
  size(width: number, height: number): this {
    const w = Math.min(8, Math.max(1, Math.trunc(width))) - 1;
    const h = Math.min(8, Math.max(1, Math.trunc(height))) - 1;
    return this.push(GS, 0x21, (w << 4) | h);
  }

  /** Text in PC858 without a line feed. */
  text(s: string): this {
    this.chunks.push(encodePc858(s));
    return this;
  }

  /** Text followed by LF (print and line feed). */
  line(s = ''): this {
    return this.text(s).push(LF);
  }

  /** ESC d n — print and feed n lines. */
  feed(lines: number): this {
    return this.push(ESC, 0x64, Math.min(255, Math.max(0, Math.trunc(lines))));
  }

  /**
   * QR code through GS ( k (symbol type QR, model 2):
   *   fn 165 select model, fn 167 module size, fn 169 error correction,
   *   fn 180 store data, fn 181 print stored symbol.
   * Data is ASCII (a URL); at most 7089 bytes per the reference, we allow far less.
   */
  qr(data: string, opts: { moduleSize?: number; errorLevel?: QrErrorLevel } = {}): this {
    const payload = Buffer.from(data, 'latin1');
    if (payload.length === 0 || payload.length > 1000)
      throw new RangeError('escpos: QR data must be 1-1000 bytes');
    const size = Math.min(16, Math.max(1, opts.moduleSize ?? 6));
    const level = { L: 48, M: 49, Q: 50, H: 51 }[opts.errorLevel ?? 'M'];
    const storeLen = payload.length + 3;
    this.push(GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0); // fn 165: model 2
    this.push(GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, size); // fn 167: module size
    this.push(GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, level); // fn 169: error correction
    this.push(GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30); // fn 180
    this.chunks.push(payload);
    return this.push(GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30); // fn 181: print
  }

  /** GS V 66 n — feed n lines' worth of paper to the cutter, then partial cut. */
  cut(feedLines = 3): this {
    return this.push(GS, 0x56, 66, Math.min(255, Math.max(0, feedLines)));
  }

  /**
   * ESC p m t1 t2 — generate pulse: drawer kick connector pin 2 (m = 0), on for t1 × 2 ms,
   * off for t2 × 2 ms. 25/250 (50 ms on, 500 ms off) opens common drawers reliably.
   */
  drawerKick(pin: 2 | 5 = 2, onUnits = 25, offUnits = 250): this {
    return this.push(ESC, 0x70, pin === 2 ? 0 : 1, onUnits & 0xff, offUnits & 0xff);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
