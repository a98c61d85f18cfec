/**
 * Geometry for the revenue-per-hour bar chart: 24 bars (hours 0-23 in TIMEZONE), heights
 * scaled to a "nice" axis maximum (1, 2 or 5 × 10^n cents) so the gridlines read as round
 * amounts.
 */
export interface HourBar {
  hour: number;
  total_cents: number;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HourChart {
  width: number;
  height: number;
  /** Top of the value axis in cents. */
  max_cents: number;
  bars: HourBar[];
  /** Gridline values (cents) and their y positions. */
  ticks: Array<{ cents: number; y: number }>;
  plot: { left: number; top: number; right: number; bottom: number };
}

export function niceMax(value: number): number {
  if (value <= 0) return 100;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (value <= m * exp) return m * exp;
  return 10 * exp;
}

export function hourChart(
  byHour: Array<{ hour: number; count: number; total_cents: number }>,
  size: { width: number; height: number } = { width: 480, height: 200 },
): HourChart {
  const plot = { left: 58, top: 10, right: size.width - 6, bottom: size.height - 24 };
  const totals = new Array<{ total: number; count: number }>(24)
    .fill({ total: 0, count: 0 })
    .map(() => ({ total: 0, count: 0 }));
  for (const h of byHour) {
    if (h.hour >= 0 && h.hour < 24) {
      totals[h.hour].total += h.total_cents;
      totals[h.hour].count += h.count;
    }
  }
  const max = niceMax(Math.max(0, ...totals.map((x) => x.total)));
  const slot = (plot.right - plot.left) / 24;
  const span = plot.bottom - plot.top;
  const bars = totals.map(({ total, count }, hour) => {
    const height = total > 0 ? Math.max(1, (total / max) * span) : 0;
    return {
      hour,
      total_cents: total,
      count,
      x: plot.left + hour * slot + slot * 0.15,
      y: plot.bottom - height,
      width: slot * 0.7,
      height,
    };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({
    cents: Math.round(max * f),
    y: plot.bottom - f * span,
  }));
  return { width: size.width, height: size.height, max_cents: max, bars, ticks, plot };
}
