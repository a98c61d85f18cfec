/**
 * The official SumUp SDK (@sumup/sdk), typed for the calls this project makes.
 *
 * Why the local types: the SDK's published .d.ts files import their siblings without file
 * extensions ("./client"), which TypeScript's NodeNext resolution (our tsconfig) cannot follow,
 * so its classes arrive untyped. The shapes below restate the SumUp API's documented shapes
 * (ReaderCheckout, StatusResponse, Reader, TransactionFull, RefundTransaction) for the fields
 * we read.
 */
import * as sdk from '@sumup/sdk';

export interface Money {
  value: number;
  currency: string;
  minor_unit: number;
}

export interface Reader {
  id: string;
  name: string;
  status: 'unknown' | 'processing' | 'paired' | 'expired';
  device: { identifier: string; model: 'solo' | 'virtual-solo' };
  metadata?: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface CreateReaderCheckoutRequest {
  total_amount: Money;
  description?: string;
  return_url?: string;
  affiliate?: {
    app_id: string;
    key: string;
    foreign_transaction_id: string;
    tags?: Record<string, unknown>;
  } | null;
}

export interface ReaderCheckout {
  checkout_id: string;
  client_transaction_id: string;
  status: 'pending' | 'successful' | 'failed' | 'cancelled';
  payment_failure_reason?: string | null;
  total_amount: Money;
  valid_until: string | null;
}

export interface ReaderStatus {
  status: 'ONLINE' | 'OFFLINE';
  state?:
    | 'IDLE'
    | 'SELECTING_TIP'
    | 'WAITING_FOR_CARD'
    | 'WAITING_FOR_PIN'
    | 'WAITING_FOR_SIGNATURE'
    | 'UPDATING_FIRMWARE';
  battery_level?: number;
  last_activity?: string;
}

export interface Transaction {
  id?: string;
  transaction_code?: string;
  /** Major units (e.g. 10.1). */
  amount?: number;
  currency?: string;
  status?: 'SUCCESSFUL' | 'CANCELLED' | 'FAILED' | 'PENDING' | 'REFUNDED';
  simple_status?: string;
  client_transaction_id?: string;
  foreign_transaction_id?: string;
}

export interface TransactionQuery {
  id?: string;
  transaction_code?: string;
  foreign_transaction_id?: string;
  client_transaction_id?: string;
}

export interface SumUpApi {
  readers: {
    list(merchantCode: string): Promise<{ items: Reader[] }>;
    create(merchantCode: string, body: { pairing_code: string; name: string }): Promise<Reader>;
    get(merchantCode: string, readerId: string): Promise<Reader>;
    update(merchantCode: string, readerId: string, body: { name?: string }): Promise<Reader>;
    delete(merchantCode: string, readerId: string): Promise<void>;
    createCheckout(
      merchantCode: string,
      readerId: string,
      body: CreateReaderCheckoutRequest,
    ): Promise<{ data: { checkout_id?: string; client_transaction_id: string } }>;
    getCheckout(
      merchantCode: string,
      readerId: string,
      checkoutId: string,
    ): Promise<{ data: ReaderCheckout }>;
    getStatus(merchantCode: string, readerId: string): Promise<{ data: ReaderStatus }>;
    terminateCheckout(merchantCode: string, readerId: string): Promise<void>;
  };
  transactions: {
    get(merchantCode: string, query: TransactionQuery): Promise<Transaction>;
    /**
     * POST /v1.0/merchants/{merchant_code}/payments/{transaction_id}/refunds (RefundTransaction):
     * `amount` in major units (e.g. 2.5); without it SumUp refunds the whole transaction.
     * 201 with an empty object; 400 / 404 / 409 / 422 as RFC 9457 problem details.
     */
    refund(
      merchantCode: string,
      transactionId: string,
      body?: { amount?: number },
    ): Promise<Record<string, unknown>>;
  };
}

export interface ApiErrorShape extends Error {
  readonly status: number;
  readonly error: unknown;
}

type SumUpCtor = new (cfg: {
  apiKey?: string;
  host?: string;
  maxRetries?: number;
  timeout?: number;
}) => SumUpApi;

const SumUpClass = (sdk as unknown as { default: SumUpCtor }).default;
const ApiErrorClass = (sdk as unknown as { APIError: new (...a: never[]) => ApiErrorShape })
  .APIError;
const SumUpErrorClass = (sdk as unknown as { SumUpError: new (...a: never[]) => Error }).SumUpError;

export function newSumUp(cfg: ConstructorParameters<SumUpCtor>[0]): SumUpApi {
  return new SumUpClass(cfg);
}

/** An HTTP error answer from SumUp (status + parsed error body). */
export function isApiError(err: unknown): err is ApiErrorShape {
  return err instanceof ApiErrorClass;
}

/** The SDK's own errors (e.g. "Request timed out after 10000ms."). */
export function isSdkError(err: unknown): err is Error {
  return err instanceof SumUpErrorClass;
}
