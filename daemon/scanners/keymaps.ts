/**
 * Keyboard layouts for keyboard-wedge scanners: what a boot-keyboard usage id (HID Usage
 * Tables, Keyboard/Keypad page 0x07) produces with the scanner's "keyboard country" set to
 * US or German. A scanner types a barcode by pressing the keys a person would press on that
 * layout, so decoding must use the same layout the scanner was configured for.
 *
 * The German table follows the T2 layout (DIN 2137) as the Linux xkb `de` map does:
 * y/z swapped, ß ü ö ä on the US punctuation keys, Shift+digit symbols (" § & / ( ) =), and
 * AltGr (Right Alt) for @ € µ { [ ] } \ ~ |. ^ ´ ` are dead keys there.
 * French (xkb `fr`, AZERTY): a/q and z/w swapped, m on the US `;` key, digits with Shift.
 * UK (xkb `gb`): US letters and digits; " and @ swapped, £ on Shift+3, # ~ on the ISO key.
 * Swiss German (xkb `ch`): QWERTZ, Shift+digits + " * ç % & / ( ) =, ü ö ä with è é à on Shift.
 */
export type Layout = 'us' | 'de' | 'fr' | 'uk' | 'ch';
/** Supported layouts; `us` first: what scanners ship with. */
export const LAYOUTS: readonly Layout[] = ['us', 'de', 'fr', 'uk', 'ch'];

/** A key's output: plain, with Shift, with AltGr. `dead:` marks a dead (accent) key. */
export type KeyDef = readonly [plain: string, shift: string, altGr?: string];

export const DEAD_PREFIX = 'dead:';

/** Usage ids with a fixed meaning in every layout (HUT 1.4, section 10). */
export const USAGE = {
  errorRollOver: 0x01,
  postFail: 0x02,
  errorUndefined: 0x03,
  enter: 0x28,
  escape: 0x29,
  backspace: 0x2a,
  tab: 0x2b,
  capsLock: 0x39,
  keypadEnter: 0x58,
} as const;

/** Modifier byte bits of the boot keyboard report (HID 1.11, appendix B.1). */
export const MOD = {
  leftCtrl: 0x01,
  leftShift: 0x02,
  leftAlt: 0x04,
  leftGui: 0x08,
  rightCtrl: 0x10,
  rightShift: 0x20,
  rightAlt: 0x40,
  rightGui: 0x80,
} as const;

function letters(swapYZ: boolean): Record<number, KeyDef> {
  const out: Record<number, KeyDef> = {};
  for (let i = 0; i < 26; i++) {
    let c = String.fromCharCode(0x61 + i);
    if (swapYZ && c === 'y') c = 'z';
    else if (swapYZ && c === 'z') c = 'y';
    out[0x04 + i] = [c, c.toUpperCase()];
  }
  return out;
}

/** Keypad with Num Lock on; the decimal key follows the layout (`,` in German). */
function keypad(decimal: string): Record<number, KeyDef> {
  const out: Record<number, KeyDef> = {
    0x54: ['/', '/'],
    0x55: ['*', '*'],
    0x56: ['-', '-'],
    0x57: ['+', '+'],
    0x62: ['0', '0'],
    0x63: [decimal, decimal],
  };
  for (let d = 1; d <= 9; d++) out[0x58 + d] = [String(d), String(d)];
  return out;
}

const US: Record<number, KeyDef> = {
  ...letters(false),
  0x1e: ['1', '!'],
  0x1f: ['2', '@'],
  0x20: ['3', '#'],
  0x21: ['4', '$'],
  0x22: ['5', '%'],
  0x23: ['6', '^'],
  0x24: ['7', '&'],
  0x25: ['8', '*'],
  0x26: ['9', '('],
  0x27: ['0', ')'],
  0x2c: [' ', ' '],
  0x2d: ['-', '_'],
  0x2e: ['=', '+'],
  0x2f: ['[', '{'],
  0x30: [']', '}'],
  0x31: ['\\', '|'],
  // Non-US # (0x32) is the same key code as backslash under Linux (KEY_BACKSLASH).
  0x32: ['\\', '|'],
  0x33: [';', ':'],
  0x34: ["'", '"'],
  0x35: ['`', '~'],
  0x36: [',', '<'],
  0x37: ['.', '>'],
  0x38: ['/', '?'],
  0x64: ['<', '>'],
  ...keypad('.'),
};

const DE: Record<number, KeyDef> = {
  ...letters(true),
  0x08: ['e', 'E', '€'],
  0x10: ['m', 'M', 'µ'],
  0x14: ['q', 'Q', '@'],
  0x1e: ['1', '!'],
  0x1f: ['2', '"', '²'],
  0x20: ['3', '§', '³'],
  0x21: ['4', '$'],
  0x22: ['5', '%'],
  0x23: ['6', '&'],
  0x24: ['7', '/', '{'],
  0x25: ['8', '(', '['],
  0x26: ['9', ')', ']'],
  0x27: ['0', '=', '}'],
  0x2c: [' ', ' '],
  0x2d: ['ß', '?', '\\'],
  0x2e: [`${DEAD_PREFIX}´`, `${DEAD_PREFIX}\``],
  0x2f: ['ü', 'Ü'],
  0x30: ['+', '*', '~'],
  0x31: ['#', "'"],
  0x32: ['#', "'"],
  0x33: ['ö', 'Ö'],
  0x34: ['ä', 'Ä'],
  0x35: [`${DEAD_PREFIX}^`, '°'],
  0x36: [',', ';'],
  0x37: ['.', ':'],
  0x38: ['-', '_'],
  0x64: ['<', '>', '|'],
  ...keypad(','),
};

