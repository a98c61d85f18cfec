// Deletes the demo data directory so the next `npm start` seeds a fresh demo catalog.
// Refuses when APP_ENV=production, and refuses any directory that is not a Counter POS data
// directory (no marker file the store writes) or that is obviously not one (/, $HOME, the
// project itself), so a mistyped DATA_DIR can never wipe the wrong place.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../daemon/config.js';
import { DATA_DIR_MARKER } from '../daemon/store/index.js';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function refuse(message: string): never {
  console.error(`demo:reset: ${message}`);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) refuse(`refusing: ${err.message}`);
  throw err;
}
if (config.appEnv !== 'demo') {
  refuse(`APP_ENV is ${config.appEnv}; refusing to delete ${config.dataDir}`);
}
const dir = config.dataDir;
if (!existsSync(dir)) {
  console.log(`demo:reset: ${dir} does not exist; the next start seeds the demo catalog`);
  process.exit(0);
}
const forbidden = [path.parse(dir).root, homedir(), PACKAGE_ROOT, process.cwd()];
if (forbidden.some((f) => path.resolve(f) === dir)) {
  refuse(`DATA_DIR ${dir} is not a data directory of its own; refusing to delete it`);
}
if (!existsSync(path.join(dir, DATA_DIR_MARKER))) {
  refuse(`${dir} has no ${DATA_DIR_MARKER} marker (not a Counter POS data directory); refusing`);
}
await rm(dir, { recursive: true, force: true });
console.log(`demo:reset: deleted ${dir}; the next start seeds the demo catalog again`);
