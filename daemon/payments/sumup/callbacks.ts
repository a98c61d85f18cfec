/** What SumUp's callbacks carry (the shapes the HTTP routes parse and the providers act on). */
import type { Sale } from '../../protocol.js';

/** ReaderCheckoutStatusChange (SumUp OpenAPI: the reader checkout callback body). */
export interface SoloCallback {
  id?: string;
  event_type?: string;
  payload: {
    client_transaction_id: string;
    merchant_code?: string;
    status: 'successful' | 'failed';
  };
  timestamp?: string;
}

/** The query the SumUp app appends to the Tap to Pay callback URL (smp-status, smp-tx-code). */
export interface TapCallback {
  status: 'success' | 'failed' | 'invalidstate';
  txCode?: string;
}

export type TapCallbackResult =
  | { kind: 'unknown_sale' }
  | { kind: 'succeeded' | 'failed' | 'confirming' | 'already' | 'late_success'; sale: Sale };
