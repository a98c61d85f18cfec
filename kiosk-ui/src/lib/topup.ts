/**
 * Bringing a cart up to a payment provider's minimum: the daemon's top-up command, or (an
 * older daemon) the provider's top-up product added as plain items.
 */
import type { Cart, ProviderInfo } from '../../../daemon/protocol.js';
import * as api from './api.js';

/** Adds the top-up product: through the daemon's top-up command, else as plain items. */
export async function topUp(tid: string, provider: ProviderInfo, missing: number): Promise<Cart> {
  try {
    return await api.topUpCart(tid, provider.id);
  } catch (err) {
    if (!(err instanceof api.ApiRequestError) || (err.status !== 404 && err.status !== 405))
      throw err;
  }
  const barcode = provider.minimum_topup_barcode ?? '';
  const [product] = (await api.searchProducts(barcode)).filter((p) => p.barcode === barcode);
  if (!product) throw new api.ApiRequestError(404, 'no_topup_product', 'no top-up product');
  const perUnit = Math.max(1, product.price_cents);
  return api.addProduct(tid, product.id, Math.ceil(missing / perUnit));
}
