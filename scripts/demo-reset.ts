// Deletes the demo data directory so the next `npm start` seeds a fresh demo catalog.
// Refuses to touch anything when APP_ENV=production.
import { rm } from 'node:fs/promises';
import { loadConfig } from '../daemon/config.js';

const config = loadConfig();
if (config.appEnv !== 'demo') {
  console.error(`demo:reset: APP_ENV is ${config.appEnv}; refusing to delete ${config.dataDir}`);
  process.exit(2);
}
await rm(config.dataDir, { recursive: true, force: true });
console.log(`demo:reset: deleted ${config.dataDir}; the next start seeds the demo catalog again`);
