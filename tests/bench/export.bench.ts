/**
 * Benchmark: the sales CSV export streams. 100,000 sales (250,000 lines) spread over a year
 * are written straight into a temp DATA_DIR's journal, the real daemon starts on it, and the
 * whole year is exported over HTTP while the client reads slowly. Reported: rows, bytes, time,
 * and the daemon's heap growth during the export — which must stay bounded (a day's rows at a
 * time), not grow with the size of the year.
 *
 *   node --import tsx tests/bench/export.bench.ts        (also run by `npm run bench`)
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, tempDir } from '../helpers/daemon.js';
import { prodSecrets, ADMIN_TOKEN } from '../helpers/shop-ops.js';

export interface ExportBench {
  sales: number;
  rows: number;
  bytes: number;
  seconds: number;
  rows_per_s: number;
  heap_before_mb: number;
  heap_peak_mb: number;
  heap_growth_mb: number;
  journal_mb: number;
}

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

async function writeYear(
  dir: string,
  sales: number,
): Promise<{ from: string; to: string; bytes: number }> {
  await mkdir(path.join(dir, 'sales'), { recursive: true });
  const start = Date.UTC(2025, 0, 1, 9);
  const perDay = Math.ceil(sales / 365);
  let n = 0;
  let bytes = 0;
  let from = '';
  let to = '';
  for (let day = 0; n < sales; day++) {
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    from ||= date;
    to = date;
    const parts: string[] = [];
    for (let i = 0; i < perDay && n < sales; i++) {
      n++;
      const at = new Date(start + day * 86_400_000 + i * 20_000).toISOString();
      const lines = [0, 1, 2].slice(0, 1 + (n % 3)).map((k) => ({
        product_id: `p${k}`,
        barcode: `400000000000${k}`,
        name: ['Apfelschorle 0,5 l', 'Brezel', 'Kaffee "groß"'][k],
        unit_price_cents: [250, 120, 300][k],
        vat_rate: [19, 7, 19][k],
        quantity: 1 + (k % 2),
        line_total_cents: [250, 240, 300][k],
      }));
      const total = lines.reduce((s, l) => s + l.line_total_cents, 0);
      const id = `s_${date.replaceAll('-', '')}_${n}`;
      const sale = {
        id,
        number: n,
        terminal_id: 'kiosk',
        provider: n % 2 ? 'cash' : 'fake_card',
        state: 'pending',
        lines,
        total_cents: total,
        tendered_cents: null,
        change_cents: null,
        cashier: null,
        created_at: at,
        updated_at: at,
        reason: null,
        payment: {},
      };
      parts.push(JSON.stringify({ e: 'created', at, key: `k${n}`, sale }));
      parts.push(JSON.stringify({ e: 'update', at, id, state: 'succeeded' }));
    }
    const text = parts.join('\n') + '\n';
    bytes += text.length;
    await writeFile(path.join(dir, 'sales', `${date}.jsonl`), text);
  }
  return { from, to, bytes };
}

export async function benchExport(sales = 100_000): Promise<ExportBench> {
  const dir = await tempDir('pos-bench-export-');
  const { from, to, bytes: journalBytes } = await writeYear(dir, sales);
  const d = await startDaemon({
    dataDir: dir,
    env: { APP_ENV: 'production', ...prodSecrets, PAYMENT_DEMO_CARD: '1' },
  });
  try {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const t0 = performance.now();
    const res = await fetch(`${d.url}/api/v1/admin/exports/sales.csv?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    if (res.status !== 200) throw new Error(`export answered ${res.status}`);
    let bytes = 0;
    let rows = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      for (const b of value) if (b === 0x0a) rows++;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      // A slow client: the daemon must wait for it, not buffer ahead.
      if (rows % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      sales,
      rows: rows - 1,
      bytes,
      seconds: Math.round(seconds * 100) / 100,
      rows_per_s: Math.round((rows - 1) / seconds),
      heap_before_mb: mb(heapBefore),
      heap_peak_mb: mb(peak),
      heap_growth_mb: mb(peak - heapBefore),
      journal_mb: mb(journalBytes),
    };
  } finally {
    await d.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /export\.bench\.ts$/.test(process.argv[1])) {
  const r = await benchExport(Number(process.env.BENCH_EXPORT_SALES ?? 100_000));
  console.log(JSON.stringify({ bench: 'export.sales_csv', ...r }, null, 1));
}