function swap(map: Record<number, KeyDef>, a: number, b: number): void {
  const t = map[a];
  map[a] = map[b];
  map[b] = t;
}

const FR: Record<number, KeyDef> = {
  ...letters(false),
  0x08: ['e', 'E', '€'],
  0x1e: ['&', '1'],
  0x1f: ['é', '2', `${DEAD_PREFIX}~`],
  0x20: ['"', '3', '#'],
  0x21: ["'", '4', '{'],
  0x22: ['(', '5', '['],
  0x23: ['-', '6', '|'],
  0x24: ['è', '7', `${DEAD_PREFIX}\``],
  0x25: ['_', '8', '\\'],
  0x26: ['ç', '9', '^'],
  0x27: ['à', '0', '@'],
  0x2c: [' ', ' '],
  0x2d: [')', '°', ']'],
  0x2e: ['=', '+', '}'],
  0x2f: [`${DEAD_PREFIX}^`, `${DEAD_PREFIX}¨`],
  0x30: ['$', '£', '¤'],
  0x31: ['*', 'µ'],
  0x32: ['*', 'µ'],
  0x33: ['m', 'M'],
  0x34: ['ù', '%'],
  0x35: ['²', '²'],
  0x10: [',', '?'],
  0x36: [';', '.'],
  0x37: [':', '/'],
  0x38: ['!', '§'],
  0x64: ['<', '>'],
  ...keypad('.'),
};
swap(FR, 0x04, 0x14); // a ↔ q
swap(FR, 0x1a, 0x1d); // w ↔ z

const UK: Record<number, KeyDef> = {
  ...US,
  0x1f: ['2', '"'],
  0x20: ['3', '£'],
  0x21: ['4', '$', '€'],
  0x31: ['#', '~'],
  0x32: ['#', '~'],
  0x34: ["'", '@'],
  0x35: ['`', '¬', '|'],
  0x64: ['\\', '|'],
};

const CH: Record<number, KeyDef> = {
  ...letters(true),
  0x08: ['e', 'E', '€'],
  0x1e: ['1', '+', '¦'],
  0x1f: ['2', '"', '@'],
  0x20: ['3', '*', '#'],
  0x21: ['4', 'ç'],
  0x22: ['5', '%'],
  0x23: ['6', '&', '¬'],
  0x24: ['7', '/', '|'],
  0x25: ['8', '(', '¢'],
  0x26: ['9', ')'],
  0x27: ['0', '='],
  0x2c: [' ', ' '],
  0x2d: ["'", '?', `${DEAD_PREFIX}´`],
  0x2e: [`${DEAD_PREFIX}^`, `${DEAD_PREFIX}\``, `${DEAD_PREFIX}~`],
  0x2f: ['ü', 'è', '['],
  0x30: [`${DEAD_PREFIX}¨`, '!', ']'],
  0x31: ['$', '£', '}'],
  0x32: ['$', '£', '}'],
  0x33: ['ö', 'é'],
  0x34: ['ä', 'à', '{'],
  0x35: ['§', '°'],
  0x36: [',', ';'],
  0x37: ['.', ':'],
  0x38: ['-', '_'],
  0x64: ['<', '>', '\\'],
  ...keypad('.'),
};

export const KEYMAPS: Record<Layout, Readonly<Record<number, KeyDef>>> = {
  us: US,
  de: DE,
  fr: FR,
  uk: UK,
  ch: CH,
};

/** Unicode combining marks for the dead keys (composed with NFC). */
export const COMBINING: Record<string, string> = {
  '^': '\u0302',
  '´': '\u0301',
  '`': '\u0300',
  '~': '\u0303',
  '¨': '\u0308',
};

/** One key press: modifier byte (MOD bits) and usage id. */
export interface KeyPress {
  mods: number;
  usage: number;
}

/**
 * The key presses a scanner set to `layout` makes to type `text` (no terminator), or null
 * when a character has no key (no dead-key composition). Simulator, tests, layout checks.
 */
export function typeText(text: string, layout: Layout): KeyPress[] | null {
  const map = KEYMAPS[layout];
  const out: KeyPress[] = [];
  for (const ch of text) {
    let found: KeyPress | null = null;
    for (const [k, def] of Object.entries(map)) {
      const usage = Number(k);
      if (usage >= 0x54) continue; // not the keypad
      if (def[0] === ch) found = { mods: 0, usage };
      else if (def[1] === ch) found = { mods: MOD.leftShift, usage };
      else if (def[2] === ch) found = { mods: MOD.rightAlt, usage };
      if (found) break;
    }
    if (!found) return null;
    out.push(found);
  }
  return out;
}

export function isLayout(v: unknown): v is Layout {
  return typeof v === 'string' && (LAYOUTS as readonly string[]).includes(v);
}
