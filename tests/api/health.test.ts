import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from '../helpers/daemon.js';

test('GET /api/v1/health reports version, storage and uptime', async () => {
  const d = await startDaemon();
  try {
    const res = await d.get('/api/v1/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.app_env, 'demo');
    assert.equal(res.body.storage['catalog.json'].state, 'ok');
    assert.match(res.body.version, /^\d+\.\d+\.\d+/);
  } finally {
    await d.stop();
  }
});

test('unknown API path → 404 JSON error', async () => {
  const d = await startDaemon();
  try {
    const res = await d.get('/api/v1/does-not-exist');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  } finally {
    await d.stop();
  }
});
