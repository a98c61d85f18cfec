#!/usr/bin/env node
// Bundles kiosk-ui/src/{pos,admin,display,dual}/main.ts with esbuild into dist/ui: content-hashed assets
// under dist/ui/assets and the HTML pages that reference them. Prints the gzipped size of
// each page's JavaScript (the /pos budget is 150 KB gzipped).
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'ui');
const pages = ['pos', 'admin', 'display', 'dual'];
/** Gzipped JavaScript budget per page; the build fails above it (the Pi 3 parses slowly). */
const BUDGET_KB = { pos: 150, admin: 250, display: 100, dual: 10 };

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: Object.fromEntries(
    pages.map((p) => [p, path.join(root, 'kiosk-ui', 'src', p, 'main.ts')]),
  ),
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  sourcemap: true,
  target: 'chrome100',
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  logLevel: 'warning',
  tsconfig: path.join(root, 'tsconfig.json'),
});

const publicDir = path.join(root, 'kiosk-ui', 'public');
if (existsSync(publicDir)) await cp(publicDir, path.join(out, 'assets'), { recursive: true });

const outputs = result.metafile.outputs;
for (const page of pages) {
  const entry = Object.entries(outputs).find(
    ([, o]) => o.entryPoint && o.entryPoint.endsWith(`src/${page}/main.ts`),
  );
  if (!entry) throw new Error(`no output for ${page}`);
  const file = path.basename(entry[0]);
  // The page's JS = its entry plus every chunk it imports statically.
  const seen = new Set();
  const walk = (p) => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const imp of outputs[p].imports) if (imp.kind === 'import-statement') walk(imp.path);
  };
  walk(entry[0]);
  let gz = 0;
  for (const p of seen) gz += gzipSync(await readFile(path.join(root, p))).length;
  const template = await readFile(path.join(root, 'kiosk-ui', `${page}.html`), 'utf8');
  await writeFile(path.join(out, `${page}.html`), template.replace('%SCRIPT%', `/assets/${file}`));
  const kb = gz / 1024;
  console.log(`ui: /${page} JavaScript ${kb.toFixed(1)} KB gzipped (${seen.size} file(s))`);
  if (kb > BUDGET_KB[page]) {
    console.error(`ui: /${page} is over its ${BUDGET_KB[page]} KB gzipped budget`);
    process.exitCode = 1;
  }
}
await writeFile(
  path.join(out, 'build.json'),
  JSON.stringify({ built_at: new Date().toISOString() }),
);
