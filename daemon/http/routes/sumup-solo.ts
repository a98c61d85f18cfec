/**
 * HTTP for sumup_solo:
 * - POST /api/v1/payments/sumup_solo/callback/:sale_id/:token — SumUp's return_url callback. No admin auth and
 *   no IP whitelist (SumUp's servers call it); it is believed only when our HMAC token matches
 *   that sale and the client_transaction_id matches the checkout we created. Anything else is
 *   refused and changes nothing.
 * - /api/v1/admin/sumup/... (admin) — pair, list, rename, remove readers; choose the reader of
 *   each terminal and the default reader.
 */
import { readJson } from '../body.js';
import type { Routes } from '../../core/http.js';
import { fail } from '../../core/errors.js';
import { idParam, onlyKeys, str } from '../validate.js';
import type { SoloCallback } from '../../payments/sumup/callbacks.js';
import { READER_ID_RE } from '../../payments/sumup/client.js';
import type { SumUpContext } from '../../payments/sumup/context.js';
import { describeSumUpError } from '../../payments/sumup/errors.js';
import type { ReaderDirectory } from '../../payments/sumup/readers.js';

export interface SoloRouteDeps {
  ctx: SumUpContext;
  solo: {
    onCallback(
      saleId: string,
      body: SoloCallback,
    ): Promise<'settled' | 'pending' | 'ignored' | 'mismatch'>;
    refreshAvailability(): void;
  };
}

function parseCallback(body: Record<string, unknown>): SoloCallback {
  const payload = body.payload as Record<string, unknown> | undefined;
  if (!payload || typeof payload !== 'object')
    fail(400, 'invalid_callback', 'payload is missing', 'payload');
  const ctid = payload.client_transaction_id;
  const status = payload.status;
  if (typeof ctid !== 'string' || ctid.length === 0 || ctid.length > 100)
    fail(
      400,
      'invalid_callback',
      'payload.client_transaction_id is missing',
      'payload.client_transaction_id',
    );
  if (status !== 'successful' && status !== 'failed')
    fail(400, 'invalid_callback', 'payload.status must be successful or failed', 'payload.status');
  return {
    ...(body as object),
    payload: { ...payload, client_transaction_id: ctid, status },
  } as SoloCallback;
}

export function sumupSoloRoutes(routes: Routes, deps: SoloRouteDeps): void {
  const { ctx } = deps;

  routes.post('/api/v1/payments/sumup_solo/callback/:sale_id/:token', async (c) => {
    const saleId = idParam(c.params.sale_id, 'sale_id');
    await ctx.ready();
    if (!ctx.tokens.verify('solo', saleId, c.params.token)) {
      ctx.log.warn(`refused a SumUp callback for sale ${saleId}: token does not match`);
      fail(403, 'invalid_token', 'Callback token does not match this sale');
    }
    const body = parseCallback(await readJson(c));
    const result = await deps.solo.onCallback(saleId, body);
    if (result === 'mismatch') {
      ctx.log.warn(`refused a SumUp callback for sale ${saleId}: unknown checkout`);
      fail(409, 'checkout_mismatch', 'This callback does not belong to the checkout of this sale');
    }
    // 200 also for a sale settled already, so SumUp stops retrying.
    c.body = { ok: true, result };
  });

  const readers = async (): Promise<ReaderDirectory> => {
    await ctx.ready();
    if (!ctx.readers)
      fail(
        409,
        'sumup_not_configured',
        'Set SUMUP_API_KEY and SUMUP_MERCHANT_CODE to manage SumUp readers',
      );
    return ctx.readers;
  };
  const sumupCall = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const f = describeSumUpError(err);
      if (f.code === 'reader_not_found') fail(404, 'not_found', 'SumUp does not know this reader');
      return fail(f.status, f.code, f.message);
    }
  };
  const readerParam = (v: string | undefined): string => {
    if (!v || !READER_ID_RE.test(v))
      fail(400, 'invalid_id', 'reader id must look like rdr_ followed by 26 letters/digits', 'id');
    return v;
  };
  const changed = () => deps.solo.refreshAvailability();

  routes.get('/api/v1/admin/sumup/readers', async (c) => {
    const dir = await readers();
    const list = await sumupCall(() => dir.list());
    c.body = { readers: list, ...dir.assignments() };
  });

  routes.post('/api/v1/admin/sumup/readers', async (c) => {
    const dir = await readers();
    const body = await readJson(c);
    onlyKeys(body, ['pairing_code', 'name']);
    const code = str(body, 'pairing_code', { min: 1, max: 9 })!.trim().toUpperCase();
    if (!/^[A-Z0-9]{8,9}$/.test(code))
      fail(
        400,
        'invalid_field',
        'pairing_code is the 8 or 9 letters/digits the Solo shows',
        'pairing_code',
      );
    const name = str(body, 'name', { min: 1, max: 64 })!;
    const reader = await sumupCall(() => dir.pair(code, name)).catch((err) => {
      // SumUp answers 404 when no device shows this code (CreateReader: "no pending reader").
      if ((err as { code?: string }).code === 'not_found')
        fail(
          404,
          'pairing_code_unknown',
          'No SumUp reader is showing this pairing code. Check the code on the Solo and try again.',
          'pairing_code',
        );
      throw err;
    });
    changed();
    c.status = 201;
    c.body = reader;
  });

  routes.patch('/api/v1/admin/sumup/readers/:id', async (c) => {
    const dir = await readers();
    const id = readerParam(c.params.id);
    const body = await readJson(c);
    onlyKeys(body, ['name']);
    const name = str(body, 'name', { min: 1, max: 64 })!;
    c.body = await sumupCall(() => dir.rename(id, name));
  });

  routes.delete('/api/v1/admin/sumup/readers/:id', async (c) => {
    const dir = await readers();
    const id = readerParam(c.params.id);
    const live = ctx.state.liveOn(id);
    if (live)
      fail(409, 'reader_busy', 'This reader has a payment in progress; finish or cancel it first');
    await sumupCall(() => dir.remove(id));
    changed();
    c.status = 204;
  });

  routes.put('/api/v1/admin/sumup/terminals/:terminal_id/reader', async (c) => {
    const dir = await readers();
    const terminalId = idParam(c.params.terminal_id, 'terminal_id');
    const body = await readJson(c);
    onlyKeys(body, ['reader_id']);
    const readerId =
      body.reader_id === null ? null : readerParam(str(body, 'reader_id', { max: 30 }));
    await dir.assign(terminalId, readerId);
    changed();
    c.body = { terminal_id: terminalId, reader_id: dir.readerFor(terminalId) };
  });

  routes.put('/api/v1/admin/sumup/default-reader', async (c) => {
    const dir = await readers();
    const body = await readJson(c);
    onlyKeys(body, ['reader_id']);
    const readerId =
      body.reader_id === null ? null : readerParam(str(body, 'reader_id', { max: 30 }));
    await dir.setDefault(readerId);
    changed();
    c.body = { default_reader_id: dir.defaultReaderId() };
  });
}
