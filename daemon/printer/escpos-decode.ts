/**
 * Reads the ESC/POS bytes our layouts produce (through receipt-printer-encoder) back into
 * text and commands: tests check "the printed bytes read as this receipt", and an operator
 * without a printer can see what would print. Unknown commands are an error: the layouts must
 * never send bytes we cannot name. Text is decoded by the code page selected with ESC t
 * (19 = PC858, the receipts' code page; 0 = PC437, ASCII only here).
 */

/** PC858 (PC850 with the euro sign at 0xD5), upper half 0x80-0xFF. */
const PC858_UPPER =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';
const FROM_PC858 = [...PC858_UPPER];

export function decodePc858Byte(b: number): string {
  return b < 0x80 ? String.fromCharCode(b) : FROM_PC858[b - 0x80];
}

export type EscPosOp =
  | { op: 'init' }
  | { op: 'codepage'; page: number }
  | { op: 'kanji_off' }
  | { op: 'font'; value: number }
  | { op: 'align'; value: number }
  | { op: 'bold'; on: boolean }
  | { op: 'size'; width: number; height: number }
  | { op: 'feed'; lines: number }
  | { op: 'qr'; data: string; module_size: number; error_level: string }
  | { op: 'cut'; feed: number }
  | { op: 'drawer'; pin: number; on_ms: number; off_ms: number };

export interface Decoded {
  /**
   * Printed lines (text between line feeds; ESC d adds empty lines), without the spaces the
   * encoder pads centred and right-aligned text with.
   */
  lines: string[];
  ops: EscPosOp[];
  /** Lines printed while bold or enlarged (for "the total is emphasised" checks). */
  emphasised: string[];
}

export function decodeEscPos(buf: Uint8Array): Decoded {
  const lines: string[] = [];
  const ops: EscPosOp[] = [];
  const emphasised: string[] = [];
  let cur = '';
  let bold = false;
  let large = false;
  let curEmph = false;
  let qr: { size: number; level: string; data: string } = { size: 3, level: 'L', data: '' };
  let page = 19;
  const endLine = () => {
    cur = cur.trim();
    lines.push(cur);
    if (curEmph) emphasised.push(cur);
    cur = '';
    curEmph = false;
  };
  const need = (i: number, n: number) => {
    if (i + n > buf.length) throw new Error(`escpos: truncated command at byte ${i}`);
  };
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b === 0x0a) {
      endLine();
      i += 1;
    } else if (b === 0x1b) {
      need(i, 2);
      const c = buf[i + 1];
      if (c === 0x40) {
        ops.push({ op: 'init' });
        bold = false;
        large = false;
        i += 2;
      } else if (c === 0x74) {
        need(i, 3);
        page = buf[i + 2];
        ops.push({ op: 'codepage', page });
        i += 3;
      } else if (c === 0x4d) {
        need(i, 3);
        ops.push({ op: 'font', value: buf[i + 2] });
        i += 3;
      } else if (c === 0x61) {
        need(i, 3);
        ops.push({ op: 'align', value: buf[i + 2] });
        i += 3;
      } else if (c === 0x45) {
        need(i, 3);
        bold = (buf[i + 2] & 1) === 1;
        ops.push({ op: 'bold', on: bold });
        i += 3;
      } else if (c === 0x64) {
        need(i, 3);
        const n = buf[i + 2];
        ops.push({ op: 'feed', lines: n });
        if (cur) endLine();
        for (let k = 0; k < n; k++) lines.push('');
        i += 3;
      } else if (c === 0x70) {
        need(i, 5);
        ops.push({
          op: 'drawer',
          pin: buf[i + 2] & 1 ? 5 : 2,
          on_ms: buf[i + 3] * 2,
          off_ms: buf[i + 4] * 2,
        });
        i += 5;
      } else throw new Error(`escpos: unknown ESC 0x${c.toString(16)} at byte ${i}`);
    } else if (b === 0x1d) {
      need(i, 2);
      const c = buf[i + 1];
      if (c === 0x21) {
        need(i, 3);
        const n = buf[i + 2];
        const width = (n >> 4) + 1;
        const height = (n & 0x0f) + 1;
        large = width > 1 || height > 1;
        ops.push({ op: 'size', width, height });
        i += 3;
      } else if (c === 0x56) {
        need(i, 3);
        if (buf[i + 2] === 65 || buf[i + 2] === 66) {
          need(i, 4);
          ops.push({ op: 'cut', feed: buf[i + 3] });
          i += 4;
        } else {
          ops.push({ op: 'cut', feed: 0 });
          i += 3;
        }
      } else if (c === 0x28 && buf[i + 2] === 0x6b) {
        need(i, 5);
        const len = buf[i + 3] | (buf[i + 4] << 8);
        need(i + 5, len);
        const body = buf.subarray(i + 5, i + 5 + len);
        if (body[0] !== 0x31) throw new Error(`escpos: GS ( k for a symbol other than QR`);
        const fn = body[1];
        if (fn === 0x43) qr.size = body[2];
        else if (fn === 0x45)
          qr.level =
            ({ 48: 'L', 49: 'M', 50: 'Q', 51: 'H' } as Record<number, string>)[body[2]] ?? '?';
        else if (fn === 0x50) qr.data = Buffer.from(body.subarray(3)).toString('latin1');
        else if (fn === 0x51) {
          ops.push({ op: 'qr', data: qr.data, module_size: qr.size, error_level: qr.level });
          qr = { size: 3, level: 'L', data: '' };
        }
        i += 5 + len;
      } else throw new Error(`escpos: unknown GS 0x${c.toString(16)} at byte ${i}`);
    } else if (b === 0x1c && buf[i + 1] === 0x2e) {
      ops.push({ op: 'kanji_off' });
      i += 2;
    } else if (b === 0x0d) {
      i += 1; // CR after LF: the encoder ends lines with LF CR
    } else if (b < 0x20) {
      throw new Error(`escpos: unexpected control byte 0x${b.toString(16)} at byte ${i}`);
    } else {
      cur += page === 19 || b < 0x80 ? decodePc858Byte(b) : '?';
      if (bold || large) curEmph = true;
      i += 1;
    }
  }
  if (cur) endLine();
  return { lines, ops, emphasised };
}
