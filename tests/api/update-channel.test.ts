/**
 * The update channel against a local HTTP server (manifest + bundle), with the real agent per
 * request.json; and the kiosk's "painted" signal that the mark-good service reads from
 * GET /api/v1/health.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import {
  agentHarness,
  bundleBytes,
  rebootLogged,
  until,
  type AgentHarness,
} from '../helpers/update.js';
import { connectWs, wsUrl } from '../helpers/ws.js';

let server: http.Server;
let base = '';
const routes = new Map<string, { type: string; body: Buffer } | 'reset'>();
let d: TestDaemon;
let agent: AgentHarness;

before(async () => {
  server = http.createServer((req, res) => {
    const r = routes.get(req.url ?? '');
    if (r === 'reset') return req.socket.destroy();
    if (!r) {
      res.statusCode = 404;
      return res.end('not here');
    }
    res.setHeader('content-type', r.type);
    res.setHeader('content-length', r.body.length);
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = await agentHarness();
  agent.watch();
  d = await startDaemon({
    env: {
      POS_UPDATE_DIR: agent.dir,
      POS_UPDATE_QUIET_CHECK_MS: '50',
      TRUST_PROXY: '127.0.0.1',
      ALLOWED_POS_IPS: '192.168.50.0/24',
    },
  });
});
after(async () => {
  await d?.stop();
  await agent?.stop();
  await new Promise((r) => server?.close(r));
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const json = (v: unknown) => ({ type: 'application/json', body: Buffer.from(JSON.stringify(v)) });
const info = async () => (await d.get('/api/v1/admin/update', { admin: true })).body;
const put = (url: unknown) =>
  d.request('PUT', '/api/v1/admin/update/channel', { admin: true, body: { url } });

test('channel URL: http(s) only, stored and audited', async () => {
  for (const bad of ['ftp://example.org/m.json', 'file:///etc/passwd', 'not a url', 42]) {
    const r = await put(bad);
    assert.deepEqual(
      [r.status, r.body.error.code, r.body.error.field],
      [400, 'invalid_field', 'url'],
    );
  }
  const ok = await put(`${base}/stable/manifest.json`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await info()).channel.url, `${base}/stable/manifest.json`);
  const audit = await d.get('/api/v1/admin/audit', { admin: true });
  assert.ok(audit.body.entries.some((e: any) => e.action === 'update.channel'));
});

test('check: newer or not (semver), a relative bundle URL resolved; a bad manifest is update_manifest_invalid', async () => {
  routes.set(
    '/stable/manifest.json',
    json({ version: '0.10.0', url: 'pos-0.10.0.raucb', sha256: 'a'.repeat(64) }),
  );
  let r = await d.post('/api/v1/admin/update/check', {}, { admin: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.channel.latest.newer, true, '0.10.0 > 0.1.0 (not a string compare)');
  assert.equal(r.body.channel.latest.url, `${base}/stable/pos-0.10.0.raucb`);
  routes.set(
    '/stable/manifest.json',
    json({ version: '0.0.9', url: 'x.raucb', sha256: 'a'.repeat(64) }),
  );
  r = await d.post('/api/v1/admin/update/check', {}, { admin: true });
  assert.equal(r.body.channel.latest.newer, false);
  for (const bad of [
    { version: 'latest', url: 'x', sha256: 'a'.repeat(64) },
    { version: '1.0.0', url: 'x', sha256: 'abc' },
    { version: '1.0.0', url: 'ftp://h/x', sha256: 'a'.repeat(64) },
  ]) {
    routes.set('/stable/manifest.json', json(bad));
    r = await d.post('/api/v1/admin/update/check', {}, { admin: true });
    assert.deepEqual(
      [r.status, r.body.error.code],
      [502, 'update_manifest_invalid'],
      JSON.stringify(bad),
    );
  }
  routes.set('/stable/manifest.json', { type: 'application/json', body: Buffer.from('{nope') });
  r = await d.post('/api/v1/admin/update/check', {}, { admin: true });
  assert.equal(r.body.error.code, 'update_manifest_invalid');
  routes.set('/stable/manifest.json', 'reset');
  r = await d.post('/api/v1/admin/update/check', {}, { admin: true });
  assert.deepEqual([r.status, r.body.error.code], [502, 'update_download_failed']);
});

test('fetch: a checksum mismatch fails the job and leaves no file; the right bundle installs into slot B', async () => {
  const bundle = bundleBytes({ version: '0.2.0', size: 3 * 1024 * 1024 });
  routes.set('/stable/pos-0.2.0.raucb', { type: 'application/octet-stream', body: bundle });
  routes.set(
    '/stable/manifest.json',
    json({ version: '0.2.0', url: 'pos-0.2.0.raucb', sha256: sha(Buffer.from('other')) }),
  );
  let r = await d.post('/api/v1/admin/update/fetch', {}, { admin: true });
  assert.equal(r.status, 202, r.text);
  let id = r.body.job.id;
  const failed = await until(async () => {
    const j = (await info()).job;
    return j?.id === id && j.state === 'failed' ? j : undefined;
  }, 'the mismatch');
  assert.equal(failed.error_code, 'update_checksum_mismatch');
  assert.deepEqual(
    readdirSync(agent.dir).filter((n) => n.endsWith('.raucb') || n.endsWith('.part')),
    [],
  );
  assert.equal(existsSync(agent.stateFile + '.calls'), false, 'rauc never asked');

  routes.set(
    '/stable/manifest.json',
    json({ version: '0.2.0', url: 'pos-0.2.0.raucb', sha256: sha(bundle), size: bundle.length }),
  );
  r = await d.post('/api/v1/admin/update/fetch', {}, { admin: true });
  assert.equal(r.status, 202, r.text);
  id = r.body.job.id;
  const done = await until(async () => {
    const j = (await info()).job;
    return j?.id === id && ['installed', 'failed', 'rebooting'].includes(j.state) ? j : undefined;
  }, 'the install');
  assert.notEqual(done.state, 'failed', JSON.stringify(done));
  assert.equal(done.bundle_version, '0.2.0');
  // Nothing on the tills: the reboot follows at once.
  await until(() => rebootLogged(agent.rebootLog), 'the reboot');
});

test('fetch with the server gone: update_download_failed in the job', async () => {
  routes.set(
    '/stable/manifest.json',
    json({ version: '0.3.0', url: 'gone.raucb', sha256: 'b'.repeat(64) }),
  );
  await until(
    async () => (existsSync(`${agent.dir}/request.json`) ? undefined : true),
    'the agent to finish the reboot request',
  );
  const r = await d.post('/api/v1/admin/update/fetch', {}, { admin: true });
  assert.equal(r.status, 202, r.text);
  const id = r.body.job.id;
  const j = await until(async () => {
    const x = (await info()).job;
    return x?.id === id && x.state === 'failed' ? x : undefined;
  }, 'the failure');
  assert.equal(j.error_code, 'update_download_failed');
});

test('kiosk painted: only the kiosk on this machine counts; health answers a boolean', async () => {
  let h = await d.get('/api/v1/health');
  assert.equal(h.body.kiosk_painted, false);
  // A till elsewhere on the LAN (through the trusted proxy) says it painted: ignored.
  const remote = await connectWs(wsUrl(d.url, 'terminal_id=till-9'), {
    headers: { 'x-forwarded-for': '192.168.50.7' },
  });
  await remote.next('snapshot');
  remote.send({ type: 'client.painted' });
  remote.send({ type: 'ping', t: 1 });
  await remote.next('pong');
  h = await d.get('/api/v1/health');
  assert.equal(h.body.kiosk_painted, false);
  await remote.close();

  const kiosk = await connectWs(wsUrl(d.url, 'terminal_id=kiosk'));
  await kiosk.next('snapshot');
  kiosk.send({ type: 'client.painted', extra: 'ignored' });
  kiosk.send({ type: 'ping', t: 2 });
  await kiosk.next('pong');
  h = await d.get('/api/v1/health');
  assert.equal(h.body.kiosk_painted, true);
  await kiosk.close();
});
