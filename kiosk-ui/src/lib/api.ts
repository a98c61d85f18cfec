/**
 * The UI's only door to the daemon's REST API (views never call fetch themselves). Thin
 * functions, one per endpoint: the till's here, the admin pages' in api-admin.ts (re-exported,
 * so `import * as api` reaches both). Requests and errors: request.ts.
 */
import type {
  Cart,
  Category,
  CategoryInput,
  DiscountBody,
  DiscountSettings,
  TipSettings,
  OpenPriceInput,
  SellingSettings,
  QuickKeyPage,
  CsvImportReport,
  DailyReport,
  PairingSecret,
  Product,
  ProductInput,
  PrintResult,
  ProviderInfo,
  ReceiptInfo,
  ReceiptSettings,
  Sale,
  ScannerInfo,
} from '../../../daemon/protocol.js';
import { ApiRequestError, enc, request, terminal, unwrap } from './request.js';

export { ApiRequestError };
export * from './api-admin.js';
export type { ReceiptSettings };

// ------------------------------------------------------------------------------ catalog
export async function searchProducts(q: string, activeOnly = false): Promise<Product[]> {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (activeOnly) params.set('active', 'true');
  const qs = params.toString();
  return (await request<{ products: Product[] }>(`/api/v1/products${qs ? `?${qs}` : ''}`)).products;
}

export const createProduct = (input: ProductInput) =>
  request<Product>('/api/v1/products', { method: 'POST', json: input });

export const updateProduct = (id: string, patch: ProductInput) =>
  request<Product>(`/api/v1/products/${enc(id)}`, { method: 'PATCH', json: patch });

export const deleteProduct = (id: string) =>
  request<void>(`/api/v1/products/${enc(id)}`, { method: 'DELETE' });

export const uploadProductImage = (id: string, file: Blob) =>
  request<Product>(`/api/v1/products/${enc(id)}/image`, {
    method: 'PUT',
    body: file,
    contentType: file.type || 'application/octet-stream',
  });

/** The file goes as raw bytes: the daemon detects UTF-8 or Windows-1252 itself. */
/** `encoding`: the file's encoding as the owner chose it (the daemon never guesses). */
export const importProductsCsv = (
  csv: Blob | string,
  encoding: 'utf-8' | 'windows-1252' = 'utf-8',
) =>
  request<CsvImportReport>(`/api/v1/products/import?encoding=${encoding}`, {
    method: 'POST',
    body: csv,
    contentType: 'text/csv',
  });

export const PRODUCTS_EXPORT_URL = '/api/v1/products/export.csv';

// --------------------------------------------------------------- categories, quick keys
export async function listCategories(): Promise<Category[]> {
  return (await request<{ categories: Category[] }>('/api/v1/categories')).categories;
}

export async function getQuickKeys(): Promise<QuickKeyPage[]> {
  return (await request<{ pages: QuickKeyPage[] }>('/api/v1/quick-keys')).pages;
}

export const createCategory = (input: CategoryInput) =>
  request<Category>('/api/v1/categories', { method: 'POST', json: input });

export const updateCategory = (id: string, patch: CategoryInput) =>
  request<Category>(`/api/v1/categories/${enc(id)}`, { method: 'PATCH', json: patch });

export const deleteCategory = (id: string) =>
  request<void>(`/api/v1/categories/${enc(id)}`, { method: 'DELETE' });

export const uploadCategoryImage = (id: string, file: Blob) =>
  request<Category>(`/api/v1/categories/${enc(id)}/image`, {
    method: 'PUT',
    body: file,
    contentType: file.type || 'application/octet-stream',
  });

export const deleteCategoryImage = (id: string) =>
  request<Category>(`/api/v1/categories/${enc(id)}/image`, { method: 'DELETE' });

export const orderCategories = (ids: string[]) =>
  request<{ categories: Category[] }>('/api/v1/categories/order', {
    method: 'PUT',
    json: { ids },
  });

export const sellingSettings = () => request<SellingSettings>('/api/v1/admin/settings/selling');

export const saveSellingSettings = (body: SellingSettings) =>
  request<SellingSettings>('/api/v1/admin/settings/selling', { method: 'PUT', json: body });

