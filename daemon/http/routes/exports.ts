/**
 * Exports (admin), streamed CSV:
 *   GET /api/v1/admin/exports/sales.csv?from=YYYY-MM-DD&to=YYYY-MM-DD   one row per line
 *   GET /api/v1/admin/exports/z-reports.csv
 * Columns: docs/OPERATIONS.md.
 */
import type { Routes } from '../../core/http.js';
import type { Closing } from '../../closing/index.js';
import type { ShopJournal } from '../../closing/entries.js';
import { salesCsv, zReportsCsv } from '../../exports/index.js';
import { isCalendarDate } from '../../time.js';
import { queryParam } from '../body.js';
import { fail } from '../../core/errors.js';

export interface ExportRouteDeps {
  journal: ShopJournal;
  closing: Closing;
  timezone: string;
  today(): string;
}

export function exportRoutes(routes: Routes, deps: ExportRouteDeps): void {
  routes.get('/api/v1/admin/exports/sales.csv', (ctx) => {
    const today = deps.today();
    const from = queryParam(ctx, 'from') ?? today;
    const to = queryParam(ctx, 'to') ?? from;
    for (const [name, v] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (!isCalendarDate(v)) fail(400, 'invalid_query', `${name} must be a date YYYY-MM-DD`, name);
    if (from > to) fail(400, 'invalid_query', 'from must not be after to', 'from');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`sales_${from}_${to}.csv`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = salesCsv({ journal: deps.journal, timezone: deps.timezone }, from, to);
  });

  routes.get('/api/v1/admin/exports/z-reports.csv', (ctx) => {
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment('z-reports.csv');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = zReportsCsv(deps.closing.all(), deps.timezone);
  });
}
