/**
 * Cross-site request refusal (CSRF). A page from another site open in a till's browser can
 * send "simple" POSTs (form or text/plain bodies, no preflight) that carry the browser's
 * address — which the whitelist lets through — and could open the drawer or print. Browsers
 * mark such requests: `Sec-Fetch-Site: cross-site` (Fetch Metadata) and an `Origin` whose host
 * differs from the Host the request was sent to (RFC 6454 §7). State-changing requests with
 * either mark are refused; clients that are not browsers (curl, scanners, SumUp's servers)
 * send neither and are not affected.
 */
import type { Context } from 'koa';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Requests with these headers cannot come from a cross-site page without a CORS preflight the
 * daemon approves (it approves them only for the network-scanner endpoints, whose browser
 * clients live on other origins by design).
 */
const PREFLIGHTED = ['authorization', 'x-scanner-secret'];

export function isCrossSite(ctx: Context): boolean {
  if (SAFE.has(ctx.method)) return false;
  if (PREFLIGHTED.some((h) => ctx.get(h) !== '')) return false;
  if (ctx.get('sec-fetch-site') === 'cross-site') return true;
  const origin = ctx.get('origin');
  if (!origin) return false;
  if (origin === 'null') return true; // sandboxed frames, file:// pages, some redirects
  try {
    return new URL(origin).host !== ctx.host;
  } catch {
    return true;
  }
}
