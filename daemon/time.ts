/**
 * Dates and times on the shop's clock (TIMEZONE): the one place that turns instants into local
 * dates and times and calendar dates back into instants, for business days, receipts, exports
 * and audit queries alike.
 */

export type LocalParts = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timezone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, fmt);
  }
  return fmt;
}

/** Year, month, day, hour, minute and second of an instant (ms or ISO time) in `timezone`. */
export function localParts(instant: number | string, timezone: string): LocalParts {
  const parts: Record<string, string> = {};
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  for (const p of formatter(timezone).formatToParts(at)) parts[p.type] = p.value;
  return parts as LocalParts;
}

/** "2026-03-01" and "14:05" in `timezone`. */
export function localDateTime(iso: string, timezone: string): { date: string; time: string } {
  const p = localParts(iso, timezone);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** "2026-03-01 14:05:09" in `timezone`. */
export function localTimestamp(iso: string, timezone: string): string {
  const p = localParts(iso, timezone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** A calendar date as the API accepts it (YYYY-MM-DD that exists). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The calendar date after `date` (YYYY-MM-DD). */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
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
