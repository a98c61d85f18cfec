/**
 * from/to of an audit query: a calendar date (a whole day in TIMEZONE, as the owner thinks of
 * it) or a full ISO 8601 time. Returns [from, to) in ms since the epoch.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, tz: string): number {
  const parts: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of fmt.formatToParts(ms)) parts[p.type] = p.value;
  const asUtc = Date.UTC(
    +parts.year,
    +parts.month - 1,
    +parts.day,
    +parts.hour,
    +parts.minute,
    +parts.second,
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant local midnight starts `date` (YYYY-MM-DD) in `tz`. */
export function dayStart(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle days whose offset differs from the previous day's (DST changes).
  let t = guess - offsetAt(guess, tz);
  t = guess - offsetAt(t, tz);
  return t;
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Parses one bound; `end` makes a date mean the end of that day. null = not a valid bound. */
export function parseBound(text: string, tz: string, end: boolean): number | null {
  if (validDate(text)) return dayStart(end ? nextDate(text) : text, tz);
  if (ISO_TIME.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}
