/**
 * A Solo payment pending while the daemon dies (SIGKILL) is reconciled with SumUp at the next
 * start: it ends succeeded or failed as SumUp saw it, never stays pending, never charges twice.
 */
import { test } from 'node:test';
import { rm } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { spawnDaemon, tempDir, type SpawnedDaemon } from '../helpers/daemon.js';
import { fillCart, pay, startFakeSumUp, sumupEnv, waitForSale } from '../helpers/sumup.js';
import type { TestDaemon } from '../helpers/daemon.js';

const asTest = (d: SpawnedDaemon) => d as unknown as TestDaemon;

test('sumup_solo: SIGKILL during pending payments; the restarted daemon reconciles each with SumUp', async () => {
  const fake = await startFakeSumUp();
  const reader1 = fake.addReader('Till 1');
  const reader2 = fake.addReader('Till 2');
  const reader3 = fake.addReader('Till 3');
  const dataDir = await tempDir();
  const env = (poll: string) => ({
    ...sumupEnv(fake, reader1.id, { SUMUP_POLL_MS: poll }),
    DATA_DIR: dataDir,
  });
  let d = await spawnDaemon(env('600000'), { timeoutMs: 60_000 });
  try {
    // Three tills, three readers.
    for (const [t, r] of [
      ['till2', reader2.id],
      ['till3', reader3.id],
    ]) {
      const put = await d.request('PUT', `/api/v1/admin/sumup/terminals/${t}/reader`, {
        admin: true,
        body: { reader_id: r },
      });
      assert.equal(put.status, 200, put.text);
    }
    const sales: string[] = [];
    for (const t of ['kiosk', 'till2', 'till3']) {
      await fillCart(asTest(d), t);
      const res = await pay(asTest(d), t, 'sumup_solo');
      assert.equal(res.status, 201, res.text);
      sales.push(res.body.id);
    }
    assert.equal(await d.kill('SIGKILL'), null);

    // While the daemon is down: one card approved, one declined, one not presented yet.
    await fake.present(reader1.id, 'approve');
    await fake.present(reader2.id, 'decline');
    assert.ok(
      fake.callbacks.every((c) => c.status === 0),
      'nobody was there to hear the callbacks',
    );

    d = await spawnDaemon(env('30'), { timeoutMs: 60_000 });
    const [s1, s2] = await Promise.all([
      waitForSale(asTest(d), sales[0], (s) => s.state !== 'pending'),
      waitForSale(asTest(d), sales[1], (s) => s.state !== 'pending'),
    ]);
    assert.equal(s1.state, 'succeeded');
    assert.equal(s2.state, 'failed');
    assert.equal((await d.get(`/api/v1/sales/${sales[2]}`)).body.state, 'pending');

    // The third is approved now; its return_url names the old port, so polling settles it.
    await fake.present(reader3.id, 'approve');
    const s3 = await waitForSale(asTest(d), sales[2], (s) => s.state !== 'pending');
    assert.equal(s3.state, 'succeeded');
    assert.equal(
      fake.requests.filter((r) => r.startsWith('POST') && r.endsWith('/checkout')).length,
      3,
      'no second checkout for any sale',
    );
    const report = await d.get('/api/v1/reports/daily', { admin: true });
    const row = report.body.by_provider.find(
      (p: { provider: string }) => p.provider === 'sumup_solo',
    );
    assert.equal(row.count, 2);
  } finally {
    await d.kill('SIGTERM').catch(() => {});
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
