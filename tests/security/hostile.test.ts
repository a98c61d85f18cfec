/**
 * Hostile-input suite: generated bad input against every route the router serves (read from
 * app.router.stack, so new routes are covered automatically), auth bypass attempts, refused
 * WebSocket upgrades, and requests from an address the whitelist refuses. Rules for every case:
 * an accepted status (4xx unless documented), never a 5xx, the daemon still answers, and the
 * stored data is byte-for-byte what it was (every file under DATA_DIR hashed before and after;
 * the audit journal may only have gained the failed logins it exists to record).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { policyOf } from '../../daemon/security/policy.js';
import {
  authBypass,
  fill,
  generate,
  is4xx,
  routesOf,
  type HostileCase,
  type RouteInfo,
} from './hostile-cases.js';

async function hashTree(dir: string, skip: (rel: string) => boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      const rel = path.relative(dir, full);
      if (skip(rel)) continue;
      if (entry.isDirectory()) await walk(full);
      else
        out.set(
          rel,
          createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        );
    }
  };
  await walk(dir);
  return out;
}

const skipAudit = (rel: string) => rel === 'audit' || rel.startsWith(`audit${path.sep}`);

/**
 * Sends one case with node:http so the path goes out byte for byte, as curl --path-as-is would
 * (fetch would resolve "%2e%2e" segments before sending).
 */
function send(base: string, c: HostileCase): Promise<number> {
  const url = new URL(base);
  const body = c.body === undefined ? undefined : Buffer.from(c.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: c.method,
        path: c.path,
        headers: { ...c.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    // A refused huge body may close the socket before everything is written; the status
    // has arrived by then.
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a WebSocket; resolves 101 on open or the refusal status. */
function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    ws.on('error', () => resolve(0));
  });
}

/**
 * Statuses documented beyond 4xx. Actions that take no body and act on the path alone answer
 * 200 whatever is sent (logouts, reprint the last receipt, printer test page, X report print,
 * open the drawer with an optional reason); they still must not change stored data.
 */
const BODYLESS_ACTIONS = [
  /\/logout$/,
  /^\/api\/v1\/terminals\/:terminal_id\/receipt\/reprint-last$/,
  /^\/api\/v1\/admin\/printer\/test$/,
  /^\/api\/v1\/closing\/x\/print$/,
  /^\/api\/v1\/printer\/open-drawer$/,
];

function documented(r: RouteInfo): ((s: number) => boolean) | undefined {
  if (r.method === 'POST' && BODYLESS_ACTIONS.some((re) => re.test(r.path)))
    return (s) => s === 200;
  return undefined;
}

/**
 * Findings in routes this suite has reported and that are not fixed yet. They are listed as a
 * TODO subtest (visible in every run, not failing it); everything else must pass.
 */
const KNOWN_FINDINGS: Array<{ match: RegExp; why: string }> = [];

const isKnown = (label: string) => KNOWN_FINDINGS.some((k) => k.match.test(label));

interface Tally {
  ran: number;
  fiveHundreds: string[];
  unexpected: string[];
  /** Routes after whose cases the data dir differed from the start. */
  changedData: string[];
}

/** "route → status [group]" labels counted per route and status, groups listed once. */
function summary(labels: string[]): Record<string, string> {
  const out = new Map<string, { n: number; groups: Set<string> }>();
  for (const l of labels) {
    const m = /^(.*) \[(.*)\]$/.exec(l);
    const key = m ? m[1] : l;
    const e = out.get(key) ?? { n: 0, groups: new Set<string>() };
    e.n += 1;
    if (m) e.groups.add(m[2]);
    out.set(key, e);
  }
  return Object.fromEntries(
    [...out].map(([k, v]) => [k, `${v.n}× ${[...v.groups].slice(0, 4).join('; ')}`]),
  );
}

