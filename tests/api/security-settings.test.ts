import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir, ROOT } from '../helpers/daemon.js';
import { loadConfig } from '../../daemon/config.js';
import { createApp } from '../../daemon/app/index.js';
import { memoryLogger } from '../../daemon/log.js';

const PATH = '/api/v1/admin/settings/pos-security';

test('GET pos-security: defaults say there is no restriction', async () => {
  const d = await startDaemon();
  try {
    assert.equal((await d.get(PATH)).status, 401);
    const res = await d.get(PATH, { admin: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.enabled, false);
    assert.deepEqual(res.body.allowed_ips, []);
    assert.equal(res.body.effective.restricted, false);
    assert.match(res.body.effective.message, /No restriction/);
    assert.equal(res.body.your_ip, '127.0.0.1');
  } finally {
    await d.stop();
  }
});

test('PUT pos-security: toggle and list save independently, entries stored canonically, survive restart', async () => {
  let d = await startDaemon();
  try {
    const list = await d.request('PUT', PATH, {
      admin: true,
      body: {
        allowed_ips: [
          { ip: '2001:DB8:0:0::1', name: 'Tablet' },
          { ip: '::ffff:192.168.1.0/120', name: 'Shop LAN' },
          { ip: ' 10.0.0.7 ', name: ' Till 2 ' },
        ],
      },
    });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.enabled, false, 'saving the list leaves the toggle alone');
    assert.deepEqual(list.body.allowed_ips, [
      { ip: '2001:db8::1', name: 'Tablet' },
      { ip: '192.168.1.0/24', name: 'Shop LAN' },
      { ip: '10.0.0.7', name: 'Till 2' },
    ]);
    assert.equal(list.body.effective.restricted, false);

    const toggle = await d.request('PUT', PATH, { admin: true, body: { enabled: true } });
    assert.equal(toggle.status, 200);
    assert.equal(toggle.body.enabled, true);
    assert.equal(toggle.body.allowed_ips.length, 3, 'the toggle alone keeps the list');
    assert.equal(toggle.body.effective.restricted, true);
    assert.equal(toggle.body.your_ip_allowed, true, 'loopback is always allowed');

    // The kiosk on loopback keeps working while the list is enforced.
    assert.equal((await d.get('/api/v1/products')).status, 200);
    const internal = await d.get('/api/internal/allowed-ips');
    assert.deepEqual(internal.body, {
      ips: ['2001:db8::1', '192.168.1.0/24', '10.0.0.7'],
      enabled: true,
    });

    d = await d.restart();
    const after = await d.get(PATH, { admin: true });
    assert.equal(after.body.enabled, true);
    assert.equal(after.body.allowed_ips[1].ip, '192.168.1.0/24');
  } finally {
    await d.stop();
  }
});

