/**
 * The appliance's first-boot admin token for the kiosk screen (policy `internal`: callers on
 * this machine only; see daemon/security/first-boot-token.ts):
 *   GET /api/internal/first-boot-token       → {"admin_token": "..."}
 *   GET /api/internal/first-boot-token/page  → a small HTML page for the kiosk screen; it goes
 *                                             on to /pos by itself once the token is consumed
 * Both answer 404 once the first admin login consumed the token.
 */
import type { Context, Routes } from '../../core/http.js';
import { fail } from '../../core/errors.js';
import { escapeHtml } from '../../core/html.js';
import type { FirstBootToken } from '../../security/first-boot-token.js';

function page(token: string): string {
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Counter POS – Admin-Schlüssel</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:18px/1.45 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f4f4f0;color:#222}
main{max-width:40em;padding:1em 2em}
h1{font-size:1.7em;margin:0 0 .4em}
p{margin:.4em 0}
code{display:block;font-size:1.5em;letter-spacing:.05em;background:#fff;border:2px solid #222;padding:.4em .5em;margin:.6em 0;word-break:break-all;user-select:all}
a{display:inline-block;margin:.5em 1em .5em 0;padding:.6em 1.2em;background:#222;color:#fff;text-decoration:none;border-radius:.3em}
</style></head><body><main>
<h1>Counter POS ist bereit</h1>
<p>Das ist der Admin-Schlüssel. Schreiben Sie ihn auf oder legen Sie ihn in einem
Passwort-Manager ab: Er wird hier nur bis zur ersten Admin-Anmeldung angezeigt.</p>
<code>${escapeHtml(token)}</code>
<p><a href="/admin">Als Admin anmelden</a><a id="pos" href="/pos">Zur Kasse</a></p>
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

export function firstBootRoutes(routes: Routes, deps: { token: FirstBootToken }): void {
  const pending = async (): Promise<string> =>
    (await deps.token.read()) ?? fail(404, 'not_found', 'No first-boot admin token to show');
  const noStore = (ctx: Context) => ctx.set('Cache-Control', 'no-store');

  routes.get('/api/internal/first-boot-token', async (ctx) => {
    const token = await pending();
    noStore(ctx);
    ctx.body = { admin_token: token };
  });

  routes.get('/api/internal/first-boot-token/page', async (ctx) => {
    const token = await pending();
    noStore(ctx);
    ctx.type = 'html';
    ctx.body = page(token);
  });
}
