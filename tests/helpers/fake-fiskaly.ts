/**
 * A local fake of fiskaly SIGN DE API v2, written for this project from fiskaly's public API
 * documentation (paths, JSON shapes, states), for tests. It enforces what the real service
 * enforces as far as the daemon relies on it:
 *   - auth: POST /auth with the right key/secret (or a refresh token) gives a bearer token with
 *     an expiry; every other call without a valid, unexpired token is 401;
 *   - the TSS life cycle CREATED → UNINITIALIZED → INITIALIZED (admin PIN set with the PUK;
 *     initialising and registering clients need an admin login);
 *   - transactions: PUT …/tx/{tx_id}?tx_revision=n — n must be exactly the last revision + 1
 *     (1 creates), states ACTIVE → ACTIVE | FINISHED | CANCELLED, nothing after a final state,
 *     the client must be registered, FINISHED needs schema.standard_v1.receipt with valid
 *     receipt_type, amounts_per_vat_rate and amounts_per_payment_type (amounts "0.00" strings);
 *   - every start and finish signs (ECDSA P-256) and counts; the answer carries number,
 *     signature {value, algorithm, counter, public_key}, unix times and qr_code_data;
 *   - TAR export: PUT …/export/{id} → PENDING, GET → COMPLETED, GET …/file → a tar.
 * Errors are {status_code, error, code, message}. It can fail or hang on demand.
 */
import http from 'node:http';
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tar from 'tar-stream';

const VAT_SLOTS = ['NORMAL', 'REDUCED_1', 'SPECIAL_RATE_1', 'SPECIAL_RATE_2', 'NULL'];
const RECEIPT_TYPES = [
  'RECEIPT',
  'TRAINING',
  'TRANSFER',
  'ORDER',
  'CANCELLATION',
  'ABORT',
  'BENEFIT_IN_KIND',
  'INVOICE',
  'OTHER',
];
const AMOUNT = /^-?\d+\.\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Tx {
  _id: string;
  number: number;
  state: 'ACTIVE' | 'FINISHED' | 'CANCELLED';
  revision: number;
  client_id: string;
  time_start: number;
  time_end?: number;
  signature?: { value: string; algorithm: string; counter: number; public_key: string };
  qr_code_data?: string;
  schema?: unknown;
}

interface Tss {
  _id: string;
  state: 'CREATED' | 'UNINITIALIZED' | 'INITIALIZED' | 'DISABLED';
  admin_puk: string;
  admin_pin: string | null;
  admin_logged_in: boolean;
  clients: Map<string, string>;
  txs: Map<string, Tx>;
  tx_counter: number;
  signature_counter: number;
}

export interface FakeFiskalyOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Seconds an access token lives. */
  tokenSeconds?: number;
}

export class FakeFiskaly {
  readonly apiKey: string;
  readonly apiSecret: string;
  url = '';
  private server: http.Server;
  private tokens = new Map<string, number>();
  private refreshTokens = new Set<string>();
  private readonly tss = new Map<string, Tss>();
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  readonly publicKey: string;
  readonly serial: string;
  /** Requests seen: "METHOD /path". */
  readonly requests: string[] = [];
  authCount = 0;
  finishCount = 0;
  /** Answer the next n transaction calls with this status. */
  private failures: Array<number> = [];
  /** While set, transaction calls get no answer until release(). */
  private hanging: Array<() => void> | null = null;
  private tokenSeconds: number;

