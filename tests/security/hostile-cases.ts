/**
 * Generated bad input for every route the router knows. Routes are read from
 * app.router.stack at run time, so a route added later is covered without touching this file.
 * Every case says which statuses it accepts; the suite adds the global rules (never a 5xx,
 * never a change in stored data).
 */
import { ADMIN } from '../helpers/daemon.js';

export interface RouteInfo {
  method: string;
  path: string;
  params: string[];
}

export interface HostileCase {
  group: string;
  /** The route it targets ("METHOD /path"), for finding which route changed data. */
  route?: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Accepted statuses; default: any 4xx. */
  accept?: (status: number) => boolean;
}

export const is4xx = (s: number) => s >= 400 && s < 500;

interface Layer {
  path: string | RegExp;
  methods: string[];
  paramNames: Array<{ name: string }>;
}

/** Every (method, path) the router serves, HEAD left out (it is GET without a body). */
export function routesOf(router: { stack: Layer[] }): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const layer of router.stack) {
    if (typeof layer.path !== 'string') continue;
    for (const method of layer.methods) {
      if (method === 'HEAD') continue;
      out.push({ method, path: layer.path, params: layer.paramNames.map((p) => p.name) });
    }
  }
  return out;
}

/** A path with every :param replaced (a harmless, well-formed id unless given). */
export function fill(path: string, value = 'hostile1', only?: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (m, name) =>
    only === undefined || only === name ? value : 'hostile1',
  );
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Methods whose body means something (RFC 9110 §9.3.5: a DELETE body has no semantics). */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Already percent-encoded; sent verbatim (no client-side dot-segment removal). */
export const HOSTILE_SEGMENTS = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fpackage.json',
  '..%5C..%5Cwindows%5Cwin.ini',
  '%2e%2e',
  'image.png%00.jpg',
  '%00',
  'a%0d%0aSet-Cookie:%20x=1',
  '%E2%80%AEgnp.exe',
  '%F0%9F%92%A9',
  '%27%20OR%201=1--',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '%ZZ',
  '%C0%AE%C0%AE',
  'x'.repeat(300),
  '0.5',
  '%2F',
  'a%2Fb',
  '.hidden',
];

/** Values that no field of any route accepts (wrong type, out of range, too long, control chars). */
export const BAD_VALUES: unknown[] = [
  -1,
  0.5,
  -0.01,
  1e308,
  2 ** 53 + 2,
  '100',
  '12.50',
  [null],
  { $ne: 1 },
  'x'.repeat(20_000),
  'bad\u0000nul',
  'line\r\nbreak\u202e',
];

/** Field names used anywhere in the API (a wrong field is refused too: that is also checked). */
export const FIELDS = [
  'name',
  'price_cents',
  'barcode',
  'category',
  'vat_rate',
  'active',
  'quantity',
  'product_id',
  'provider',
  'idempotency_key',
  'tendered_cents',
  'total_cents',
  'enabled',
  'allowed_ips',
  'pin_login_enabled',
  'pin_idle_logout_minutes',
  'pin',
  'employee_id',
  'role',
  'token',
  'terminal_id',
  'reader_id',
  'layout',
  'secret',
  'amount_cents',
];

const json = { 'content-type': 'application/json' };

