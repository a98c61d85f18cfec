/**
 * The admin pages' endpoints: employees, POS security, SumUp readers, printer and receipt
 * settings, refunds, day closing, exports and backup. Admin calls ride on the HttpOnly
 * session cookie.
 */
import type {
  FiscalInfo,
  FleetStatus,
  EmployeeInfo,
  PrintResult,
  PrinterStatus,
  ReceiptSettings,
  Refund,
  CashMovement,
  XReport,
  ZReport,
  SumUpReaderInfo,
  SumUpReaders,
  VoucherInfo,
} from '../../../daemon/protocol.js';
import { ApiRequestError, enc, request, terminal } from './request.js';

// -------------------------------------------------------------------------------- admin
/** The voucher book with balances (GET /api/v1/admin/vouchers). */
export const listVouchers = () =>
  request<{ vouchers: VoucherInfo[]; outstanding_cents: number }>('/api/v1/admin/vouchers');

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
  connection: 'usb' | 'network' | 'none';
  vendor_id: string;
  product_id: string;
  /** The kernel's usblp device (/dev/usb/lp0); empty = libusb by VID:PID. */
  device_path: string;
  host: string;
  port: number;
  /** Printer profile (receipt-printer-encoder model id). */
  model: string;
  paper_width_mm: 58 | 80;
  drawer_kick: boolean;
  enabled: boolean;
}
export type PrinterSettingsView = PrinterSettings & {
  status: PrinterStatus;
  models: Array<{ id: string; name: string; language: string }>;
};

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
  /** Refunded pieces per line index. */
  refunded_quantities: Record<string, number>;
}

export const saleRefunds = (saleId: string) =>
  request<{
    refunds: Refund[];
    refunded_line_indexes: number[];
    refunded_quantities: Record<string, number>;
  }>(`/api/v1/sales/${enc(saleId)}/refunds`);

/** Neither `line_indexes` nor `parts`: everything not refunded yet. */
export const refundSale = (
  saleId: string,
  body: {
    line_indexes?: number[];
    parts?: Array<{ line_index: number; quantity: number }>;
    reason: string;
    idempotency_key: string;
    /** Split sales: card parts not refunded yet go back by hand. */
    by_hand?: boolean;
  },
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
export const salesCsvDeUrl = (from: string, to: string) => `${salesCsvUrl(from, to)}&format=de`;
export const Z_REPORTS_CSV_DE_URL = `${Z_REPORTS_CSV_URL}?format=de`;
export const revenueCsvUrl = (from: string, to: string) =>
  `/api/v1/admin/exports/revenue.csv?from=${enc(from)}&to=${enc(to)}`;
export const BACKUP_URL = '/api/v1/admin/backup';

// --------------------------------------------------------------------- fiscal (TSE)
export const fiscalInfo = () => request<FiscalInfo>('/api/v1/admin/fiscal');
export const fiscalSetup = () =>
  request<{ ok: true; steps: string[]; info: FiscalInfo }>('/api/v1/admin/fiscal/setup', {
    method: 'POST',
  });
export const FISCAL_TAR_URL = '/api/v1/admin/fiscal/tar';
export const dsfinvkUrl = (from: string, to: string) =>
  `/api/v1/admin/exports/dsfinvk.zip?from=${enc(from)}&to=${enc(to)}`;

export interface RestoreResult {
  staged: boolean;
  files: number;
  bytes: number;
  created_at: string;
  app_version: string;
  restart: 'restarting' | 'required';
  message: string;
}

export const uploadRestore = (file: Blob, newIdentity = false) =>
  request<RestoreResult>(`/api/v1/admin/restore${newIdentity ? '?identity=new' : ''}`, {
    method: 'POST',
    body: file,
    contentType: 'application/gzip',
  });

export const restoreStatus = () => request<{ pending: boolean }>('/api/v1/admin/restore');

export const fleetStatus = () => request<FleetStatus>('/api/v1/admin/fleet/status');
export const putFleetBranch = (branch_name: string) =>
  request<FleetStatus>('/api/v1/admin/fleet/branch', { method: 'PUT', json: { branch_name } });