export const saveQuickKeys = (pages: QuickKeyPage[]) =>
  request<{ pages: QuickKeyPage[] }>('/api/v1/quick-keys', { method: 'PUT', json: { pages } });

// -------------------------------------------------------------------------------- carts
export const getCart = (tid: string) => request<Cart>(`${terminal(tid)}/cart`);

export const addBarcode = (tid: string, barcode: string) =>
  request<Cart>(`${terminal(tid)}/cart/items`, { method: 'POST', json: { barcode } });

export const addProduct = (tid: string, productId: string, quantity = 1) =>
  request<Cart>(`${terminal(tid)}/cart/items`, {
    method: 'POST',
    json: { product_id: productId, quantity },
  });

/** Sells a multi-purpose voucher of this amount (its code is made by the daemon). */
export const addVoucher = (tid: string, amount_cents: number) =>
  request<Cart>(`${terminal(tid)}/cart/items`, {
    method: 'POST',
    json: { voucher: { amount_cents } },
  });

export const addOpenPrice = (tid: string, open_price: OpenPriceInput, quantity = 1) =>
  request<Cart>(`${terminal(tid)}/cart/items`, {
    method: 'POST',
    json: { open_price, quantity },
  });

/** "Pfand zurück": a negative line of the deposit product. */
export const addDepositReturn = (tid: string, productId: string, quantity = 1) =>
  request<Cart>(`${terminal(tid)}/cart/items`, {
    method: 'POST',
    json: { deposit_return: productId, quantity },
  });

export const addDiscount = (tid: string, body: DiscountBody) =>
  request<Cart>(`${terminal(tid)}/cart/discounts`, { method: 'POST', json: body });

export const removeDiscount = (tid: string, id: string) =>
  request<Cart>(`${terminal(tid)}/cart/discounts/${enc(id)}`, { method: 'DELETE' });

export const depositProducts = async (): Promise<Product[]> =>
  (await request<{ products: Product[] }>('/api/v1/deposit-products')).products;

export const discountSettings = () => request<DiscountSettings>('/api/v1/discounts');

/** The till's tip step: on/off and presets (settings section `tips`). */
export const tipSettings = () => request<TipSettings>('/api/v1/tips');

export const adminTipSettings = () => request<TipSettings>('/api/v1/admin/settings/tips');

export const saveTipSettings = (body: Partial<TipSettings>) =>
  request<TipSettings>('/api/v1/admin/settings/tips', { method: 'PUT', json: body });

export const adminDiscountSettings = () =>
  request<DiscountSettings>('/api/v1/admin/settings/discounts');

export const saveDiscountSettings = (body: DiscountSettings) =>
  request<DiscountSettings>('/api/v1/admin/settings/discounts', { method: 'PUT', json: body });

/** Today's paid sales of this till, newest first (manager). */
export const tillSales = async (tid: string): Promise<Sale[]> =>
  (await request<{ sales: Sale[] }>(`${terminal(tid)}/sales`)).sales;

export const setLineQuantity = (tid: string, lineId: string, quantity: number) =>
  request<Cart>(`${terminal(tid)}/cart/items/${enc(lineId)}`, {
    method: 'PATCH',
    json: { quantity },
  });

export const removeLine = (tid: string, lineId: string) =>
  request<Cart>(`${terminal(tid)}/cart/items/${enc(lineId)}`, { method: 'DELETE' });

export const clearCart = (tid: string) =>
  request<Cart>(`${terminal(tid)}/cart`, { method: 'DELETE' });

/** Adds the provider's top-up product until the cart reaches the provider's minimum. */
export const topUpCart = (tid: string, provider: string) =>
  request<Cart>(`${terminal(tid)}/cart/topup`, { method: 'POST', json: { provider } });

// ------------------------------------------------------------------------------ cashier
export interface CashierInfo {
  id: string;
  name: string;
  role: string;
  terminal_id: string;
}
export interface CashierStatus {
  terminal_id: string;
  /** PIN login is in force on this appliance. */
  required: boolean;
  cashier: CashierInfo | null;
  locked_for_s: number;
  employees: Array<{ id: string; name: string }>;
}

export const cashierStatus = (tid: string) => request<CashierStatus>(`${terminal(tid)}/cashier`);