  constructor(opts: FakeFiskalyOptions = {}) {
    this.apiKey = opts.apiKey ?? 'test_key_fiskaly';
    this.apiSecret = opts.apiSecret ?? 'test_secret_fiskaly';
    this.tokenSeconds = opts.tokenSeconds ?? 300;
    const der = this.keys.publicKey.export({ type: 'spki', format: 'der' });
    const point = der.subarray(der.length - 65);
    this.publicKey = point.toString('base64');
    this.serial = createHash('sha256').update(point).digest('hex');
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v2`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next n transaction calls answer `status`. */
  failNext(n: number, status = 503): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  /** Transaction calls hang (no answer) until release(). */
  hang(): void {
    this.hanging ??= [];
  }

  release(): void {
    const waiting = this.hanging ?? [];
    this.hanging = null;
    for (const go of waiting) go();
  }

  /** Expires every access token (the daemon must log in again or refresh). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** A TSS that exists and is initialised, with a client registered (fiskaly dashboard set-up). */
  addInitialisedTss(tssId: string, clientId: string, clientSerial: string): void {
    this.tss.set(tssId, {
      _id: tssId,
      state: 'INITIALIZED',
      admin_puk: 'PUK0000000',
      admin_pin: '123456',
      admin_logged_in: false,
      clients: new Map([[clientId, clientSerial]]),
      txs: new Map(),
      tx_counter: 0,
      signature_counter: 0,
    });
  }

  tssState(tssId: string): string | undefined {
    return this.tss.get(tssId)?.state;
  }

  transactions(tssId: string): Tx[] {
    return [...(this.tss.get(tssId)?.txs.values() ?? [])];
  }

  signatureCounter(tssId: string): number {
    return this.tss.get(tssId)?.signature_counter ?? 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://x');
    const path = u.pathname.replace(/^\/api\/v2/, '');
    this.requests.push(`${req.method} ${path}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string) =>
      send(status, { status_code: status, error: http.STATUS_CODES[status], code, message });
    let body: Record<string, any> = {};
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return error(400, 'E_BAD_REQUEST', 'body is not JSON');
      }
    }
    if (req.method === 'POST' && path === '/auth') return this.auth(body, send, error);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = token ? this.tokens.get(token) : undefined;
    if (!expires || expires < Date.now())
      return error(401, 'E_UNAUTHORIZED', 'missing or expired token');

    let m = /^\/tss\/([^/]+)$/.exec(path);
    if (m) return this.tssRoute(req.method!, m[1], body, send, error);
    m = /^\/tss\/([^/]+)\/admin(\/auth|\/logout)?$/.exec(path);
    if (m) return this.adminRoute(req.method!, m[1], m[2] ?? '', body, send, error);
    m = /^\/tss\/([^/]+)\/client\/([^/]+)$/.exec(path);
    if (m) return this.clientRoute(req.method!, m[1], m[2], body, send, error);
    m = /^\/tss\/([^/]+)\/tx\/([^/]+)$/.exec(path);
    if (m) {
      if (this.hanging) await new Promise<void>((r) => this.hanging!.push(r));
      const fail = this.failures.shift();
      if (fail) return error(fail, 'E_INTERNAL', 'failing on demand');
      return this.txRoute(
        req.method!,
        m[1],
        m[2],
        u.searchParams.get('tx_revision'),
        body,
        send,
        error,
      );
    }
    m = /^\/tss\/([^/]+)\/export\/([^/]+)(\/file)?$/.exec(path);
    if (m) return this.exportRoute(req.method!, m[1], m[2], !!m[3], res, send, error);
    return error(404, 'E_NOT_FOUND', `no route ${path}`);
  }

  private auth(
    body: Record<string, any>,
    send: (s: number, b: unknown) => void,
    error: (s: number, c: string, m: string) => void,
  ) {
    if (typeof body.refresh_token === 'string') {
      if (!this.refreshTokens.has(body.refresh_token))
        return error(401, 'E_UNAUTHORIZED', 'unknown refresh token');
    } else if (body.api_key !== this.apiKey || body.api_secret !== this.apiSecret)
      return error(401, 'E_UNAUTHORIZED', 'wrong api key or secret');
    this.authCount++;
    const access = randomUUID();
    const refresh = randomUUID();
    this.tokens.set(access, Date.now() + this.tokenSeconds * 1000);
    this.refreshTokens.add(refresh);
    send(200, {
      access_token: access,
      access_token_claims: {},
      access_token_expires_in: this.tokenSeconds,
      access_token_expires_at: Math.floor(Date.now() / 1000) + this.tokenSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: 3600,
      refresh_token_expires_at: Math.floor(Date.now() / 1000) + 3600,
    });
  }

  private tssJson(t: Tss, withPuk = false) {
    return {
      _id: t._id,
      _type: 'TSS',
      state: t.state,
      serial_number: this.serial,
      public_key: this.publicKey,
      signature_algorithm: 'ecdsa-plain-SHA256',
      signature_timestamp_format: 'unixTime',
      signature_counter: t.signature_counter,
      transaction_counter: t.tx_counter,
      bsi_certification_id: 'BSI-K-TR-0000-2099',
      ...(withPuk ? { admin_puk: t.admin_puk } : {}),
    };
  }

  private tssRoute(
    method: string,
    id: string,
    body: Record<string, any>,
    send: (s: number, b: unknown) => void,
    error: (s: number, c: string, m: string) => void,
  ) {
    const t = this.tss.get(id);
    if (method === 'GET')
      return t ? send(200, this.tssJson(t)) : error(404, 'E_TSS_NOT_FOUND', 'no such TSS');
    if (method === 'PUT') {
      if (!UUID.test(id)) return error(400, 'E_BAD_REQUEST', 'tss_id must be a UUID');
      if (t) return error(409, 'E_TSS_CONFLICT', 'TSS exists');
      const created: Tss = {
        _id: id,
        state: 'CREATED',
        admin_puk: randomUUID().slice(0, 10),
        admin_pin: null,
        admin_logged_in: false,
        clients: new Map(),
        txs: new Map(),
        tx_counter: 0,
        signature_counter: 0,
      };
      this.tss.set(id, created);
      return send(200, this.tssJson(created, true));
    }
    if (method === 'PATCH') {
      if (!t) return error(404, 'E_TSS_NOT_FOUND', 'no such TSS');
      const next = body.state;
      const ok =
        (t.state === 'CREATED' && next === 'UNINITIALIZED') ||
        (t.state === 'UNINITIALIZED' &&
          next === 'INITIALIZED' &&
          t.admin_logged_in &&
          t.admin_pin) ||
        next === 'DISABLED';
      if (!ok) return error(409, 'E_TSS_STATE', `cannot go from ${t.state} to ${String(next)}`);
      t.state = next;
      return send(200, this.tssJson(t));
    }
    return error(405, 'E_METHOD', 'method not allowed');
  }

  private adminRoute(
    method: string,
    id: string,
    sub: string,
    body: Record<string, any>,
    send: (s: number, b: unknown) => void,
    error: (s: number, c: string, m: string) => void,
  ) {
    const t = this.tss.get(id);
    if (!t) return error(404, 'E_TSS_NOT_FOUND', 'no such TSS');
    if (sub === '' && method === 'PATCH') {
      if (t.state === 'CREATED') return error(409, 'E_TSS_STATE', 'personalise first');
      if (body.admin_puk !== t.admin_puk) return error(401, 'E_ADMIN_PUK', 'wrong PUK');
      if (typeof body.new_admin_pin !== 'string' || body.new_admin_pin.length < 6)
        return error(400, 'E_BAD_REQUEST', 'new_admin_pin: 6+ characters');
      t.admin_pin = body.new_admin_pin;
      return send(200, {});
    }
    if (sub === '/auth' && method === 'POST') {
      if (!t.admin_pin || body.admin_pin !== t.admin_pin)
        return error(401, 'E_ADMIN_PIN', 'wrong PIN');
      t.admin_logged_in = true;
      return send(200, {});
    }
    if (sub === '/logout' && method === 'POST') {
      t.admin_logged_in = false;
      return send(200, {});
    }
    return error(405, 'E_METHOD', 'method not allowed');
  }

  private clientRoute(
    method: string,
    id: string,
    clientId: string,
    body: Record<string, any>,
    send: (s: number, b: unknown) => void,
    error: (s: number, c: string, m: string) => void,
  ) {
    const t = this.tss.get(id);
    if (!t) return error(404, 'E_TSS_NOT_FOUND', 'no such TSS');
    if (method === 'GET') {
      const serial = t.clients.get(clientId);
      return serial
        ? send(200, { _id: clientId, serial_number: serial, tss_id: id, state: 'REGISTERED' })
        : error(404, 'E_CLIENT_NOT_FOUND', 'no such client');
    }
    if (method === 'PUT') {
      if (t.state !== 'INITIALIZED') return error(409, 'E_TSS_STATE', 'TSS not initialised');
      if (!t.admin_logged_in) return error(401, 'E_ADMIN', 'admin login required');
      if (typeof body.serial_number !== 'string' || !body.serial_number)
        return error(400, 'E_BAD_REQUEST', 'serial_number required');
      t.clients.set(clientId, body.serial_number);
      return send(200, {
        _id: clientId,
        serial_number: body.serial_number,
        tss_id: id,
        state: 'REGISTERED',
      });
    }
    return error(405, 'E_METHOD', 'method not allowed');
  }

  private signNow(t: Tss, data: string): { value: string; counter: number } {
    t.signature_counter++;
    const value = sign('sha256', Buffer.from(`${t.signature_counter};${data}`), {
      key: this.keys.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64');
    return { value, counter: t.signature_counter };
  }

  private receiptProblem(schema: any): string | null {
    const r = schema?.standard_v1?.receipt;
    if (!r) return 'schema.standard_v1.receipt is required';
    if (!RECEIPT_TYPES.includes(r.receipt_type)) return 'receipt_type invalid';
    if (!Array.isArray(r.amounts_per_vat_rate)) return 'amounts_per_vat_rate must be a list';
    for (const a of r.amounts_per_vat_rate)
      if (!VAT_SLOTS.includes(a?.vat_rate) || !AMOUNT.test(a?.amount ?? ''))
        return 'amounts_per_vat_rate entry invalid';
    if (!Array.isArray(r.amounts_per_payment_type))
      return 'amounts_per_payment_type must be a list';
    for (const a of r.amounts_per_payment_type)
      if (!['CASH', 'NON_CASH'].includes(a?.payment_type) || !AMOUNT.test(a?.amount ?? ''))
        return 'amounts_per_payment_type entry invalid';
    return null;
  }

  /** Process data as the TSE signs it: Beleg^<19>_<7>_<10.7>_<5.5>_<0>^<amount>:Bar_<amount>:Unbar. */
  private processData(kind: string, schema: any): string {
    const r = schema.standard_v1.receipt;
    const cents = (s: string) => Math.round(Number(s) * 100);
    const fmt = (c: number) =>
      `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;
    const slots = VAT_SLOTS.map((v) =>
      r.amounts_per_vat_rate
        .filter((a: any) => a.vat_rate === v)
        .reduce((s: number, a: any) => s + cents(a.amount), 0),
    );
    const pay = r.amounts_per_payment_type.map(
      (a: any) => `${a.amount}:${a.payment_type === 'CASH' ? 'Bar' : 'Unbar'}`,
    );
    return `${kind}^${slots.map(fmt).join('_')}^${pay.join('_')}`;
  }

  private txRoute(
    method: string,
    tssId: string,
    txId: string,
    revRaw: string | null,
    body: Record<string, any>,
    send: (s: number, b: unknown) => void,
    error: (s: number, c: string, m: string) => void,
  ) {
    const t = this.tss.get(tssId);
    if (!t) return error(404, 'E_TSS_NOT_FOUND', 'no such TSS');
    const tx = t.txs.get(txId);
    if (method === 'GET')
      return tx
        ? send(200, { ...tx, latest_revision: tx.revision, tss_id: tssId })
        : error(404, 'E_TX_NOT_FOUND', 'no such transaction');
    if (method !== 'PUT') return error(405, 'E_METHOD', 'method not allowed');
    if (!UUID.test(txId)) return error(400, 'E_BAD_REQUEST', 'tx_id must be a UUID');
    if (t.state !== 'INITIALIZED')
      return error(409, 'E_TSS_NOT_INITIALIZED', 'TSS not initialised');
    const rev = Number(revRaw);
    if (!Number.isInteger(rev) || rev < 1)
      return error(400, 'E_BAD_REQUEST', 'tx_revision must be a positive integer');
    if (!t.clients.has(body.client_id))
      return error(400, 'E_CLIENT_NOT_FOUND', 'client_id is not registered');
    if (!['ACTIVE', 'FINISHED', 'CANCELLED'].includes(body.state))
      return error(400, 'E_BAD_REQUEST', 'state invalid');
    const now = Math.floor(Date.now() / 1000);
    if (!tx) {
      if (rev !== 1)
        return error(409, 'E_TX_REVISION', 'a new transaction starts with tx_revision=1');
      if (body.state !== 'ACTIVE') return error(409, 'E_TX_STATE', 'a transaction starts ACTIVE');
      t.tx_counter++;
      const s = this.signNow(t, `start;${txId}`);
      const created: Tx = {
        _id: txId,
        number: t.tx_counter,
        state: 'ACTIVE',
        revision: 1,
        client_id: body.client_id,
        time_start: now,
        signature: {
          value: s.value,
          algorithm: 'ecdsa-plain-SHA256',
          counter: s.counter,
          public_key: this.publicKey,
        },
      };
      t.txs.set(txId, created);
      return send(200, { ...created, latest_revision: 1, tss_id: tssId });
    }
    if (rev !== tx.revision + 1)
      return error(409, 'E_TX_REVISION', `tx_revision must be ${tx.revision + 1}`);
    if (tx.state !== 'ACTIVE') return error(409, 'E_TX_STATE', `transaction is ${tx.state}`);
    if (body.client_id !== tx.client_id) return error(400, 'E_BAD_REQUEST', 'client_id differs');
    if (body.schema !== undefined || body.state !== 'ACTIVE') {
      const problem = this.receiptProblem(body.schema);
      if (problem) return error(400, 'E_BAD_REQUEST', problem);
    }
    tx.revision = rev;
    tx.schema = body.schema;
    if (body.state === 'ACTIVE') {
      this.signNow(t, `update;${txId}`);
      return send(200, { ...tx, latest_revision: rev, tss_id: tssId });
    }
    this.finishCount++;
    const kind = body.state === 'CANCELLED' ? 'AVBelegabbruch' : 'Beleg';
    const pd = this.processData(kind, body.schema);
    const s = this.signNow(t, `finish;${txId};${pd}`);
    tx.state = body.state;
    tx.time_end = now;
    tx.signature = {
      value: s.value,
      algorithm: 'ecdsa-plain-SHA256',
      counter: s.counter,
      public_key: this.publicKey,
    };
    const iso = (x: number) => new Date(x * 1000).toISOString().replace('.000Z', 'Z');
    tx.qr_code_data = [
      'V0',
      t.clients.get(tx.client_id),
      'Kassenbeleg-V1',
      pd,
      tx.number,
      s.counter,
      iso(tx.time_start),
      iso(now),
      'ecdsa-plain-SHA256',
      'unixTime',
      s.value,
      this.publicKey,
    ].join(';');
    return send(200, { ...tx, latest_revision: rev, tss_id: tssId });
  }

  private exports = new Map<string, number>();

  private exportRoute(
    method: string,
    tssId: string,
    exportId: string,
    file: boolean,
    res: http.ServerResponse,
    send: (s: number, b: unknown) => void,
    error: (s: number, c: string, m: string) => void,
  ) {
    const t = this.tss.get(tssId);
    if (!t) return error(404, 'E_TSS_NOT_FOUND', 'no such TSS');
    if (method === 'PUT' && !file) {
      this.exports.set(exportId, 0);
      return send(200, { _id: exportId, state: 'PENDING' });
    }
    if (!this.exports.has(exportId)) return error(404, 'E_EXPORT_NOT_FOUND', 'no such export');
    if (method === 'GET' && !file) return send(200, { _id: exportId, state: 'COMPLETED' });
    if (method === 'GET' && file) {
      const pack = tar.pack();
      pack.entry({ name: 'info.csv' }, `serial;${this.serial}\n`);
      pack.entry(
        { name: 'transactions.log' },
        [...t.txs.values()].map((x) => `${x.number};${x.state}`).join('\n'),
      );
      pack.finalize();
      res.writeHead(200, { 'content-type': 'application/x-tar' });
      pack.pipe(res);
      return;
    }
    return error(405, 'E_METHOD', 'method not allowed');
  }
}
