/**
 * Framing headers of the real daemon: every answer refuses to be framed (X-Frame-Options DENY)
 * except the pages /kiosk/dual frames on a two-screen kiosk — /pos, /display/<till>, /admin
 * (which the till opens) and the first-boot token page — which only this origin may frame
 * (SAMEORIGIN and CSP frame-ancestors 'self'); receipt pages keep their own policy. The
 * /kiosk/dual page itself is served behind the POS policy and is never framed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN, startDaemon, tempDir } from '../helpers/daemon.js';
import { framingOf } from '../../daemon/http/framing.js';
import { policyOf, STATIC_PAGES } from '../../daemon/security/policy.js';

test('only the kiosk pages may be framed, and only by this origin', async () => {
  const dataDir = await tempDir();
  await writeFile(path.join(dataDir, 'first-boot-token'), `${ADMIN}\n`);
  const d = await startDaemon({ dataDir });
  try {
    const sameOrigin = [
      '/pos',
      '/pos/',
      '/admin',
      '/display/kiosk',
      '/api/internal/first-boot-token/page',
    ];
    for (const p of sameOrigin) {
      const res = await d.get(p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN', p);
      assert.equal(res.headers.get('content-security-policy'), "frame-ancestors 'self'", p);
    }
    const denied = [
      '/kiosk/dual?till=800x480&display=1024x600',
      '/api/v1/health',
      '/api/internal/first-boot-token',
      '/assets/nothing.js',
      '/nothing',
      '/pos/extra',
      '/display/a/b',
      '/admin/x',
    ];
    for (const p of denied) {
      const res = await d.get(p);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', p);
      assert.equal(res.headers.get('content-security-policy'), null, p);
    }
    // A receipt page sets its own CSP and is not refused framing by us.
    const receipt = await d.get('/r/unknown-token');
    assert.equal(receipt.headers.get('x-frame-options'), null);
    assert.match(receipt.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  } finally {
    await d.stop();
  }
});

test('GET /kiosk/dual: the built page, a POS page in the policy table', async () => {
  const d = await startDaemon();
  try {
    const res = await d.get('/kiosk/dual?till=800x480&display=1024x600&order=till,display');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.text, /<script type="module" src="\/assets\/dual-[A-Za-z0-9]+\.js">/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal((await d.get('/kiosk/dual/')).status, 404);
    assert.equal((await d.get('/kiosk')).status, 404);
  } finally {
    await d.stop();
  }
  assert.ok(STATIC_PAGES.includes('GET /kiosk/dual'));
  assert.equal(policyOf('GET /kiosk/dual')?.policy, 'pos');
  assert.equal(framingOf('/kiosk/dual'), 'deny');
});