export const cashierLogin = (tid: string, pin: string, employeeId?: string) =>
  request<{ cashier: CashierInfo }>(`${terminal(tid)}/cashier/login`, {
    method: 'POST',
    json: employeeId ? { pin, employee_id: employeeId } : { pin },
  });

export const cashierLogout = (tid: string) =>
  request<{ ok: boolean }>(`${terminal(tid)}/cashier/logout`, { method: 'POST' });

// ----------------------------------------------------------------------------- payments
export const checkout = (
  tid: string,
  body: {
    provider: string;
    idempotency_key: string;
    tendered_cents?: number;
    amount_cents?: number;
    tip_cents?: number;
    voucher_code?: string;
  },
) => request<Sale>(`${terminal(tid)}/checkout`, { method: 'POST', json: body });

export const getSale = (id: string) => request<Sale>(`/api/v1/sales/${enc(id)}`);

/** The sale a checkout with this idempotency key made on the till (404: none was booked). */
export const saleByCheckoutKey = (tid: string, key: string) =>
  request<Sale>(`${terminal(tid)}/checkout/${enc(key)}`);

export const cancelSale = (id: string) =>
  request<Sale>(`/api/v1/sales/${enc(id)}/cancel`, { method: 'POST' });

/** Gives up a partly paid sale: its paid parts go back (cash: the till pays it back). */
export const abandonSale = (id: string) =>
  request<{ sale: Sale; pay_back_cash_cents: number; pay_back_manual_cents: number }>(
    `/api/v1/sales/${enc(id)}/abandon`,
    { method: 'POST' },
  );

export type ReceiptWithPrint = ReceiptInfo & { print: PrintResult | null };

/** The receipt of a paid sale; `wait` answers once the automatic print has finished. */
export const saleReceipt = (id: string, wait = false) =>
  request<ReceiptWithPrint>(`/api/v1/sales/${enc(id)}/receipt${wait ? '?wait=1' : ''}`);

export const printReceiptCopy = (id: string) =>
  request<PrintResult>(`/api/v1/sales/${enc(id)}/receipt/print`, { method: 'POST' });

export const listProviders = async () =>
  unwrap<ProviderInfo[]>(
    await request<ProviderInfo[] | { providers: ProviderInfo[] }>(
      '/api/v1/payments/providers/available',
    ),
    'providers',
  );

export const listSales = async (date: string) =>
  unwrap<Sale[]>(
    await request<Sale[] | { sales: Sale[] }>(`/api/v1/sales?date=${enc(date)}`),
    'sales',
  );

export const dailyReport = (date: string) =>
  request<DailyReport>(`/api/v1/reports/daily?date=${enc(date)}`);

// ----------------------------------------------------------------------------- scanners
export const pairingSecret = (tid: string) =>
  request<PairingSecret>(`/api/v1/scanner/pairing-secret?terminal_id=${enc(tid)}`);

/** Known scanners, and keyboard-class devices an admin may mark as scanners. */
export async function listScanners(): Promise<{
  scanners: ScannerInfo[];
  keyboards: ScannerInfo[];
}> {
  const data = await request<
    ScannerInfo[] | { scanners: ScannerInfo[]; keyboards?: ScannerInfo[] }
  >('/api/v1/scanners');
  if (Array.isArray(data)) return { scanners: data, keyboards: [] };
  return { scanners: data.scanners ?? [], keyboards: data.keyboards ?? [] };
}

export interface ScannerPatch {
  name?: string;
  layout?: 'us' | 'de' | 'fr' | 'uk' | 'ch';
  enabled?: boolean;
  /** Marks a keyboard-class device as a scanner (never the user's real keyboard). */
  is_scanner?: boolean;
  /** null forgets the pairing (the scanner goes back to the default terminal). */
  terminal_id?: null;
}

export interface LayoutTest {
  text: string;
  barcode_format: string;
  barcode_svg: string;
}

export const layoutTest = () => request<LayoutTest>('/api/v1/scanners/layout-test');

export const updateScanner = (id: string, patch: ScannerPatch) =>
  request<ScannerInfo>(`/api/v1/scanners/${enc(id)}`, { method: 'PATCH', json: patch });
