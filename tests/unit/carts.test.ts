/**
 * Carts (daemon/checkout/carts.ts) with a real carts.json in a temp DATA_DIR (the store's
 * durable writer), the real event bus and a manual clock. Write failures are real: carts.json
 * replaced by a directory makes the store's rename fail (EISDIR).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import {
  Carts,
  CARTS_DOC,
  MAX_CARTS,
  MAX_LINES,
  type CartsData,
} from '../../daemon/checkout/carts.js';
import { CheckoutError } from '../../daemon/checkout/errors.js';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events.js';
import { ManualClock } from '../../daemon/clock.js';
import type { Cart, Product, Sale } from '../../daemon/protocol.js';
import { tempDir } from '../helpers/daemon.js';
import { testProduct } from '../helpers/products.js';

function product(id: string, price_cents: number, extra: Partial<Product> = {}): Product {
  return testProduct(id, { price_cents, ...extra });
}

async function setup(dataDir?: string) {
  const dir = dataDir ?? (await tempDir('pos-carts-'));
  const store = new Store(dir);
  await store.init();
  const doc = await store.document<CartsData>(CARTS_DOC);
  const events = new EventBus((_e, err) => {
    throw err;
  });
  const seen: Cart[] = [];
  events.on({}, 'cart.updated', ({ cart }) => seen.push(cart));
  const carts = new Carts({ doc, events, clock: new ManualClock() });
  const onDisk = async (): Promise<Record<string, Cart>> =>
    (JSON.parse(await readFile(store.path('carts.json'), 'utf8')) as { data: CartsData }).data
      .carts;
  return { dir, store, doc, carts, seen, onDisk };
}

/** Asserts a CheckoutError with this status and code. */
async function refuses(p: Promise<unknown> | (() => unknown), status: number, code: string) {
  const check = (err: unknown) => {
    assert.ok(err instanceof CheckoutError, `expected CheckoutError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    return true;
  };
  if (typeof p === 'function') {
    let thrown: unknown;
    try {
      await p();
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown, `expected ${code}`);
    check(thrown);
  } else await assert.rejects(p, check);
}

test('adding a product makes a line, adding it again raises its quantity; totals, version and the broadcast follow; the answer waits for carts.json', async () => {
  const { carts, seen, onDisk } = await setup();
  const cola = product('cola', 250);
  const first = await carts.addProduct('t1', cola, 1);
  assert.equal(first.lines.length, 1);
  assert.equal(first.version, 1);
  assert.equal(first.last_line_id, first.lines[0].line_id);
  const second = await carts.addProduct('t1', cola, 2);
  assert.equal(second.lines.length, 1);
  assert.equal(second.lines[0].line_id, first.lines[0].line_id);
  assert.equal(second.lines[0].quantity, 3);
  assert.equal(second.lines[0].line_total_cents, 750);
  const third = await carts.addProduct('t1', product('chips', 199), 1);
  assert.deepEqual(
    [third.total_cents, third.item_count, third.version, third.lines.length],
    [949, 4, 3, 2],
  );
  // Every edit was broadcast at once, the newest cart last.
  assert.deepEqual(
    seen.map((c) => c.version),
    [1, 2, 3],
  );
  // Resolved = on disk.
  assert.deepEqual((await onDisk()).t1, third);
  // Other terminals are untouched and start empty.
  assert.deepEqual(carts.get('t2').lines, []);
  assert.equal(carts.get('t2').version, 0);
});

test('quantities: 1-999 integers only, merging past 999 is refused, setQuantity and removeLine need an existing line', async () => {
  const { carts } = await setup();
  const p = product('p', 100);
  for (const bad of [0, 1000, 1.5, -1])
    await refuses(() => carts.addProduct('t', p, bad), 400, 'invalid_field');
  const c = await carts.addProduct('t', p, 998);
  await refuses(() => carts.addProduct('t', p, 2), 409, 'quantity_limit');
  const line = c.lines[0].line_id;
  const set = await carts.setQuantity('t', line, 5);
  assert.equal(set.lines[0].quantity, 5);
  assert.equal(set.total_cents, 500);
  await refuses(() => carts.setQuantity('t', line, 0), 400, 'invalid_field');
  await refuses(() => carts.setQuantity('t', 'ln_nope', 1), 404, 'not_found');
  await refuses(() => carts.removeLine('t', 'ln_nope'), 404, 'not_found');
  const removed = await carts.removeLine('t', line);
  assert.deepEqual(removed.lines, []);
  assert.equal(removed.total_cents, 0);
  // A cleared cart stays stored, so versions keep growing for the screens.
  const cleared = await carts.clear('t');
  assert.equal(cleared.version, removed.version + 1);
});

test(`a cart holds at most ${MAX_LINES} lines, and at most ${MAX_CARTS} terminals hold a cart`, async () => {
  const { carts } = await setup();
  await Promise.all(
    Array.from({ length: MAX_LINES }, (_, i) => carts.addProduct('full', product(`p${i}`, 1), 1)),
  );
  await refuses(() => carts.addProduct('full', product('one-more', 1), 1), 409, 'cart_full');
  // Raising a line that exists is still fine.
  assert.equal((await carts.addProduct('full', product('p0', 1), 1)).lines[0].quantity, 2);
  await Promise.all(
    Array.from({ length: MAX_CARTS - 1 }, (_, i) => carts.addProduct(`t${i}`, product('x', 1), 1)),
  );
  await refuses(() => carts.addProduct('one-too-many', product('x', 1), 1), 409, 'too_many_carts');
  // Terminals that have a cart keep working.
  assert.equal((await carts.addProduct('t0', product('x', 1), 1)).item_count, 2);
});

test('locks: while a sale is being created or pending every edit is refused; settling unlocks (paid empties the cart, failed keeps its lines)', async () => {
  const { carts, doc } = await setup();
  const p = product('p', 300);
  await carts.addProduct('t', p, 2);
  assert.equal(carts.beginCreating('t'), true);
  assert.equal(carts.beginCreating('t'), false);
  assert.match(carts.lockReason('t') ?? '', /starting/);
  await refuses(() => carts.addProduct('t', p, 1), 409, 'payment_pending');
  await refuses(() => carts.clear('t'), 409, 'payment_pending');
  carts.endCreating('t');
  assert.equal(carts.isLocked('t'), false);

  const locked = await carts.markPending('t', 's_1');
  assert.equal(locked.pending_sale_id, 's_1');
  assert.equal(carts.beginCreating('t'), false);
  await refuses(() => carts.setQuantity('t', locked.lines[0].line_id, 1), 409, 'payment_pending');
  // Another sale's outcome does not unlock it.
  assert.equal(carts.settle('t', 's_other', true), null);
  const failed = await carts.settle('t', 's_1', false)!;
  assert.equal(failed.pending_sale_id, null);
  assert.equal(failed.item_count, 2);

  await carts.markPending('t', 's_2');
  const paid = await carts.settle('t', 's_2', true)!;
  assert.deepEqual([paid.pending_sale_id, paid.lines.length, paid.total_cents], [null, 0, 0]);
  assert.equal(doc.data.carts.t.version, paid.version);
});

test('lock and settle are written lazily (the journal is their truth); close() writes what is still in memory only', async () => {
  const { carts, onDisk, dir } = await setup();
  await carts.addProduct('t', product('p', 100), 1);
  const locked = await carts.markPending('t', 's_1');
  // Not on disk yet: the sale's commit path does not wait for carts.json.
  assert.equal((await onDisk()).t.pending_sale_id, null);
  await carts.close();
  assert.deepEqual((await onDisk()).t, locked);
  // A fresh start reads the lock back.
  const again = await setup(dir);
  assert.equal(again.carts.lockReason('t'), 'A payment is pending for this cart (sale s_1)');
});

test('a cart write that fails is rolled back and broadcast; an edit made on top of it fails too; once the disk takes writes again edits work', async () => {
  const { carts, seen, store, onDisk } = await setup();
  const a = product('a', 100);
  const b = product('b', 200);
  const saved = await carts.addProduct('t', a, 1);
  // carts.json becomes a directory: the store's rename onto it fails (EISDIR), for real.
  await rm(store.path('carts.json'));
  await mkdir(store.path('carts.json'));
  const broadcasts = seen.length;
  const onTop = [carts.addProduct('t', b, 1), carts.addProduct('t', a, 1)];
  // Screens saw both edits at once...
  assert.deepEqual(
    seen.slice(broadcasts).map((c) => c.item_count),
    [2, 3],
  );
  for (const p of onTop) await assert.rejects(p, /storage_unavailable|write failed|EISDIR/);
  // ...and then the cart as it was last saved, with a newer version so every screen takes it.
  const now = carts.get('t');
  assert.deepEqual(now.lines, saved.lines);
  assert.ok(now.version > 3);
  assert.deepEqual(seen.at(-1), now);
  await carts.settled('t');
  await rmdir(store.path('carts.json'));
  const next = await carts.addProduct('t', b, 1);
  assert.deepEqual(
    next.lines.map((l) => [l.product_id, l.quantity]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
  assert.ok(next.version > now.version);
  assert.deepEqual((await onDisk()).t, next);
});

test('a corrupt carts.json is never overwritten: edits are refused with storage_unavailable', async () => {
  const dir = await tempDir('pos-carts-corrupt-');
  await writeFile(`${dir}/carts.json`, '{"schema_version":1,"data":');
  const { carts } = await setup(dir);
  await refuses(carts.addProduct('t', product('p', 1), 1), 503, 'storage_unavailable');
  assert.equal(await readFile(`${dir}/carts.json`, 'utf8'), '{"schema_version":1,"data":');
});

test('catalog changes reprice unlocked carts that hold the product; a locked cart keeps what the customer is paying', async () => {
  const { carts, seen } = await setup();
  const p = product('p', 100);
  await carts.addProduct('open', p, 2);
  await carts.addProduct('locked', p, 2);
  await carts.addProduct('other', product('q', 50), 1);
  await carts.markPending('locked', 's_1');
  const before = seen.length;
  const dearer = { ...p, price_cents: 150, name: 'Renamed' };
  carts.refreshProducts((id) => (id === 'p' ? dearer : undefined), ['p']);
  assert.deepEqual(
    seen.slice(before).map((c) => c.terminal_id),
    ['open'],
  );
  assert.deepEqual(
    [carts.get('open').lines[0].name, carts.get('open').total_cents],
    ['Renamed', 300],
  );
  assert.equal(carts.get('locked').total_cents, 200);
  assert.equal(carts.get('other').total_cents, 50);
  await carts.settled('open');
});

test("heal(): a cart follows its sale's journalled outcome (pending locks, paid empties, failed unlocks)", async () => {
  const { carts } = await setup();
  const p = product('p', 100);
  await carts.addProduct('t', p, 1);
  const sale = (state: Sale['state']) => ({ id: 's_9', state }) as Sale;
  assert.equal((await carts.heal('t', sale('pending'))!).pending_sale_id, 's_9');
  assert.equal(carts.heal('t', sale('pending')), null); // already in line
  const failed = await carts.heal('t', sale('failed'))!;
  assert.deepEqual([failed.pending_sale_id, failed.item_count], [null, 1]);
  const paid = await carts.heal('t', sale('succeeded'))!;
  assert.deepEqual(paid.lines, []);
  assert.equal(carts.heal('t', sale('succeeded')), null);
});
