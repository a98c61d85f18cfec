import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN, startDaemon, tempDir } from '../helpers/daemon.js';

// The appliance's pos-firstboot leaves the generated admin token in DATA_DIR/first-boot-token
// (docs/APPLIANCE.md); the kiosk (a loopback caller) may show it until the first admin login.

test('GET /api/internal/first-boot-token without the file → 404', async () => {
  const d = await startDaemon();
  try {
    const res = await d.get('/api/internal/first-boot-token');
    assert.equal(res.status, 404);
    assert.equal((await d.get('/api/internal/first-boot-token/page')).status, 404);
  } finally {
    await d.stop();
  }
});

test('first-boot token: shown to loopback callers until the first successful admin login', async () => {
  const dataDir = await tempDir();
  const file = path.join(dataDir, 'first-boot-token');
  await writeFile(file, `${ADMIN}\n`);
  const d = await startDaemon({ dataDir });
  try {
    const res = await d.get('/api/internal/first-boot-token');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { admin_token: ADMIN });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const html = await d.get('/api/internal/first-boot-token/page');
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(html.text.includes(ADMIN));
    // The kiosk screen of a new appliance speaks German, like every surface a shop sees.
    assert.match(html.text, /<html lang="de">/);
    assert.match(html.text, /Das ist der Admin-Schlüssel/);
    assert.match(html.text, /Als Admin anmelden/);

    // A failed login leaves it; a successful one consumes it.
    const wrong = await d.post('/api/v1/admin/login', { token: 'not-the-token-123' });
    assert.equal(wrong.status, 403);
    assert.equal((await d.get('/api/internal/first-boot-token')).status, 200);
    const ok = await d.post('/api/v1/admin/login', { token: ADMIN });
    assert.equal(ok.status, 200);
    for (let i = 0; i < 50 && existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(existsSync(file), false);
    assert.equal((await d.get('/api/internal/first-boot-token')).status, 404);
  } finally {
    await d.stop();
  }
});
