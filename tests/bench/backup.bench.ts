/**
 * Benchmark: backup and restore over HTTP on a realistic DATA_DIR (10,000 products, 200,000
 * journal lines: scripts/gen-bench-data.ts, copied to a temp dir), the real daemon in this
 * process. Reported:
 *   - backup: the .tar.gz download (bytes, seconds, MB/s of data read);
 *   - restore: the same archive uploaded back (validated and staged; seconds, MB/s);
 *   - bomb: a 408 KB upload that unpacks to 400 MiB of zeros in two 200 MiB files (the
 *     attack of issue 19, finding 7): seconds until the daemon answers, and its answer;
 *   - the process's RSS growth (sampled every 5 ms) during each, which must not follow the
 *     archive's unpacked size.
 *
 *   node --import tsx tests/bench/backup.bench.ts        (also run by `npm run bench`)
 */
import { cp, rm } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { zeroBomb } from '../helpers/tar.js';
import { Readable } from 'node:stream';
import { startDaemon, tempDir } from '../helpers/daemon.js';
import { prodSecrets, ADMIN_TOKEN } from '../helpers/shop-ops.js';
import { benchData } from './data.js';
import { round } from './lib.js';

export interface BackupBench {
  data_mb: number;
  backup: { seconds: number; gz_mb: number; mb_per_s: number; rss_growth_mb: number };
  restore: { seconds: number; mb_per_s: number; rss_growth_mb: number; status: number };
  bomb: {
    upload_kb: number;
    unpacked_mb: number;
    seconds: number;
    rss_growth_mb: number;
    status: number;
  };
}

const mb = (n: number) => round(n / 1048576, 1);

/** Peak RSS above the level at start while `fn` runs (sampled every 5 ms). */
async function rssGrowth<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; growth: number; seconds: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, growth: peak - base, seconds: (performance.now() - t0) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchBackup(): Promise<BackupBench> {
  const data = await benchData(10_000, 200_000);
  const dir = await tempDir('pos-bench-backup-');
  await cp(data.dir, dir, { recursive: true });
  const bomb = await zeroBomb([
    { path: 'sales/2026-01-01.jsonl', size: 200 * 1048576 },
    { path: 'sales/2026-01-02.jsonl', size: 200 * 1048576 },
  ]);
  const d = await startDaemon({
    dataDir: dir,
    env: { APP_ENV: 'production', LOG_LEVEL: 'warn', ...prodSecrets },
  });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  try {
    const down = await rssGrowth(async () => {
      const res = await fetch(`${d.url}/api/v1/admin/backup`, { headers: auth });
      if (res.status !== 200) throw new Error(`backup answered ${res.status}`);
      const parts: Buffer[] = [];
      for await (const c of Readable.fromWeb(res.body as never)) parts.push(c as Buffer);
      return Buffer.concat(parts);
    });
    const gz = down.value;
    // The data the archive holds (its tar size), for MB/s.
    const tarBytes = gunzipSync(gz).length;
    const up = async (body: Buffer) => {
      const res = await fetch(`${d.url}/api/v1/admin/restore`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/gzip' },
        body: body as unknown as BodyInit,
      });
      await res.arrayBuffer();
      return res.status;
    };
    const restore = await rssGrowth(() => up(gz));
    const b = await rssGrowth(() => up(bomb));
    return {
      data_mb: mb(tarBytes),
      backup: {
        seconds: round(down.seconds, 2),
        gz_mb: mb(gz.length),
        mb_per_s: round(tarBytes / 1048576 / down.seconds, 1),
        rss_growth_mb: mb(down.growth),
      },
      restore: {
        seconds: round(restore.seconds, 2),
        mb_per_s: round(tarBytes / 1048576 / restore.seconds, 1),
        rss_growth_mb: mb(restore.growth),
        status: restore.value,
      },
      bomb: {
        upload_kb: round(bomb.length / 1024, 0),
        unpacked_mb: 400,
        seconds: round(b.seconds, 2),
        rss_growth_mb: mb(b.growth),
        status: b.value,
      },
    };
  } finally {
    await d.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /backup\.bench\.ts$/.test(process.argv[1])) {
  const r = await benchBackup();
  console.log(JSON.stringify({ bench: 'backup', ...r }, null, 1));
}
