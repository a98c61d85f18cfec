/**
 * The catalog's CSV: export cells, and reading an uploaded file row by row in a chosen
 * encoding. CSV syntax is csv-parse / csv-stringify (daemon/core/csv.ts).
 *
 * Encoding: UTF-8 unless the owner chooses Windows-1252 (what "CSV (Trennzeichen-getrennt)"
 * from a German Excel writes). The file is never re-decoded behind the owner's back: in UTF-8,
 * a row holding bytes that are not UTF-8 is refused with a row-level error naming the row and
 * the encoding choice; every other row imports as it is. A UTF-8 byte order mark means UTF-8
 * whatever was chosen (as the WHATWG Encoding Standard's decode does).
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import {
  csvErrorReason,
  csvText,
  detectDelimiter,
  parseOptions,
  type CsvCell,
} from '../core/csv.js';

export {
  detectDelimiter,
  isBlankRecord,
  parseCsv,
  unescapeFormula,
  neutraliseFormula,
} from '../core/csv.js';

export const CSV_ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** An encoding label (WHATWG names and the usual aliases) → ours; null when unknown. */
export function csvEncoding(label: string): CsvEncoding | null {
  const l = label.trim().toLowerCase();
  if (['utf-8', 'utf8', 'unicode-1-1-utf-8'].includes(l)) return 'utf-8';
  if (['windows-1252', 'cp1252', 'x-cp1252', 'ansi'].includes(l)) return 'windows-1252';
  return null;
}

/**
 * Windows-1252 bytes 0x80-0x9F (WHATWG index-windows-1252); the rest is Latin-1. Needed
 * because Node's own TextDecoder('windows-1252') decodes those bytes as Latin-1 C1 controls
 * since Node 20.18.3 / 22.13 (nodejs/node#56542, #60888: 0x80 gives U+0080, not €). The
 * platform decoder is used, and this table only repairs its output where it is wrong.
 */
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const cp1252 = new TextDecoder('windows-1252');
/** True where the platform decodes 0x80-0x9F right (a Node with the fix). */
export const PLATFORM_CP1252_OK = cp1252.decode(Uint8Array.of(0x80, 0x9f)) === '\u20ac\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  const text = cp1252.decode(bytes);
  return PLATFORM_CP1252_OK
    ? text
    : text.replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text in the chosen encoding; throws TypeError on bytes that are not UTF-8. */
export function decodeCsvBytes(bytes: Uint8Array, encoding: CsvEncoding = 'utf-8'): string {
  if (hasUtf8Bom(bytes)) return utf8.decode(bytes.subarray(3));
  return encoding === 'utf-8' ? utf8.decode(bytes) : decodeWindows1252(bytes);
}

const hasUtf8Bom = (b: Uint8Array) => b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/** One export cell as CSV text (quoted and formula-safe as needed). */
export function csvField(value: CsvCell): string {
  return csvText([[value]]).slice(0, -2);
}

/** One export row, ending in CRLF. */
export function csvLine(fields: CsvCell[]): string {
  return csvText([fields]);
}

export type CsvRow =
  | { row: number; fields: string[] }
  /** A row whose bytes are not valid in the encoding; `column` is the first bad cell's index. */
  | { row: number; invalid: 'utf-8'; column: number };

export class CsvReadError extends Error {}

/**
 * The records of an uploaded file, decoded one by one; `row` is the row number a spreadsheet
 * shows (blank lines and the header count). The bytes are parsed as Latin-1 text (one char per
 * byte, so the ASCII delimiters and quotes are found exactly) and each cell is decoded in the
 * chosen encoding afterwards, so a bad byte spoils only its own row. Fed to csv-parse in 64 KiB
 * slices: only the current record is held besides the upload. Throws CsvReadError when the
 * file cannot be read as CSV (an unterminated quote), naming the row.
 */
export async function* readCsvRows(
  bytes: Uint8Array,
  encoding: CsvEncoding = 'utf-8',
): AsyncGenerator<CsvRow> {
  let body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (hasUtf8Bom(body)) {
    body = body.subarray(3);
    encoding = 'utf-8';
  }
  const firstBreak = body.findIndex((b) => b === 0x0a || b === 0x0d);
  const headerLine = body.subarray(0, firstBreak === -1 ? body.length : firstBreak);
  const parser = parse(parseOptions(detectDelimiter(headerLine.toString('latin1'))));
  const SLICE = 64 * 1024;
  Readable.from(
    (function* () {
      for (let i = 0; i < body.length; i += SLICE) yield body.toString('latin1', i, i + SLICE);
    })(),
  ).pipe(parser);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      const fields: string[] = [];
      let bad = -1;
      for (let i = 0; i < record.length; i++) {
        const cell = record[i];
        if (!/[\u0080-\u00ff]/.test(cell)) fields.push(cell);
        else if (encoding === 'windows-1252')
          fields.push(decodeWindows1252(Buffer.from(cell, 'latin1')));
        else {
          try {
            fields.push(utf8.decode(Buffer.from(cell, 'latin1')));
          } catch {
            bad = i;
            break;
          }
        }
      }
      yield bad === -1 ? { row, fields } : { row, invalid: 'utf-8', column: bad };
    }
  } catch (err) {
    // csv-parse counts the records it completed before the failing one.
    const done = (err as { records?: number }).records;
    const at = (typeof done === 'number' ? Math.max(done, row) : row) + 1;
    throw new CsvReadError(`${csvErrorReason(err)} (from row ${at})`, { cause: err });
  }
}
