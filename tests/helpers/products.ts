/** A catalog product for unit tests: every field of `Product` filled, `extra` overrides. */
import type { Product } from '../../daemon/protocol.js';

export const PRODUCT_TIME = '2026-01-01T00:00:00.000Z';

export function testProduct(id: string, extra: Partial<Product> = {}): Product {
  return {
    id,
    barcode: `B-${id}`,
    name: `Product ${id}`,
    price_cents: 100,
    category_id: null,
    category: null,
    deposit_product_id: null,
    vat_rate: 19,
    active: true,
    image_url: null,
    created_at: PRODUCT_TIME,
    updated_at: PRODUCT_TIME,
    ...extra,
  };
}
