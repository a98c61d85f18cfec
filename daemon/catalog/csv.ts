/**
 * CSV reading and writing (RFC 4180: quoted fields, doubled quotes, CRLF). The delimiter is
 * detected from the header line, since spreadsheets in German locales write ";".
 */

/**
 * Bytes of an uploaded CSV to text. UTF-8 (with or without Excel's BOM) when the bytes are
 * valid UTF-8; otherwise Windows-1252, which is what "CSV (Trennzeichen-getrennt)" from a
 * German Excel writes, so "Getränke" survives either way.
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/**
 * Windows-1252: Latin-1 except 0x80-0x9F (WHATWG Encoding, index-windows-1252). Decoded here
 * because Node's TextDecoder treats the label as plain Latin-1 (0x80 would not become €).
 */
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b);
  }
  return out;
}

export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 } as Record<',' | ';' | '\t', number>;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as ',' | ';' | '\t']++;
  }
  return (Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0] as ',' | ';' | '\t') ?? ',';
}

/**
 * Parses CSV text into records of fields. Blank lines stay in the result (as `['']`) so a
 * record's index + 1 is the row number a spreadsheet shows. Throws on an unterminated quote.
 */
export function parseCsv(text: string, delimiter?: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Excel's UTF-8 BOM
  const delim = delimiter ?? detectDelimiter(text.split(/\r?\n/, 1)[0] ?? '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delim) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** True for a record with no content (a blank line or a row of empty cells like ";;;"). */
export function isBlankRecord(record: string[]): boolean {
  return record.every((f) => f.trim() === '');
}

/**
 * A leading =, +, -, @, tab or CR makes spreadsheets run a cell as a formula (CSV injection,
 * OWASP "CSV Injection"); such text is exported with a leading apostrophe. Text that already
 * starts with apostrophes before such a character gets one more, so import can always strip
 * exactly one and export → import stays lossless.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Undoes csvField's protective apostrophe on import. */
export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

export function csvField(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(s) && !NUMBER.test(s) ? `'${s}` : s;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: Array<string | number | boolean | null | undefined>): string {
  return fields.map(csvField).join(',') + '\r\n';
}
