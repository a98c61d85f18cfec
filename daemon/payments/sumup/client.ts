/**
 * The official SDK client, pointed at SUMUP_API_URL (the fake server in tests and demos).
 * No SDK retries: a retried createCheckout could start a second payment, and the poller
 * already asks again for reads.
 */
import { newSumUp, type SumUpApi } from './sdk.js';

export interface SumUpAccount {
  apiKey: string;
  merchantCode: string;
  apiUrl: string;
  affiliateKey: string;
  appId: string;
  /** Reader used until admin assigns readers per terminal (SUMUP_READER_ID). */
  defaultReaderId: string;
}

export function createSumUpClient(account: SumUpAccount, timeoutMs: number): SumUpApi {
  return newSumUp({
    apiKey: account.apiKey,
    host: account.apiUrl,
    maxRetries: 0,
    timeout: timeoutMs,
  });
}

/** SumUp reader ids are "rdr_" + 26 characters (ReaderID: length 30). */
export const READER_ID_RE = /^rdr_[A-Za-z0-9]{26}$/;
