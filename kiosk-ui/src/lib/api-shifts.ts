/** Cash-up per cashier and the customer display's settings (admin pages). */
import type {
  DisplaySettings,
  PrintResult,
  ShiftCount,
  ShiftCountBody,
  ShiftReport,
} from '../../../daemon/protocol.js';
import { enc, request } from './request.js';

export const shiftReport = (from: string, to: string) =>
  request<ShiftReport>(`/api/v1/closing/shifts?from=${enc(from)}&to=${enc(to)}`);

export const printShiftReport = (from: string, to: string) =>
  request<PrintResult>('/api/v1/closing/shifts/print', { method: 'POST', json: { from, to } });

export const countShift = (body: ShiftCountBody) =>
  request<ShiftCount>('/api/v1/closing/shifts/count', { method: 'POST', json: body });

export const displaySettings = () => request<DisplaySettings>('/api/v1/admin/settings/display');

export const saveDisplaySettings = (body: { paid_hold_seconds: number }) =>
  request<DisplaySettings>('/api/v1/admin/settings/display', { method: 'PUT', json: body });

export const uploadLogo = (file: Blob) =>
  request<DisplaySettings>('/api/v1/admin/settings/logo', {
    method: 'PUT',
    body: file,
    contentType: file.type || 'application/octet-stream',
  });

export const deleteLogo = () =>
  request<DisplaySettings>('/api/v1/admin/settings/logo', { method: 'DELETE' });
