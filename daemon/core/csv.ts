/**
 * Ground floor: CSV for every export and import of the daemon, on csv-stringify and csv-parse
 * (RFC 4180: quoted fields, doubled quotes, CRLF). What stays ours is policy, not syntax:
 *   - formula safety: a text cell a spreadsheet would run as a formula (leading = + - @ tab CR,
 *     OWASP "CSV Injection") gets a leading apostrophe; a text that already starts with
 *     apostrophes before such a character gets one more, so an import can always strip exactly
 *     one and export → import stays lossless. Numbers (and number-like text) are never altered.
 *   - quoting: besides what RFC 4180 requires (delimiter, quote, line breaks), a cell holding
 *     `,` or `;` is always quoted, so a file reads the same in a spreadsheet set to either.
 *   - delimiter detection on import (German spreadsheets write `;`).
 * Writers stream: csvStream() takes rows in batches (one journal day, say) and produces one
 * chunk per batch, pulled by the reader, so memory holds one batch at a time.
 */
import { Readable } from 'node:stream';
import { parse as parseSync, type Options as ParseOptions } from 'csv-parse/sync';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { Options as StringifyOptions } from 'csv-stringify';

export type CsvCell = string | number | boolean | null | undefined;
export type Delimiter = ',' | ';' | '\t';

export interface CsvWriteOptions {
  /** Default `,`. */
  delimiter?: Delimiter;
  /** A UTF-8 byte order mark first, so spreadsheet programs pick the encoding. */
  bom?: boolean;
  /**
   * Default true: formula-like text gets its apostrophe, and `,`/`;` are always quoted. Audit
   * files read by machines (DSFinV-K: signatures in base64 may start with `+`, amounts carry a
   * decimal comma) set it false: cells are written as they are, quoted only where RFC 4180
   * requires it (delimiter, quote, line break).
   */
  spreadsheetSafe?: boolean;
}

const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A number, with a decimal point or (German exports) a decimal comma: never a formula. */
const NUMBER = /^-?\d+([.,]\d+)?$/;

/** A text cell as exported: formula-like text gets a leading apostrophe (see above). */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !NUMBER.test(s) ? `'${s}` : s;
}

/** Undoes neutraliseFormula() on import. */
export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

function stringifyOptions(opts: CsvWriteOptions): StringifyOptions {
  const safe = opts.spreadsheetSafe ?? true;
  return {
    delimiter: opts.delimiter ?? ',',
    record_delimiter: '\r\n',
    ...(safe ? { quoted_match: /[,;\r\n]/ } : {}),
    cast: {
      string: safe ? neutraliseFormula : (s: string) => s,
      number: String,
      bigint: String,
      boolean: String,
    },
  };
}

/** Rows as CSV text (each row ends in CRLF). */
export function csvText(rows: CsvCell[][], opts: CsvWriteOptions = {}): string {
  return (opts.bom ? '\ufeff' : '') + stringifySync(rows, stringifyOptions(opts));
}

/** A writer for one file: its header line (after the BOM, if asked), then rows as text. */
export interface CsvWriter {
  header(columns: readonly string[]): string;
  rows(rows: CsvCell[][]): string;
}

export function csvWriter(opts: CsvWriteOptions = {}): CsvWriter {
  const options = stringifyOptions(opts);
  return {
    header: (columns) => (opts.bom ? '\ufeff' : '') + stringifySync([[...columns]], options),
    rows: (rows) => (rows.length ? stringifySync(rows, options) : ''),
  };
}

/** Text chunks as a byte stream, pulled only as fast as the reader takes them. */
export function textStream(chunks: Iterable<string> | AsyncIterable<string>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/**
 * A CSV byte stream: the header, then one chunk per batch of rows. The source is pulled only
 * as fast as the reader takes the text, so memory holds one batch at a time. An error in the
 * source ends the stream with that error.
 */
export function csvStream(
  header: readonly string[],
  batches: Iterable<CsvCell[][]> | AsyncIterable<CsvCell[][]>,
  opts: CsvWriteOptions = {},
): Readable {
  const csv = csvWriter(opts);
  async function* chunks(): AsyncGenerator<string> {
    yield csv.header(header);
    for await (const rows of batches) if (rows.length) yield csv.rows(rows);
  }
  return textStream(chunks());
}

// ------------------------------------------------------------------------------- reading

/** The delimiter the header line uses most, outside quotes (`,` when none). */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as Delimiter]++;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** csv-parse options for our files: every record kept (blank lines too), quotes relaxed. */
export function parseOptions(delimiter: Delimiter): ParseOptions {
  return {
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  };
}

/** csv-parse's refusals as a short English reason. */
export function csvErrorReason(err: unknown): string {
  const e = err as { code?: string; lines?: number; message?: string };
  if (e?.code === 'CSV_QUOTE_NOT_CLOSED') return 'unterminated quoted field';
  return e?.message ?? String(err);
}

/**
 * Parses CSV text into records of fields. Blank lines stay in the result (as `['']`) so a
 * record's index + 1 is the row number a spreadsheet shows. Throws on an unterminated quote.
 */
export function parseCsv(text: string, delimiter?: Delimiter): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Excel's UTF-8 BOM
  const delim = delimiter ?? detectDelimiter(text.split(/\r?\n|\r/, 1)[0] ?? '');
  try {
    return parseSync(text, parseOptions(delim)) as string[][];
  } catch (err) {
    throw new Error(csvErrorReason(err), { cause: err });
  }
}

/** True for a record with no content (a blank line or a row of empty cells like ";;;"). */
export function isBlankRecord(record: string[]): boolean {
  return record.every((f) => f.trim() === '');
}
