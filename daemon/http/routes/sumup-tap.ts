/**
 * GET /api/v1/payments/sumup_tap/callback/:sale_id/:token — where the SumUp app sends the phone after a Tap to
 * Pay payment, appending smp-status (success | failed | invalidstate), smp-tx-code and
 * foreign-tx-id (SumUp URL scheme docs). No admin auth and no IP whitelist: the merchant's
 * phone opens it. Believed only when our token matches the sale and foreign-tx-id (if sent) is
 * that sale; otherwise nothing changes. Answers with a small page for the person holding the
 * phone: go back to the till.
 */
import type { Context, Routes } from '../../core/http.js';
import { escapeHtml } from '../../core/html.js';
import type { TapCallback, TapCallbackResult } from '../../payments/sumup/callbacks.js';
import type { SumUpContext } from '../../payments/sumup/context.js';

export interface TapRouteDeps {
  ctx: SumUpContext;
  tap: { onCallback(saleId: string, cb: TapCallback): Promise<TapCallbackResult> };
}

const PAGE_TITLES: Record<string, string> = {
  succeeded: 'Payment received',
  failed: 'Payment failed',
  confirming: 'Payment being confirmed',
  already: 'Sale already finished',
  late_success: 'Sale was already closed',
};

function page(c: Context, status: number, title: string, text: string): void {
  c.status = status;
  c.type = 'html';
  c.set('Cache-Control', 'no-store');
  c.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:20px system-ui,sans-serif;margin:2rem;color:#1b1b1b;text-align:center}h1{font-size:1.8rem}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
}

/** One query value; repeated or missing → undefined (never guessed). JSON-quoted in logs. */
function single(c: Context, name: string): string | undefined {
  const v = c.query[name];
  return Array.isArray(v) ? undefined : v;
}

export function sumupTapRoutes(routes: Routes, deps: TapRouteDeps): void {
  const { ctx } = deps;
  routes.get('/api/v1/payments/sumup_tap/callback/:sale_id/:token', async (c) => {
    const saleId = c.params.sale_id ?? '';
    await ctx.ready();
    if (
      !/^[A-Za-z0-9_-]{1,64}$/.test(saleId) ||
      !ctx.tokens.verify('tap', saleId, c.params.token)
    ) {
      ctx.log.warn(
        `refused a Tap to Pay callback for sale ${JSON.stringify(saleId.slice(0, 64))}: token does not match`,
      );
      return page(
        c,
        403,
        'Link not valid',
        'This payment link does not belong to a sale of this till. Nothing was changed.',
      );
    }
    const foreign = single(c, 'foreign-tx-id');
    if (foreign !== undefined && foreign !== saleId) {
      ctx.log.warn(
        `refused a Tap to Pay callback for sale ${saleId}: foreign-tx-id is ${JSON.stringify(foreign.slice(0, 64))}`,
      );
      return page(
        c,
        400,
        'Link not valid',
        'The payment reported by SumUp belongs to another sale. Nothing was changed.',
      );
    }
    const status = single(c, 'smp-status');
    if (status !== 'success' && status !== 'failed' && status !== 'invalidstate') {
      return page(
        c,
        400,
        'Unknown result',
        'SumUp did not say whether the payment worked. Check the SumUp app, then the till.',
      );
    }
    const rawCode = single(c, 'smp-tx-code');
    const txCode = rawCode && /^[A-Za-z0-9_-]{1,64}$/.test(rawCode) ? rawCode : undefined;
    const result = await deps.tap.onCallback(saleId, { status, txCode });
    if (result.kind === 'unknown_sale')
      return page(
        c,
        404,
        'Sale not found',
        'This till has no open Tap to Pay sale for this link. Nothing was changed.',
      );
    const n = `sale #${result.sale.number}`;
    const text: Record<typeof result.kind, string> = {
      succeeded: `The payment for ${n} is complete. Please return to the till.`,
      failed: `${result.sale.reason ?? 'The payment did not go through.'} Please return to the till.`,
      confirming: `SumUp reported the payment for ${n}; the till is confirming it with SumUp. Please return to the till.`,
      already: `${n} is already ${result.sale.state}. Please return to the till.`,
      late_success: `${n} was already ${result.sale.state} at the till, but SumUp took a payment. Refund it in the SumUp app, then return to the till.`,
    };
    page(c, 200, PAGE_TITLES[result.kind], text[result.kind]);
  });
}
