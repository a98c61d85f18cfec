/** HTTP basics of the real daemon: errors, limits, log line, shutdown, demo seeding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, runDaemonExpectExit, spawnDaemon, startDaemon, tempDir } from '../helpers/daemon.js';
import { DATA_DIR_MARKER } from '../../daemon/store/index.js';

const STRONG = {
  APP_ENV: 'production',
  ADMIN_TOKEN: 'k7Qm2vXr9Lp4Wz8Tn3Bc6Hd1',
  SCANNER_API_SECRET: 'Zp5Rt8Vw2Xy7Qa4Mn9Kb3Lc6',
  SCANNER_PAIRING_SIGNING_SECRET: 'h3J8k2L7m4N9p1Q6r5S0t8U2',
};

test('JSON bodies: over 64 KiB → 413 (declared or chunked), nothing created', async () => {
  const d = await startDaemon();
  try {
    const before = (await d.get('/api/v1/products')).body.products.length;
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024), price_cents: 1 });
    const declared = await d.post('/api/v1/products', JSON.parse(big), { admin: true });
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error.code, 'payload_too_large');
    // Without Content-Length (chunked): the limit holds while reading, and the 413 arrives.
    const chunked = await fetch(`${d.url}/api/v1/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-admin-token' },
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.equal(chunked.headers.get('connection'), 'close');
    assert.equal((await d.get('/api/v1/products')).body.products.length, before);
  } finally {
    await d.stop();
  }
});

test('malformed JSON → 400, wrong content type → 415, non-object → 400', async () => {
  const d = await startDaemon();
  try {
    const send = (raw: string, type: string) =>
      d.request('POST', '/api/v1/products', {
        admin: true,
        raw,
        headers: { 'content-type': type },
      });
    const broken = await send('{"name": "Tee", "price_cents": 1', 'application/json');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'invalid_json');
    const form = await send('name=Tee&price_cents=1', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415);
    assert.equal(form.body.error.code, 'unsupported_media_type');
    for (const raw of ['[1,2]', 'null', '"text"', '42']) {
      const res = await send(raw, 'application/json');
      assert.equal(res.status, 400, raw);
      assert.equal(res.body.error.code, 'invalid_body');
    }
    const empty = await send('', 'application/json');
    assert.equal(empty.status, 400);
    // charset parameters are fine
    const ok = await send('{"name":"Tee","price_cents":1}', 'application/json; charset=utf-8');
    assert.equal(ok.status, 201);
  } finally {
    await d.stop();
  }
});

test('hostile requests get 4xx JSON, never a 500 or a stack trace', async () => {
  const d = await startDaemon();
  try {
    const cases: Array<[string, string, { raw?: string; headers?: Record<string, string> }]> = [
      ['GET', '/api/v1/products/%E0%A4%A', {}],
      ['GET', '/api/v1/products/by-barcode/%E0%A4%A', {}],
      ['GET', '/api/v1/products/..%2F..%2Fetc%2Fpasswd', {}],
      ['GET', '/api/v1/products/x/image', {}],
      ['GET', '/assets/..%2F..%2Fpackage.json', {}],
      ['PATCH', '/api/v1/products/prd_x', { raw: '{"__proto__":{"admin":true}}' }],
      ['POST', '/api/v1/products', { raw: '{"name":{"$gt":""},"price_cents":1}' }],
      ['POST', '/api/v1/products', { raw: '{"name":"A","price_cents":1e400}' }],
      ['POST', '/api/v1/products', { raw: '\u0000\u0001' }],
      [
        'PUT',
        '/api/v1/products/prd_x/image',
        { raw: 'x', headers: { 'content-type': 'image/png' } },
      ],
      ['POST', '/api/v1/admin/login', { raw: '{"token":["a"]}' }],
      ['DELETE', '/api/v1/health', {}],
      ['GET', '/api/v2/anything', {}],
    ];
    for (const [method, p, opts] of cases) {
      const res = await d.request(method, p, {
        admin: true,
        raw: opts.raw,
        headers: { 'content-type': 'application/json', ...opts.headers },
      });
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${p} → ${res.status}`);
      assert.doesNotMatch(res.text, /\n\s+at |node_modules|\.ts:\d+/, `${method} ${p}`);
      if (p.startsWith('/api/')) {
        assert.equal(typeof res.body.error?.code, 'string', `${method} ${p}: ${res.text}`);
        assert.equal(typeof res.body.error?.message, 'string');
      }
    }
    assert.ok(!d.logs.some((l) => / 5\d\d \d/.test(l)), 'no 5xx in the request log');
    assert.equal((await d.get('/api/v1/health')).status, 200, 'still serving');
  } finally {
    await d.stop();
  }
});

test('unknown paths: 404 JSON under /api, an HTML page for browsers elsewhere', async () => {
  const d = await startDaemon();
  try {
    const api = await d.get('/api/v1/nope');
    assert.equal(api.status, 404);
    assert.deepEqual(Object.keys(api.body.error).sort(), ['code', 'message']);
    const page = await d.get('/nope', { headers: { accept: 'text/html' } });
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.text, /<h1>Not found<\/h1>/);
  } finally {
    await d.stop();
  }
});

test('one request log line per request: client, method, path, status, ms', async () => {
  const d = await startDaemon();
  try {
    await d.get('/api/v1/products?q=tee');
    await d.post('/api/v1/products', { name: 'Tee' }, { admin: true });
    const lines = d.logs.filter((l) => / INFO {2}\[pos\] 127\.0\.0\.1 /.test(l));
    assert.ok(lines.some((l) => /127\.0\.0\.1 GET \/api\/v1\/products 200 \d+\.\dms$/.test(l)));
    assert.ok(lines.some((l) => /127\.0\.0\.1 POST \/api\/v1\/products 400 \d+\.\dms$/.test(l)));
    assert.ok(!lines.some((l) => l.includes('q=tee')), 'query strings (search terms) not logged');
  } finally {
    await d.stop();
  }
});

test('SIGTERM: no new connections, the in-flight write finishes, exit code 0', async () => {
  const dataDir = await tempDir();
  const d = await spawnDaemon({ DATA_DIR: dataDir });
  try {
    const body = JSON.stringify({ name: 'Letzter Verkauf', price_cents: 420 });
    // Expect: 100-continue lets the test know the daemon has the request before the signal.
    const req = http.request({
      host: '127.0.0.1',
      port: d.port,
      method: 'POST',
      path: '/api/v1/products',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: 'Bearer demo-admin-token',
        expect: '100-continue',
      },
    });
    const response = new Promise<{ status: number; text: string; connection?: string }>(
      (resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode!, text, connection: res.headers.connection }),
          );
        });
        req.on('error', reject);
      },
    );
    await new Promise<void>((resolve) => req.on('continue', () => resolve()));
    d.child.kill('SIGTERM');
    await waitFor(() => /SIGTERM: shutting down/.test(d.output()));
    // The listener closes: new clients are refused (polled: the log line comes just before).
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      refused = await fetch(`${d.url}/api/v1/health`).then(
        () => false,
        () => true,
      );
    }
    assert.ok(refused, 'new connections are refused while stopping');
    req.end(body);
    const res = await response;
    assert.equal(res.status, 201, res.text);
    assert.equal(res.connection, 'close', 'in-flight answer closes its keep-alive socket');
    const code = await d.exited;
    assert.equal(code, 0, d.output());
    assert.match(d.output(), /stopped/);

    const again = await startDaemon({ dataDir });
    try {
      const found = (await again.get('/api/v1/products?q=Letzter')).body.products;
      assert.equal(found.length, 1, 'the write made it to disk');
      assert.equal(found[0].price_cents, 420);
    } finally {
      await again.stop();
    }
  } finally {
    if (d.child.exitCode === null) d.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('SIGINT stops the daemon cleanly too', async () => {
  const dataDir = await tempDir();
  try {
    const d = await spawnDaemon({ DATA_DIR: dataDir });
    assert.equal((await d.get('/api/v1/health')).status, 200);
    assert.equal(await d.kill('SIGINT'), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('static UI: / → /pos, pages never cached, hashed assets immutable, no traversal', async () => {
  const ui = await tempDir('pos-ui-');
  await mkdir(path.join(ui, 'assets'));
  await writeFile(path.join(ui, 'pos.html'), '<!doctype html><title>POS</title>');
  await writeFile(path.join(ui, 'admin.html'), '<!doctype html><title>Admin</title>');
  await writeFile(path.join(ui, 'assets', 'pos-ABCD1234.js'), 'console.log(1)');
  await writeFile(path.join(ui, 'assets', 'logo.svg'), '<svg/>');
  const d = await startDaemon({ uiDir: ui });
  try {
    const root = await d.get('/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/pos');
    const pos = await d.get('/pos');
    assert.equal(pos.status, 200);
    assert.match(pos.headers.get('content-type')!, /^text\/html/);
    assert.equal(pos.headers.get('cache-control'), 'no-cache');
    assert.match(pos.text, /<title>POS<\/title>/);
    assert.equal((await d.get('/admin')).status, 200);
    const js = await d.get('/assets/pos-ABCD1234.js');
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(js.headers.get('content-type')!, /^text\/javascript/);
    const svg = await d.get('/assets/logo.svg');
    assert.equal(svg.headers.get('cache-control'), 'public, max-age=300');
    assert.equal((await d.get('/assets/..%2Fpos.html')).status, 404);
    assert.equal((await d.get('/assets/missing-ABCD1234.js')).status, 404);
    assert.equal(pos.headers.get('x-content-type-options'), 'nosniff');
  } finally {
    await d.stop();
    await rm(ui, { recursive: true, force: true });
  }
});

test('static UI not built: /pos says how to build it (503), the API still works', async () => {
  const ui = await tempDir('pos-ui-empty-');
  const d = await startDaemon({ uiDir: ui });
  try {
    const pos = await d.get('/pos');
    assert.equal(pos.status, 503);
    assert.match(pos.text, /npm run build/);
    assert.equal((await d.get('/api/v1/health')).status, 200);
  } finally {
    await d.stop();
    await rm(ui, { recursive: true, force: true });
  }
});

test('demo mode prints the dev admin token at start; production never prints a token', async () => {
  const dir = await tempDir();
  try {
    const demo = await spawnDaemon({ DATA_DIR: path.join(dir, 'demo') });
    await demo.kill('SIGTERM');
    assert.match(demo.output(), /DEMO MODE: admin token is "demo-admin-token"/);
    const prod = await spawnDaemon({ ...STRONG, DATA_DIR: path.join(dir, 'prod') });
    await prod.kill('SIGTERM');
    assert.doesNotMatch(prod.output(), /admin token|k7Qm2vXr9Lp4Wz8Tn3Bc6Hd1/);
    assert.match(prod.output(), /APP_ENV=production/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('port already in use: one plain line naming HOST / PORT, exit non-zero, no stack', async () => {
  const blocker = http.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  const dir = await tempDir();
  try {
    const { code, output } = await runDaemonExpectExit({ PORT: String(port), DATA_DIR: dir });
    assert.equal(code, 1);
    assert.match(
      output,
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`),
    );
    assert.doesNotMatch(output, /\n\s+at /);
    assert.doesNotMatch(output, /POS_READY/);
  } finally {
    blocker.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo seeding happens on the first start only', async () => {
  let d = await startDaemon({ keepData: true });
  const dataDir = d.dataDir;
  try {
    const seeded = (await d.get('/api/v1/products')).body.products;
    assert.ok(seeded.length >= 20);
    for (const p of seeded.slice(0, 3)) {
      await d.request('DELETE', `/api/v1/products/${p.id}`, { admin: true });
    }
    d = await d.restart();
    const after = (await d.get('/api/v1/products')).body.products;
    assert.equal(after.length, seeded.length - 3, 'deleted products stay deleted');
  } finally {
    await d.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('production never seeds: a strong-secret production start has an empty catalog', async () => {
  const d = await startDaemon({ env: STRONG });
  try {
    assert.equal((await d.get('/api/v1/health')).body.app_env, 'production');
    assert.deepEqual((await d.get('/api/v1/products')).body.products, []);
    assert.ok(!d.logs.some((l) => /demo: seeded/.test(l)));
  } finally {
    await d.stop();
  }
});

function npmRun(script: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('npm', ['run', '-s', script], {
      cwd: ROOT,
      env: { ...process.env, POS_ENV_FILE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

test('npm run demo:reset deletes a demo data directory and refuses production', async () => {
  const dataDir = await tempDir();
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, DATA_DIR_MARKER), '');
    await writeFile(path.join(dataDir, 'catalog.json'), '{}');

    const prod = await npmRun('demo:reset', { ...STRONG, DATA_DIR: dataDir });
    assert.notEqual(prod.code, 0);
    assert.match(prod.output, /APP_ENV is production; refusing/);
    assert.ok(existsSync(path.join(dataDir, 'catalog.json')), 'production data untouched');

    const weakProd = await npmRun('demo:reset', { APP_ENV: 'production', DATA_DIR: dataDir });
    assert.notEqual(weakProd.code, 0);
    assert.ok(existsSync(path.join(dataDir, 'catalog.json')));

    const demo = await npmRun('demo:reset', { APP_ENV: 'demo', DATA_DIR: dataDir });
    assert.equal(demo.code, 0, demo.output);
    assert.ok(!existsSync(dataDir), 'demo data deleted');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('npm run demo:reset refuses a directory that is not a Counter POS data directory', async () => {
  const dir = await tempDir();
  try {
    await writeFile(path.join(dir, 'thesis.tex'), 'precious');
    const res = await npmRun('demo:reset', { APP_ENV: 'demo', DATA_DIR: dir });
    assert.notEqual(res.code, 0);
    assert.match(res.output, /not a Counter POS data directory/);
    assert.ok(existsSync(path.join(dir, 'thesis.tex')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Polls a condition on data the test already has (process output), not on time. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}
