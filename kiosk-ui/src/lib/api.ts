/**
 * The UI's only door to the daemon's REST API (views never call fetch themselves). Thin
 * functions, one per endpoint; errors become ApiRequestError carrying the daemon's
 * `{error: {code, message, field}}`. Admin calls ride on the HttpOnly session cookie.
 */
import type {
  ApiError,
  Cart,
  CsvImportReport,
  DailyReport,
  EmployeeInfo,
  PairingSecret,
  Product,
  ProductInput,
  PrintResult,
  PrinterStatus,
  ProviderInfo,
  ReceiptInfo,
  ReceiptSettings,
  Refund,
  Sale,
  CashMovement,
  XReport,
  ZReport,
  ScannerInfo,
  SumUpReaderInfo,
  SumUpReaders,
} from '../../../daemon/protocol.js';

export type { ReceiptSettings };

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly params?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
}

async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  } else if (opts.contentType) headers['content-type'] = opts.contentType;
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiRequestError(0, 'network', 'The daemon cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as ApiError | null)?.error;
    throw new ApiRequestError(
      res.status,
      e?.code ?? 'http_' + res.status,
      e?.message ?? res.statusText,
      e?.field,
      e?.params,
    );
  }
  return data as T;
}

const enc = encodeURIComponent;
const terminal = (tid: string) => `/api/v1/terminals/${enc(tid)}`;

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

// -------------------------------------------------------------------------------- carts
export const getCart = (tid: string) => request<Cart>(`${terminal(tid)}/cart`);

export const addBarcode = (tid: string, barcode: string) =>
  request<Cart>(`${terminal(tid)}/cart/items`, { method: 'POST', json: { barcode } });

export const addProduct = (tid: string, productId: string, quantity = 1) =>
  request<Cart>(`${terminal(tid)}/cart/items`, {
    method: 'POST',
    json: { product_id: productId, quantity },
  });

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
  body: { provider: string; idempotency_key: string; tendered_cents?: number },
) => request<Sale>(`${terminal(tid)}/checkout`, { method: 'POST', json: body });

export const getSale = (id: string) => request<Sale>(`/api/v1/sales/${enc(id)}`);

export const cancelSale = (id: string) =>
  request<Sale>(`/api/v1/sales/${enc(id)}/cancel`, { method: 'POST' });

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

// -------------------------------------------------------------------------------- admin
export const adminLogin = (token: string) =>
  request<{ ok: boolean }>('/api/v1/admin/login', { method: 'POST', json: { token } });

export const adminLogout = () =>
  request<{ ok: boolean }>('/api/v1/admin/logout', { method: 'POST' });

/** True when the browser holds a valid admin session cookie. */
export async function adminSession(): Promise<boolean> {
  try {
    await request('/api/v1/admin/session');
    return true;
  } catch (err) {
    if (err instanceof ApiRequestError && (err.status === 401 || err.status === 403)) return false;
    throw err;
  }
}

export type Employee = EmployeeInfo;

export const listEmployees = async () =>
  (await request<{ employees: Employee[] }>('/api/v1/admin/employees')).employees;

export const createEmployee = (body: { name: string; role: Employee['role']; pin: string }) =>
  request<Employee>('/api/v1/admin/employees', { method: 'POST', json: body });

export const updateEmployee = (
  id: string,
  patch: Partial<{ name: string; role: Employee['role']; pin: string; active: boolean }>,
) => request<Employee>(`/api/v1/admin/employees/${enc(id)}`, { method: 'PATCH', json: patch });

export const deleteEmployee = (id: string) =>
  request<void>(`/api/v1/admin/employees/${enc(id)}`, { method: 'DELETE' });

export interface AllowedIp {
  ip: string;
  name: string;
}
export interface PosSecurity {
  enabled: boolean;
  allowed_ips: AllowedIp[];
  /** Cashiers log in with a PIN on each till (in force once an active employee exists). */
  pin_login_enabled?: boolean;
  effective?: { pin_login_in_force?: boolean; message?: string | null };
}

export const getPosSecurity = () => request<PosSecurity>('/api/v1/admin/settings/pos-security');

export const putPosSecurity = (body: Partial<PosSecurity>) =>
  request<PosSecurity>('/api/v1/admin/settings/pos-security', { method: 'PUT', json: body });

export const currentIp = () => request<{ ip: string }>('/api/v1/admin/current-ip');

// SumUp Solo readers (admin)
export const sumupReaders = () => request<SumUpReaders>('/api/v1/admin/sumup/readers');

export const pairSumupReader = (pairing_code: string, name: string) =>
  request<SumUpReaderInfo>('/api/v1/admin/sumup/readers', {
    method: 'POST',
    json: { pairing_code, name },
  });

