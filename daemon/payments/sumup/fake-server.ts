/**
 * A fake SumUp API for demos (SUMUP_FAKE=1) and tests: a real HTTP server on loopback that
 * answers the Readers and Transactions paths with the JSON shapes of SumUp's OpenAPI
 * description (the same shapes @sumup/sdk's types declare), and calls a checkout's
 * `return_url` the way SumUp does (POST ReaderCheckoutStatusChange, retried on non-2xx).
 *
 * Paths (all under /v0.1/merchants/{merchant_code} unless noted):
 *   GET/POST /readers, GET/PATCH/DELETE /readers/{id}, POST /readers/{id}/checkout,
 *   GET /readers/{id}/checkout/{checkout_id}, GET /readers/{id}/status,
 *   POST /readers/{id}/terminate, GET /v2.1/merchants/{code}/transactions?…,
 *   POST /v1.0/merchants/{code}/payments/{transaction_id}/refunds {amount?} (major units).
 * Errors follow the spec: 401 {errors:{detail,type}}, 422 READER_BUSY / READER_OFFLINE,
 * 404 {errors:{detail}} (readers) or {error_code, message} (transactions); refunds answer
 * 201 {} or RFC 9457 problems (400 bad amount, 404, 409 not refundable, 422 declined).
 * Accepted refunds are kept in `refunds` (what SumUp received), so tests can check amounts.
 *
 * Switches (`fake.switches`, or POST /_fake/switches with JSON) make the awkward cases
 * reproducible: decline, a card never presented, lost callbacks, slow or hanging answers,
 * rate limits, a terminate that comes too late.
 */
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
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
const BUSY_WINDOW_MS = 60_000;

export class FakeSumUp {
  readonly apiKey: string;
  readonly merchantCode: string;
  readonly switches: FakeSwitches;
  readonly readers = new Map<string, FakeReader>();
  readonly checkouts = new Map<string, FakeCheckout>();
  /** Every request as `METHOD path`, for tests that assert what was (not) called. */
  readonly requests: string[] = [];
  /** Callback deliveries: url, status answered (0 = unreachable). */
  readonly callbacks: Array<{ url: string; status: number; body: unknown }> = [];
  /** Refunds accepted, in order. */
  readonly refunds: FakeRefund[] = [];
  url = '';
  private server: http.Server | null = null;
  private readonly retryMs: number;
  private readonly hung = new Set<http.ServerResponse>();

  constructor(opts: FakeSumUpOptions) {
    this.apiKey = opts.apiKey;
    this.merchantCode = opts.merchantCode;
    this.retryMs = opts.callbackRetryMs ?? 1000;
    this.switches = {
      outcome: 'approve',
      processingMs: 3000,
      callbacks: true,
      responseDelayMs: 0,
      hang: false,
      rateLimited: false,
      loseCheckoutAnswer: false,
      terminateTooLate: false,
      refundFailure: 'none',
      ...opts.switches,
    };
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const c of this.checkouts.values()) clearTimeout(c.timer);
    for (const res of this.hung) res.destroy();
    this.hung.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Adds a paired, online Solo (as if paired on the device earlier). */
  addReader(name = 'Solo', opts: { online?: boolean; id?: string } = {}): FakeReader {
    const now = new Date().toISOString();
    const reader: FakeReader = {
      id: opts.id ?? 'rdr_' + randomId(26),
      name,
      status: 'paired',
      device: { identifier: randomId(10), model: 'solo' },
      created_at: now,
      updated_at: now,
      online: opts.online ?? true,
      state: 'IDLE',
    };
    this.readers.set(reader.id, reader);
    return reader;
  }

  /** The card holder acts on the reader's current checkout (manual mode). */
  async present(readerId: string, result: 'approve' | 'decline'): Promise<FakeCheckout> {
    const c = this.liveCheckout(readerId);
    if (!c) throw new Error(`fake sumup: reader ${readerId} has no pending checkout`);
    await this.finish(c, result === 'approve' ? 'successful' : 'failed');
    return c;
  }

