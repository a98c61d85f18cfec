import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { ManualClock } from '../../daemon/clock.js';
import { addItem, makeProduct, newKey } from '../helpers/shop.js';

async function dayFiles(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'sales');
  return (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).map((n) => path.join(dir, n));
}

test(
  'a payment pending at restart is reconciled through its provider, never dropped',
  { timeout: 60_000 },
  async () => {
    let d = await startDaemon({ env: { FAKE_CARD_DELAY_MS: '600000' } });
    try {
      const p = await makeProduct(d, { price_cents: 420 });
      await addItem(d, 'r1', { product_id: p.id, quantity: 2 });
      const sale = (
        await d.post('/api/v1/terminals/r1/checkout', {
          provider: 'fake_card',
          idempotency_key: newKey(),
        })
      ).body;
      assert.equal(sale.state, 'pending');
      d = await d.restart();
      const after = (await d.get(`/api/v1/sales/${sale.id}`)).body;
      assert.equal(after.state, 'failed');
      assert.equal(after.reason, 'interrupted by restart');
      assert.ok(
        d.logs.some((l) =>
          l.includes(`sale #${sale.number} (fake_card) pending at restart → failed`),
        ),
      );
      const cart = (await d.get('/api/v1/terminals/r1/cart')).body;
      assert.equal(cart.pending_sale_id, null);
      assert.equal(cart.total_cents, 840, 'the unpaid cart is kept for another try');
      const next = await d.post('/api/v1/terminals/r1/checkout', {
        provider: 'cash',
        idempotency_key: newKey(),
      });
      assert.equal(next.body.number, sale.number + 1);
    } finally {
      await d.stop();
    }
  },
);

test(
  'a torn last journal line is set aside with a warning; earlier lines and numbering survive',
  { timeout: 60_000 },
  async () => {
    let d = await startDaemon();
    try {
      const p = await makeProduct(d, { price_cents: 100 });
      await addItem(d, 't', { product_id: p.id });
      const first = (
        await d.post('/api/v1/terminals/t/checkout', {
          provider: 'cash',
          idempotency_key: newKey(),
        })
      ).body;
      await d.app.stop();
      const [file] = await dayFiles(d.dataDir);
      await appendFile(file, '{"e":"created","at":"2026-11-21T10:00:00.000Z","key":"abc","sa');
      d = await startDaemon({ dataDir: d.dataDir });
      assert.ok(
        d.logs.some((l) => /torn last line/.test(l)),
        d.logs.join('\n'),
      );
      assert.deepEqual((await d.get(`/api/v1/sales/${first.id}`)).body, first);
      const text = await readFile(file, 'utf8');
      assert.ok(text.endsWith('\n'));
      for (const line of text.trim().split('\n')) JSON.parse(line);
      const aside = (await readdir(path.dirname(file))).filter((n) => n.includes('.torn-'));
      assert.equal(aside.length, 1);
      await addItem(d, 't', { product_id: p.id });
      const second = (
        await d.post('/api/v1/terminals/t/checkout', {
          provider: 'cash',
          idempotency_key: newKey(),
        })
      ).body;
      assert.equal(second.number, first.number + 1);
      assert.equal((await d.get('/api/v1/health')).body.sales.journal_torn_lines, 1);
    } finally {
      await d.stop();
    }
  },
);

test(
  'a cart whose writes were lost after its sale is healed from the journal',
  { timeout: 60_000 },
  async () => {
    let d = await startDaemon({ env: { FAKE_CARD_DELAY_MS: '0' } });
    try {
      const p = await makeProduct(d, { price_cents: 250 });
      const a = await makeProduct(d, { price_cents: 113 });
      await addItem(d, 'paid', { product_id: p.id });
      await addItem(d, 'declined', { product_id: a.id });
      const paidBefore = (await d.get('/api/v1/terminals/paid/cart')).body;
      const declinedBefore = (await d.get('/api/v1/terminals/declined/cart')).body;
      const ok = await d.post('/api/v1/terminals/paid/checkout', {
        provider: 'cash',
        idempotency_key: newKey(),
      });
      assert.equal(ok.body.state, 'succeeded');
      await d.post('/api/v1/terminals/declined/checkout', {
        provider: 'fake_card',
        idempotency_key: newKey(),
      });
      while (d.app.checkout.pendingSale('declined')) await new Promise((r) => setImmediate(r));
      await d.app.stop();
      // Power cut before carts.json caught up: both carts as they were before checkout.
      await writeFile(
        path.join(d.dataDir, 'carts.json'),
        JSON.stringify({
          schema_version: 1,
          data: { carts: { paid: paidBefore, declined: declinedBefore } },
        }),
      );
      d = await startDaemon({ dataDir: d.dataDir });
      const paid = (await d.get('/api/v1/terminals/paid/cart')).body;
      assert.equal(paid.lines.length, 0, 'paid lines must not be charged twice');
      const declined = (await d.get('/api/v1/terminals/declined/cart')).body;
      assert.deepEqual(declined.lines, declinedBefore.lines);
      assert.equal(declined.pending_sale_id, null);
    } finally {
      await d.stop();
    }
  },
);

