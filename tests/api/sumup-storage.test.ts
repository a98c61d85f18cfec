/**
 * sumup.json: the callback key survives restarts (links handed out before a restart still
 * work), and a damaged file is kept untouched while SumUp payments say why they are off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir } from '../helpers/daemon.js';
import { fillCart, pay, startFakeSumUp, sumupEnv, waitForSale } from '../helpers/sumup.js';

const TAP_ENV = { SUMUP_AFFILIATE_KEY: 'aff-key-1', SUMUP_APP_ID: 'com.example.pos' };

test('a Tap to Pay link made before a restart is still accepted after it', async () => {
  const dataDir = await tempDir();
  let d = await startDaemon({ env: TAP_ENV, dataDir });
  try {
    await fillCart(d, 'kiosk');
    const sale = (await pay(d, 'kiosk', 'sumup_tap')).body;
    const cb = new URL(new URL(sale.payment.app_switch_url).searchParams.get('callback')!);
    d = await d.restart();
    const page = await d.get(`${cb.pathname}?smp-status=success&smp-tx-code=TAFTER0001`);
    assert.equal(page.status, 200, page.text);
    const after = await waitForSale(d, sale.id, (s) => s.state !== 'pending');
    assert.equal(after.state, 'succeeded');
  } finally {
    await d.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a damaged sumup.json is kept as it is; SumUp providers are off with the reason', async () => {
  const fake = await startFakeSumUp();
  const reader = fake.addReader('Solo');
  const dataDir = await tempDir();
  const file = path.join(dataDir, 'sumup.json');
  await writeFile(file, '{"schema_version": 1, "data": {"checkouts": ');
  const d = await startDaemon({ env: { ...sumupEnv(fake, reader.id), ...TAP_ENV }, dataDir });
  try {
    const list = await d.get('/api/v1/payments/providers/available');
    for (const id of ['sumup_solo', 'sumup_tap']) {
      const p = list.body.find((x: { id: string }) => x.id === id);
      assert.equal(p.available, false, id);
      assert.match(p.reason, /sumup\.json/, id);
    }
    await fillCart(d, 'kiosk');
    const res = await pay(d, 'kiosk', 'sumup_solo');
    assert.equal(res.status, 409, res.text);
    assert.equal(fake.checkouts.size, 0);
    assert.equal(await readFile(file, 'utf8'), '{"schema_version": 1, "data": {"checkouts": ');
  } finally {
    await d.stop();
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
