/**
 * Writes a synthetic DATA_DIR for benchmarks and load tests: a catalog of N products and a
 * sales journal of about L lines (one `created` + one `update` line per sale), spread over D
 * business days ending yesterday, in exactly the format the daemon writes.
 *
 *   node --import tsx scripts/gen-bench-data.ts --dir /tmp/pos-big --products 10000 --lines 1000000 --days 1000
 *
 * Deterministic (seeded), so two runs produce the same bytes. Refuses a directory that
 * already holds a catalog or a journal.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gs1CheckDigit } from '../daemon/catalog/barcode.js';
import type { Product, Sale } from '../daemon/protocol.js';

export interface GenOptions {
  dir: string;
  products: number;
  lines: number;
  days: number;
  /** Reference "now" (ms); the journal ends the day before. */
  now?: number;
}

/** Small deterministic PRNG (mulberry32), so generated data is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Products as catalog.json version 1 holds them (free-text category; migrated at start). */
export function syntheticProducts(
  n: number,
): Array<Omit<Product, 'category_id' | 'deposit_product_id'>> {
  const rand = rng(1);
  const at = '2025-01-01T00:00:00.000Z';
  return Array.from({ length: n }, (_, i) => {
    const body = `29${String(i + 1).padStart(10, '0')}`;
    return {
      id: `prd_bench${String(i).padStart(7, '0')}`,
      barcode: body + gs1CheckDigit(body),
      name: `Article ${i + 1}`,
      price_cents: 50 + Math.floor(rand() * 2000),
      category: `Category ${i % 25}`,
      vat_rate: i % 3 === 0 ? 7 : 19,
      active: true,
      image_url: null,
      created_at: at,
      updated_at: at,
    };
  });
}

export async function generate(
  opts: GenOptions,
): Promise<{ sales: number; lines: number; files: number }> {
  const salesDir = path.join(opts.dir, 'sales');
  if (existsSync(path.join(opts.dir, 'catalog.json')) || existsSync(salesDir))
    throw new Error(`gen-bench-data: ${opts.dir} already holds data; pick an empty directory`);
  await mkdir(salesDir, { recursive: true });
  await writeFile(path.join(opts.dir, '.counter-pos-data'), 'Counter POS data directory\n');
  const products = syntheticProducts(opts.products);
  await writeFile(
    path.join(opts.dir, 'catalog.json'),
    JSON.stringify({ schema_version: 1, data: { products } }, null, 1) + '\n',
  );
  const rand = rng(2);
  const sales = Math.floor(opts.lines / 2);
  const perDay = Math.max(1, Math.ceil(sales / opts.days));
  const dayMs = 86_400_000;
  const firstDay = Math.floor((opts.now ?? Date.now()) / dayMs) - Math.ceil(sales / perDay);
  let number = 0;
  let files = 0;
  while (number < sales) {
    const dayStart = (firstDay + files) * dayMs;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    files++;
    const out = createWriteStream(path.join(salesDir, `${day}.jsonl`));
    let chunk = '';
    for (let k = 0; k < perDay && number < sales; k++) {
      number++;
      // Opening hours 08:00-20:00 UTC, in order through the day.
      const t = dayStart + 8 * 3_600_000 + Math.floor((k / perDay) * 12 * 3_600_000);
      const at = new Date(t).toISOString();
      const lineCount = 1 + Math.floor(rand() * 3);
      const lines = Array.from({ length: lineCount }, () => {
        const p = products[Math.floor(rand() * products.length)];
        const quantity = 1 + Math.floor(rand() * 3);
        return {
          product_id: p.id,
          barcode: p.barcode,
          name: p.name,
          unit_price_cents: p.price_cents,
          vat_rate: p.vat_rate,
          quantity,
          line_total_cents: p.price_cents * quantity,
        };
      });
      const total = lines.reduce((s, l) => s + l.line_total_cents, 0);
      const cash = rand() < 0.6;
      const sale: Sale = {
        id: `s_${day.replaceAll('-', '')}_${number}`,
        number,
        terminal_id: 'kiosk',
        provider: cash ? 'cash' : 'fake_card',
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
      const done = new Date(t + 1500).toISOString();
      chunk +=
        JSON.stringify({
          e: 'created',
          at,
          key: `gen-${number}`,
          cart_version: number,
          sale,
          q: 2 * number - 1,
        }) + '\n';
      chunk +=
        JSON.stringify(
          cash
            ? {
                e: 'update',
                at: done,
                id: sale.id,
                state: 'succeeded',
                tendered_cents: total,
                change_cents: 0,
                q: 2 * number,
              }
            : {
                e: 'update',
                at: done,
                id: sale.id,
                state: 'succeeded',
                payment: { transaction_code: `GEN-${number}` },
                q: 2 * number,
              },
        ) + '\n';
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        chunk = '';
      }
    }
    out.write(chunk);
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
  return { sales, lines: sales * 2, files };
}

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1 && process.argv[i + 1]) return process.argv[i + 1];
  if (def === undefined) {
    console.error(
      `usage: gen-bench-data --dir DIR [--products 10000] [--lines 1000000] [--days 1000]`,
    );
    process.exit(2);
  }
  return def;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const opts = {
    dir: path.resolve(arg('dir')),
    products: Number(arg('products', '10000')),
    lines: Number(arg('lines', '1000000')),
    days: Number(arg('days', '1000')),
  };
  const t0 = performance.now();
  generate(opts).then(
    (r) =>
      console.log(
        `gen-bench-data: ${opts.products} products, ${r.sales} sales (${r.lines} journal lines) in ${r.files} day files → ${opts.dir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      ),
    (err) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
