/**
 * The start-up scan of one sales day file (day-index.ts decides which files need it): counts
 * sales, the highest number, sales still pending and where shop lines sit, from each line's
 * fixed prefix on latin1 text, parsing a line in full only when it does not fit.
 */
import { StorageError } from '../store/index.js';
import type { Journal } from '../store/journal.js';
import { SHOP_KINDS, type SalesEntry } from '../entries.js';

/** A shop line's place in its day file: kind, byte offset, byte length (without newline). */
export type ShopAt = [kind: string, offset: number, length: number];

export interface DayScan {
  sales: number;
  max_number: number;
  pending: number;
  shop: Set<string>;
  shop_at: ShopAt[];
  lines: number;
  skipped: number;
  size: number;
  mtime_ms: number;
  complete: boolean;
}

/**
 * The start-up scan's patterns, matched at a line's start (sticky) in latin1 text: the fixed
 * prefix JSON.stringify writes for sale lines. A quote inside a string value is always escaped
 * and no value holds a raw newline, so these cannot match inside a value or across lines.
 */
const CREATED_AT =
  /\{"e":"created","at":"[^"\\\n]*","key":"[^"\\\n]*","cart_version":\d+,"sale":\{"id":"([^"\\\n]+)","number":(\d+),/y;
const UPDATE_AT = /\{"e":"update","at":"[^"\\\n]*","id":"([^"\\\n]+)","state":"([a-z]+)"/y;
/** A line's kind as JSON.stringify writes it (`e` first). */
export const KIND_AT = /\{"e":"([a-z]+)"/y;
/** Below V8's large-object size, so each chunk's text is young garbage, collected cheaply. */
export const SCAN_CHUNK = 64 * 1024;
/** Day files scanned at once at start (each with its own read buffer). */
export const SCAN_PARALLEL = 3;

/** `fn` over `items` with at most `n` running at once, each worker with its own `state`. */
export async function inPool<T, S, R>(
  items: T[],
  n: number,
  state: () => S,
  fn: (item: T, state: S) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    const st = state();
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], st);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * Counts a day's sales from each line's fixed prefix (JSON.stringify writes keys in a fixed
 * order; see CREATED_AT); a line that does not fit is parsed in full. Each read chunk is
 * decoded once as latin1 (a byte per char, no UTF-8 work) and matched in place, so a million
 * lines cost a few hundred small strings, not a million.
 * `complete` is false when the file ends in a fragment without newline (a torn append).
 */
export async function scanDay(
  log: Journal<SalesEntry>,
  day: string,
  buf: Buffer,
): Promise<DayScan> {
  const pending = new Set<string>();
  const shop = new Set<string>();
  const shopAt: ShopAt[] = [];
  let sales = 0;
  let max = 0;
  let lines = 0;
  let skipped = 0;
  const created = (id: string, number: number) => {
    sales++;
    if (number > max) max = number;
    pending.add(id);
  };
  const at = (re: RegExp, text: string, start: number, end: number) => {
    re.lastIndex = start;
    const m = re.exec(text);
    return m && re.lastIndex <= end ? m : null;
  };
  const file = await log.scanPartition(day, buf, (text, start, end, lineNo, offset) => {
    if (start === end) return;
    lines++;
    let m = at(CREATED_AT, text, start, end);
    if (m) return created(m[1], Number(m[2]));
    m = at(UPDATE_AT, text, start, end);
    if (m) {
      if (m[2] !== 'pending' && m[2] !== 'open') pending.delete(m[1]);
      return;
    }
    m = at(KIND_AT, text, start, end);
    if (m && (SHOP_KINDS as readonly string[]).includes(m[1])) {
      shop.add(m[1]);
      shopAt.push([m[1], offset, end - start]);
      return;
    }
    const parsed = log.parseLatin1(day, text, start, end, lineNo);
    if (parsed === undefined) {
      skipped++;
      return;
    }
    if (parsed.e === 'created') created(parsed.sale.id, parsed.sale.number);
    else if (parsed.e === 'update') {
      if (parsed.state !== 'pending' && parsed.state !== 'open') pending.delete(parsed.id);
    } else {
      shop.add(parsed.e);
      shopAt.push([parsed.e, offset, end - start]);
    }
  });
  if (!file) throw new StorageError(`sales/${day}.jsonl`, 'disappeared during start-up');
  const { size, mtime_ms, complete } = file;
  return {
    sales,
    max_number: max,
    pending: pending.size,
    shop,
    shop_at: shopAt,
    lines,
    skipped,
    size,
    mtime_ms,
    complete,
  };
}
