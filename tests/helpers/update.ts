/**
 * Update test helpers: fake RAUC bundles (tests/fixtures/fake-rauc reads them), the fake's
 * state, and an agent harness that runs the real agent the way the appliance's root unit
 * does — `node --import tsx daemon/update/agent.ts process` — each time request.json appears.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { ROOT, tempDir } from './daemon.js';

export const FAKE_RAUC = path.join(ROOT, 'tests', 'fixtures', 'fake-rauc');
export const COMPATIBLE = 'counter-pos-rpi-arm64';
export const DEV_KEY = 'counter-pos-dev';

export interface BundleOpts {
  version?: string;
  compatible?: string;
  signedBy?: string;
  /** Total size the header declares (bytes). */
  size?: number;
  /** Write only this many bytes (a truncated download). */
  truncateTo?: number;
}

/** A fake bundle's bytes: header line + zero padding up to `size`. */
export function bundleBytes(o: BundleOpts = {}): Buffer {
  const size = o.size ?? 64 * 1024;
  const header = Buffer.from(
    JSON.stringify({
      fake_rauc_bundle: 1,
      compatible: o.compatible ?? COMPATIBLE,
      version: o.version ?? '0.2.0',
      signed_by: o.signedBy ?? DEV_KEY,
      size,
    }) + '\n',
  );
  const full = Buffer.concat([header, Buffer.alloc(Math.max(0, size - header.length))]);
  return o.truncateTo === undefined ? full : full.subarray(0, o.truncateTo);
}

/** Writes a large fake bundle in chunks (never the whole body in memory). */
export async function writeBigBundle(file: string, size: number, version = '0.2.0'): Promise<void> {
  const out = createWriteStream(file);
  const header = bundleBytes({ version, size: 0 });
  const fields = JSON.parse(header.toString('utf8').split('\n')[0]);
  const line = Buffer.from(JSON.stringify({ ...fields, size }) + '\n');
  out.write(line);
  const chunk = Buffer.alloc(1024 * 1024);
  let left = size - line.length;
  while (left > 0) {
    const part = chunk.subarray(0, Math.min(chunk.length, left));
    left -= part.length;
    if (!out.write(part)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export interface FakeRaucState {
  compatible: string;
  keyring: string;
  booted: string;
  primary: string;
  slots: Record<string, { bootname: string; version: string | null; installed: string | null }>;
}

export async function readFakeState(file: string): Promise<FakeRaucState> {
  return JSON.parse(await readFile(file, 'utf8'));
}

export async function writeFakeState(file: string, patch: Partial<FakeRaucState> = {}) {
  const s: FakeRaucState = {
    compatible: COMPATIBLE,
    keyring: DEV_KEY,
    booted: 'A',
    primary: 'rootfs.0',
    slots: {
      'rootfs.0': { bootname: 'A', version: '0.1.0', installed: '2026-01-01T00:00:00Z' },
      'rootfs.1': { bootname: 'B', version: null, installed: null },
    },
    ...patch,
  };
  await writeFile(file, JSON.stringify(s, null, 2));
  return s;
}

export interface AgentHarness {
  dir: string;
  stateFile: string;
  rebootLog: string;
  env: Record<string, string>;
  /** Runs `agent.ts <command>` once, as the root unit would; resolves with its exit code. */
  run(command: 'process' | 'report'): Promise<{ code: number | null; stderr: string }>;
  /** Starts watching request.json (a bounded poll, like a systemd path unit). */
  watch(): void;
  stop(): Promise<void>;
}

/**
 * The reboot log once a whole line is in it, else undefined (for `until`). The fake reboot
 * command creates the file and then writes the line; a reader in between saw an empty file
 * under load (a loaded pair, 2026-12-07).
 */
export async function rebootLogged(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.endsWith('\n') ? text : undefined;
}

/** The agent's env: the fake rauc, and a reboot command that only records it was called. */
export async function agentHarness(dir?: string): Promise<AgentHarness> {
  const base = await tempDir('pos-agent-');
  const updateDir = dir ?? path.join(base, 'update');
  const stateFile = path.join(base, 'rauc-state.json');
  const rebootLog = path.join(base, 'reboots.log');
  await writeFakeState(stateFile);
  // On the appliance the image makes the directory (owned by pos); here the harness does.
  await mkdir(updateDir, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? '',
    POS_UPDATE_DIR: updateDir,
    POS_RAUC: FAKE_RAUC,
    FAKE_RAUC_STATE: stateFile,
    FAKE_RAUC_HOLD: path.join(base, 'hold'),
    POS_REBOOT_COMMAND: `${process.execPath} -e "require('fs').appendFileSync('${rebootLog}', 'reboot 0 tryboot\\n')"`,
  };
  const run = (command: 'process' | 'report') =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'daemon', 'update', 'agent.ts'), command],
        { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  let stopped = false;
  let loop: Promise<void> | null = null;
  return {
    dir: updateDir,
    stateFile,
    rebootLog,
    env,
    run,
    watch() {
      loop = (async () => {
        while (!stopped) {
          if (existsSync(path.join(updateDir, 'request.json'))) await run('process');
          else await new Promise((r) => setTimeout(r, 25));
        }
      })();
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * POSTs `body` (a Buffer or a file streamed in 1 MiB chunks) to /api/v1/admin/update/bundle
 * with http.request and a Content-Length. `pauseAt`: after that many bytes the sending stops
 * until `onPause()` resolves (to look at the daemon while the body is half sent).
 */
export async function uploadBundle(
  url: string,
  body: Buffer | { file: string; size: number },
  opts: { token?: string; pauseAt?: number; onPause?: () => Promise<void> } = {},
): Promise<{ status: number; body: any }> {
  const http = await import('node:http');
  const { createReadStream } = await import('node:fs');
  const size = Buffer.isBuffer(body) ? body.length : body.size;
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/v1/admin/update/bundle`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(size),
        ...(opts.token === ''
          ? {}
          : { authorization: `Bearer ${opts.token ?? 'demo-admin-token'}` }),
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }),
      );
    });
    req.on('error', reject);
    if (Buffer.isBuffer(body)) return req.end(body);
    const src = createReadStream(body.file, { highWaterMark: 1024 * 1024 });
    let sent = 0;
    let paused = false;
    src.on('data', (chunk) => {
      sent += chunk.length;
      if (!req.write(chunk)) {
        src.pause();
        req.once('drain', () => !paused && src.resume());
      }
      if (!paused && opts.pauseAt !== undefined && sent >= opts.pauseAt) {
        paused = true;
        opts.pauseAt = undefined;
        src.pause();
        void opts.onPause!().then(() => {
          paused = false;
          src.resume();
        }, reject);
      }
    });
    src.on('end', () => req.end());
    src.on('error', reject);
  });
}

/** Polls `probe` until it returns a value (not undefined); bounded. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
