/**
 * Start-up time and memory with 10k products and 1M journal lines: the daemon is spawned as a
 * child process (built, and through tsx as `npm run dev` runs it); ready = spawn
 * until it prints POS_READY; RSS from /proc/<pid>/status at that moment (VmRSS, VmHWM peak).
 * Warm = sales-index.json present (every start after the first); cold = the first start on
 * that data: sales-index.json, refunds.json and closing.json removed, so every day file is
 * scanned once, the index rebuilt, and refunds and closing build their caches from scratch.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../helpers/daemon.js';
import { benchData } from './data.js';
import { round } from './lib.js';

export interface StartupRun {
  ready_ms: number;
  rss_mb: number;
  hwm_mb: number;
  /** From the daemon's first log line to checkout's "sales journal" line. */
  journal_load_ms: number | null;
}

export interface StartupResult {
  products: number;
  journal_lines: number;
  /** Built (bundled) daemon, sales-index.json present: every start after the first. */
  warm: StartupRun;
  /** The same through tsx (`npm run dev`), which compiles TypeScript at start. */
  warm_tsx: StartupRun;
  /**
   * Built daemon, first start on the data: sales-index.json, refunds.json and closing.json
   * removed, so every day file is scanned once and every cache is built from the journal.
   */
  cold: StartupRun;
}

/**
 * The daemon as one bundled ES module (esbuild; node_modules stay external), placed under
 * node_modules/.cache so package imports resolve as from the project. This is what the tsc
 * build runs, without depending on the whole tree type-checking.
 */
export async function buildDaemon(): Promise<string> {
  const outfile = path.join(ROOT, 'node_modules', '.cache', 'counter-pos-bench', 'main.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'daemon', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

async function startOnce(dataDir: string, entry: string[]): Promise<StartupRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      POS_ENV_FILE: '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('POS_READY')) resolve();
      });
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => reject(new Error(`daemon exited ${code}:\n${out}`)));
    });
    const ready = performance.now() - t0;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    const stamp = (re: RegExp) => {
      const m = out.split('\n').find((l) => re.test(l));
      return m ? Date.parse(m.slice(0, 24)) : NaN;
    };
    const load = stamp(/\[pos:checkout\] sales journal:/) - stamp(/ starting \(/);
    return {
      ready_ms: round(ready, 0),
      rss_mb: round(kb('VmRSS') / 1024, 1),
      hwm_mb: round(kb('VmHWM') / 1024, 1),
      journal_load_ms: Number.isFinite(load) ? load : null,
    };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r).once('close', r));
  }
}

export async function benchStartup(runs = 3): Promise<StartupResult> {
  const data = await benchData(10_000, 1_000_000);
  const built = ['--enable-source-maps', await buildDaemon()];
  const tsx = ['--import', 'tsx', path.join(ROOT, 'daemon', 'main.ts')];
  for (const cache of ['sales-index.json', 'refunds.json', 'closing.json'])
    await rm(path.join(data.dir, cache), { force: true });
  const cold = await startOnce(data.dir, built);
  const median = async (entry: string[]) => {
    const all: StartupRun[] = [];
    for (let i = 0; i < runs; i++) all.push(await startOnce(data.dir, entry));
    all.sort((a, b) => a.ready_ms - b.ready_ms);
    return all[Math.floor(all.length / 2)];
  };
  return {
    products: data.products,
    journal_lines: data.lines,
    warm: await median(built),
    warm_tsx: await median(tsx),
    cold,
  };
}

if (process.argv[1]?.endsWith('startup.bench.ts')) {
  console.log(JSON.stringify(await benchStartup(), null, 2));
}
