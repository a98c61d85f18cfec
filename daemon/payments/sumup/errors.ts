/**
 * SumUp failures in plain words for the cashier. The SDK throws APIError (HTTP status + the
 * parsed error body) or SumUpError ("Request timed out after …"); fetch throws TypeError when
 * the network is down. Error bodies per SumUp's OpenAPI description:
 * 422 {errors: {type: READER_BUSY | READER_OFFLINE, detail}}, 401 {errors: {detail, type?}},
 * 404 {errors: {detail}} or RFC 9457 problem details.
 */
import { isApiError, isSdkError } from './sdk.js';
import { ProviderError } from '../provider.js';

export interface SumUpFailure {
  /** HTTP status our API answers with. */
  status: number;
  code: string;
  message: string;
}

function errorType(body: unknown): string | undefined {
  const errors = (body as { errors?: { type?: unknown } } | null)?.errors;
  return typeof errors?.type === 'string' ? errors.type : undefined;
}

function errorDetail(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 200) || undefined;
  const b = body as { errors?: Record<string, unknown>; detail?: unknown; message?: unknown };
  if (typeof b?.errors?.detail === 'string') return b.errors.detail;
  if (b?.errors && typeof b.errors === 'object') {
    const parts = Object.entries(b.errors)
      .filter(([k]) => k !== 'type')
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    if (parts.length) return parts.join('; ');
  }
  if (typeof b?.detail === 'string') return b.detail;
  if (typeof b?.message === 'string') return b.message;
  return undefined;
}

export function describeSumUpError(err: unknown): SumUpFailure {
  if (isApiError(err)) {
    const type = errorType(err.error);
    const detail = errorDetail(err.error);
    if (type === 'READER_BUSY')
      return {
        status: 409,
        code: 'reader_busy',
        message:
          'The card reader is busy with another payment (SumUp blocks a reader for up to 60 seconds after a payment request). Finish or cancel it on the reader, then try again.',
      };
    if (type === 'READER_OFFLINE')
      return {
        status: 503,
        code: 'reader_offline',
        message:
          'The card reader is offline. Switch it on and check that it has Wi-Fi or mobile signal.',
      };
    if (err.status === 401 || err.status === 403)
      return {
        status: 503,
        code: 'sumup_unauthorized',
        message: 'SumUp refused the API key. Check SUMUP_API_KEY and SUMUP_MERCHANT_CODE.',
      };
    if (err.status === 404)
      return {
        status: 503,
        code: 'reader_not_found',
        message: 'SumUp does not know this card reader. Pair it again in the admin settings.',
      };
    if (err.status === 429)
      return {
        status: 503,
        code: 'sumup_rate_limited',
        message: 'SumUp is limiting requests right now. Wait a minute and try again.',
      };
    if (err.status >= 500)
      return {
        status: 503,
        code: 'sumup_unavailable',
        message: `SumUp's service has a problem (HTTP ${err.status}). Try again shortly or use another payment method.`,
      };
    return {
      status: 502,
      code: 'sumup_rejected',
      message: `SumUp refused the request${detail ? `: ${detail}` : ''} (HTTP ${err.status}).`,
    };
  }
  if (isSdkError(err) && /timed out/i.test(err.message))
    return {
      status: 503,
      code: 'sumup_timeout',
      message: 'SumUp did not answer in time. Check the internet connection and try again.',
    };
  if (err instanceof ProviderError)
    return { status: err.status, code: err.code, message: err.message };
  return {
    status: 503,
    code: 'sumup_unreachable',
    message: 'Cannot reach SumUp. Check the internet connection (network down?).',
  };
}

export function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const f = describeSumUpError(err);
  return new ProviderError(f.status, f.code, f.message);
}

/** Connection errors that prove the request never reached SumUp. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function notSent(err: unknown): boolean {
  const code = (err as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && NOT_SENT.has(code);
}

/** True when the request may have reached SumUp without us seeing the answer. */
export function outcomeUnknown(err: unknown): boolean {
  if (isApiError(err)) return err.status >= 500;
  if (err instanceof ProviderError || notSent(err)) return false;
  return true;
}
