/**
 * Refunds (manager): POST /api/v1/sales/:id/refunds {line_indexes? | parts?, reason,
 * idempotency_key} (parts: [{line_index, quantity}], pieces of lines)
 * → the refund, its receipt URL and the print result; GET lists a sale's refunds;
 * GET /api/v1/refunds/:id/receipt gives a refund's receipt and QR code.
 */
import type { Context, Routes } from '../../core/http.js';
import bwipjs from 'bwip-js';
import type { Sale } from '../../protocol.js';
import type { RefundPart, Refunds } from '../../refunds/index.js';
import type { Receipts } from '../../receipts/index.js';
import { actorName } from '../../security/roles.js';
import { readJson } from '../body.js';
import { fail } from '../../core/errors.js';
import { idParam, onlyKeys, str } from '../validate.js';
import { requestBase } from './receipts.js';

export interface RefundRouteDeps {
  refunds: Refunds;
  receipts: Receipts;
  findSale(id: string): Promise<Sale | undefined>;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
  publicUrl: string;
}

/** `parts`: 1-200 of `{line_index, quantity}`, both whole numbers, quantity at least 1. */
function refundParts(v: unknown): RefundPart[] {
  const ok =
    Array.isArray(v) &&
    v.length > 0 &&
    v.length <= 200 &&
    v.every((p: unknown) => {
      const o = p as Record<string, unknown> | null;
      return (
        !!o &&
        typeof o === 'object' &&
        Object.keys(o).every((k) => k === 'line_index' || k === 'quantity') &&
        Number.isInteger(o.line_index) &&
        Number.isInteger(o.quantity) &&
        (o.quantity as number) >= 1 &&
        (o.quantity as number) <= 100_000
      );
    });
  if (!ok)
    fail(
      400,
      'invalid_field',
      'parts must be a non-empty list of {line_index, quantity} (whole numbers, quantity ≥ 1)',
      'parts',
    );
  return (v as RefundPart[]).map((p) => ({ line_index: p.line_index, quantity: p.quantity }));
}

export function refundRoutes(routes: Routes, deps: RefundRouteDeps): void {
  const { refunds, receipts } = deps;

  routes.post('/api/v1/sales/:id/refunds', async (ctx) => {
    const id = idParam(ctx.params.id);
    const body = await readJson(ctx);
    onlyKeys(body, ['line_indexes', 'parts', 'reason', 'idempotency_key', 'by_hand']);
    if (body.by_hand !== undefined && typeof body.by_hand !== 'boolean')
      fail(400, 'invalid_field', 'by_hand is true or false', 'by_hand');
    const reason = str(body, 'reason', { min: 1, max: 200 })!;
    const key = str(body, 'idempotency_key', { min: 8, max: 100 })!;
    let lineIndexes: number[] | undefined;
    if (body.line_indexes !== undefined) {
      const v = body.line_indexes;
      if (
        !Array.isArray(v) ||
        v.length === 0 ||
        v.length > 200 ||
        v.some((i) => !Number.isInteger(i))
      )
        fail(
          400,
          'invalid_field',
          'line_indexes must be a non-empty list of line numbers (0-based)',
          'line_indexes',
        );
      lineIndexes = v as number[];
    }
    const parts = body.parts === undefined ? undefined : refundParts(body.parts);
    if (parts && lineIndexes)
      fail(400, 'invalid_field', 'Name either line_indexes or parts, not both', 'parts');
    const out = await refunds.refund(
      id,
      { line_indexes: lineIndexes, parts, reason, key, by_hand: body.by_hand === true },
      actorName(ctx),
    );
    const { refund, sale, created } = out;
    const print = created
      ? await receipts.printRefund(refund, sale)
      : (receipts.printResult(refund.id) ?? { printed: false, message: null });
    if (created) deps.audit(ctx, 'sale.refund', { id: sale.id, number: sale.number }, refund);
    ctx.status = created ? 201 : 200;
    ctx.body = {
      refund,
      receipt_url: receipts.url(
        { kind: 'refund', id: refund.id },
        requestBase(ctx, deps.publicUrl) || undefined,
      ),
      print,
      refunded_line_indexes: refunds.refundedLines(sale.id),
      refunded_quantities: refunds.refundedQuantities(sale),
    };
  });

  routes.get('/api/v1/sales/:id/refunds', async (ctx) => {
    const id = idParam(ctx.params.id);
    const sale = await deps.findSale(id);
    if (!sale) fail(404, 'not_found', `No sale ${id}`);
    ctx.body = {
      refunds: await refunds.forSale(id),
      refunded_line_indexes: refunds.refundedLines(id),
      refunded_quantities: refunds.refundedQuantities(sale),
    };
  });

  routes.get('/api/v1/refunds/:id/receipt', async (ctx) => {
    const refund = await refunds.find(idParam(ctx.params.id));
    if (!refund) fail(404, 'not_found', `No refund ${ctx.params.id}`);
    const sale = await deps.findSale(refund.sale_id);
    if (!sale) fail(404, 'not_found', `The sale of refund ${refund.number} is missing`);
    const receipt = receipts.refundReceipt(
      refund,
      sale,
      requestBase(ctx, deps.publicUrl) || undefined,
    );
    ctx.body = {
      receipt,
      token: receipts.token({ kind: 'refund', id: refund.id }),
      url: receipt.url,
      qr_svg: bwipjs.toSVG({ bcid: 'qrcode', text: receipt.url } as Parameters<
        typeof bwipjs.toSVG
      >[0]),
      print: receipts.printResult(refund.id),
    };
  });
}