test('PUT pos-security: bad bodies are refused naming the row, and change nothing', async () => {
  const d = await startDaemon();
  try {
    await d.request('PUT', PATH, {
      admin: true,
      body: { enabled: true, allowed_ips: [{ ip: '10.0.0.1', name: 'a' }] },
    });
    const file = path.join(d.dataDir, 'settings.json');
    const bytes = await readFile(file);
    const cases: Array<[unknown, number, RegExp]> = [
      [
        { allowed_ips: [{ ip: '10.0.0.2' }, { ip: 'till-3.local' }] },
        400,
        /row 2: ip "till-3\.local" is not/,
      ],
      [{ allowed_ips: [{ ip: '10.0.0.0/33' }] }, 400, /row 1: .*0 to 32/],
      [{ allowed_ips: [{ ip: '192.168.1.9/24' }] }, 400, /row 1: .*host bits/],
      [
        { allowed_ips: [{ ip: '10.0.0.2' }, { ip: '::ffff:10.0.0.2' }] },
        400,
        /row 2: 10\.0\.0\.2 is already in row 1/,
      ],
      [{ allowed_ips: [{ ip: '10.0.0.2', name: 'x'.repeat(101) }] }, 400, /row 1: name/],
      [{ allowed_ips: [{ ip: '10.0.0.2', name: 'a\u0007b' }] }, 400, /row 1: name/],
      [{ allowed_ips: [{ ip: '10.0.0.2', port: 80 }] }, 400, /unknown field "port"/],
      [{ allowed_ips: ['10.0.0.2'] }, 400, /row 1: must be an object/],
      [{ allowed_ips: [{ ip: 10 }] }, 400, /row 1: ip must be a string/],
      [{ allowed_ips: '10.0.0.2' }, 400, /must be a list/],
      [
        {
          allowed_ips: Array.from({ length: 501 }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}` })),
        },
        400,
        /at most 500/,
      ],
      [{ enabled: 'yes' }, 400, /enabled must be true or false/],
      [{ pin_idle_logout_minutes: 0 }, 400, /1 to 1440/],
      [{ pin_idle_logout_minutes: 2.5 }, 400, /1 to 1440/],
      [{}, 400, /at least one/],
      [{ enabled: true, extra: 1 }, 400, /Unknown field "extra"/],
    ];
    for (const [body, status, re] of cases) {
      const res = await d.request('PUT', PATH, { admin: true, body });
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      assert.match(res.body.error.message, re);
    }
    const raw = await d.request('PUT', PATH, {
      admin: true,
      raw: '{"enabled": fal',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(raw.status, 400);
    const wrongType = await d.request('PUT', PATH, {
      admin: true,
      raw: 'enabled=false',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(wrongType.status, 415);
    assert.deepEqual(await readFile(file), bytes, 'settings.json unchanged');
    const now = await d.get(PATH, { admin: true });
    assert.deepEqual(now.body.allowed_ips, [{ ip: '10.0.0.1', name: 'a' }]);
  } finally {
    await d.stop();
  }
});

test('whitelist applies at once to proxied clients (TRUST_PROXY loopback) and to non-admin reads only', async () => {
  const d = await startDaemon({ env: { TRUST_PROXY: '127.0.0.1' } });
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  try {
    await d.request('PUT', PATH, {
      admin: true,
      body: { enabled: true, allowed_ips: [{ ip: '192.168.7.0/24', name: 'LAN' }] },
    });
    assert.equal((await d.get('/api/v1/products', from('192.168.7.20'))).status, 200);
    const denied = await d.get('/api/v1/products', from('192.168.8.20'));
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'ip_not_allowed');
    // Public routes stay reachable: health, admin login, scanner endpoints.
    assert.equal((await d.get('/api/v1/health', from('192.168.8.20'))).status, 200);
    assert.equal((await d.get('/api/v1/admin/session', from('192.168.8.20'))).status, 401);
    // The POS page is an HTML "Access denied" page.
    const page = await d.get('/pos', from('192.168.8.20'));
    assert.equal(page.status, 403);
    assert.match(page.text, /Access denied/);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    // Removing the restriction applies to the very next request.
    await d.request('PUT', PATH, { admin: true, body: { enabled: false } });
    assert.equal((await d.get('/api/v1/products', from('192.168.8.20'))).status, 200);
    const me = await d.get('/api/v1/admin/current-ip', { admin: true, ...from('192.168.8.20') });
    assert.deepEqual(me.body, {
      ip: '192.168.8.20',
      loopback: false,
      via_proxy: true,
      listed: false,
      allowed: true,
    });
    assert.equal((await d.get('/api/v1/admin/current-ip')).status, 401);
    // With the proxy's header the caller is not loopback, so the internal export refuses it.
    assert.equal((await d.get('/api/internal/allowed-ips', from('192.168.7.20'))).status, 403);
  } finally {
    await d.stop();
  }
});

test('settings.json unreadable: ALLOWED_POS_IPS applies, health says so, the file is kept', async () => {
  const dataDir = await tempDir();
  const file = path.join(dataDir, 'settings.json');
  await writeFile(file, '{"schema_version": 1, "data": {"pos_security": {');
  const d = await startDaemon({
    dataDir,
    env: { TRUST_PROXY: '127.0.0.1', ALLOWED_POS_IPS: '10.1.0.0/16, 2001:db8::7' },
  });
  const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
  try {
    const health = await d.get('/api/v1/health');
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.pos_security.source, 'ALLOWED_POS_IPS');
    assert.equal(health.body.pos_security.ip_whitelist, 'on');
    assert.match(health.body.pos_security.message, /ALLOWED_POS_IPS applies \(2 entries\)/);
    assert.equal((await d.get('/api/v1/products', from('10.1.2.3'))).status, 200);
    assert.equal((await d.get('/api/v1/products', from('2001:db8:0::7'))).status, 200);
    assert.equal((await d.get('/api/v1/products', from('10.2.0.1'))).status, 403);
    const view = await d.get(PATH, { admin: true });
    assert.equal(view.body.effective.source, 'ALLOWED_POS_IPS');
    const put = await d.request('PUT', PATH, { admin: true, body: { enabled: false } });
    assert.equal(put.status, 503);
    assert.equal(
      await readFile(file, 'utf8'),
      '{"schema_version": 1, "data": {"pos_security": {',
      'the bad file is kept for the operator',
    );
  } finally {
    await d.stop();
  }
});

test('a bad ALLOWED_POS_IPS or TRUST_PROXY entry refuses to start, naming the variable', async () => {
  for (const [name, value] of [
    ['ALLOWED_POS_IPS', '10.0.0.0/8, shop-router'],
    ['TRUST_PROXY', '10.0.0.1/40'],
  ]) {
    const dataDir = await tempDir();
    const config = loadConfig(
      { POS_ENV_FILE: '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, [name]: value },
      ROOT,
    );
    await assert.rejects(
      createApp({ config, log: memoryLogger() }),
      (err: Error) => err.name === 'ConfigError' && err.message.includes(name),
    );
  }
});

test('loopback-only endpoints stay local behind a reverse proxy on the Pi (TRUST_PROXY loopback)', async () => {
  const dataDir = await tempDir();
  await writeFile(path.join(dataDir, 'first-boot-token'), 'k7Qm2xVb9Lp4Rt8Wn3Yc6Zd1');
  const d = await startDaemon({ dataDir, env: { TRUST_PROXY: '127.0.0.1' } });
  try {
    // A LAN client through the local proxy: the socket is loopback, the client is not.
    const lan = { headers: { 'x-forwarded-for': '192.168.1.44' } };
    for (const p of [
      '/api/internal/first-boot-token',
      '/api/internal/first-boot-token/page',
      '/api/internal/allowed-ips',
    ]) {
      const r = await d.get(p, lan);
      assert.equal(r.status, 403, p);
      assert.equal(r.body.error.code, 'loopback_only', p);
      assert.doesNotMatch(r.text, /k7Qm2xVb9Lp4Rt8Wn3Yc6Zd1/, p);
    }
    // The kiosk itself (no proxy hop) still gets them.
    const own = await d.get('/api/internal/first-boot-token');
    assert.equal(own.status, 200);
    assert.equal(own.body.admin_token, 'k7Qm2xVb9Lp4Rt8Wn3Yc6Zd1');
    assert.equal((await d.get('/api/internal/allowed-ips')).status, 200);
  } finally {
    await d.stop();
  }
});