export const renameSumupReader = (id: string, name: string) =>
  request<SumUpReaderInfo>(`/api/v1/admin/sumup/readers/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    json: { name },
  });

export const removeSumupReader = (id: string) =>
  request<void>(`/api/v1/admin/sumup/readers/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const assignSumupReader = (terminalId: string, readerId: string | null) =>
  request<{ terminal_id: string; reader_id: string | null }>(
    `/api/v1/admin/sumup/terminals/${encodeURIComponent(terminalId)}/reader`,
    { method: 'PUT', json: { reader_id: readerId } },
  );

export const setDefaultSumupReader = (readerId: string | null) =>
  request<{ default_reader_id: string | null }>('/api/v1/admin/sumup/default-reader', {
    method: 'PUT',
    json: { reader_id: readerId },
  });

// --------------------------------------------------------------- receipts and printer
/** Prints a copy of the last receipt printed on this till (since the daemon started). */
export const reprintLast = (tid: string) =>
  request<PrintResult>(`${terminal(tid)}/receipt/reprint-last`, { method: 'POST' });

export const printerStatus = () => request<PrinterStatus>('/api/v1/printer');

export const openDrawer = (reason: string) =>
  request<PrintResult>('/api/v1/printer/open-drawer', {
    method: 'POST',
    json: reason ? { reason } : {},
  });

export interface PrinterSettings {
  vendor_id: string;
  product_id: string;
  paper_width_mm: 58 | 80;
  drawer_kick: boolean;
  enabled: boolean;
}
export type PrinterSettingsView = PrinterSettings & { status: PrinterStatus };

export const getPrinterSettings = () =>
  request<PrinterSettingsView>('/api/v1/admin/settings/printer');

export const putPrinterSettings = (body: Partial<PrinterSettings>) =>
  request<PrinterSettingsView>('/api/v1/admin/settings/printer', { method: 'PUT', json: body });

export const printTestPage = () =>
  request<PrintResult>('/api/v1/admin/printer/test', { method: 'POST' });

export const getReceiptSettings = () => request<ReceiptSettings>('/api/v1/admin/settings/receipts');

export const putReceiptSettings = (body: Partial<ReceiptSettings>) =>
  request<ReceiptSettings>('/api/v1/admin/settings/receipts', { method: 'PUT', json: body });

// ----------------------------------------------------------------------------- refunds
export interface RefundResult {
  refund: Refund;
  receipt_url: string;
  print: PrintResult;
  refunded_line_indexes: number[];
}

export const saleRefunds = (saleId: string) =>
  request<{ refunds: Refund[]; refunded_line_indexes: number[] }>(
    `/api/v1/sales/${enc(saleId)}/refunds`,
  );

/** No `line_indexes`: every line not refunded yet. */
export const refundSale = (
  saleId: string,
  body: { line_indexes?: number[]; reason: string; idempotency_key: string },
) => request<RefundResult>(`/api/v1/sales/${enc(saleId)}/refunds`, { method: 'POST', json: body });

// ------------------------------------------------------------------------- day closing
export const xReport = () => request<XReport>('/api/v1/closing/x');

export const printXReport = () =>
  request<PrintResult>('/api/v1/closing/x/print', { method: 'POST' });

export const cashMovement = (body: {
  kind: CashMovement['kind'];
  amount_cents: number;
  reason: string;
  idempotency_key: string;
}) => request<CashMovement>('/api/v1/closing/movements', { method: 'POST', json: body });

export const closeDay = (body: {
  counted_cents?: number;
  denominations?: Record<string, number>;
  next_float_cents: number;
  idempotency_key: string;
}) =>
  request<{ z: ZReport; print: PrintResult | null }>('/api/v1/closing/z', {
    method: 'POST',
    json: body,
  });

export interface ZReportEntry {
  number: number;
  /** When it was closed (ISO 8601 UTC). */
  at: string;
  day: string;
}

export const listZReports = () =>
  request<{ z_reports: ZReportEntry[]; opening_float_cents: number }>('/api/v1/closing/z');

export const getZReport = (n: number) => request<ZReport>(`/api/v1/closing/z/${n}`);

export const printZReport = (n: number) =>
  request<PrintResult>(`/api/v1/closing/z/${n}/print`, { method: 'POST' });

// --------------------------------------------------------------------- exports, backup
export const salesCsvUrl = (from: string, to: string) =>
  `/api/v1/admin/exports/sales.csv?from=${enc(from)}&to=${enc(to)}`;
export const Z_REPORTS_CSV_URL = '/api/v1/admin/exports/z-reports.csv';
export const BACKUP_URL = '/api/v1/admin/backup';

export interface RestoreResult {
  staged: boolean;
  files: number;
  bytes: number;
  created_at: string;
  app_version: string;
  restart: 'restarting' | 'required';
  message: string;
}

export const uploadRestore = (file: Blob) =>
  request<RestoreResult>('/api/v1/admin/restore', {
    method: 'POST',
    body: file,
    contentType: 'application/gzip',
  });

export const restoreStatus = () => request<{ pending: boolean }>('/api/v1/admin/restore');

/** Lists come either bare or wrapped ({providers: [...]}); accept both. */
function unwrap<T>(data: unknown, key: string): T {
  if (Array.isArray(data)) return data as T;
  return ((data as Record<string, unknown> | null)?.[key] ?? []) as T;
}
