/**
 * The audit journal for the admin: GET /api/v1/admin/audit (JSON, newest first, paged by
 * limit) and GET /api/v1/admin/audit.csv (everything in the range, for a spreadsheet).
 * ?from= and ?to= take a date (whole day in TIMEZONE) or an ISO 8601 time; default: the last
 * 30 days. ?action= filters by action name or prefix ("product." for all product changes).
 */
import type { Context, Routes } from '../../core/http.js';
import { queryParam } from '../body.js';
import { fail } from '../../core/errors.js';
import type { AuditEntry, AuditLog } from '../../security/audit.js';
import { csvStream, type CsvCell } from '../../core/csv.js';
import { parseBound } from '../../security/audit-query.js';
import type { Clock } from '../../clock.js';
import type { AuditPage } from '../../protocol.js';

export interface AuditRouteDeps {
  audit: AuditLog;
  clock: Clock;
  timezone: string;
}

const MAX_RANGE_DAYS = 400;

export function auditRoutes(routes: Routes, deps: AuditRouteDeps): void {
  const query = async (
    ctx: Context,
  ): Promise<{ entries: AuditEntry[]; from: number; to: number }> => {
    const now = deps.clock.now();
    const bound = (name: 'from' | 'to', fallback: number): number => {
      const raw = queryParam(ctx, name);
      if (raw === undefined || raw === '') return fallback;
      const t = raw.length <= 40 ? parseBound(raw, deps.timezone, name === 'to') : null;
      if (t === null)
        fail(400, 'invalid_query', `${name} must be a date (YYYY-MM-DD) or an ISO 8601 time`, name);
      return t;
    };
    const to = bound('to', now + 1);
    const from = bound('from', to - 30 * 86_400_000);
    if (from >= to) fail(400, 'invalid_query', 'from must be before to', 'from');
    if (to - from > MAX_RANGE_DAYS * 86_400_000)
      fail(400, 'invalid_query', `The range may span at most ${MAX_RANGE_DAYS} days`, 'from');
    const action = queryParam(ctx, 'action');
    if (action !== undefined && !/^[a-z_.]{1,40}$/.test(action))
      fail(400, 'invalid_query', 'action must be an action name such as product.update', 'action');
    let entries = await deps.audit.read(from, to);
    if (action)
      entries = entries.filter(
        (e) => e.action === action || (action.endsWith('.') && e.action.startsWith(action)),
      );
    return { entries, from, to };
  };

  routes.get('/api/v1/admin/audit', async (ctx) => {
    const limitRaw = queryParam(ctx, 'limit');
    const limit = limitRaw === undefined ? 500 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000 || !/^\d+$/.test(limitRaw ?? '500'))
      fail(400, 'invalid_query', 'limit must be a whole number from 1 to 5000', 'limit');
    const { entries, from, to } = await query(ctx);
    const newest = entries.reverse();
    ctx.body = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      total: newest.length,
      truncated: newest.length > limit,
      entries: newest.slice(0, limit),
    } satisfies AuditPage;
  });

  routes.get('/api/v1/admin/audit.csv', async (ctx) => {
    const { entries, from } = await query(ctx);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`audit-${new Date(from).toISOString().slice(0, 10)}.csv`);
    ctx.body = auditCsv(entries);
  });
}

const AUDIT_COLUMNS = ['time', 'actor', 'ip', 'action', 'target', 'before', 'after'];

/** The entries as CSV (the daemon's one writer: formula-safe); before/after as JSON text. */
function auditCsv(entries: AuditEntry[]) {
  const json = (v: unknown): CsvCell =>
    v === null || v === undefined || typeof v === 'string' ? (v as CsvCell) : JSON.stringify(v);
  function* batches() {
    for (let i = 0; i < entries.length; i += 1000)
      yield entries
        .slice(i, i + 1000)
        .map((e) => [e.time, e.actor, e.ip, e.action, e.target, json(e.before), json(e.after)]);
  }
  return csvStream(AUDIT_COLUMNS, batches());
}
