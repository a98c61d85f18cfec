/**
 * The IP whitelist seen from real non-loopback addresses: the test creates a network namespace
 * with a veth pair, binds the daemon to the host side of it and runs curl and node from inside
 * the namespace with chosen source addresses. Needs root (CAP_NET_ADMIN), as `npm test` does
 * (README); without it the tests fail and say so.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN, ROOT, client, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { canonicalIp } from '../../daemon/security/ip-match.js';
import { policyOf } from '../../daemon/security/policy.js';

const run = promisify(execFile);
const tag = randomBytes(3).toString('hex');
const NS = `pos6-${tag}`;
const HOST_IF = `p6h${tag}`;
const NS_IF = `p6n${tag}`;
// A random 10.x.y.0/24 and fd00::/64 net so parallel runs do not collide.
const a = 100 + (parseInt(tag.slice(0, 2), 16) % 100);
const b = parseInt(tag.slice(2, 4), 16);
const V4 = (host: number) => `10.${a}.${b}.${host}`;
const V6 = (host: number) => canonicalIp(`fd00:${tag.slice(0, 4)}:${tag.slice(4)}::${host}`)!;

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

before(async () => {
  await ip('netns', 'add', NS).catch((err) => {
    const reason = (err as Error).message.split('\n')[0];
    throw new Error(`network namespaces unavailable (needs root: run npm test as root): ${reason}`);
  });
  await ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
  await ip('link', 'set', NS_IF, 'netns', NS);
  await ip('addr', 'add', `${V4(1)}/24`, 'dev', HOST_IF);
  await ip('-6', 'addr', 'add', `${V6(1)}/64`, 'dev', HOST_IF, 'nodad');
  await ip('link', 'set', HOST_IF, 'up');
  for (const h of [2, 3, 4]) await ip('-n', NS, 'addr', 'add', `${V4(h)}/24`, 'dev', NS_IF);
  for (const h of [2, 3])
    await ip('-n', NS, '-6', 'addr', 'add', `${V6(h)}/64`, 'dev', NS_IF, 'nodad');
  await ip('-n', NS, 'link', 'set', NS_IF, 'up');
  await ip('-n', NS, 'link', 'set', 'lo', 'up');
});

after(async () => {
  await run('ip', ['link', 'del', HOST_IF]).catch(() => {});
  await run('ip', ['netns', 'del', NS]).catch(() => {});
});

interface CurlResult {
  status: number;
  body: string;
  contentType: string;
}

/** curl from inside the namespace, from a chosen source address. */
async function curl(
  from: string,
  url: string,
  opts: { headers?: Record<string, string>; method?: string; body?: string } = {},
): Promise<CurlResult> {
  const args = ['netns', 'exec', NS, 'curl', '-sS', '--max-time', '10', '--interface', from];
  args.push('-X', opts.method ?? 'GET');
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (opts.body !== undefined) args.push('--data-binary', opts.body);
  args.push('-w', '\n%{http_code} %{content_type}', url);
  const { stdout } = await run('ip', args);
  const cut = stdout.lastIndexOf('\n');
  const [code, ...type] = stdout.slice(cut + 1).split(' ');
  return { status: Number(code), body: stdout.slice(0, cut), contentType: type.join(' ') };
}

/** Opens a POS WebSocket from inside the namespace with node + ws; prints the outcome. */
async function wsFrom(from: string, url: string): Promise<string> {
  const script = `
    const WebSocket = require('ws');
    const ws = new WebSocket(process.argv[1], { localAddress: process.argv[2] });
    ws.on('open', () => { console.log('open'); ws.close(); });
    ws.on('unexpected-response', (_req, res) => { console.log('refused ' + res.statusCode); process.exit(0); });
    ws.on('error', (e) => { console.log('error ' + e.message); process.exit(0); });
  `;
  const { stdout } = await run(
    'ip',
    ['netns', 'exec', NS, process.execPath, '-e', script, url, from],
    { cwd: ROOT },
  );
  return stdout.trim();
}

async function daemonOn(host: string, env: Record<string, string> = {}): Promise<TestDaemon> {
  return startDaemon({ env: { HOST: host, ...env } });
}

const hostUrl = (d: TestDaemon, v6 = false) =>
  v6 ? `http://[${V6(1)}]:${d.port}` : `http://${V4(1)}:${d.port}`;

/** The owner's admin call, from the host side of the veth (not loopback: admin needs no list). */
async function setList(d: TestDaemon, enabled: boolean, ips: string[]): Promise<void> {
  const v6 = d.app.config.host.includes(':');
  const res = await client(hostUrl(d, v6)).request('PUT', '/api/v1/admin/settings/pos-security', {
    admin: true,
    body: { enabled, allowed_ips: ips.map((ip, i) => ({ ip, name: `till ${i + 1}` })) },
  });
  assert.equal(res.status, 200, res.text);
}

