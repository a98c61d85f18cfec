/**
 * The fake SumUp server's shapes (fake-server.ts): its switches, readers, checkouts and refunds,
 * the state the API handlers (fake-api.ts) work on, and the JSON helpers both use.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Reader } from './sdk.js';

export type FakeOutcome = 'approve' | 'decline' | 'manual';

export interface FakeSwitches {
  /** What the card holder does: approve/decline after `processingMs`, or wait for present(). */
  outcome: FakeOutcome;
  processingMs: number;
  /** false = SumUp never reaches our return_url (the Pi is not reachable from the internet). */
  callbacks: boolean;
  /** Every answer waits this long (slow network). */
  responseDelayMs: number;
  /** Requests are never answered (the client must time out). */
  hang: boolean;
  /** Every API request gets 429 Too Many Requests. */
  rateLimited: boolean;
  /** A reader checkout is created, but its answer never reaches the client (lost on the way). */
  loseCheckoutAnswer: boolean;
  /** terminate is accepted (202) but the card was already approved: the payment goes through. */
  terminateTooLate: boolean;
  /**
   * Refund requests fail: `not_refundable` (409), `declined` (422 from the processor),
   * `server_error` (500); `none` (default) refunds normally.
   */
  refundFailure: 'none' | 'not_refundable' | 'declined' | 'server_error';
}

/** A reader as the Readers API shows it, plus the fake's own device state. */
export interface FakeReader extends Reader {
  online: boolean;
  state: 'IDLE' | 'WAITING_FOR_CARD' | 'WAITING_FOR_PIN';
}

export interface FakeCheckout {
  checkout_id: string;
  client_transaction_id: string;
  /** The transaction's own id (TransactionFull.id), which refunds are addressed to. */
  transaction_id: string;
  /** Refunded so far, in minor units. */
  refunded_value: number;
  reader_id: string;
  merchant_code: string;
  status: 'pending' | 'successful' | 'failed' | 'cancelled';
  total_amount: { currency: string; minor_unit: number; value: number };
  return_url?: string;
  foreign_transaction_id?: string;
  description?: string;
  created_at: string;
  updated_at: string;
  transaction_code?: string;
  timer?: NodeJS.Timeout;
}

/** A refund SumUp accepted: `amount` exactly as received (major units; absent = full). */
export interface FakeRefund {
  transaction_id: string;
  checkout_id: string;
  amount?: number;
  /** Refunded amount in minor units. */
  value: number;
  at: string;
}

export interface FakeSumUpOptions {
  apiKey: string;
  merchantCode: string;
  switches?: Partial<FakeSwitches>;
  /** Gap between callback retries (SumUp retries up to 5 times with exponential backoff). */
  callbackRetryMs?: number;
}

/** SumUp: after accepting a checkout the device has 60 s to start it (valid_until). */
export const BUSY_WINDOW_MS = 60_000;

/** What the API handlers (fake-api.ts) need of the server: its state and its two actions. */
export interface FakeState {
  readonly merchantCode: string;
  readonly switches: FakeSwitches;
  readonly readers: Map<string, FakeReader>;
  readonly checkouts: Map<string, FakeCheckout>;
  readonly refunds: FakeRefund[];
  addReader(name?: string, opts?: { online?: boolean; id?: string }): FakeReader;
  liveCheckout(readerId: string): FakeCheckout | undefined;
  /** A checkout reaches its outcome (and SumUp calls its return_url). */
  finish(c: FakeCheckout, status: 'successful' | 'failed'): Promise<void>;
  /** Keeps a response unanswered (lost answers, hanging API) until the server stops. */
  hold(res: http.ServerResponse): void;
}

export function wire(r: FakeReader) {
  const { online: _o, state: _s, ...rest } = r;
  return rest;
}

export function checkoutWire(c: FakeCheckout, reader: FakeReader) {
  return {
    card_type: null,
    checkout_id: c.checkout_id,
    client_transaction_id: c.client_transaction_id,
    created_at: c.created_at,
    installments: null,
    payment_failure_reason: c.status === 'failed' ? 'declined' : null,
    payment_status: c.status === 'pending' ? null : c.status.toUpperCase(),
    payment_type: 'card',
    reader_firmware_version: '3.3.39.0',
    reader_serial_number: reader.device.identifier,
    status: c.status,
    total_amount: c.total_amount,
    updated_at: c.updated_at,
    valid_until: new Date(Date.parse(c.created_at) + BUSY_WINDOW_MS).toISOString(),
  };
}

export function problem(status: number, title: string, detail: string) {
  return { type: 'https://developer.sumup.com/problem/', title, status, detail };
}

export function txNotFound() {
  return problem(404, 'Not Found', 'Transaction not found');
}

export function notFoundTx(res: http.ServerResponse): void {
  send(res, 404, { error_code: 'NOT_FOUND', message: 'Resource not found' });
}

export function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === null ? '' : JSON.stringify(body);
  res.statusCode = status;
  if (text) res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

export function isUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export function randomId(n: number): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