test(
  'start-up takes unchanged old day files from sales-index.json; the journal stays the truth',
  { timeout: 60_000 },
  async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));
    let d = await startDaemon({ clock, env: { TIMEZONE: 'UTC' } });
    try {
      const p = await makeProduct(d, { price_cents: 100 });
      const ids: string[] = [];
      for (let day = 0; day < 4; day++) {
        await addItem(d, 'ix', { product_id: p.id });
        const s = await d.post('/api/v1/terminals/ix/checkout', {
          provider: 'cash',
          idempotency_key: newKey(),
        });
        ids.push(s.body.id);
        clock.advance(86_400_000);
      }
      d = await d.restart(); // builds the index
      d = await d.restart(); // uses it
      assert.ok(
        d.logs.some((l) => /4 day files \(2 from sales-index\.json\)/.test(l)),
        d.logs.join('\n'),
      );
      assert.equal((await d.get(`/api/v1/sales/${ids[0]}`)).body.number, 1);
      // A summarised file that changed behind the index's back is read again.
      const [oldest] = (await dayFiles(d.dataDir)).sort();
      await d.app.stop();
      await appendFile(
        oldest,
        JSON.stringify({
          e: 'update',
          at: '2026-03-01T13:00:00.000Z',
          id: ids[0],
          state: 'succeeded',
        }) + '\n',
      );
      d = await startDaemon({ clock, dataDir: d.dataDir, env: { TIMEZONE: 'UTC' } });
      assert.ok(
        d.logs.some((l) => /4 day files \(1 from sales-index\.json\)/.test(l)),
        d.logs.join('\n'),
      );
      await addItem(d, 'ix', { product_id: p.id });
      const next = await d.post('/api/v1/terminals/ix/checkout', {
        provider: 'cash',
        idempotency_key: newKey(),
      });
      assert.equal(next.body.number, 5);
    } finally {
      await d.stop();
    }
  },
);

test(
  'a sale still pending in an old day file is found and reconciled without the index',
  { timeout: 60_000 },
  async () => {
    const clock = new ManualClock(Date.UTC(2026, 3, 1, 12));
    const env = { TIMEZONE: 'UTC', FAKE_CARD_DELAY_MS: '600000' };
    let d = await startDaemon({ clock, env });
    try {
      const p = await makeProduct(d, { price_cents: 500 });
      await addItem(d, 'old', { product_id: p.id });
      const stuck = (
        await d.post('/api/v1/terminals/old/checkout', {
          provider: 'fake_card',
          idempotency_key: newKey(),
        })
      ).body;
      assert.equal(stuck.state, 'pending');
      for (let day = 1; day <= 3; day++) {
        clock.advance(86_400_000);
        await addItem(d, 'new', { product_id: p.id });
        await d.post('/api/v1/terminals/new/checkout', {
          provider: 'cash',
          idempotency_key: newKey(),
        });
      }
      await d.app.stop();
      await rm(path.join(d.dataDir, 'sales-index.json'), { force: true });
      d = await startDaemon({ clock, env, dataDir: d.dataDir });
      const after = (await d.get(`/api/v1/sales/${stuck.id}`)).body;
      assert.equal(after.state, 'failed');
      assert.equal(after.reason, 'interrupted by restart');
      assert.equal((await d.get('/api/v1/terminals/old/cart')).body.pending_sale_id, null);
    } finally {
      await d.stop();
    }
  },
);
