/**
 * What "Alt + keypad digits" types on Windows, which keyboard-wedge scanners in "emulate keypad"
 * mode rely on: with a leading 0 the ANSI code page (Windows-1252), without it the OEM code
 * page of the system's country for 128-255 (437 in the US, 850 in Western Europe; Microsoft's
 * code page tables). Below 128 both are ASCII.
 */
import type { Layout } from './keymaps.js';

/** Code page 437, characters 0x80-0xFF. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ' +
  'áíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/** Code page 850, characters 0x80-0xFF. */
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒ' +
  'áíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐' +
  '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀' +
  'ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

/** Windows-1252, 0x80-0x9F (the rest of 0xA0-0xFF is Latin-1); U+FFFD where it has none. */
const CP1252_80_9F = '€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ';

/**
 * The character of an Alt code (its decimal digits as typed), or null when Windows would type
 * nothing (0, above 255). The OEM code page follows the scanner's keyboard country: 437 for
 * `us`, 850 for the European layouts.
 */
export function altCodeChar(digits: string, layout: Layout): string | null {
  const code = Number(digits);
  if (digits.length === 0 || !Number.isInteger(code) || code === 0 || code > 255) return null;
  if (code < 128) return String.fromCharCode(code);
  if (digits.startsWith('0')) {
    if (code >= 0xa0) return String.fromCharCode(code);
    const ch = CP1252_80_9F[code - 0x80];
    return ch === '\ufffd' ? null : ch;
  }
  return (layout === 'us' ? CP437_HIGH : CP850_HIGH)[code - 128];
}
