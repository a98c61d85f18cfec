/**
 * from/to of an audit query: a calendar date (a whole day in TIMEZONE, as the owner thinks of
 * it) or a full ISO 8601 time. Returns [from, to) in ms since the epoch.
 */
import { dayStart, isCalendarDate, nextDate } from '../time.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses one bound; `end` makes a date mean the end of that day. null = not a valid bound. */
export function parseBound(text: string, tz: string, end: boolean): number | null {
  if (isCalendarDate(text)) return dayStart(end ? nextDate(text) : text, tz);
  if (ISO_TIME.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}
