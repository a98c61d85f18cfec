/**
 * Test harness: the real daemon on a real port (port 0, 127.0.0.1) with a temp DATA_DIR.
 *
 * startDaemon()  — in-process (fast; lets a test inject a clock or read app internals).
 * spawnDaemon()  — a child process running daemon/main.ts (for kill -9 and exit-code tests).
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../daemon/config.js';
import { createApp, type PosApp } from '../../daemon/app/index.js';
import { memoryLogger } from '../../daemon/log.js';
import type { Clock } from '../../daemon/clock.js';
import { localDateTime } from '../../daemon/time.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN = 'demo-admin-token';

/** Temp dirs this test process made; removed when it exits (POS_KEEP_TEST_DIRS=1 keeps them). */
const madeDirs: string[] = [];

function removeMadeDirs(): void {
  if (process.env.POS_KEEP_TEST_DIRS === '1') return;
  for (const dir of madeDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A dir a child still holds open, or one made read-only by a test: leave it.
    }
  }
}

export async function tempDir(prefix = 'pos-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  if (madeDirs.length === 0) process.once('exit', removeMadeDirs);
  madeDirs.push(dir);
  return dir;
}

export interface Response<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Client {
  url: string;
  request<T = any>(
    method: string,
    p: string,
    opts?: {
      body?: unknown;
      admin?: boolean | string;
      headers?: Record<string, string>;
      raw?: Buffer | string;
    },
  ): Promise<Response<T>>;
  get<T = any>(
    p: string,
    opts?: { admin?: boolean | string; headers?: Record<string, string> },
  ): Promise<Response<T>>;
  post<T = any>(
    p: string,
    body?: unknown,
    opts?: { admin?: boolean | string; headers?: Record<string, string> },
  ): Promise<Response<T>>;
}

export function client(url: string): Client {
  const request = async (
    method: string,
    p: string,
    opts: {
      body?: unknown;
      admin?: boolean | string;
      headers?: Record<string, string>;
      raw?: Buffer | string;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.admin) headers.authorization = `Bearer ${opts.admin === true ? ADMIN : opts.admin}`;
    let body: BodyInit | undefined;
    if (opts.raw !== undefined) body = opts.raw as BodyInit;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + p, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as any, text };
  };
  return {
    url,
    request,
    get: (p, o) => request('GET', p, o),
    post: (p, b, o) => request('POST', p, { ...o, body: b }),
  };
}

export interface TestDaemon extends Client {
  app: PosApp;
  port: number;
  dataDir: string;
  logs: string[];
  /**
   * The shop's day of an instant (YYYY-MM-DD in the daemon's TIMEZONE), as reports and exports
   * take `date`; the UTC date differs around midnight.
   */
  shopDay(iso: string): string;
  stop(): Promise<void>;
  /** Stop and start again on the same DATA_DIR (same port not guaranteed). */
  restart(): Promise<TestDaemon>;
}

export async function startDaemon(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    dataDir?: string;
    keepData?: boolean;
    /** Built UI directory to serve (default dist/ui). */
    uiDir?: string;
    /** The version the daemon runs as (default package.json; update outcome tests). */
    version?: string;
  } = {},
): Promise<TestDaemon> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const config = loadConfig(
    {
      POS_ENV_FILE: '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      FAKE_CARD_DELAY_MS: '50',
      ...opts.env,
    },
    ROOT,
  );
  const log = memoryLogger();
  const app = await createApp({
    config,
    log,
    clock: opts.clock,
    uiDir: opts.uiDir,
    version: opts.version,
  });
  const port = await app.start();
  const url = `http://127.0.0.1:${port}`;
  const d: TestDaemon = {
    ...client(url),
    app,
    port,
    dataDir,
    logs: log.lines,
    shopDay: (iso) => localDateTime(iso, config.timezone).date,
    stop: async () => {
      await app.stop();
      if (!opts.keepData && !opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await app.stop();
      return startDaemon({ ...opts, dataDir, keepData: true });
    },
  };
  return d;
}

export interface SpawnedDaemon extends Client {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs daemon/main.ts in a child process; resolves once it prints POS_READY. */
export async function spawnDaemon(
  env: Record<string, string>,
  opts: { timeoutMs?: number } = {},
): Promise<SpawnedDaemon> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'daemon', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      POS_ENV_FILE: '',
      PORT: '0',
      HOST: '127.0.0.1',
      FAKE_CARD_DELAY_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // 'close' (not 'exit'): fires once stdout/stderr are drained, so output() is complete.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`daemon did not start in time:\n${out}`)),
      // A bound, not a sleep: it ends at POS_READY. Generous, because a cold tsx start of the
      // daemon took over 20 s on the 2-core machine running two suites at once (load ~20).
      opts.timeoutMs ?? 120_000,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /POS_READY port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before it was ready:\n${out}`));
    });
  });
  const c = client(`http://127.0.0.1:${port}`);
  return {
    ...c,
    child,
    port,
    output: () => out,
    exited,
    kill: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs daemon/main.ts expecting it to exit (e.g. refused config); returns code and output. */
export async function runDaemonExpectExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'daemon', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', POS_ENV_FILE: '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}
