/**
 * kill -9 during a stream of checkouts, many times over: every sale whose checkout response
 * arrived must be in the journal as succeeded, every journal line must read after the restart,
 * and sale numbers must run 1..N without a gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { spawnDaemon, tempDir, ADMIN, type SpawnedDaemon } from '../helpers/daemon.js';

const ITERATIONS = Number(process.env.KILL9_ITERATIONS ?? 20);
const STREAMS = 3;

async function readJournal(dataDir: string) {
  const dir = path.join(dataDir, 'sales');
  const created: number[] = [];
  const state = new Map<string, string>();
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    const text = await readFile(path.join(dir, f), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${f} ends mid-line after restart`);
    for (const line of text.split('\n')) {
      if (!line) continue;
      const l = JSON.parse(line); // throws on an unreadable line
      if (l.e === 'created') {
        created.push(l.sale.number);
        state.set(l.sale.id, l.sale.state);
      } else state.set(l.id, l.state);
    }
  }
  return { created, state };
}

async function stream(
  d: SpawnedDaemon,
  terminal: string,
  productId: string,
  acked: Map<string, number>,
  stop: { now: boolean },
) {
  let n = 0;
  while (!stop.now) {
    try {
      const add = await d.post(`/api/v1/terminals/${terminal}/cart/items`, {
        product_id: productId,
      });
      if (add.status !== 200) continue; // e.g. locked by a sale the last restart just failed
      const res = await d.post(`/api/v1/terminals/${terminal}/checkout`, {
        provider: 'cash',
        idempotency_key: `${terminal}-${process.pid}-${Date.now()}-${n++}`,
      });
      if (res.status === 201) {
        assert.equal(res.body.state, 'succeeded');
        acked.set(res.body.id, res.body.number);
      }
    } catch {
      return; // the daemon is gone
    }
  }
}

test(
  `kill -9 during checkouts, ${ITERATIONS} times: acknowledged sales survive, numbers without gaps`,
  { timeout: 600_000 },
  async (t) => {
    const dataDir = await tempDir('pos-kill9-');
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const acked = new Map<string, number>();
    let d = await spawnDaemon(env);
    const prod = await d.post(
      '/api/v1/products',
      { name: 'Kill test', price_cents: 250, barcode: 'KILL9-1' },
      { admin: ADMIN },
    );
    assert.equal(prod.status, 201, prod.text);
    let kills = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const stop = { now: false };
      const before = acked.size;
      const target = before + 2 + Math.floor(Math.random() * 12);
      const streams = Array.from({ length: STREAMS }, (_, s) =>
        stream(d, `k${s}`, prod.body.id, acked, stop),
      );
      // Kill once enough sales were acknowledged in this round, with requests still in flight.
      while (acked.size < target) await new Promise((r) => setImmediate(r));
      d.child.kill('SIGKILL');
      kills++;
      stop.now = true;
      await d.exited;
      await Promise.all(streams);
      d = await spawnDaemon(env);
      const { created, state } = await readJournal(dataDir);
      for (const [id] of acked)
        assert.equal(state.get(id), 'succeeded', `acknowledged sale ${id} lost`);
      const sorted = [...created].sort((a, b) => a - b);
      assert.deepEqual(
        sorted,
        Array.from({ length: sorted.length }, (_, k) => k + 1),
        'sale numbers have a gap',
      );
      assert.equal(new Set(created).size, created.length, 'a sale number was used twice');
      // Nothing is left pending after the restart's reconciliation.
      assert.ok(![...state.values()].includes('pending'), 'a pending sale survived the restart');
    }
    const health = await d.get('/api/v1/health');
    assert.equal(health.status, 200);
    await d.kill();
    t.diagnostic(`kill -9 iterations: ${kills}, acknowledged sales: ${acked.size}`);
    assert.equal(kills, ITERATIONS);
  },
);
