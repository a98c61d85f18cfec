/**
 * The one fetch of the kiosk UI: JSON in and out, same-origin cookies, and every refusal as
 * an ApiRequestError carrying the daemon's `{error: {code, message, field, params}}`. The
 * message is the daemon's English sentence for logs; what a person reads comes from
 * lib/errors.ts by code.
 */
import type { ApiError } from '../../../daemon/protocol.js';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Values of the refusal (e.g. `{minimum_payment_cents: 100}`) for its translated text. */
    readonly params?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
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
    const params = e?.params;
    throw new ApiRequestError(
      res.status,
      e?.code ?? 'http_' + res.status,
      // eslint-disable-next-line no-restricted-syntax -- kept on the error for logs, never shown
      e?.message ?? res.statusText,
      e?.field,
      params && typeof params === 'object' ? (params as Record<string, unknown>) : undefined,
    );
  }
  return data as T;
}

export const enc = encodeURIComponent;
export const terminal = (tid: string) => `/api/v1/terminals/${enc(tid)}`;

/** Lists come either bare or wrapped ({providers: [...]}); accept both. */
export function unwrap<T>(data: unknown, key: string): T {
  if (Array.isArray(data)) return data as T;
  return ((data as Record<string, unknown> | null)?.[key] ?? []) as T;
}
