/**
 * SumUp test kit: the project's fake SumUp server on loopback plus a daemon pointed at it.
 * The fake starts in manual mode: a test decides when the card holder approves or declines.
 */
import { FakeSumUp, type FakeSwitches } from '../../daemon/payments/sumup/fake-server.js';
import { startDaemon, type TestDaemon } from './daemon.js';
import type { Clock } from '../../daemon/clock.js';
import type { Sale } from '../../daemon/protocol.js';

export const API_KEY = 'sup_sk_test_0123456789abcdef';
export const MERCHANT = 'MTEST001';

export interface SumUpRig {
  fake: FakeSumUp;
  readerId: string;
  d: TestDaemon;
  stop(): Promise<void>;
}

export async function startFakeSumUp(switches: Partial<FakeSwitches> = {}): Promise<FakeSumUp> {
  const fake = new FakeSumUp({
    apiKey: API_KEY,
    merchantCode: MERCHANT,
    switches: { outcome: 'manual', ...switches },
    callbackRetryMs: 20,
  });
  await fake.start();
  return fake;
}

/** Env for a daemon using `fake`; SUMUP_POLL_MS defaults to "never" so callbacks are alone. */
export function sumupEnv(fake: FakeSumUp, readerId: string, env: Record<string, string> = {}) {
  return {
    SUMUP_API_KEY: API_KEY,
    SUMUP_MERCHANT_CODE: MERCHANT,
    SUMUP_API_URL: fake.url,
    SUMUP_READER_ID: readerId,
    SUMUP_POLL_MS: '600000',
    SUMUP_TIMEOUT_MS: '2000',
    ...env,
  };
}

export async function startRig(
  opts: {
    switches?: Partial<FakeSwitches>;
    env?: Record<string, string>;
    clock?: Clock;
    dataDir?: string;
  } = {},
): Promise<SumUpRig> {
  const fake = await startFakeSumUp(opts.switches);
  const reader = fake.addReader('Counter Solo');
  const d = await startDaemon({
    env: sumupEnv(fake, reader.id, opts.env),
    clock: opts.clock,
    dataDir: opts.dataDir,
  });
  return {
    fake,
    readerId: reader.id,
    d,
    stop: async () => {
      await d.stop();
      await fake.stop();
    },
  };
}

let keys = 0;

/** Puts one demo product (or `count` of it) in the cart of `terminal`; returns the total. */
export async function fillCart(d: TestDaemon, terminal: string, count = 1): Promise<number> {
  const products = (await d.get('/api/v1/products?active=true')).body.products as Array<{
    barcode: string | null;
    price_cents: number;
  }>;
  const p = products.find((x) => x.barcode && x.price_cents >= 150)!;
  let res;
  for (let i = 0; i < count; i++) {
    res = await d.post(`/api/v1/terminals/${terminal}/cart/items`, { barcode: p.barcode });
    if (res.status >= 300) throw new Error(`cart add failed: ${res.text}`);
  }
  return res!.body.total_cents ?? res!.body.cart?.total_cents;
}

export async function pay(d: TestDaemon, terminal: string, provider: string) {
  return d.post(`/api/v1/terminals/${terminal}/checkout`, {
    provider,
    idempotency_key: `test-key-${process.pid}-${++keys}`,
  });
}

/** Re-reads the sale until `pred` holds; fails (not a timing assertion) after many tries. */
export async function waitForSale(
  d: TestDaemon,
  id: string,
  pred: (s: Sale) => boolean,
  tries = 400,
): Promise<Sale> {
  let last: Sale | undefined;
  for (let i = 0; i < tries; i++) {
    const res = await d.get(`/api/v1/sales/${id}`);
    last = res.body as Sale;
    if (res.status === 200 && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sale ${id} never matched; last seen: ${JSON.stringify(last)}`);
}

export async function until(pred: () => boolean, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}
