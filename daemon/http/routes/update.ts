/**
 * Over-the-air updates (admin; docs/UPDATES.md):
 *   GET  /api/v1/admin/update          running version, slots, job, reboot wait, channel, outcome
 *   POST /api/v1/admin/update/bundle   upload a bundle (application/octet-stream, streamed to disk),
 *                                      whole or in parts in order (Content-Range)
 *   PUT  /api/v1/admin/update/channel  {url} the update channel's manifest URL (null = none)
 *   POST /api/v1/admin/update/check    fetch the manifest: version, newer or not
 *   POST /api/v1/admin/update/fetch    download the manifest's bundle (sha256 checked), install
 *   POST /api/v1/admin/update/reboot   reboot into the installed update now (not while a
 *                                      payment is open)
 */
import type { Routes } from '../../core/http.js';
import { fail } from '../../core/errors.js';
import type { Updates } from '../../update/index.js';
import { readJson } from '../body.js';

export interface UpdateRouteDeps {
  updates: Updates;
}

export function updateRoutes(routes: Routes, deps: UpdateRouteDeps): void {
  const { updates } = deps;
  routes.get('/api/v1/admin/update', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await updates.info();
  });

  routes.post('/api/v1/admin/update/bundle', async (ctx) => {
    if (!ctx.is('application/octet-stream', 'application/vnd.rauc+bundle'))
      fail(415, 'unsupported_media_type', 'Send the bundle (.raucb) as application/octet-stream');
    const { job, complete } = await updates.upload(ctx);
    // 202: the whole bundle is in and handed to the agent; 200: a part, the next one please.
    ctx.status = complete ? 202 : 200;
    ctx.body = { job };
  });

  routes.put('/api/v1/admin/update/channel', async (ctx) => {
    const body = await readJson(ctx);
    if (!Object.hasOwn(body, 'url'))
      fail(400, 'invalid_field', 'url is required (null clears the channel)', 'url');
    ctx.body = { channel: await updates.setChannel(ctx, body.url) };
  });

  routes.post('/api/v1/admin/update/check', async (ctx) => {
    ctx.body = { channel: await updates.check(ctx) };
  });

  routes.post('/api/v1/admin/update/fetch', async (ctx) => {
    const job = await updates.fetch(ctx);
    ctx.status = 202;
    ctx.body = { job };
  });

  routes.post('/api/v1/admin/update/reboot', async (ctx) => {
    ctx.status = 202;
    ctx.body = await updates.rebootNow(ctx);
  });
}