  /**
   * A payment taken in the SumUp app (Tap to Pay) as the transactions API will report it;
   * the app switch itself happens on a phone, outside any server.
   */
  recordAppPayment(p: {
    foreign_transaction_id: string;
    value: number;
    currency?: string;
    status?: 'successful' | 'failed';
  }): FakeCheckout {
    const now = new Date().toISOString();
    const c: FakeCheckout = {
      checkout_id: randomUUID(),
      client_transaction_id: randomUUID(),
      transaction_id: randomUUID(),
      refunded_value: 0,
      reader_id: '',
      merchant_code: this.merchantCode,
      status: p.status ?? 'successful',
      total_amount: { value: p.value, currency: p.currency ?? 'EUR', minor_unit: 2 },
      foreign_transaction_id: p.foreign_transaction_id,
      created_at: now,
      updated_at: now,
      transaction_code: 'T' + randomId(9),
    };
    this.checkouts.set(c.checkout_id, c);
    return c;
  }

  liveCheckout(readerId: string): FakeCheckout | undefined {
    return [...this.checkouts.values()].find(
      (c) => c.reader_id === readerId && c.status === 'pending',
    );
  }

  // ------------------------------------------------------------------------------ HTTP
  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = `${req.method} ${url.pathname}`;
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (url.pathname.startsWith('/_fake/')) return this.control(route, raw, res);
    this.requests.push(route);
    if (this.switches.hang) {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    if (this.switches.responseDelayMs > 0) await sleep(this.switches.responseDelayMs);
    if (this.switches.rateLimited) {
      res.setHeader('Retry-After', '60');
      return send(res, 429, {
        type: 'https://developer.sumup.com/problem/too-many-requests',
        title: 'Too Many Requests',
        status: 429,
      });
    }
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return send(res, 401, {
        errors: { detail: 'Unauthorized', type: 'INVALID_ACCESS_TOKEN' },
      });
    }
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { errors: { detail: 'Bad request', type: 'INVALID_JSON' } });
      }
    }
    try {
      await this.api(req.method ?? 'GET', url, body, res);
    } catch (err) {
      send(res, 500, { errors: { detail: (err as Error).message } });
    }
  }

  private async api(
    method: string,
    url: URL,
    body: Record<string, unknown>,
    res: http.ServerResponse,
  ): Promise<void> {
    const p = url.pathname.split('/').filter(Boolean);
    // /v2.1/merchants/{code}/transactions
    if (method === 'GET' && p[0] === 'v2.1' && p[1] === 'merchants' && p[3] === 'transactions') {
      if (p[2] !== this.merchantCode) return notFoundTx(res);
      return this.getTransaction(url.searchParams, res);
    }
    // /v1.0/merchants/{code}/payments/{transaction_id}/refunds
    if (p[0] === 'v1.0' && p[1] === 'merchants' && p[3] === 'payments' && p[5] === 'refunds') {
      if (method !== 'POST' || p.length !== 6)
        return send(res, 404, { errors: { detail: 'Not Found' } });
      if (p[2] !== this.merchantCode) return send(res, 404, txNotFound());
      return this.refund(decodeURIComponent(p[4]), body, res);
    }
    if (p[0] !== 'v0.1' || p[1] !== 'merchants' || p[3] !== 'readers') {
      return send(res, 404, { errors: { detail: 'Not Found' } });
    }
    if (p[2] !== this.merchantCode) return send(res, 404, { errors: { detail: 'Not Found' } });
    const readerId = p[4];
    const action = p[5];
    if (!readerId) {
      if (method === 'GET') {
        // The devices confirmed their pairing by the time anyone asks again.
        for (const r of this.readers.values()) if (r.status === 'processing') r.status = 'paired';
        return send(res, 200, { items: [...this.readers.values()].map(wire) });
      }
      if (method === 'POST') return this.pair(body, res);
    }
    const reader = readerId ? this.readers.get(readerId) : undefined;
    if (!reader) return send(res, 404, { errors: { detail: 'Not Found' } });
    if (!action) {
      if (method === 'GET') {
        // The device confirmed the pairing by the time anyone asks again.
        if (reader.status === 'processing') reader.status = 'paired';
        return send(res, 200, wire(reader));
      }
      if (method === 'PATCH') {
        if (typeof body.name === 'string') reader.name = body.name;
        if (body.metadata && typeof body.metadata === 'object')
          reader.metadata = body.metadata as Record<string, unknown>;
        reader.updated_at = new Date().toISOString();
        return send(res, 200, wire(reader));
      }
      if (method === 'DELETE') {
        this.readers.delete(reader.id);
        return send(res, 200, null);
      }
    }
    if (action === 'checkout' && method === 'POST' && !p[6])
      return this.checkout(reader, body, res);
    if (action === 'checkout' && method === 'GET' && p[6]) {
      const c = this.checkouts.get(p[6]);
      if (!c || c.reader_id !== reader.id)
        return send(res, 404, { errors: { detail: 'Not Found' } });
      return send(res, 200, { data: checkoutWire(c, reader) });
    }
    if (action === 'status' && method === 'GET') {
      return send(res, 200, {
        data: {
          battery_level: 80,
          connection_type: 'Wi-Fi',
          firmware_version: '3.3.39.0',
          last_activity: new Date().toISOString(),
          state: reader.state,
          status: reader.online ? 'ONLINE' : 'OFFLINE',
        },
      });
    }
    if (action === 'terminate' && method === 'POST') return this.terminate(reader, res);
    send(res, 404, { errors: { detail: 'Not Found' } });
  }

  private pair(body: Record<string, unknown>, res: http.ServerResponse): void {
    const code = body.pairing_code;
    const name = body.name;
    if (typeof code !== 'string' || !/^[A-Z0-9]{8,9}$/i.test(code) || typeof name !== 'string') {
      return send(res, 400, problem(400, 'Bad Request', 'Request validation failed.'));
    }
    // Codes starting with "X" stand for a code no device is showing (SumUp answers 404).
    if (/^x/i.test(code)) {
      return send(
        res,
        404,
        problem(
          404,
          "Requested resource couldn't be found.",
          "The requested resource doesn't exist or does not belong to you.",
        ),
      );
    }
    const reader = this.addReader(name);
    reader.status = 'processing';
    send(res, 201, wire(reader));
  }

  private checkout(reader: FakeReader, body: Record<string, unknown>, res: http.ServerResponse) {
    const amount = body.total_amount as FakeCheckout['total_amount'] | undefined;
    const errors: Record<string, string[]> = {};
    if (
      !amount ||
      !Number.isInteger(amount.value) ||
      typeof amount.currency !== 'string' ||
      !Number.isInteger(amount.minor_unit)
    )
      errors.total_amount = ['is invalid'];
    else if (amount.value <= 0) errors.total_amount = ['must be greater than 0'];
    if (body.return_url !== undefined && !isUrl(body.return_url))
      errors.return_url = ['must be a valid URL'];
    if (Object.keys(errors).length) return send(res, 422, { errors });
    if (!reader.online) {
      return send(res, 422, {
        errors: { detail: 'The device is offline.', type: 'READER_OFFLINE' },
      });
    }
    // A checkout that is still pending blocks the reader (SumUp: 60 s to start on the device,
    // other checkouts for the device are rejected meanwhile).
    const recent = this.liveCheckout(reader.id) !== undefined;
    if (recent) {
      return send(res, 422, {
        errors: { detail: 'There is a pending checkout for the device.', type: 'READER_BUSY' },
      });
    }
    const now = new Date().toISOString();
    const affiliate = body.affiliate as { foreign_transaction_id?: string } | null | undefined;
    const c: FakeCheckout = {
      checkout_id: randomUUID(),
      client_transaction_id: randomUUID(),
      transaction_id: randomUUID(),
      refunded_value: 0,
      reader_id: reader.id,
      merchant_code: this.merchantCode,
      status: 'pending',
      total_amount: amount!,
      return_url: body.return_url as string | undefined,
      foreign_transaction_id: affiliate?.foreign_transaction_id,
      description: body.description as string | undefined,
      created_at: now,
      updated_at: now,
    };
    this.checkouts.set(c.checkout_id, c);
    reader.state = 'WAITING_FOR_CARD';
    if (this.switches.outcome !== 'manual') {
      const result = this.switches.outcome === 'approve' ? 'successful' : 'failed';
      c.timer = setTimeout(() => void this.finish(c, result), this.switches.processingMs);
    }
    if (this.switches.loseCheckoutAnswer) {
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
      return;
    }
    send(res, 201, {
      data: { checkout_id: c.checkout_id, client_transaction_id: c.client_transaction_id },
    });
  }

  private terminate(reader: FakeReader, res: http.ServerResponse): void {
    if (!reader.online) {
      return send(res, 422, {
        errors: { detail: 'The device is offline.', type: 'READER_OFFLINE' },
      });
    }
    const c = this.liveCheckout(reader.id);
    if (!c) {
      return send(res, 422, {
        errors: { detail: 'The device is not waiting for the cardholder.' },
      });
    }
    clearTimeout(c.timer);
    res.statusCode = 202;
    res.setHeader('content-length', '0');
    res.end();
    // "There is no confirmation of the termination": the outcome arrives like any other.
    void this.finish(c, this.switches.terminateTooLate ? 'successful' : 'failed');
  }

  private async finish(c: FakeCheckout, status: 'successful' | 'failed'): Promise<void> {
    if (c.status !== 'pending') return;
    clearTimeout(c.timer);
    c.status = status;
    c.updated_at = new Date().toISOString();
    c.transaction_code = 'T' + randomId(9);
    const reader = this.readers.get(c.reader_id);
    if (reader) reader.state = 'IDLE';
    if (!c.return_url || !this.switches.callbacks) return;
    const event = {
      id: randomUUID(),
      event_type: 'solo.transaction.updated',
      payload: {
        client_transaction_id: c.client_transaction_id,
        merchant_code: c.merchant_code,
        status,
        transaction_id: c.client_transaction_id,
      },
      timestamp: c.updated_at,
    };
    await this.deliver(c.return_url, event);
  }

  /** POSTs the callback; retried up to 5 times on failure, like SumUp. */
  async deliver(url: string, event: unknown): Promise<void> {
    for (let attempt = 0; attempt <= 5; attempt++) {
      let status: number;
      try {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
        });
        status = r.status;
        await r.arrayBuffer();
      } catch {
        status = 0;
      }
      this.callbacks.push({ url, status, body: event });
      if (status >= 200 && status < 300) return;
      if (!this.server) return;
      await sleep(this.retryMs * 2 ** attempt);
    }
  }

  private getTransaction(q: URLSearchParams, res: http.ServerResponse): void {
    const c = [...this.checkouts.values()].find(
      (x) =>
        (q.get('client_transaction_id') &&
          x.client_transaction_id === q.get('client_transaction_id')) ||
        (q.get('foreign_transaction_id') &&
          x.foreign_transaction_id === q.get('foreign_transaction_id')) ||
        (q.get('transaction_code') && x.transaction_code === q.get('transaction_code')) ||
        (q.get('id') && x.transaction_id === q.get('id')),
    );
    if (!c) return notFoundTx(res);
    const status =
      c.status === 'successful'
        ? c.refunded_value >= c.total_amount.value
          ? 'REFUNDED'
          : 'SUCCESSFUL'
        : c.status === 'pending'
          ? 'PENDING'
          : c.status === 'cancelled'
            ? 'CANCELLED'
            : 'FAILED';
    send(res, 200, {
      id: c.transaction_id,
      transaction_code: c.transaction_code,
      // Transactions carry the amount in major units (SumUp's TransactionBase.amount).
      amount: c.total_amount.value / 10 ** c.total_amount.minor_unit,
      currency: c.total_amount.currency,
      timestamp: c.created_at,
      status,
      simple_status: status,
      payment_type: 'POS',
      merchant_code: c.merchant_code,
      client_transaction_id: c.client_transaction_id,
      foreign_transaction_id: c.foreign_transaction_id,
      entry_mode: 'CONTACTLESS',
    });
  }

  /** RefundTransaction: the whole rest without `amount`, else `amount` (major units). */
  private refund(transactionId: string, body: Record<string, unknown>, res: http.ServerResponse) {
    const c = [...this.checkouts.values()].find((x) => x.transaction_id === transactionId);
    if (!c) return send(res, 404, txNotFound());
    const sw = this.switches.refundFailure;
    if (sw === 'server_error')
      return send(res, 500, problem(500, 'Internal Server Error', 'Something went wrong.'));
    const refundable = c.status === 'successful' ? c.total_amount.value - c.refunded_value : 0;
    if (sw === 'not_refundable' || refundable <= 0)
      return send(
        res,
        409,
        problem(409, 'Conflict', 'The transaction is not refundable in its current state'),
      );
    const amount = body.amount;
    let value = refundable;
    if (amount !== undefined) {
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0)
        return send(res, 400, problem(400, 'Bad Request', 'amount must be greater than zero'));
      value = Math.round(amount * 10 ** c.total_amount.minor_unit);
    }
    if (sw === 'declined' || value > refundable)
      return send(res, 422, {
        ...problem(422, 'Unprocessable Entity', 'Refund failed.'),
        errors: [
          sw === 'declined'
            ? { code: 'REFUND_DECLINED', detail: 'The card issuer declined the refund' }
            : {
                code: 'INVALID_AMOUNT',
                detail: 'Amount exceeds the refundable amount',
                reason: 'amount_too_high',
                max_refundable_amount: refundable / 10 ** c.total_amount.minor_unit,
              },
        ],
      });
    c.refunded_value += value;
    c.updated_at = new Date().toISOString();
    this.refunds.push({
      transaction_id: c.transaction_id,
      checkout_id: c.checkout_id,
      ...(amount !== undefined ? { amount: amount as number } : {}),
      value,
      at: c.updated_at,
    });
    send(res, 201, {});
  }

  /** Test/demo controls: POST /_fake/switches, POST /_fake/readers/{id}/present, GET /_fake/state. */
  private control(route: string, raw: string, res: http.ServerResponse): void {
    let body: Record<string, unknown>;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, { error: 'invalid JSON' });
    }
    if (route === 'POST /_fake/switches') {
      Object.assign(this.switches, body);
      return send(res, 200, this.switches);
    }
    const m = /^POST \/_fake\/readers\/([^/]+)\/(present|online|offline)$/.exec(route);
    if (m) {
      const reader = this.readers.get(m[1]);
      if (!reader) return send(res, 404, { error: 'no such reader' });
      if (m[2] === 'online' || m[2] === 'offline') {
        reader.online = m[2] === 'online';
        return send(res, 200, wire(reader));
      }
      if (!this.liveCheckout(reader.id)) return send(res, 409, { error: 'no pending checkout' });
      void this.present(reader.id, body.result === 'decline' ? 'decline' : 'approve');
      return send(res, 200, { ok: true });
    }
    if (route === 'GET /_fake/state') {
      return send(res, 200, {
        switches: this.switches,
        readers: [...this.readers.values()],
        checkouts: [...this.checkouts.values()].map(({ timer: _t, ...c }) => c),
        refunds: this.refunds,
      });
    }
    send(res, 404, { error: 'unknown control' });
  }
}

function wire(r: FakeReader) {
  const { online: _o, state: _s, ...rest } = r;
  return rest;
}

function checkoutWire(c: FakeCheckout, reader: FakeReader) {
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

function problem(status: number, title: string, detail: string) {
  return { type: 'https://developer.sumup.com/problem/', title, status, detail };
}

function txNotFound() {
  return problem(404, 'Not Found', 'Transaction not found');
}

function notFoundTx(res: http.ServerResponse): void {
  send(res, 404, { error_code: 'NOT_FOUND', message: 'Resource not found' });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === null ? '' : JSON.stringify(body);
  res.statusCode = status;
  if (text) res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

function isUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function randomId(n: number): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTVWXYZ0123456789';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
