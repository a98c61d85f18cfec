/**
 * What TSE signing costs a sale: the checkout commit latency of a cash sale (created line,
 * TSE finish, succeeded line with the TSE answer, each fsync'd) with FISCAL_PROVIDER=fake
 * beside the same checkout with FISCAL_PROVIDER=off. Two daemons run side by side in one
 * process and take turns sale by sale (the order swapped every round), so both see the same
 * machine load. The fake TSE signs with a local P-256 key and fsyncs its own log, so this is
 * the appliance's own share of signing; a cloud TSE (fiskaly) adds its network round trips.
 */
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { latency, type Latency } from './lib.js';

export interface FiscalBenchResult {
  fake_ms: Latency;
  off_ms: Latency;
  /** TSE signatures the fake TSE made during the run (2 per sale: start and finish)... */
  signatures: number;
  /** ...for this many signed sales (warm-up included). */
  signed_sales: number;
  samples: { fake: number[]; off: number[] };
}

async function shop(provider: 'fake' | 'off'): Promise<TestDaemon> {
  const d = await startDaemon({
    env: { APP_ENV: 'demo', FISCAL_PROVIDER: provider, LOG_LEVEL: 'warn' },
  });
  const r = await d.post(
    '/api/v1/products',
    { barcode: 'BENCH19', name: 'Bench', price_cents: 250, vat_rate: 19 },
    { admin: true },
  );
  if (r.status !== 201) throw new Error(`product: ${r.status} ${r.text}`);
  return d;
}

async function oneSale(d: TestDaemon, i: number, expectSigned: boolean): Promise<number> {
  const terminal = `fiscal-bench-${process.pid}`;
  const product = d.app.catalog.list()[0];
  await d.app.checkout.addItem(terminal, { product_id: product.id, quantity: 1 + (i % 3) });
  const t0 = performance.now();
  const { sale } = await d.app.checkout.checkout(terminal, {
    provider: 'cash',
    idempotency_key: `fiscal-bench-${process.pid}-${i}`,
    cashier: null,
    base_url: '',
  });
  const t = performance.now() - t0;
  if (sale.state !== 'succeeded') throw new Error(`bench sale ${sale.id} is ${sale.state}`);
  if (expectSigned !== (sale.tse?.failed === false))
    throw new Error(`bench sale ${sale.id}: tse ${JSON.stringify(sale.tse ?? null)}`);
  return t;
}

export async function benchFiscal(n = 300, warmup = 20): Promise<FiscalBenchResult> {
  const fake = await shop('fake');
  const off = await shop('off');
  const samples = { fake: [] as number[], off: [] as number[] };
  try {
    const before = (await fake.get('/api/v1/admin/fiscal', { admin: true })).body.tse
      .signature_counter as number;
    for (let i = 0; i < n + warmup; i++) {
      const order = i % 2 === 0 ? (['fake', 'off'] as const) : (['off', 'fake'] as const);
      for (const which of order) {
        const t = await oneSale(which === 'fake' ? fake : off, i, which === 'fake');
        if (i >= warmup) samples[which].push(t);
      }
    }
    const after = (await fake.get('/api/v1/admin/fiscal', { admin: true })).body.tse
      .signature_counter as number;
    return {
      fake_ms: latency(samples.fake),
      off_ms: latency(samples.off),
      signatures: after - before,
      signed_sales: n + warmup,
      samples,
    };
  } finally {
    await fake.stop();
    await off.stop();
  }
}
