/**
 * Business days and hours in TIMEZONE. A sale belongs to the day its creation falls on at the
 * counter (TIMEZONE), not in UTC: a kiosk open until 00:30 in Berlin must not split its evening
 * over two UTC dates in reports.
 */
export class BusinessCalendar {
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly timezone: string) {
    this.fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
  }

  private parts(ms: number): { day: string; hour: number } {
    const p: Record<string, string> = {};
    for (const part of this.fmt.formatToParts(ms)) p[part.type] = part.value;
    return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) % 24 };
  }

  /** YYYY-MM-DD of the instant in TIMEZONE. */
  day(ms: number): string {
    return this.parts(ms).day;
  }

  /** Hour 0-23 of the instant in TIMEZONE. */
  hour(ms: number): number {
    return this.parts(ms).hour;
  }
}

/** A calendar date as the API accepts it (YYYY-MM-DD that exists). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
