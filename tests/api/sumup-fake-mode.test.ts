/**
 * SUMUP_FAKE=1 (demo mode): the daemon starts the built-in fake SumUp server on loopback with a
 * paired demo reader, so the whole card flow works without a SumUp account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { runDaemonExpectExit, spawnDaemon, tempDir, type TestDaemon } from '../helpers/daemon.js';
import { fillCart, pay, waitForSale } from '../helpers/sumup.js';

test('SUMUP_FAKE=1: a Solo payment and a Tap to Pay link work without a SumUp account', async () => {
  const dataDir = await tempDir();
  const d = await spawnDaemon({ SUMUP_FAKE: '1', DATA_DIR: dataDir }, { timeoutMs: 60_000 });
  const td = d as unknown as TestDaemon;
  try {
    const fakeUrl = /fake SumUp server at (http:\/\/127\.0\.0\.1:\d+)/.exec(d.output())?.[1];
    assert.ok(fakeUrl, d.output());
    // Demo speed: the fake approves 3 s after the checkout by default; make it quicker.
    await fetch(`${fakeUrl}/_fake/switches`, {
      method: 'POST',
      body: JSON.stringify({ processingMs: 50 }),
    });
    const providers = await d.get('/api/v1/payments/providers/available');
    for (const id of ['sumup_solo', 'sumup_tap'])
      assert.equal(providers.body.find((p: { id: string }) => p.id === id).available, true, id);

    await fillCart(td, 'kiosk');
    const res = await pay(td, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 201, res.text);
    const sale = await waitForSale(td, res.body.id, (s) => s.state !== 'pending');
    assert.equal(sale.state, 'succeeded');

    await fillCart(td, 'kiosk');
    const tap = await pay(td, 'kiosk', 'sumup_tap');
    assert.equal(tap.status, 201, tap.text);
    assert.match(tap.body.payment.app_switch_url, /^sumupmerchant:\/\/pay\/1\.0\?/);
  } finally {
    await d.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('SUMUP_FAKE=1 is refused in production', async () => {
  const { code, output } = await runDaemonExpectExit({ SUMUP_FAKE: '1', APP_ENV: 'production' });
  assert.equal(code, 2);
  assert.match(output, /SUMUP_FAKE/);
});