const RAW_BODIES: Array<[string, Buffer | string]> = [
  ['truncated JSON', '{"name": "x", "price_cents": '],
  ['empty body', ''],
  ['JSON null', 'null'],
  ['JSON array', '[{"name":"x"}]'],
  ['JSON string', '"price_cents"'],
  ['JSON number', '250'],
  ['duplicate keys', '{"zz_unknown": 1, "zz_unknown": 2}'],
  ['prototype pollution', '{"__proto__": {"admin": true, "role": "manager"}}'],
  ['constructor pollution', '{"constructor": {"prototype": {"admin": true}}}'],
  ['deep nesting', '['.repeat(60_000)],
  ['BOM prefix', '\uFEFF{"zz_unknown":1}'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['NaN literal', '{"price_cents": NaN}'],
  ['comment', '{/* x */}'],
];

const CONTENT_TYPES: Array<[string, string, string]> = [
  ['text/plain', 'text/plain', '{"zz_unknown":1}'],
  ['form', 'application/x-www-form-urlencoded', 'name=x&price_cents=1'],
  [
    'multipart',
    'multipart/form-data; boundary=x',
    '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
  ],
  ['xml', 'application/xml', '<a>1</a>'],
  ['json utf-16', 'application/json; charset=utf-16', '{"zz_unknown":1}'],
];

export interface GenerateOptions {
  /** Headers that make a request an admin request. */
  adminHeaders: Record<string, string>;
  /** Does this route require admin credentials? (probed by the suite) */
  isAdmin: (r: RouteInfo) => boolean;
  /** Statuses documented for a route beyond 4xx (e.g. logout is 200 whatever the body). */
  documented: (r: RouteInfo) => ((status: number) => boolean) | undefined;
}

export function generate(routes: RouteInfo[], opts: GenerateOptions): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const r of routes) {
    const auth = opts.isAdmin(r) ? opts.adminHeaders : {};
    const route = `${r.method} ${r.path}`;
    const doc = opts.documented(r);
    const accept = doc ? (s: number) => is4xx(s) || doc(s) : is4xx;
    const path = fill(r.path);

    // Path traversal and odd bytes in every path parameter.
    for (const p of r.params) {
      for (const seg of HOSTILE_SEGMENTS) {
        cases.push({
          route,
          group: 'path param',
          method: r.method,
          path: fill(r.path, seg, p),
          headers: { ...auth, ...json },
          body: WRITE.has(r.method) ? '{}' : undefined,
          accept,
        });
      }
    }

    // Duplicate and oversized query parameters: refused or ignored, never a crash.
    if (r.method === 'GET') {
      for (const q of [
        'q=a&q=b',
        'date=2026-01-01&date=2026-01-02',
        'from=2026-01-01&from=x',
        'terminal_id=a&terminal_id=b',
        'active=true&active=false',
        'limit=1&limit=2',
        `q=${'x'.repeat(5000)}`,
        'date=2026-02-30',
        'date=..%2F..%2Fetc',
        'terminal_id=..%2F..%2Fx',
        'q=%00%0d%0a',
        '__proto__[admin]=1',
      ]) {
        cases.push({
          route,
          group: 'query',
          method: 'GET',
          path: `${path}?${q}`,
          headers: auth,
          accept: (s) => s < 500,
        });
      }
    }

    if (!WRITE.has(r.method)) continue;

    // A page of another site posting through a till's browser (a "simple" request: no preflight).
    for (const headers of <Array<Record<string, string>>>[
      { origin: 'http://evil.example', 'content-type': 'text/plain' },
      { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      { origin: 'null', 'content-type': 'text/plain' },
    ]) {
      cases.push({
        route,
        group: 'cross-site request',
        method: r.method,
        path,
        headers,
        body: '{}',
        accept: (s) => s === 403,
      });
    }

    if (!WITH_BODY.has(r.method)) continue;

    for (const [name, body] of RAW_BODIES) {
      cases.push({
        route,
        group: `body: ${name}`,
        method: r.method,
        path,
        headers: { ...auth, ...json },
        body,
        accept,
      });
    }
    for (const [name, type, body] of CONTENT_TYPES) {
      cases.push({
        route,
        group: `content type: ${name}`,
        method: r.method,
        path,
        headers: { ...auth, 'content-type': type },
        body,
        accept,
      });
    }
    cases.push({
      route,
      group: 'huge body',
      method: r.method,
      path,
      headers: { ...auth, ...json },
      body: `{"name":"${'x'.repeat(1024 * 1024)}"}`,
      accept,
    });
    cases.push({
      group: 'empty object',
      method: r.method,
      path,
      headers: { ...auth, ...json },
      body: '{}',
      accept,
    });
    for (const field of FIELDS) {
      for (const value of BAD_VALUES) {
        cases.push({
          route,
          group: 'bad field value',
          method: r.method,
          path,
          headers: { ...auth, ...json },
          body: JSON.stringify({ [field]: value }),
          accept,
        });
      }
    }
  }
  return cases;
}

/** Ways to pretend to be the admin without the token. */
export function authBypass(routes: RouteInfo[], isAdmin: (r: RouteInfo) => boolean): HostileCase[] {
  const cases: HostileCase[] = [];
  const attempts: Array<[string, Record<string, string>, string]> = [
    ['no credentials', {}, ''],
    ['wrong token', { authorization: 'Bearer not-the-token' }, ''],
    ['token in query', {}, `token=${ADMIN}`],
    ['access_token in query', {}, `access_token=${ADMIN}`],
    [
      'basic auth',
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` },
      '',
    ],
    ['empty bearer', { authorization: 'Bearer ' }, ''],
    ['token with suffix', { authorization: `Bearer ${ADMIN}x` }, ''],
    ['token prefix', { authorization: `Bearer ${ADMIN.slice(0, -1)}` }, ''],
    ['two tokens', { authorization: `Bearer x Bearer ${ADMIN}` }, ''],
    ['forged session cookie', { cookie: `pos_admin=${ADMIN}` }, ''],
    ['traversal session cookie', { cookie: 'pos_admin=../../sessions' }, ''],
    ['token header', { 'x-admin-token': ADMIN }, ''],
    ['loopback forwarded-for', { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' }, ''],
  ];
  for (const r of routes.filter(isAdmin)) {
    for (const [name, headers, query] of attempts) {
      const path = fill(r.path);
      cases.push({
        route: `${r.method} ${r.path}`,
        group: `auth bypass: ${name}`,
        method: r.method,
        path: query ? `${path}?${query}` : path,
        headers: { ...headers, 'content-type': 'application/json' },
        body: WRITE.has(r.method) ? '{}' : undefined,
        accept: (s) => s === 401 || s === 403 || s === 429,
      });
    }
  }
  return cases;
}
