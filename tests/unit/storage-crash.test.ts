/**
 * Crash safety of the durable store: a child process writes documents in a loop through the
 * real JsonDocument / writeFileDurable and is SIGKILLed at a random moment, over and over.
 * After every kill each file must parse and hold either the last committed content or the one
 * being written (old or new), never a torn mix. A process kill does not drop the page cache,
 * so this checks the write/rename protocol; the fsyncs that cover power loss are checked by
 * tests/unit/store.test.ts (they are called) and rely on the kernel's documented semantics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT, tempDir } from '../helpers/daemon.js';
import { payloadFor, type CounterDoc } from '../fixtures/crash-writer.js';

const ITERATIONS = 100;
/** Upper bound on the whole loop; the test stops early (and says so) rather than run long. */
const BUDGET_MS = 90_000;

interface Run {
  started: number;
  lastCommitted: number;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the writer until it has committed at least once, then SIGKILLs it at a random point. */
async function runAndKill(bundle: string, dir: string): Promise<Run> {
  const child = spawn(process.execPath, [bundle, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { started: -1, lastCommitted: -1, stderr: '', code: null, signal: null };
  let buf = '';
  let killArmed = false;
  const arm = () => {
    if (killArmed) return;
    killArmed = true;
    // Random point inside the write loop: after 0-15 ms more writing.
    setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 16));
  };
  child.stdout.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      const [kind, n] = line.split(' ');
      if (kind === 'start') run.started = Number(n);
      if (kind === 'c') {
        run.lastCommitted = Number(n);
        arm();
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => (run.stderr += c.toString()));
  // Wait for 'close' (not 'exit'): every line the child wrote before dying has been read.
  await new Promise<void>((resolve) =>
    child.on('close', (code, signal) => {
      run.code = code;
      run.signal = signal;
      resolve();
    }),
  );
  return run;
}

function checkCounterDoc(text: string, L: number, i: number): number {
  let env: { schema_version: number; data: CounterDoc };
  try {
    env = JSON.parse(text);
  } catch (err) {
    assert.fail(`iteration ${i}: counter.json does not parse: ${(err as Error).message}`);
  }
  assert.equal(env.schema_version, 1);
  const n = env.data.counter;
  assert.ok(
    n === L || n === L + 1,
    `iteration ${i}: counter.json holds ${n}, expected ${L}|${L + 1}`,
  );
  assert.equal(env.data.payload, payloadFor(n), `iteration ${i}: counter.json payload is torn`);
  return n;
}

function checkRaw(text: string, L: number, i: number): number {
  const nl = text.indexOf('\n');
  const n = Number(text.slice(0, nl));
  assert.ok(n === L || n === L + 1, `iteration ${i}: raw.txt holds ${n}, expected ${L}|${L + 1}`);
  assert.equal(text.slice(nl + 1), payloadFor(n), `iteration ${i}: raw.txt is torn`);
  return n;
}

test('SIGKILL during durable writes leaves old or new content, never torn', async (t) => {
  const dir = await tempDir('pos-crash-');
  const bundleDir = await tempDir('pos-crash-bundle-');
  try {
    // Bundled once so each child starts in plain node (no TS loader), which makes 100+ runs
    // cheap. The bundle is the real store code, unchanged.
    const bundle = path.join(bundleDir, 'crash-writer.mjs');
    await build({
      entryPoints: [path.join(ROOT, 'tests', 'fixtures', 'crash-writer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'error',
    });

    const t0 = performance.now();
    let done = 0;
    let killedMidWrite = 0;
    let previous = 0; // last value known durable before this run
    for (let i = 1; i <= ITERATIONS && performance.now() - t0 < BUDGET_MS; i++) {
      const run = await runAndKill(bundle, dir);
      assert.equal(run.signal, 'SIGKILL', `iteration ${i}: writer ended on its own: ${run.stderr}`);
      assert.ok(run.started >= previous, `iteration ${i}: started at ${run.started} < ${previous}`);
      const L = run.lastCommitted;
      assert.ok(L > run.started, `iteration ${i}: nothing committed`);

      const names = await readdir(dir);
      if (names.some((n) => n.endsWith('.tmp'))) killedMidWrite++;
      const a = checkCounterDoc(await readFile(path.join(dir, 'counter.json'), 'utf8'), L, i);
      const b = checkRaw(await readFile(path.join(dir, 'raw.txt'), 'utf8'), L, i);
      previous = Math.max(a, b);
      done = i;
    }
    t.diagnostic(
      `crash iterations: ${done}, killed with a temp file pending: ${killedMidWrite}, ` +
        `final counter: ${previous}, ${Math.round(performance.now() - t0)} ms`,
    );
    assert.ok(done >= 50, `only ${done} iterations fit in the time budget`);
    // The kills must really land inside writes, or this test proves nothing.
    assert.ok(killedMidWrite > 0, 'no kill landed between temp write and rename');

    // The next start removes the temp files a killed writer left behind.
    const last = await runAndKill(bundle, dir);
    assert.ok(last.started >= previous);
    const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    assert.ok(leftovers.length <= 2, `temp files accumulate: ${leftovers.join(', ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(bundleDir, { recursive: true, force: true });
  }
});
