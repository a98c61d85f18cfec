/**
 * Fiscal (TSE, KassenSichV), admin:
 *   GET  /api/v1/admin/fiscal          TSE state, registration data for the tax office, outages
 *   GET  /api/v1/admin/fiscal/tar      the TSE's TAR log export (streamed)
 *   POST /api/v1/admin/fiscal/setup    fiskaly: create/personalise/initialise the TSS, register the till
 *   GET  /api/v1/admin/exports/dsfinvk.zip?from=YYYY-MM-DD&to=YYYY-MM-DD   DSFinV-K export of the
 *        Z closings in that range (streamed ZIP)
 */
import type { Context, Routes } from '../../core/http.js';
import type { Fiscal } from '../../fiscal/index.js';
import { fail } from '../../core/errors.js';
import { isCalendarDate } from '../../time.js';
import { queryParam } from '../body.js';
import type { Readable } from 'node:stream';

export interface FiscalRouteDeps {
  fiscal: Fiscal;
  now(): number;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
  /** The DSFinV-K ZIP of the Z closings closed on from..to (local days). */
  dsfinvk(from: string, to: string): Readable;
}

export function fiscalRoutes(routes: Routes, deps: FiscalRouteDeps): void {
  routes.get('/api/v1/admin/fiscal', async (ctx) => {
    ctx.body = await deps.fiscal.info();
  });

  routes.get('/api/v1/admin/fiscal/tar', async (ctx) => {
    const stream = await deps.fiscal.exportTar();
    const stamp = new Date(deps.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    ctx.type = 'application/x-tar';
    ctx.attachment(`tse-export-${stamp}.tar`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = stream;
  });

  routes.post('/api/v1/admin/fiscal/setup', async (ctx) => {
    const out = await deps.fiscal.setup();
    deps.audit(ctx, 'fiscal.setup', null, out);
    ctx.body = { ok: true, ...out, info: await deps.fiscal.info() };
  });

  routes.get('/api/v1/admin/exports/dsfinvk.zip', (ctx) => {
    const from = queryParam(ctx, 'from');
    const to = queryParam(ctx, 'to') ?? from;
    for (const [name, v] of [
      ['from', from],
      ['to', to],
    ] as const)
      if (!v || !isCalendarDate(v))
        fail(400, 'invalid_query', `${name} must be a date YYYY-MM-DD`, name);
    if (from! > to!) fail(400, 'invalid_query', 'from must not be after to', 'from');
    ctx.type = 'application/zip';
    ctx.attachment(`dsfinvk_${from}_${to}.zip`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = deps.dsfinvk(from!, to!);
  });
}
