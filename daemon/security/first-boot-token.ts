/**
 * The appliance's first-boot admin token, shown once (docs/APPLIANCE.md, "Reading the admin
 * token"). pos-firstboot leaves the ADMIN_TOKEN it generated in DATA_DIR/first-boot-token.
 * While that file exists, loopback callers only (the kiosk on the Pi itself) get it from
 *   GET /api/internal/first-boot-token       → {"admin_token": "..."}
 *   GET /api/internal/first-boot-token/page  → a small HTML page for the kiosk screen, which
 *                                             goes on to /pos once the token is consumed
 * and the first successful admin login deletes the file; from then on both answer 404.
 * The routes (daemon/http/routes/first-boot.ts) have the `internal` policy: loopback only.
 */
import { readFile, unlink } from 'node:fs/promises';
import type { Logger } from '../log.js';
import type { AdminAuth, AuthEvents } from './auth.js';

export const FIRST_BOOT_TOKEN_FILE = 'first-boot-token';

export class FirstBootToken {
  readonly name = 'first-boot-token';
  private previousOnLogin: AuthEvents['onLogin'];

  constructor(
    private readonly app: { auth: AdminAuth; log: Logger },
    readonly file: string,
  ) {}

  /** The pending token, or null once it has been consumed (or was never there). */
  async read(): Promise<string | null> {
    try {
      const token = (await readFile(this.file, 'utf8')).trim();
      return token === '' ? null : token;
    } catch {
      return null;
    }
  }

  async consume(): Promise<void> {
    try {
      await unlink(this.file);
      this.app.log.info(`first admin login: removed ${this.file} (the token is shown no more)`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.app.log.warn(`cannot remove ${this.file}: ${(err as Error).message}`);
      }
    }
  }

  start(): void {
    const { auth } = this.app;
    this.previousOnLogin = auth.events.onLogin;
    auth.events.onLogin = (ip, ok, via) => {
      this.previousOnLogin?.(ip, ok, via);
      if (ok) void this.consume();
    };
  }

  stop(): void {
    this.app.auth.events.onLogin = this.previousOnLogin;
  }
}
