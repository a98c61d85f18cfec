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
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { api } from './fake-api.js';
import {
  randomId,
  send,
  sleep,
  wire,
  type FakeCheckout,
  type FakeReader,
  type FakeRefund,
  type FakeState,
  type FakeSumUpOptions,
  type FakeSwitches,
} from './fake-shapes.js';

export type {
  FakeCheckout,
  FakeOutcome,
  FakeReader,
  FakeRefund,
  FakeSumUpOptions,
  FakeSwitches,
} from './fake-shapes.js';

export class FakeSumUp implements FakeState {
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
    if (this.switches.hang) return this.hold(res);
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
      await api(this, req.method ?? 'GET', url, body, res);
    } catch (err) {
      send(res, 500, { errors: { detail: (err as Error).message } });
    }
  }

  hold(res: http.ServerResponse): void {
    this.hung.add(res);
    res.on('close', () => this.hung.delete(res));
  }

  async finish(c: FakeCheckout, status: 'successful' | 'failed'): Promise<void> {
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
