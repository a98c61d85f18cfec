/**
 * Wire types (daemon/protocol.ts): the catalog — products, categories, quick-keys pages,
 * price- and weight-embedded barcode schemes, the CSV import report.
 */

/** The VAT rates (percent) a product may have; the admin form offers exactly these. */
export const VAT_RATES_DEFAULT: readonly number[] = [19, 7, 0];

export interface Product {
  id: string;
  barcode: string | null;
  name: string;
  price_cents: number;
  /** The category's id (GET /api/v1/categories), or null. */
  category_id: string | null;
  /** The category's name (follows a rename; kept for CSV and older clients), or null. */
  category: string | null;
  /** A deposit product (Pfand) that follows this product into the cart, or null. */
  deposit_product_id: string | null;
  /** VAT rate in percent (e.g. 19, 7, 0). */
  vat_rate: number;
  active: boolean;
  /** URL path of the normalised image, or null. */
  image_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProductInput {
  barcode?: string | null;
  name?: string;
  price_cents?: number;
  /** By id; or `category` by name (an unknown name creates the category). */
  category_id?: string | null;
  category?: string | null;
  deposit_product_id?: string | null;
  vat_rate?: number;
  active?: boolean;
}

/** A product category as the till shows it: a tab with a colour, in the owner's order. */
export interface Category {
  id: string;
  name: string;
  /** `#rrggbb`: the tab's and its tiles' accent colour. */
  color: string;
  /** 0-based place in the owner's order (tabs left to right). */
  position: number;
  /** An optional short symbol (an emoji or up to 4 characters) shown on the tab. */
  icon: string | null;
  /** An optional picture shown small on the tab (`/api/v1/categories/:id/image?v=<hash>`). */
  image_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface CategoryInput {
  name?: string;
  color?: string;
  icon?: string | null;
}

/** A quick-keys page: up to QUICK_KEYS_PER_PAGE product tiles in the owner's fixed order. */
export interface QuickKeyPage {
  name: string;
  product_ids: string[];
}

/** GET/PUT /api/v1/quick-keys */
export interface QuickKeys {
  pages: QuickKeyPage[];
}

/** A price- or weight-embedded EAN-13 layout for one prefix (docs/SELLING.md). */
export interface EmbeddedScheme {
  /** Two digits, 20-29. */
  prefix: string;
  kind: 'price' | 'weight';
  /** Digits of the article number after the prefix (3-6); the value takes the rest. */
  item_digits: number;
}

/** GET/PUT /api/v1/admin/settings/selling */
export interface SellingSettings {
  embedded_barcodes: EmbeddedScheme[];
}

export const QUICK_KEYS_PER_PAGE = 24;
export const QUICK_KEY_PAGES_MAX = 6;

export interface CsvImportReport {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused, by spreadsheet row number; `code` is stable (the UI translates by it). */
  errors: Array<{ row: number; field?: string; code?: string; message: string }>;
}
