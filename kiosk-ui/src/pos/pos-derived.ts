/**
 * Derived values and small rules of the till, pure (re-exported by pos-store.ts): what the
 * picker shows, and the idempotency key of a checkout and when it is reused.
 */
import type { Category, Product, ProviderInfo, QuickKeyPage } from '../../../daemon/protocol.js';
import { ApiRequestError } from '../lib/api.js';

/** The quick-pick grid hides the technical top-up products (added by the pay buttons). */
export function pickable(products: Product[], providers: ProviderInfo[]): Product[] {
  const topups = new Set(providers.map((p) => p.minimum_topup_barcode).filter(Boolean));
  return products.filter((p) => !p.barcode || !topups.has(p.barcode));
}

/** A tab of the picker: a quick-keys page, a category, or every product. */
export type PickerTab =
  | { kind: 'quick'; id: string; page: number; name: string }
  | { kind: 'category'; id: string; category: Category }
  | { kind: 'all'; id: 'all' };

/**
 * Tabs left to right: quick-keys pages that hold products, the categories in order that hold
 * a product the till sells (`products`: the picker's list), and "all".
 */
export function pickerTabs(
  categories: Category[],
  quickKeys: QuickKeyPage[],
  products: Product[],
): PickerTab[] {
  const tabs: PickerTab[] = [];
  const used = new Set(products.map((p) => p.category_id));
  quickKeys.forEach((page, i) => {
    if (page.product_ids.length)
      tabs.push({ kind: 'quick', id: `quick:${i}`, page: i, name: page.name });
  });
  for (const c of [...categories].sort((a, b) => a.position - b.position))
    if (used.has(c.id)) tabs.push({ kind: 'category', id: c.id, category: c });
  tabs.push({ kind: 'all', id: 'all' });
  return tabs;
}

/** The tiles of a tab: a quick-keys page in the owner's order, else by name. */
export function tilesFor(
  tab: PickerTab | undefined,
  products: Product[],
  quickKeys: QuickKeyPage[],
): Product[] {
  if (!tab || tab.kind === 'all') return products;
  if (tab.kind === 'category') return products.filter((p) => p.category_id === tab.id);
  const byId = new Map(products.map((p) => [p.id, p]));
  return (quickKeys[tab.page]?.product_ids ?? [])
    .map((id) => byId.get(id))
    .filter((p): p is Product => !!p);
}

/**
 * What Enter in the one entry field does: digits are a barcode (typed or read by a scanner
 * in keyboard mode); other text adds the one product the search found, or is tried as a
 * barcode when it has no spaces (Code 128 labels); else nothing.
 */
export function entryAction(
  text: string,
  results: Product[],
): { barcode: string } | { product_id: string } | null {
  const v = text.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return { barcode: v };
  if (results.length === 1) return { product_id: results[0].id };
  if (!/\s/.test(v) && v.length <= 64) return { barcode: v };
  return null;
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
