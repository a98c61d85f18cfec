#!/usr/bin/env node
// Runs the node:test suites with an explicit file list (a directory argument would silently
// run nothing under Node 20). Usage: node scripts/run-tests.mjs [unit|api|e2e|security|...]
// Default: every *.test.ts under tests/ except tests/bench and tests/image.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testsDir = path.join(root, 'tests');
const only = process.argv.slice(2);
const excluded = new Set(['bench', 'image', 'helpers', 'fixtures']);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = [];
for (const name of readdirSync(testsDir)) {
  const p = path.join(testsDir, name);
  if (!statSync(p).isDirectory()) continue;
  if (only.length ? !only.includes(name) : excluded.has(name)) continue;
  files.push(...walk(p));
}
files = files.sort().map((f) => path.relative(root, f));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const child = spawn(
  process.execPath,
  // A test file that never finishes fails after 10 minutes instead of holding CI until its
  // limit (the kill -9 file restarts the daemon 20 times: ~5 minutes on a loaded machine).
  ['--test', '--test-concurrency=2', '--test-timeout=600000', '--import', 'tsx', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, POS_ENV_FILE: '' },
  },
);
// Whole-run bound: a test file whose process never exits (a leaked handle) would otherwise
// keep the runner waiting forever. TEST_RUN_LIMIT_S overrides the default 40 minutes.
const limitS = Number(process.env.TEST_RUN_LIMIT_S || 2400);
const watchdog = setTimeout(() => {
  console.error(`run-tests: the suite ran longer than ${limitS} s; stopping it`);
  child.kill('SIGKILL');
}, limitS * 1000);
watchdog.unref();
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
