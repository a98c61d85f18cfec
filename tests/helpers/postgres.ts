/**
 * A throwaway PostgreSQL cluster for the fleet tests and benchmarks: Debian's `postgresql`
 * package (scripts/ensure-system-deps.sh installs it), initdb in a temp directory, the server
 * on a free loopback port with a private socket directory. As root, initdb and postgres run
 * as the unprivileged `nobody` (PostgreSQL refuses to run as root).
 *
 *   const pg = await startPostgres();
 *   pg.url('postgres')            // postgres://postgres@127.0.0.1:<port>/postgres
 *   await pg.stop(); await pg.start();   // the centre down for a while and back (same port)
 *   await pg.destroy();            // stopped and removed
 *
 * Every wait is bounded and waits for an event (the server's "ready" log line, the process
 * exit), never a fixed sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where Debian puts the server binaries (newest major first). */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .filter((d) => /^\d+$/.test(d) && existsSync(path.join(base, d, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? path.join(base, majors[0], 'bin') : null;
}

export interface PgCluster {
  port: number;
  dir: string;
  socketDir: string;
  /** A connection URL for `database` as `user` (default the superuser postgres). */
  url(database?: string, user?: string, params?: string): string;
  /** Runs SQL as the superuser (a fresh connection each time). */
  sql(text: string, database?: string): Promise<Array<Record<string, unknown>>>;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  running(): boolean;
  /** Fast shutdown (SIGINT), waits for the exit. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  /** Stops and removes everything. */
  destroy(): Promise<void>;
  /** The server's log so far. */
  log(): string;
}

export interface PgOptions {
  /** fsync off: a test cluster whose crash safety is not under test (default true). */
  fast?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
  /** Files to put into the data directory before the start (e.g. TLS certificates). */
  files?: Record<string, string>;
  startTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const NOBODY = { uid: 65534, gid: 65534 };

function asUser(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? NOBODY : {};
}

function run(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      ...asUser(),
      env: { PATH: process.env.PATH ?? '', LC_ALL: 'C', HOME: tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(bin)} exited with ${code}:\n${out}`));
    });
  });
}

export async function startPostgres(opts: PgOptions = {}): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      'PostgreSQL server binaries not found (Debian package postgresql; npm test installs it)',
    );
  const root = await mkdtemp(path.join(tmpdir(), 'pos-pg-'));
  const dir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  const user = asUser();
  await mkdir(dir, { mode: 0o700 });
  await mkdir(socketDir, { mode: 0o700 });
  if (user.uid !== undefined) {
    await chown(root, user.uid, user.gid!);
    await chown(dir, user.uid, user.gid!);
    await chown(socketDir, user.uid, user.gid!);
  }
  const timeout = opts.startTimeoutMs ?? 60_000;
  await run(
    path.join(bin, 'initdb'),
    ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync'],
    timeout,
  );
  for (const [name, content] of Object.entries(opts.files ?? {})) {
    const f = path.join(dir, name);
    await writeFile(f, content, { mode: 0o600 });
    if (user.uid !== undefined) await chown(f, user.uid, user.gid!);
  }
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    max_connections: '60',
    shared_buffers: '32MB',
    ...(opts.fast === false
      ? {}
      : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...opts.settings,
  };
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let logText = '';

  const start = async () => {
    const args = ['-D', dir, '-p', String(port)];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const c = spawn(path.join(bin, 'postgres'), args, {
      ...user,
      env: { PATH: process.env.PATH ?? '', LC_ALL: 'C', HOME: tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    exited = new Promise<void>((resolve) => c.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new Error(`postgres did not get ready in ${timeout} ms:\n${logText}`));
      }, timeout);
      const from = logText.length;
      const onData = (chunk: Buffer) => {
        logText += chunk.toString();
        if (logText.slice(from).includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', onData);
      c.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited with ${code} at start:\n${logText}`));
      });
    });
  };

  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGINT'); // fast shutdown: active sessions are ended
    const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  const url = (database = 'postgres', u = 'postgres', params = '') =>
    `postgres://${encodeURIComponent(u)}@127.0.0.1:${port}/${database}${params ? `?${params}` : ''}`;

  const sql = async (text: string, database = 'postgres') => {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: url(database) });
    await c.connect();
    try {
      const r = await c.query(text);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return last.rows as Array<Record<string, unknown>>;
    } finally {
      await c.end();
    }
  };

  try {
    await start();
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  return {
    port,
    dir,
    socketDir,
    url,
    sql,
    async createDatabase(name) {
      await sql(`CREATE DATABASE "${name}"`);
      return url(name);
    },
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    stop,
    start,
    async destroy() {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
    log: () => logText,
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws `what`). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  explain: () => string = () => '',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${String(last)}` : ''} ${explain()}`.trim(),
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}
