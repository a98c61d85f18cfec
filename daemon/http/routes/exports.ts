/**
 * Exports (admin), streamed CSV:
 *   GET /api/v1/admin/exports/sales.csv?from=YYYY-MM-DD&to=YYYY-MM-DD   one row per line
 *   GET /api/v1/admin/exports/z-reports.csv
 *   …?format=de: the same in German (`;`, decimal comma, euros, German headers)
 *   GET /api/v1/admin/exports/revenue.csv?from=…&to=…   DATEV-friendly daily revenue per VAT
 *       rate and payment type
 * Columns: docs/OPERATIONS.md.
 */
import type { Context, Routes } from '../../core/http.js';
import type { Closing } from '../../closing/index.js';
import type { ShopJournal } from '../../closing/entries.js';
import { salesCsv, zReportsCsv } from '../../exports/index.js';
import { revenueCsv, salesCsvDe, zReportsCsvDe } from '../../exports/german.js';
import { isCalendarDate } from '../../time.js';
import { queryParam } from '../body.js';
import { fail } from '../../core/errors.js';

export interface ExportRouteDeps {
  journal: ShopJournal;
  closing: Closing;
  timezone: string;
  today(): string;
}

function range(ctx: Context, today: string): { from: string; to: string } {
  const from = queryParam(ctx, 'from') ?? today;
  const to = queryParam(ctx, 'to') ?? from;
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!isCalendarDate(v)) fail(400, 'invalid_query', `${name} must be a date YYYY-MM-DD`, name);
  if (from > to) fail(400, 'invalid_query', 'from must not be after to', 'from');
  return { from, to };
}

/** `format=de` (German) or the technical file; anything else is refused. */
function german(ctx: Context): boolean {
  const f = queryParam(ctx, 'format');
  if (f !== undefined && f !== 'de') fail(400, 'invalid_query', 'format must be de', 'format');
  return f === 'de';
}

function csvHeaders(ctx: Context, name: string): void {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.attachment(name);
  ctx.set('Cache-Control', 'no-store');
}

export function exportRoutes(routes: Routes, deps: ExportRouteDeps): void {
  const journal = { journal: deps.journal, timezone: deps.timezone };
  routes.get('/api/v1/admin/exports/sales.csv', (ctx) => {
    const de = german(ctx);
    const { from, to } = range(ctx, deps.today());
    csvHeaders(ctx, de ? `verkaeufe_${from}_${to}.csv` : `sales_${from}_${to}.csv`);
    ctx.body = de ? salesCsvDe(journal, from, to) : salesCsv(journal, from, to);
  });

  routes.get('/api/v1/admin/exports/z-reports.csv', (ctx) => {
    const de = german(ctx);
    csvHeaders(ctx, de ? 'z-berichte.csv' : 'z-reports.csv');
    ctx.body = de
      ? zReportsCsvDe(deps.closing.all(), deps.timezone)
      : zReportsCsv(deps.closing.all(), deps.timezone);
  });

  routes.get('/api/v1/admin/exports/revenue.csv', (ctx) => {
    const { from, to } = range(ctx, deps.today());
    csvHeaders(ctx, `tageseinnahmen_${from}_${to}.csv`);
    ctx.body = revenueCsv(deps.journal, from, to);
  });
}
