/**
 * Process entry: config → app → start; signals; sd_notify. Exits non-zero with one clear
 * line when the configuration is refused.
 */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createApp } from './app/index.js';
import { VERSION } from './core/version.js';
import { SdNotify } from './sd-notify.js';

/** listen() failures an operator can fix, in plain words (no stack trace). */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (another daemon running?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this machine has no such address',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
};

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pos-daemon: refusing to start: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  log.info(
    `counter-pos ${VERSION} starting (APP_ENV=${config.appEnv}, DATA_DIR=${config.dataDir}${config.envFile ? `, env file ${config.envFile}` : ''})`,
  );
  let app;
  try {
    app = await createApp({ config, log });
  } catch (err) {
    // Some rules can only be checked once modules exist (e.g. PAYMENT_MINIMUM_<ID>_CENTS must
    // name a registered provider): the same one clear line as for the env rules.
    if (err instanceof ConfigError) {
      process.stderr.write(`pos-daemon: refusing to start: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const notify = new SdNotify({
    socket: config.notifySocket,
    watchdogUsec: config.watchdogUsec,
    log,
  });

  // Signal handlers go in before the daemon announces itself: without a handler, a SIGTERM
  // right after POS_READY / READY=1 would kill the process at once instead of stopping it.
  let starting: Promise<number> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    notify.stopping();
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    await starting?.catch(() => {}); // a stop during start waits for start to settle
    await app.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) =>
    log.error(`unhandled rejection: ${(err as Error)?.stack ?? err}`),
  );

  starting = app.start();
  let port: number;
  try {
    port = await starting;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const why = LISTEN_ERRORS[code];
    if (!why) throw err;
    process.stderr.write(
      `pos-daemon: cannot listen on ${config.host}:${config.port}: ${why} (HOST / PORT)\n`,
    );
    process.exit(1);
  }
  if (stopping) return;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  log.info(`listening on http://${shown}:${port} — checkout at /pos, admin at /admin`);
  if (config.appEnv === 'demo') {
    log.warn(
      `DEMO MODE: admin token is "${config.adminToken}" (log in at http://${shown}:${port}/admin). Never use demo mode in a shop.`,
    );
  }
  // Machine-readable line for tests and scripts that start the daemon on port 0.
  process.stdout.write(`POS_READY port=${port}\n`);
  notify.ready(`serving on port ${port}`);
}

main().catch((err) => {
  process.stderr.write(`pos-daemon: fatal: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