async function runCases(d: TestDaemon, cases: HostileCase[], tally: Tally): Promise<void> {
  let seen = JSON.stringify([...(await hashTree(d.dataDir, skipAudit))]);
  let last = cases[0]?.route;
  // After each route's cases: did stored data change? (names every offending route)
  const checkData = async (route: string | undefined) => {
    await d.app.store.idle();
    const now = JSON.stringify([...(await hashTree(d.dataDir, skipAudit))]);
    if (now !== seen) tally.changedData.push(route ?? '?');
    seen = now;
  };
  for (const c of cases) {
    if (c.route !== last) {
      await checkData(last);
      last = c.route;
    }
    let status: number;
    try {
      status = await send(d.url, c);
    } catch (err) {
      // node:http refuses to send some requests itself (CR/LF in a path); not a daemon case.
      if ((err as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS') continue;
      throw new Error(
        `${c.group}: ${c.method} ${c.path.slice(0, 100)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    tally.ran += 1;
    const label = `${c.route ?? `${c.method} ${c.path.slice(0, 80)}`} → ${status} [${c.group}]`;
    if (status >= 500) tally.fiveHundreds.push(label);
    else if (!(c.accept ?? is4xx)(status)) tally.unexpected.push(label);
    // Failed-login limits must not mask the next case behind a 429.
    d.app.auth.limiter.reset('127.0.0.1');
  }
  await checkData(last);
}

test('hostile input against every route: 4xx, no 5xx, no crash, no data change', async (t) => {
  const d = await startDaemon();
  const tally: Tally = { ran: 0, fiveHundreds: [], unexpected: [], changedData: [] };
  try {
    const routes = routesOf(d.app.router as never);
    assert.ok(routes.length >= 20, `only ${routes.length} routes found`);

    // Which routes want credentials: a bare, well-formed request answers 401. (Probes are
    // ordinary requests, e.g. clearing an empty cart, so the data snapshot is taken after.)
    const guarded = new Set<string>();
    for (const r of routes) {
      const status = await send(d.url, {
        group: 'probe',
        method: r.method,
        path: fill(r.path),
        headers: { 'content-type': 'application/json' },
        body: ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) ? '{}' : undefined,
      });
      assert.ok(status < 500, `probe ${r.method} ${r.path} → ${status}`);
      if (status === 401) guarded.add(`${r.method} ${r.path}`);
    }
    const isAdmin = (r: RouteInfo) => guarded.has(`${r.method} ${r.path}`);
    await d.app.store.idle();
    const before = await hashTree(d.dataDir, skipAudit);

    const cases = [
      ...generate(routes, {
        adminHeaders: { authorization: `Bearer ${ADMIN}` },
        isAdmin,
        documented,
      }),
      ...authBypass(routes, isAdmin),
      // Paths outside the router: traversal into the UI assets and odd API paths.
      ...[
        '/assets/..%2f..%2fpackage.json',
        '/assets/%2e%2e/%2e%2e/package.json',
        '/assets/..%5c..%5cpackage.json',
        '/assets/../../package.json',
        '/api/v1/..%2f..%2fetc/passwd',
        '/api/v1/products/%2e%2e/%2e%2e/admin/session',
        '/pos/..%2f..%2fpackage.json',
        '/%2e%2e/package.json',
      ].map((p): HostileCase => ({
        route: 'GET (static)',
        group: 'static traversal',
        method: 'GET',
        path: p,
      })),
    ];
    await runCases(d, cases, tally);

    // Forged pairing secrets from a scanner that knows the scanner secret: refused (the scan
    // endpoint answers 422 pairing_refused), never paired.
    const scanRoute = routes.some((r) => r.method === 'POST' && r.path === '/api/v1/scanner/scan');
    if (scanRoute) {
      const start = JSON.stringify([...(await hashTree(d.dataDir, skipAudit))]);
      const real = (await d.get('/api/v1/scanner/pairing-secret?terminal_id=kiosk')).body
        .secret as string;
      const prefix = d.app.config.scannerPairingPrefix;
      const flip = (ch: string) => (ch === 'A' ? 'B' : 'A');
      const forged = [
        `${prefix}${'A'.repeat(real.length - prefix.length)}`,
        real.slice(0, -1) + flip(real.slice(-1)),
        real.slice(0, prefix.length) + flip(real[prefix.length]) + real.slice(prefix.length + 1),
        real.slice(0, -4),
        real + 'AAAA',
        `${prefix}${'Z'.repeat(300)}`,
        `${prefix}../../etc/passwd`,
        `${prefix}\u0000`,
      ];
      for (const barcode of forged) {
        const res = await d.post(
          '/api/v1/scanner/scan',
          { barcode },
          {
            headers: {
              'x-scanner-secret': d.app.config.scannerApiSecret,
              'x-scanner-id': 'hostile-scan',
            },
          },
        );
        tally.ran += 1;
        const refused =
          is4xx(res.status) || (res.status === 200 && res.body?.result === 'pairing_refused');
        if (res.status >= 500)
          tally.fiveHundreds.push(`forged pairing ${barcode.slice(0, 40)} → ${res.status}`);
        else if (!refused)
          tally.unexpected.push(
            `forged pairing ${barcode.slice(0, 40)} → ${res.status} ${res.text.slice(0, 80)}`,
          );
      }
      // Near-miss scanner secrets.
      const secret = d.app.config.scannerApiSecret;
      for (const wrong of [secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), '']) {
        const res = await d.request('GET', '/api/v1/scanner/validate-token', {
          headers: wrong ? { 'x-scanner-secret': wrong } : {},
        });
        tally.ran += 1;
        if (!is4xx(res.status))
          tally.unexpected.push(`scanner secret ${JSON.stringify(wrong)} → ${res.status}`);
      }
      await d.app.store.idle();
      const now = await hashTree(d.dataDir, skipAudit);
      if (JSON.stringify([...now]) !== start)
        tally.changedData.push('forged pairing / scanner secrets');
    }

    // WebSocket upgrades with bad parameters or without credentials.
    const ws = d.url.replace('http', 'ws');
    for (const [url, headers] of [
      [`${ws}/ws?role=admin`, {}],
      [`${ws}/ws?role=admin`, { cookie: `pos_admin=${ADMIN}` }],
      [`${ws}/ws?terminal_id=..%2F..%2Fetc`, {}],
      [`${ws}/ws?terminal_id=${'x'.repeat(500)}`, {}],
      [`${ws}/ws?terminal_id=a&terminal_id=b`, {}],
      [`${ws}/ws?terminal_id=k`, { origin: 'http://evil.example' }],
      [`${ws}/ws/../../etc/passwd`, {}],
      [`${ws}/not-ws`, {}],
    ] as Array<[string, Record<string, string>]>) {
      const status = await wsStatus(url, headers);
      tally.ran += 1;
      const label = `ws ${url.replace(/:\d+/, '')} → ${status}`;
      if (status >= 500) tally.fiveHundreds.push(label);
      else if (!is4xx(status)) tally.unexpected.push(label);
    }

    // The daemon is alive and sane.
    assert.equal((await d.get('/api/v1/health')).status, 200);
    await d.app.store.idle();
    const after = await hashTree(d.dataDir, skipAudit);
    console.log(
      `# hostile: ${tally.ran} cases over ${routes.length} routes; ` +
        `${tally.fiveHundreds.length} 5xx; ${tally.unexpected.length} unexpected; ` +
        `${tally.changedData.length} routes changed stored data`,
    );
    const known = [...tally.unexpected, ...tally.changedData].filter(isKnown);
    await t.test(
      'known findings (reported, not fixed yet)',
      { todo: known.length ? KNOWN_FINDINGS.map((k) => k.why).join(' | ') : false },
      () => assert.deepEqual(summary(known), {}),
    );
    assert.deepEqual(summary(tally.fiveHundreds), {}, '5xx answers');
    assert.deepEqual(
      summary(tally.unexpected.filter((l) => !isKnown(l))),
      {},
      'statuses outside the accepted set',
    );
    const changed = tally.changedData.filter((l) => !isKnown(l));
    assert.deepEqual(changed, [], 'routes whose bad input changed stored data');
    // With no (unknown) route changing data, the whole tree must be what it was.
    if (tally.changedData.length === 0)
      assert.deepEqual(Object.fromEntries(after), Object.fromEntries(before), 'data dir changed');
    // The audit journal may gain failed logins, downloads and the documented body-less actions
    // (drawer opened...), but no successful change of products, people, settings or sales.
    const audit = await d.get('/api/v1/admin/audit?limit=5000', { admin: true });
    const changes =
      /^(product|employee|whitelist|sale|scanner|refund|closing|restore|backup\.restore)\.|^settings\.|^(admin|cashier)\.login$/;
    for (const e of audit.body.entries as Array<{ action: string }>) {
      // While a known finding changes data, its audit entries are expected too.
      assert.ok(!changes.test(e.action) || known.length > 0, `audit recorded ${e.action}`);
    }
    assert.ok(!d.logs.some((l) => /unhandled error/.test(l)), 'an unhandled error was logged');
  } finally {
    await d.stop();
  }
});

test('hostile: every POS route refuses a denied address; spoofing and mapped tricks do not help', async () => {
  // A trusted proxy on loopback tells the daemon the client address, as nginx on the Pi would.
  const d = await startDaemon({ env: { TRUST_PROXY: '127.0.0.1' } });
  const tally: Tally = { ran: 0, fiveHundreds: [], unexpected: [], changedData: [] };
  try {
    const put = await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { enabled: true, allowed_ips: [{ ip: '10.20.0.0/24', name: 'tills' }] },
    });
    assert.equal(put.status, 200);
    const before = await hashTree(d.dataDir, skipAudit);
    const routes = routesOf(d.app.router as never);
    // What a denied address hears is the route's policy (daemon/security/policy.ts): the
    // whitelist-guarded ones 403, admin ones ask for the admin login (401; never behind the
    // list, so the owner can repair it), internal ones 403, public ones their own answer.
    const expected = (r: { method: string; path: string }): ((s: number) => boolean) => {
      const policy = policyOf(`${r.method} ${r.path}`)?.policy;
      if (policy === 'public') return (s) => s < 500;
      if (policy === 'admin') return (s) => s === 401;
      return (s) => s === 403;
    };
    const denied = '10.99.0.7';
    const cases: HostileCase[] = [];
    for (const r of routes) {
      const base = {
        method: r.method,
        path: fill(r.path),
        body: ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) ? '{}' : undefined,
      };
      const accept = expected(r);
      // Every POS route answers 403 to a denied address, whatever the body or path.
      const forwarded = [
        denied,
        `10.20.0.5, ${denied}`, // the client prepends an allowed address
        `::ffff:${denied}`,
        '127.0.0.1, ' + denied,
        `0:0:0:0:0:ffff:a63:7`, // 10.99.0.7 written as mapped hex
      ];
      for (const xff of forwarded) {
        cases.push({
          group: 'denied address',
          ...base,
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': xff,
            'x-real-ip': '10.20.0.5',
            forwarded: 'for=10.20.0.5',
            'x-client-ip': '127.0.0.1',
          },
          accept,
        });
      }
      // Letter-case variants of the path route nowhere (the router is case-sensitive and
      // the policy belongs to the route that matched): 404, whatever the address.
      for (const variant of [base.path.toUpperCase(), base.path.replace('/api/', '/API/')]) {
        if (variant === base.path) continue;
        cases.push({
          group: 'case variant',
          ...base,
          path: variant,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': denied },
          accept: (s) => s === 404,
        });
      }
    }
    await runCases(d, cases, tally);
    // The allowed proxy-told address still reaches the POS (the rule is not "deny all").
    const ok = await d.get('/api/v1/products', { headers: { 'x-forwarded-for': '10.20.0.5' } });
    assert.equal(ok.status, 200);

    const ws = d.url.replace('http', 'ws');
    for (const xff of [denied, `::ffff:${denied}`, `10.20.0.5, ${denied}`]) {
      const status = await wsStatus(`${ws}/ws?terminal_id=t1`, { 'x-forwarded-for': xff });
      tally.ran += 1;
      if (status !== 403) tally.unexpected.push(`ws from ${xff} → ${status}`);
    }
    assert.equal(
      await wsStatus(`${ws}/ws?terminal_id=t1`, { 'x-forwarded-for': '10.20.0.5' }),
      101,
    );

    const after = await hashTree(d.dataDir, skipAudit);
    assert.deepEqual(Object.fromEntries(after), Object.fromEntries(before), 'data dir changed');
    console.log(
      `# hostile (denied address): ${tally.ran} cases over ${routes.length} routes; ` +
        `${tally.fiveHundreds.length} 5xx; ${tally.unexpected.length} unexpected; data unchanged`,
    );
    assert.deepEqual(tally.fiveHundreds, []);
    assert.deepEqual(tally.unexpected, []);
  } finally {
    await d.stop();
  }
});
