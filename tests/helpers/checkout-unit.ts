/**
 * Builds the real checkout module for unit tests (tests/unit/checkout*.test.ts, refunds):
 * a temp DATA_DIR with the real store, catalog, event bus and sales journal, the real cash and
 * demo card providers, and — where a test must decide when and how a payment ends — a
 * "manual" provider implementing the provider contract whose outcomes the test hands in.
 */
import { loadConfig } from '../../daemon/config.js';
import { Checkout } from '../../daemon/checkout/index.js';
import { Catalog, CATALOG_DOC, type CatalogData } from '../../daemon/catalog/catalog.js';
import { Store } from '../../daemon/store/index.js';
import { EventBus } from '../../daemon/events.js';
import { ManualClock } from '../../daemon/clock.js';
import { memoryLogger } from '../../daemon/log.js';
import { cashProvider } from '../../daemon/payments/providers/cash.js';
import { fakeCardProvider } from '../../daemon/payments/providers/fake_card.js';
import type {
  PaymentProvider,
  ProviderDeps,
  ProviderFactory,
  ProviderOutcome,
} from '../../daemon/payments/provider.js';
import type { DomainEvents, Product, Sale } from '../../daemon/protocol.js';
import { ROOT, tempDir } from './daemon.js';

/** 10:00 UTC on 4 May 2026 (12:00 in Berlin): business day 2026-05-04. */
export const T0 = Date.UTC(2026, 4, 4, 10, 0);
export const DAY = '2026-05-04';

export interface Recorded {
  events: Array<{ type: keyof DomainEvents; payload: unknown }>;
  /** Resolves with the first event (already seen or future) of `type` matching `pred`. */
  next<K extends keyof DomainEvents>(
    type: K,
    pred?: (p: DomainEvents[K]) => boolean,
  ): Promise<DomainEvents[K]>;
}

export function record(events: EventBus): Recorded {
  const seen: Recorded['events'] = [];
  const waiters: Array<() => void> = [];
  const types: Array<keyof DomainEvents> = [
    'cart.updated',
    'payment.updated',
    'scan.unknown_barcode',
    'scan.refused',
    'providers.changed',
  ];
  const owner = {};
  for (const type of types)
    events.on(owner, type, (payload) => {
      seen.push({ type, payload });
      for (const w of waiters.splice(0)) w();
    });
  const next: Recorded['next'] = async (type, pred) => {
    for (;;) {
      const hit = seen.find(
        (e) => e.type === type && (!pred || pred(e.payload as DomainEvents[typeof type])),
      );
      if (hit) return hit.payload as DomainEvents[typeof type];
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { events: seen, next };
}

/**
 * A provider whose outcomes the test decides: start() answers `onStart` (default: pending),
 * cancel() `onCancel`, reconcile() `onReconcile`; `deps` lets the test settle later as a
 * real provider's callback would.
 */
export interface ManualProvider {
  factory: ProviderFactory;
  deps?: ProviderDeps;
  started: Sale[];
  onStart?: (sale: Sale, deps: ProviderDeps) => Promise<ProviderOutcome>;
  onCancel?: (sale: Sale) => Promise<ProviderOutcome>;
  onReconcile?: (sale: Sale) => Promise<ProviderOutcome>;
  refund?: PaymentProvider['refund'];
}

export function manualProvider(id = 'manual'): ManualProvider {
  const m: ManualProvider = {
    started: [],
    factory: (deps) => {
      m.deps = deps;
      return {
        id,
        label: 'Manual test provider',
        minimumPaymentCents: 0,
        availability: () => ({ available: true }),
        start: async (sale) => {
          m.started.push(sale);
          return m.onStart ? m.onStart(sale, deps) : { state: 'pending', payment: { step: 1 } };
        },
        cancel: (sale) =>
          m.onCancel ? m.onCancel(sale) : Promise.resolve({ state: 'cancelled' as const }),
        reconcile: (sale) =>
          m.onReconcile ? m.onReconcile(sale) : Promise.resolve({ state: 'pending' as const }),
        ...(m.refund ? { refund: (s: Sale, c: number) => m.refund!(s, c) } : {}),
      };
    },
  };
  return m;
}

export interface Shop {
  dir: string;
  store: Store;
  checkout: Checkout;
  catalog: Catalog;
  events: EventBus;
  rec: Recorded;
  clock: ManualClock;
  log: ReturnType<typeof memoryLogger>;
  products: Record<'cola' | 'chips' | 'topup' | 'gone' | 'odd', Product>;
  stop(): Promise<void>;
}

/**
 * Opens and starts checkout on `dir` (a new temp dir by default) with cash, fake_card and any
 * extra providers. Products: cola 2.50, chips 1.99, topup 0.01 (VERSCHENKT-1C), gone
 * (inactive), odd 0.13 (the demo card declines totals ending in .13).
 */
export async function openShop(
  opts: {
    dir?: string;
    env?: Record<string, string>;
    extra?: ProviderFactory[];
    only?: ProviderFactory[];
    clock?: ManualClock;
  } = {},
): Promise<Shop> {
  const dir = opts.dir ?? (await tempDir('pos-checkout-unit-'));
  const config = loadConfig(
    { POS_ENV_FILE: '', DATA_DIR: dir, FAKE_CARD_DELAY_MS: '600000', ...opts.env },
    ROOT,
  );
  const clock = opts.clock ?? new ManualClock(T0);
  const log = memoryLogger();
  const events = new EventBus((event, err) => log.error(`listener for ${event}: ${err}`));
  const rec = record(events);
  const store = new Store(dir);
  await store.init();
  const catalogDoc = await store.document<CatalogData>(CATALOG_DOC);
  const catalog = new Catalog(catalogDoc, events, clock);
  if (catalog.size === 0)
    await catalog.createMany([
      { name: 'Cola', barcode: 'TST-COLA', price_cents: 250 },
      { name: 'Chips', barcode: 'TST-CHIPS', price_cents: 199 },
      { name: 'Verschenkt', barcode: 'VERSCHENKT-1C', price_cents: 1 },
      { name: 'Gone', barcode: 'TST-GONE', price_cents: 100, active: false },
      { name: 'Odd', barcode: 'TST-ODD', price_cents: 13 },
    ]);
  const by = (code: string) => catalog.byCode(code)!;
  const checkout = await Checkout.open({
    config,
    log,
    clock,
    events,
    store,
    catalog,
    factories: opts.only ?? [cashProvider, fakeCardProvider, ...(opts.extra ?? [])],
  });
  await checkout.start();
  return {
    dir,
    store,
    checkout,
    catalog,
    events,
    rec,
    clock,
    log,
    products: {
      cola: by('TST-COLA'),
      chips: by('TST-CHIPS'),
      topup: by('VERSCHENKT-1C'),
      gone: by('TST-GONE'),
      odd: by('TST-ODD'),
    },
    stop: async () => {
      await checkout.stop();
      await store.idle();
    },
  };
}

export const base = { cashier: null, base_url: 'http://127.0.0.1:8080' };