test('whitelist from namespace addresses: allowed and denied on /pos, API and WebSocket', async () => {
  const d = await daemonOn(V4(1));
  try {
    const base = hostUrl(d);
    // Off: every address reaches the POS.
    assert.equal((await curl(V4(3), `${base}/api/v1/products`)).status, 200);

    await setList(d, true, [V4(2)]);
    // Allowed address: page, API, socket.
    const okApi = await curl(V4(2), `${base}/api/v1/products`);
    assert.equal(okApi.status, 200);
    assert.ok(JSON.parse(okApi.body).products.length > 0);
    assert.notEqual((await curl(V4(2), `${base}/pos`)).status, 403);
    assert.equal(await wsFrom(V4(2), `ws://${V4(1)}:${d.port}/ws?terminal_id=till2`), 'open');

    // Denied address: HTML page for /pos, JSON for the API, socket refused at upgrade.
    const page = await curl(V4(3), `${base}/pos`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 403);
    assert.match(page.contentType, /text\/html/);
    assert.match(page.body, /<title>Access denied<\/title>/);
    assert.match(page.body, new RegExp(V4(3).replace(/\./g, '\\.')));
    const api = await curl(V4(3), `${base}/api/v1/products`);
    assert.equal(api.status, 403);
    assert.match(api.contentType, /application\/json/);
    assert.equal(JSON.parse(api.body).error.code, 'ip_not_allowed');
    const cart = await curl(V4(3), `${base}/api/v1/terminals/t1/cart/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ barcode: '4006381333931' }),
    });
    assert.equal(cart.status, 403);
    assert.equal((await curl(V4(3), `${base}/api/v1/payments/providers/available`)).status, 403);
    assert.equal(
      await wsFrom(V4(3), `ws://${V4(1)}:${d.port}/ws?terminal_id=till3`),
      'refused 403',
    );

    // Spoofed X-Forwarded-For from a denied address is ignored without TRUST_PROXY.
    for (const spoof of [V4(2), '127.0.0.1', `${V4(2)}, ${V4(2)}`, `::ffff:${V4(2)}`]) {
      const r = await curl(V4(3), `${base}/api/v1/products`, {
        headers: { 'x-forwarded-for': spoof },
      });
      assert.equal(r.status, 403, `X-Forwarded-For: ${spoof}`);
    }

    // The admin API is not behind the whitelist: the owner can fix the list from anywhere.
    const me = await curl(V4(3), `${base}/api/v1/admin/current-ip`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(me.status, 200);
    assert.deepEqual(
      { ip: JSON.parse(me.body).ip, allowed: JSON.parse(me.body).allowed },
      { ip: V4(3), allowed: false },
    );
    // ...and admin credentials also open the shared reads.
    const adminRead = await curl(V4(3), `${base}/api/v1/products`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(adminRead.status, 200);
    // A wrong token or a token in the query string does not.
    assert.equal(
      (
        await curl(V4(3), `${base}/api/v1/products`, {
          headers: { authorization: 'Bearer wrong-token' },
        })
      ).status,
      403,
    );
    assert.equal((await curl(V4(3), `${base}/api/v1/products?token=${ADMIN}`)).status, 403);

    // The loopback-only export refuses a LAN caller.
    const internal = await curl(V4(2), `${base}/api/internal/allowed-ips`);
    assert.equal(internal.status, 403);

    // A CIDR range admits the whole /24 at once; the change applies immediately.
    await setList(d, true, [`${V4(0)}/24`]);
    assert.equal((await curl(V4(3), `${base}/api/v1/products`)).status, 200);
    await setList(d, true, [`${V4(0)}/31`]); // .0 and .1 only
    assert.equal((await curl(V4(2), `${base}/api/v1/products`)).status, 403);
    // An IPv4-mapped entry matches the plain IPv4 client.
    await setList(d, true, [`::ffff:${V4(4)}`]);
    assert.equal((await curl(V4(4), `${base}/api/v1/products`)).status, 200);
    assert.equal((await curl(V4(2), `${base}/api/v1/products`)).status, 403);

    // Enabled with an empty list, or disabled: no restriction.
    await setList(d, true, []);
    assert.equal((await curl(V4(3), `${base}/api/v1/products`)).status, 200);
    await setList(d, false, [V4(2)]);
    assert.equal((await curl(V4(3), `${base}/api/v1/products`)).status, 200);
  } finally {
    await d.stop();
  }
});

test('whitelist over IPv6 from the namespace: entries compared canonically', async () => {
  const d = await daemonOn(V6(1));
  try {
    const base = hostUrl(d, true);
    // The entry is written in full, uncompressed, upper-case form; the client is compressed.
    const expanded = `FD00:${tag.slice(0, 4)}:00${tag.slice(4)}:0:0:0:0:2`.toUpperCase();
    await setList(d, true, [expanded]);
    assert.equal((await curl(V6(2), `${base}/api/v1/products`)).status, 200);
    const denied = await curl(V6(3), `${base}/api/v1/products`);
    assert.equal(denied.status, 403);
    assert.match(JSON.parse(denied.body).error.message, new RegExp(V6(3)));
    assert.equal(await wsFrom(V6(3), `ws://[${V6(1)}]:${d.port}/ws?terminal_id=t6`), 'refused 403');
    // A /64 range admits both.
    await setList(d, true, [`${V6(0).replace(/::0?$/, '::')}/64`]);
    assert.equal((await curl(V6(3), `${base}/api/v1/products`)).status, 200);
  } finally {
    await d.stop();
  }
});

test('X-Forwarded-For is believed only from a TRUST_PROXY peer (CIDR)', async () => {
  // The "proxy" is .2 (given as a /32 range); the real client behind it is .4.
  const d = await daemonOn(V4(1), { TRUST_PROXY: `${V4(2)}/32` });
  try {
    const base = hostUrl(d);
    await setList(d, true, [V4(4)]);
    const viaProxy = await curl(V4(2), `${base}/api/v1/products`, {
      headers: { 'x-forwarded-for': V4(4) },
    });
    assert.equal(viaProxy.status, 200);
    // The client cannot choose its address by prepending one: the right-most hop counts.
    const prepended = await curl(V4(2), `${base}/api/v1/products`, {
      headers: { 'x-forwarded-for': `${V4(4)}, ${V4(3)}` },
    });
    assert.equal(prepended.status, 403);
    // The proxy's own requests (no header) are the proxy's address: not listed.
    assert.equal((await curl(V4(2), `${base}/api/v1/products`)).status, 403);
    // The same header from a peer that is not a trusted proxy is ignored.
    const spoofed = await curl(V4(3), `${base}/api/v1/products`, {
      headers: { 'x-forwarded-for': V4(4) },
    });
    assert.equal(spoofed.status, 403);
    const seen = await curl(V4(2), `${base}/api/v1/admin/current-ip`, {
      headers: { 'x-forwarded-for': V4(4), authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(JSON.parse(seen.body).ip, V4(4));
    assert.equal(JSON.parse(seen.body).via_proxy, true);
  } finally {
    await d.stop();
  }
});

/** Real Chromium inside the namespace: the DOM it renders for a URL (--dump-dom). */
async function chromiumDom(url: string): Promise<string> {
  const profile = await mkdtemp(path.join(tmpdir(), 'pos-chromium-'));
  try {
    const { stdout } = await run(
      'ip',
      [
        'netns',
        'exec',
        NS,
        CHROMIUM,
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--dump-dom',
        url,
      ],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
    );
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

test('a real browser on a denied address sees the Access denied page; on a listed one the till', async () => {
  const d = await daemonOn(V4(1));
  try {
    // Chromium in the namespace has one address (its default source): list another one first.
    await setList(d, true, [V4(9)]);
    const denied = await chromiumDom(`${hostUrl(d)}/pos`);
    assert.match(denied, /<title>Access denied<\/title>/);
    assert.match(denied, /not on the POS whitelist/);
    await setList(d, true, [`${V4(0)}/24`]);
    const allowed = await chromiumDom(`${hostUrl(d)}/pos`);
    assert.doesNotMatch(allowed, /Access denied/);
    // The till page itself (or, in a checkout without a UI build, the daemon's "not built" note).
    assert.match(allowed, /<pos-app|npm run build/);
  } finally {
    await d.stop();
  }
});

test('every route from a denied address in the namespace: its policy answers, case variants route nowhere', async () => {
  // The attack review's set-up: whitelist on with only 127.0.0.1 listed, attacker on the LAN.
  const d = await daemonOn(V4(1));
  try {
    await setList(d, true, ['127.0.0.1']);
    const base = hostUrl(d);
    const routes = (
      d.app.router.stack as unknown as Array<{ path: string; methods: string[] }>
    ).flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => ({ m, path: l.path })));
    assert.ok(routes.length > 50);
    const wrong: string[] = [];
    let sent = 0;
    for (const { m, path: p } of routes) {
      const policy = policyOf(`${m} ${p}`)?.policy;
      const url = p.replace(/:([a-z_]+)/g, 'x1');
      const body = ['POST', 'PUT', 'PATCH'].includes(m) ? '{}' : undefined;
      const headers = { 'content-type': 'application/json' };
      const r = await curl(V4(3), `${base}${url}`, { method: m, headers, body });
      sent += 1;
      // pos, cashier, manager, internal: 403; admin: the admin login (401, never behind the
      // list); public: its own answer (health and logout say 200 and reveal nothing).
      const ok =
        policy === 'admin'
          ? r.status === 401
          : policy === 'public'
            ? r.status < 500
            : r.status === 403;
      if (!ok) wrong.push(`${m} ${url} [${policy}] → ${r.status}`);
      // The critical finding: the same route in other letter cases.
      if (url.startsWith('/api/')) {
        for (const variant of [url.replace('/api/', '/API/'), url.replace('/v1/', '/V1/')]) {
          if (variant === url) continue;
          const v = await curl(V4(3), `${base}${variant}`, { method: m, headers, body });
          sent += 1;
          if (v.status !== 404) wrong.push(`${m} ${variant} → ${v.status}`);
        }
      }
    }
    console.log(`# ${sent} requests over ${routes.length} routes from ${V4(3)}`);
    assert.deepEqual(wrong, []);
  } finally {
    await d.stop();
  }
});
