/**
 * Payments (daemon/payments/index.ts, registry.ts) and the cash and demo card providers
 * (providers/cash.ts, providers/fake_card.ts) on a real store, catalog and event bus. The
 * sale state machine they drive is checkout's (tests/unit/ledger.test.ts, checkout.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../daemon/config.js';
import { Payments } from '../../daemon/payments/index.js';
import { PROVIDERS } from '../../daemon/payments/registry.js';
import { cashProvider } from '../../daemon/payments/providers/cash.js';
import { DECLINE_CENTS, fakeCardProvider } from '../../daemon/payments/providers/fake_card.js';
import {
  ProviderError,
  type ProviderDeps,
  type ProviderFactory,
  type ProviderOutcome,
} from '../../daemon/payments/provider.js';
import { Catalog, CATALOG_DOC, type CatalogData } from '../../daemon/catalog/catalog.js';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events.js';
import { ManualClock } from '../../daemon/clock.js';
import { memoryLogger } from '../../daemon/log.js';
import type { ProviderInfo, Sale } from '../../daemon/protocol.js';
import { ROOT, tempDir } from '../helpers/daemon.js';

async function setup(env: Record<string, string> = {}) {
  const dir = await tempDir('pos-payments-');
  const config = loadConfig({ POS_ENV_FILE: '', DATA_DIR: dir, ...env }, ROOT);
  const clock = new ManualClock();
  const log = memoryLogger();
  const events = new EventBus((e, err) => log.error(`listener for ${e}: ${err}`));
  const store = new Store(dir);
  await store.init();
  const catalog = new Catalog(await store.document<CatalogData>(CATALOG_DOC), events, clock);
  const settled: Array<{ id: string; outcome: ProviderOutcome }> = [];
  const waiters: Array<() => void> = [];
  const sales = new Map<string, Sale>();
  const deps: ProviderDeps = {
    config,
    log,
    clock,
    events,
    store,
    settle: async (id, outcome) => {
      settled.push({ id, outcome });
      for (const w of waiters.splice(0)) w();
      const s = { ...sales.get(id)!, state: outcome.state };
      sales.set(id, s);
      return s;
    },
    getSale: (id) => sales.get(id),
  };
  const nextSettle = async () => {
    const n = settled.length;
    while (settled.length === n) await new Promise<void>((r) => waiters.push(r));
    return settled[n];
  };
  const changes: ProviderInfo[][] = [];
  events.on({}, 'providers.changed', ({ providers }) => changes.push(providers));
  return { config, log, events, store, catalog, deps, settled, nextSettle, sales, changes };
}

function sale(id: string, total_cents: number): Sale {
  return {
    id,
    number: 7,
    terminal_id: 't1',
    provider: 'x',
    state: 'pending',
    lines: [],
    total_cents,
    tendered_cents: null,
    change_cents: null,
    cashier: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    reason: null,
    payment: {},
  };
}

const opts = { base_url: 'http://127.0.0.1:8080' };

test('the registry: cash, demo card, SumUp Solo and SumUp Tap to Pay, one id each; without SumUp keys the SumUp ones say why they are unavailable', async () => {
  const s = await setup();
  const payments = new Payments({ ...s.deps, factories: PROVIDERS, catalog: s.catalog });
  assert.deepEqual(payments.ids(), ['cash', 'fake_card', 'sumup_solo', 'sumup_tap']);
  // Before the first check nothing is offered as available.
  assert.ok(payments.list().every((p) => !p.available && p.reason === 'Checking…'));
  await payments.start();
  try {
    const by = Object.fromEntries(payments.list().map((p) => [p.id, p]));
    assert.equal(by.cash.available, true);
    assert.equal(by.fake_card.available, true);
    assert.equal(by.fake_card.minimum_payment_cents, 100);
    assert.deepEqual(
      [by.sumup_solo.available, by.sumup_solo.reason],
      [false, 'SumUp API key missing (SUMUP_API_KEY)'],
    );
    assert.deepEqual(
      [by.sumup_tap.available, by.sumup_tap.reason],
      [false, 'SumUp affiliate key missing (SUMUP_AFFILIATE_KEY)'],
    );
    assert.deepEqual(s.changes.at(-1), payments.list());
  } finally {
    await payments.stop();
  }
});

test('a minimum for a provider that does not exist is a typo: refused naming the variable; a provider id registered twice is refused', async () => {
  const s = await setup({ PAYMENT_MINIMUM_SUMUP_SOLLO_CENTS: '100' });
  assert.throws(
    () => new Payments({ ...s.deps, factories: PROVIDERS, catalog: s.catalog }),
    (err: unknown) =>
      err instanceof ConfigError && err.variable === 'PAYMENT_MINIMUM_SUMUP_SOLLO_CENTS',
  );
  const ok = await setup();
  assert.throws(
    () =>
      new Payments({
        ...ok.deps,
        factories: [cashProvider, fakeCardProvider, cashProvider],
        catalog: ok.catalog,
      }),
    /provider id cash registered twice/,
  );
});

test('availability: a provider that throws counts as not reachable (logged); providers.changed is sent only when something changed; the top-up barcode is offered while that product is for sale', async () => {
  const s = await setup();
  let fail = false;
  const flaky: ProviderFactory = () => ({
    id: 'flaky',
    label: 'Flaky',
    minimumPaymentCents: 0,
    availability: () => {
      if (fail) throw new Error('connection refused');
      return { available: true };
    },
    start: async () => ({ state: 'pending' }),
    cancel: async () => ({ state: 'cancelled' }),
    reconcile: async () => ({ state: 'pending' }),
  });
  const payments = new Payments({
    ...s.deps,
    factories: [cashProvider, fakeCardProvider, flaky],
    catalog: s.catalog,
  });
  await payments.start();
  try {
    assert.equal(s.changes.length, 1);
    assert.equal(payments.cachedInfo('fake_card')?.minimum_topup_barcode, undefined);
    await payments.refresh();
    assert.equal(s.changes.length, 1, 'nothing changed, nothing sent');
    fail = true;
    await payments.refresh();
    assert.equal(s.changes.length, 2);
    assert.deepEqual(
      [payments.cachedInfo('flaky')?.available, payments.cachedInfo('flaky')?.reason],
      [false, 'Flaky is not reachable'],
    );
    assert.ok(s.log.lines.some((l) => l.includes('WARN') && l.includes('connection refused')));
    // The top-up product appears in the catalog: providers are re-asked on products.changed.
    const [topup] = await s.catalog.createMany([
      { name: 'Verschenkt', barcode: 'VERSCHENKT-1C', price_cents: 1 },
    ]);
    const withTopup = async () => {
      while (payments.cachedInfo('fake_card')?.minimum_topup_barcode !== 'VERSCHENKT-1C')
        await new Promise<void>((r) => s.events.on({}, 'providers.changed', () => r()));
    };
    await withTopup();
    assert.equal(payments.topupProduct('fake_card')?.id, topup.id);
    assert.equal(payments.topupProduct('cash'), undefined, 'cash has no top-up barcode');
    await s.catalog.update(topup.id, { active: false });
    await payments.refresh();
    assert.equal(payments.topupProduct('fake_card'), undefined);
    assert.equal(payments.cachedInfo('fake_card')?.minimum_topup_barcode, undefined);
  } finally {
    await payments.stop();
  }
});

test('cash: refuses tendered below the total before a sale exists, settles at once with change, cannot be pending after a restart', async () => {
  const s = await setup();
  const cash = cashProvider(s.deps);
  assert.deepEqual(cash.availability(), { available: true });
  assert.throws(
    () => cash.check!({ total_cents: 500, tendered_cents: 499 }),
    (err: unknown) =>
      err instanceof ProviderError && err.status === 422 && err.code === 'tendered_too_low',
  );
  cash.check!({ total_cents: 500, tendered_cents: 500 });
  cash.check!({ total_cents: 500 });
  assert.deepEqual(await cash.start(sale('s1', 500), { ...opts, tendered_cents: 2000 }), {
    state: 'succeeded',
    tendered_cents: 2000,
    change_cents: 1500,
  });
  assert.deepEqual(await cash.start(sale('s2', 500), opts), {
    state: 'succeeded',
    tendered_cents: 500,
    change_cents: 0,
  });
  const low = await cash.start(sale('s3', 500), { ...opts, tendered_cents: 100 });
  assert.deepEqual([low.state, low.reason_code], ['failed', 'tendered_too_low']);
  assert.equal((await cash.cancel(sale('s4', 1))).reason_code, 'cancelled_at_till');
  const rec = await cash.reconcile(sale('s5', 1));
  assert.deepEqual([rec.state, rec.reason_code], ['failed', 'interrupted_by_restart']);
});

test('demo card: waits for the "card", then approves, or declines totals ending in .13; a cancel stops the card; stop_module() drops waiting cards', async () => {
  const s = await setup({ FAKE_CARD_DELAY_MS: '0' });
  const card = fakeCardProvider(s.deps);
  for (const [id, total] of [
    ['ok', 250],
    ['no', 200 + DECLINE_CENTS],
  ] as const) {
    s.sales.set(id, sale(id, total));
    const started = await card.start(s.sales.get(id)!, opts);
    assert.deepEqual(started, { state: 'pending', payment: { status: 'waiting_for_card' } });
    const { id: settledId, outcome } = await s.nextSettle();
    assert.equal(settledId, id);
    if (id === 'ok') {
      assert.equal(outcome.state, 'succeeded');
      assert.match(String(outcome.payment?.transaction_code), /^FAKE-7-\d+$/);
    } else assert.deepEqual([outcome.state, outcome.reason_code], ['failed', 'card_declined']);
  }
  // A cancel (or stopping the module) before the card arrives leaves nothing to settle: the
  // next sale's card is the next (and only) settlement.
  for (const stop of ['cancel', 'stop_module'] as const) {
    const t = await setup({ FAKE_CARD_DELAY_MS: '0' });
    const c = fakeCardProvider(t.deps);
    t.sales.set('c', sale('c', 100));
    await c.start(t.sales.get('c')!, opts);
    if (stop === 'cancel') {
      const cancelled = await c.cancel(t.sales.get('c')!);
      assert.deepEqual(
        [cancelled.state, cancelled.reason_code],
        ['cancelled', 'cancelled_at_till'],
      );
    } else await c.stop_module!();
    t.sales.set('after', sale('after', 100));
    await c.start(t.sales.get('after')!, opts);
    assert.equal((await t.nextSettle()).id, 'after');
    assert.deepEqual(
      t.settled.map((x) => x.id),
      ['after'],
      stop,
    );
  }
  const rec = await card.reconcile(sale('d', 100));
  assert.deepEqual([rec.state, rec.reason_code], ['failed', 'interrupted_by_restart']);
});

test('demo card: a sale no longer pending when the card arrives is left alone', async () => {
  const s = await setup({ FAKE_CARD_DELAY_MS: '0' });
  const card = fakeCardProvider(s.deps);
  s.sales.set('x', sale('x', 100));
  s.sales.set('y', sale('y', 100));
  await card.start(s.sales.get('x')!, opts);
  s.sales.set('x', { ...s.sales.get('x')!, state: 'cancelled' });
  await card.start(s.sales.get('y')!, opts);
  // Timers run in order: once y is settled, x's card has come and gone.
  const first = await s.nextSettle();
  assert.equal(first.id, 'y');
  assert.deepEqual(
    s.settled.map((x) => x.id),
    ['y'],
  );
});
