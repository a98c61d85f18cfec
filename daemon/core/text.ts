/**
 * Ground floor: checks on text that reaches a receipt, a screen or a log. Unicode
 * bidirectional formatting characters (UAX #9: the embeddings and overrides LRE RLE PDF LRO
 * RLO U+202A-U+202E, the isolates LRI RLI FSI PDI U+2066-U+2069, and the marks LRM U+200E,
 * RLM U+200F, ALM U+061C) make text display in another order than it is stored: "Trojan
 * Source", CVE-2021-42574. A product name or a barcode never needs them, so they are refused
 * (the one check every entry point calls: catalog, checkout, scanners).
 */

/** The stable error code for such a refusal. */
export const BIDI_CONTROL_CODE = 'bidi_control_character';

const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** True when `text` holds a bidi formatting character. */
export function hasBidiControl(text: string): boolean {
  return BIDI_CONTROL.test(text);
}

/** The first bidi formatting character in `text` as "U+202E", or null. */
export function bidiControlIn(text: string): string | null {
  const m = BIDI_CONTROL.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}
