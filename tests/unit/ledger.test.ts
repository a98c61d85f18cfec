/**
 * The ledger (daemon/checkout/ledger.ts) on the real sales journal (checkout/journal.ts on the
 * journal primitive) in a temp directory: sale numbers and ids, the sale state machine
 * (journal first, then memory), reloading, and the bounded memory of settled sales.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { SalesJournal } from '../../daemon/checkout/journal.js';
import {
  Ledger,
  RECENT_SALES,
  dayOfSaleId,
  foldLine,
  saleId,
  type SaleDraft,
} from '../../daemon/checkout/ledger.js';
import { BusinessCalendar } from '../../daemon/checkout/calendar.js';
import { CheckoutError } from '../../daemon/checkout/errors.js';
import { ManualClock } from '../../daemon/clock.js';
import { memoryLogger } from '../../daemon/log.js';
import type { Sale } from '../../daemon/protocol.js';
import { tempDir } from '../helpers/daemon.js';

// 23:30 UTC on 1 March is already 2 March in Berlin: the business day, not the UTC date.
const T0 = Date.UTC(2026, 2, 1, 23, 30);
const DAY = '2026-03-02';

function draft(terminal = 't1', total = 500): SaleDraft {
  return {
    terminal_id: terminal,
    lines: [
      {
        product_id: 'p',
        barcode: null,
        name: 'P',
        unit_price_cents: total,
        vat_rate: 19,
        quantity: 1,
        line_total_cents: total,
      },
    ],
    total_cents: total,
    cashier: null,
    part: { provider: 'cash', amount_cents: total, tip_cents: 0, tendered_cents: null },
  };
}

async function open(dir: string, clock = new ManualClock(T0)) {
  const journal = new SalesJournal({ dir, log: memoryLogger() });
  const ledger = new Ledger({
    journal,
    calendar: new BusinessCalendar('Europe/Berlin'),
    clock,
  });
  const stats = await ledger.load();
  return { journal, ledger, stats, clock };
}

async function refuses(p: Promise<unknown>, status: number, code: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CheckoutError, String(err));
    assert.deepEqual([err.status, err.code], [status, code]);
    return true;
  });
}

const fileLines = async (journal: SalesJournal, day: string) =>
  (await readFile(journal.fileOf(day), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('create(): consecutive numbers, ids by business day in TIMEZONE, pending, findable by key and as the terminal’s last sale; the created line is in the day file', async () => {
  const { journal, ledger } = await open(await tempDir('pos-ledger-'));
  const sales = await Promise.all([
    ledger.create('k1', draft('t1'), 4),
    ledger.create('k2', draft('t2'), 7),
    ledger.create('k3', draft('t1'), 9),
  ]);
  assert.deepEqual(
    sales.map((s) => [s.id, s.number, s.state]),
    [
      [`s_20260302_1`, 1, 'pending'],
      [`s_20260302_2`, 2, 'pending'],
      [`s_20260302_3`, 3, 'pending'],
    ],
  );
  assert.equal(sales[0].created_at, new Date(T0).toISOString());
  assert.equal(ledger.byKey('k2'), sales[1]);
  assert.equal(ledger.byKey('nope'), undefined);
  assert.deepEqual(ledger.lastSaleOf('t1'), { sale: sales[2], cart_version: 9 });
  assert.deepEqual(
    ledger.pending().map((s) => s.number),
    [1, 2, 3],
  );
  const lines = await fileLines(journal, DAY);
  assert.deepEqual(
    lines.map((l) => [l.e, l.key, l.cart_version, l.sale.number]),
    [
      ['created', 'k1', 4, 1],
      ['created', 'k2', 7, 2],
      ['created', 'k3', 9, 3],
    ],
  );
  await journal.close();
});

test('transition(): journal first, then memory; pending merges provider data, a final state settles; refusals for unknown, settled, and impossible states', async () => {
  const { journal, ledger, clock } = await open(await tempDir('pos-ledger-'));
  const sale = await ledger.create('k', draft(), 1);
  clock.advance(1000);
  const waiting = ledger.transition(sale.id, { state: 'pending', payment: { reader: 'r1' } });
  // Not in memory before the line is durable.
  assert.equal(ledger.live(sale.id), sale);
  const merged = await waiting;
  assert.deepEqual([merged.state, merged.payment], ['pending', { reader: 'r1' }]);
  await refuses(ledger.transition(sale.id, { state: 'refunded' }), 409, 'invalid_transition');
  const settling = ledger.transition(sale.id, {
    state: 'succeeded',
    payment: { code: 'TX' },
    tendered_cents: 1000,
    change_cents: 500,
  });
  assert.equal(ledger.live(sale.id)?.state, 'pending');
  // A second settlement racing the first loses (a cancel against a provider callback).
  await refuses(ledger.transition(sale.id, { state: 'cancelled' }), 409, 'not_pending');
  const paid = await settling;
  assert.deepEqual(
    [paid.state, paid.payment, paid.tendered_cents, paid.change_cents, paid.updated_at],
    ['succeeded', { reader: 'r1', code: 'TX' }, 1000, 500, new Date(T0 + 1000).toISOString()],
  );
  assert.equal(paid.created_at, sale.created_at);
  assert.equal(sale.state, 'pending', 'sale objects are replaced, never mutated');
  await refuses(ledger.transition(sale.id, { state: 'failed' }), 409, 'not_pending');
  await refuses(ledger.transition('s_20260302_99', { state: 'failed' }), 404, 'not_found');
  assert.deepEqual(ledger.pending(), []);
  const lines = await fileLines(journal, DAY);
  assert.deepEqual(
    lines.map((l) => [l.e, l.state ?? l.sale.state]),
    [
      ['created', 'pending'],
      ['update', 'pending'],
      ['update', 'succeeded'],
    ],
  );
  await journal.close();
});

test('a created line the journal cannot take leaves nothing behind: no sale in memory, no key, no number used', async () => {
  const dir = await tempDir('pos-ledger-full-');
  const { journal, ledger } = await open(dir);
  // The business day's file is a device that takes no data.
  await symlink('/dev/full', path.join(dir, `${DAY}.jsonl`));
  await assert.rejects(ledger.create('k', draft(), 1), /ENOSPC/);
  assert.equal(ledger.byKey('k'), undefined);
  assert.deepEqual(ledger.pending(), []);
  assert.equal(ledger.lastSaleOf('t1'), undefined);
  assert.equal(journal.lastNumber, 0);
  assert.match(journal.writeFailure ?? '', /ENOSPC/);
  await journal.close();
});

test('load(): a restart finds the same sales, pending ones in memory, keys and last sales, and numbering goes on', async () => {
  const dir = await tempDir('pos-ledger-reload-');
  const first = await open(dir);
  const a = await first.ledger.create('ka', draft('t1'), 3);
  const b = await first.ledger.create('kb', draft('t2'), 5);
  await first.ledger.transition(a.id, {
    state: 'failed',
    reason: 'no',
    reason_code: 'card_declined',
  });
  await first.journal.close();

  const again = await open(dir);
  assert.equal(again.stats.last_number, 2);
  assert.equal(again.stats.missing_numbers, 0);
  assert.deepEqual(
    again.ledger.pending().map((s) => s.id),
    [b.id],
  );
  assert.deepEqual(
    [again.ledger.byKey('ka')?.state, again.ledger.byKey('ka')?.reason_code],
    ['failed', 'card_declined'],
  );
  assert.deepEqual(again.ledger.lastSaleOf('t2'), { sale: b, cart_version: 5 });
  const c = await again.ledger.create('kc', draft(), 1);
  assert.equal(c.number, 3);
  assert.deepEqual(
    (await again.ledger.listDay(DAY)).map((s) => [s.number, s.state]),
    [
      [1, 'failed'],
      [2, 'pending'],
      [3, 'pending'],
    ],
  );
  await again.journal.close();
});

test(`memory holds pending sales and the newest ${RECENT_SALES} settled ones; older sales are read back from their day file`, async () => {
  const { journal, ledger } = await open(await tempDir('pos-ledger-evict-'));
  const n = RECENT_SALES + 10;
  const sales = await Promise.all(
    Array.from({ length: n }, (_, i) => ledger.create(`k${i}`, draft('t', 100 + i), i)),
  );
  // Sale #1 stays pending; every other one is paid.
  await Promise.all(sales.slice(1).map((s) => ledger.transition(s.id, { state: 'succeeded' })));
  // A new sale makes the ledger drop the oldest settled ones.
  const last = await ledger.create('k-last', draft('t', 1), n);
  assert.equal(ledger.live(sales[0].id)?.state, 'pending', 'pending sales are never dropped');
  assert.equal(ledger.live(sales[1].id), undefined);
  assert.equal(ledger.byKey('k1'), undefined);
  assert.equal(ledger.live(last.id), last);
  const old = await ledger.find(sales[1].id);
  assert.deepEqual([old?.number, old?.state, old?.total_cents], [2, 'succeeded', 101]);
  assert.equal(await ledger.find('s_20260302_999999'), undefined);
  assert.equal(await ledger.find('not-a-sale-id'), undefined);
  const day = await ledger.listDay(DAY);
  assert.equal(day.length, n + 1);
  assert.deepEqual(
    day.slice(0, 3).map((s) => s.number),
    [1, 2, 3],
  );
  await journal.close();
});

test('foldLine() applies created and update lines and ignores shop lines; sale ids carry their business day', () => {
  const sales = new Map<string, Sale>();
  const sale = { id: saleId('2026-05-04', 7), state: 'pending', payment: {} } as unknown as Sale;
  assert.equal(sale.id, 's_20260504_7');
  assert.equal(dayOfSaleId(sale.id), '2026-05-04');
  assert.equal(dayOfSaleId('rf_20260504_7'), null);
  foldLine(sales, { e: 'created', at: 'a', key: 'k', cart_version: 1, sale, q: 1 });
  const refund = { e: 'refund', at: 'b', key: 'r', refund: {}, q: 2 } as never;
  assert.equal(foldLine(sales, refund), undefined);
  const next = foldLine(sales, { e: 'update', at: 'c', id: sale.id, state: 'failed', q: 3 });
  assert.equal(next?.state, 'failed');
  assert.equal(sales.get(sale.id)?.state, 'failed');
  // An update for a sale the map does not hold changes nothing.
  assert.equal(
    foldLine(sales, { e: 'update', at: 'd', id: 's_x_1', state: 'failed', q: 4 }),
    undefined,
  );
  assert.equal(sales.size, 1);
});

test('a settlement being signed keeps its claim while a provider-data update of the same sale lands: a cancel at that moment is refused and never signed (one signature, the journalled outcome)', async () => {
  const { journal, ledger } = await open(await tempDir('pos-ledger-'));
  const sale = await ledger.create('k', draft(), 1);
  const signed: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stamp = (slow: boolean) => async (s: Sale) => {
    signed.push(s.state);
    if (slow) await gate; // the TSE is still signing
    return { process_data: s.state } as never;
  };
  // The checkout's "waiting for card" update is on its way to disk...
  const waiting = ledger.transition(sale.id, { state: 'pending', payment: { status: 'waiting' } });
  // ...when the card approves: the approval claims the sale and is being signed.
  const approving = ledger.transition(sale.id, { state: 'succeeded' }, stamp(true));
  assert.equal((await waiting).state, 'pending');
  // The update is durable, the approval still signing: the cashier's cancel comes now.
  await refuses(
    ledger.transition(sale.id, { state: 'cancelled' }, stamp(false)),
    409,
    'not_pending',
  );
  release();
  const paid = await approving;
  assert.equal(paid.state, 'succeeded');
  assert.deepEqual(signed, ['succeeded'], 'only the winner is signed');
  const lines = await fileLines(journal, DAY);
  assert.deepEqual(
    lines.map((l) => [l.state ?? l.sale.state, l.tse?.process_data ?? null]),
    [
      ['pending', null],
      ['pending', null],
      ['succeeded', 'succeeded'],
    ],
  );
  await journal.close();
});
