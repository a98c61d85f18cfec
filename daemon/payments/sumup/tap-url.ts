/**
 * The SumUp app-switch URL (`sumupmerchant://pay/1.0`).
 *
 * SumUp documents two dialects of the same URL: the iOS scheme (sumup/sumup-ios-url-scheme)
 * takes `amount`, `callbacksuccess` and `callbackfail`; the Android scheme
 * (sumup/sumup-android-api) takes `total`, `app-id` and one `callback`. The merchant's phone
 * may be either, so the URL carries both spellings with the same values; each app ignores the
 * keys it does not know. Values are percent-encoded per RFC 3986 (a space is %20, never "+",
 * which iOS' URLComponents would keep as a plus).
 */
import { decimalAmount } from './money.js';

export interface TapUrlInput {
  amountCents: number;
  currency: string;
  affiliateKey: string;
  appId?: string;
  title: string;
  /** Our sale id: SumUp returns it as `foreign-tx-id` and stores it on the transaction. */
  foreignTxId: string;
  callbackUrl: string;
}

export function buildTapUrl(i: TapUrlInput): string {
  const amount = decimalAmount(i.amountCents, i.currency);
  const params: Array<[string, string]> = [
    ['amount', amount],
    ['total', amount],
    ['currency', i.currency],
    ['affiliate-key', i.affiliateKey],
  ];
  if (i.appId) params.push(['app-id', i.appId]);
  params.push(
    ['title', i.title],
    ['foreign-tx-id', i.foreignTxId],
    ['callback', i.callbackUrl],
    ['callbacksuccess', i.callbackUrl],
    ['callbackfail', i.callbackUrl],
  );
  const query = params.map(([k, v]) => `${k}=${encodeRfc3986(v)}`).join('&');
  return `sumupmerchant://pay/1.0?${query}`;
}

/** encodeURIComponent plus the four sub-delims it leaves alone (RFC 3986 §2.2). */
export function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}
