/**
 * Derived values and small rules of the till, pure (re-exported by pos-store.ts): what the
 * picker shows, and the idempotency key of a checkout and when it is reused.
 */
import type { Product, ProviderInfo } from '../../../daemon/protocol.js';
import { ApiRequestError } from '../lib/api.js';

/** The quick-pick grid hides the technical top-up products (added by the pay buttons). */
export function pickable(products: Product[], providers: ProviderInfo[]): Product[] {
  const topups = new Set(providers.map((p) => p.minimum_topup_barcode).filter(Boolean));
  return products.filter((p) => !p.barcode || !topups.has(p.barcode));
}

/** The idempotency key of one checkout: reused while the same cart is retried. */
export interface RetryKey {
  provider: string;
  version: number;
  key: string;
}

export function checkoutKey(
  prev: RetryKey | null,
  provider: string,
  version: number,
  fresh: () => string,
): RetryKey {
  if (prev && prev.provider === provider && prev.version === version) return prev;
  return { provider, version, key: fresh() };
}

/** After a failed checkout: a network error keeps the key (pressing again retries it). */
export function keyAfterFailure(key: RetryKey | null, err: unknown): RetryKey | null {
  return err instanceof ApiRequestError && err.code === 'network' ? key : null;
}
