/**
 * Disk full, for real: DATA_DIR on a small tmpfs the test mounts, filled up by a ballast file.
 * The kernel answers ENOSPC; an item add that fails must change nothing (the cart, what the
 * screens were told, what is later charged), health must say so, and once space is back
 * everything works again. Needs root (mount), as `npm test` does (README); without it it fails.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { connectWs, wsUrl } from '../helpers/ws.js';
import { fillDisk } from '../helpers/fill-disk.js';

const run = promisify(execFile);
let dir = '';

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pos-diskfull-'));
  await run('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', dir]).catch((err) => {
    const reason = (err as Error).message.split('\n')[0];
    throw new Error(`cannot mount a tmpfs (needs root: run npm test as root): ${reason}`);
  });
});

after(async () => {
  await run('umount', ['-l', dir]).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

test('disk full: a refused item add changes nothing, health says so, nothing extra is charged', async () => {
  const dataDir = path.join(dir, 'data');
  const d = await startDaemon({ dataDir });
  try {
    const products = (await d.get('/api/v1/products?active=true')).body.products as Array<{
      id: string;
      price_cents: number;
    }>;
    const [a, b] = products.filter((p) => p.price_cents > 0);
    const ok = await d.post('/api/v1/terminals/kiosk/cart/items', { product_id: a.id });
    assert.equal(ok.status, 200, ok.text);
    const screen = await connectWs(wsUrl(d.url, 'terminal_id=kiosk'));
    const ballast = await fillDisk(dir);

    for (let i = 0; i < 6; i++) {
      const r = await d.post('/api/v1/terminals/kiosk/cart/items', { product_id: b.id });
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error.code, 'storage_unavailable');
    }
    const cart = (await d.get('/api/v1/terminals/kiosk/cart')).body;
    assert.deepEqual(
      cart.lines.map((l: { product_id: string; quantity: number }) => [l.product_id, l.quantity]),
      [[a.id, 1]],
      'the failed adds left nothing in the cart',
    );
    // The last thing the screen was told is the cart as stored.
    const last = await screen.next('cart.updated', (m) => m.cart.version === cart.version);
    assert.equal(last.cart.total_cents, a.price_cents);
    const told = screen.messages.filter((m) => m.type === 'cart.updated');
    assert.equal(told.at(-1), last, 'no later update re-adds a refused item');
    const health = (await d.get('/api/v1/health')).body;
    assert.equal(health.status, 'degraded');
    assert.equal(health.storage['carts.json'].state, 'write_failed');
    assert.match(health.storage['carts.json'].message, /ENOSPC/);
    // Paying while the disk is full: the journal refuses, nothing is sold.
    const pay = await d.post('/api/v1/terminals/kiosk/checkout', {
      provider: 'cash',
      idempotency_key: 'diskfull-0001',
      tendered_cents: 100_000,
    });
    assert.equal(pay.status, 503, pay.text);

    await unlink(ballast);
    const again = await d.post('/api/v1/terminals/kiosk/cart/items', { product_id: b.id });
    assert.equal(again.status, 200, again.text);
    const sale = await d.post('/api/v1/terminals/kiosk/checkout', {
      provider: 'cash',
      idempotency_key: 'diskfull-0002',
      tendered_cents: 100_000,
    });
    assert.equal(sale.status, 201, sale.text);
    assert.equal(sale.body.state, 'succeeded');
    assert.equal(sale.body.total_cents, a.price_cents + b.price_cents, 'only the two real adds');
    // Every writer that failed has written again: health is back to ok.
    const healed = (await d.get('/api/v1/health')).body;
    assert.equal(healed.status, 'ok', JSON.stringify(healed.storage));
    await screen.close();
  } finally {
    await d.stop();
  }
});
