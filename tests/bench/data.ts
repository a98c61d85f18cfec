/** Bench data directories, generated once per machine by scripts/gen-bench-data.ts and reused. */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../scripts/gen-bench-data.js';

export interface BenchData {
  dir: string;
  products: number;
  lines: number;
}

/**
 * A DATA_DIR with `products` products and `lines` journal lines (500 sales a day). Kept in the
 * temp dir between runs (BENCH_DATA_DIR overrides), since 1M lines take a while to write.
 */
export async function benchData(products: number, lines: number): Promise<BenchData> {
  const root = process.env.BENCH_DATA_DIR ?? path.join(tmpdir(), 'counter-pos-bench');
  const dir = path.join(root, `p${products}-l${lines}`);
  const done = path.join(dir, '.generated');
  if (!existsSync(done)) {
    await rm(dir, { recursive: true, force: true });
    const t0 = performance.now();
    await generate({ dir, products, lines, days: Math.max(1, Math.ceil(lines / 1000)) });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(done, 'ok\n');
    process.stderr.write(
      `bench: generated ${products} products / ${lines} journal lines in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dir}\n`,
    );
  }
  return { dir, products, lines };
}
