import { localParts } from '../time.js';

/**
 * Business days and hours in TIMEZONE. A sale belongs to the day its creation falls on at the
 * counter (TIMEZONE), not in UTC: a kiosk open until 00:30 in Berlin must not split its evening
 * over two UTC dates in reports.
 */
export class BusinessCalendar {
  constructor(readonly timezone: string) {}

  /** YYYY-MM-DD of the instant in TIMEZONE. */
  day(ms: number): string {
    const p = localParts(ms, this.timezone);
    return `${p.year}-${p.month}-${p.day}`;
  }

  /** Hour 0-23 of the instant in TIMEZONE. */
  hour(ms: number): number {
    return Number(localParts(ms, this.timezone).hour) % 24;
  }
}
