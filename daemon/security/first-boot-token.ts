/**
 * The appliance's first-boot admin token, shown once (docs/APPLIANCE.md, "Reading the admin
 * token"). pos-firstboot leaves the ADMIN_TOKEN it generated in DATA_DIR/first-boot-token.
 * While that file exists, loopback callers only (the kiosk on the Pi itself) get it from
 *   GET /api/internal/first-boot-token       → {"admin_token": "..."}
 *   GET /api/internal/first-boot-token/page  → a small HTML page for the kiosk screen, which
 *                                             goes on to /pos once the token is consumed
 * and the first successful admin login deletes the file; from then on both answer 404.
 * Paths under /api/internal/ pass the POS IP whitelist; these handlers check loopback
 * themselves, on the socket's address (a proxy header cannot make a request local).
 */
import { readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'koa';
import type { AppHost } from '../app-host.js';
import { fail } from '../http/errors.js';
import type { AuthEvents } from './auth.js';
import { isLoopback } from './client-ip.js';

export const FIRST_BOOT_TOKEN_FILE = 'first-boot-token';

export class FirstBootToken {
  readonly name = 'first-boot-token';
  private previousOnLogin: AuthEvents['onLogin'];

  constructor(
    private readonly app: Pick<AppHost, 'auth' | 'log'>,
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

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(token: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Counter POS — admin token</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:20px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f4f4f0;color:#222}
main{max-width:40em;padding:2em}
code{display:block;font-size:1.6em;letter-spacing:.05em;background:#fff;border:2px solid #222;padding:.5em;margin:1em 0;word-break:break-all;user-select:all}
a{display:inline-block;margin:.5em 1em .5em 0;padding:.6em 1.2em;background:#222;color:#fff;text-decoration:none;border-radius:.3em}
</style></head><body><main>
<h1>Counter POS is ready</h1>
<p>This is the admin token. Write it down or keep it in a password manager: it is shown here
only until the first admin login.</p>
<code>${escapeHtml(token)}</code>
<p><a href="/admin">Log in as admin</a><a id="pos" href="/pos">Go to the checkout</a></p>
</main>
<script>
// The kiosk keeps its query (?kiosk=1) on the way to the checkout, and leaves this page by
// itself once the first admin login (on any device) has consumed the token.
const pos = document.getElementById('pos');
pos.href = '/pos' + location.search;
setInterval(() => {
  fetch('/api/internal/first-boot-token', { cache: 'no-store' })
    .then((res) => { if (res.status === 404) location.replace(pos.href); })
    .catch(() => {});
}, 3000);
</script>
</body></html>
`;
}

/** Registers the routes and the login hook; call from the security wiring. */
export function installFirstBootToken(app: AppHost): FirstBootToken {
  const fbt = new FirstBootToken(app, path.join(app.config.dataDir, FIRST_BOOT_TOKEN_FILE));
  const pending = async (ctx: Context): Promise<string> => {
    // Both must be local: the socket (a forged X-Forwarded-For cannot make a request local)
    // and the client address (behind a reverse proxy on the Pi every socket is loopback).
    const local =
      isLoopback(ctx.req.socket.remoteAddress ?? '') && isLoopback(ctx.state.clientIp as string);
    const token = local ? await fbt.read() : null;
    return token ?? fail(404, 'not_found', 'No first-boot admin token to show');
  };
  app.router.get('/api/internal/first-boot-token', async (ctx) => {
    const token = await pending(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { admin_token: token };
  });
  app.router.get('/api/internal/first-boot-token/page', async (ctx) => {
    const token = await pending(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = page(token);
  });
  app.use(fbt);
  return fbt;
}
