/**
 * Serves the built kiosk UI (dist/ui): /pos, /display/:terminal_id, /kiosk/dual and /admin pages (never cached, so a reload picks
 * up a new build), /assets/* (content-hashed names, cached for a year).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
};

export function staticUi(uiDir: string, pageGuard: (ctx: Context, next: Next) => Promise<void>) {
  const cache = new Map<string, Buffer>();
  const load = async (file: string): Promise<Buffer | null> => {
    const hit = cache.get(file);
    if (hit) return hit;
    try {
      const data = await readFile(file);
      cache.set(file, data);
      return data;
    } catch {
      return null;
    }
  };

  return async function serveUi(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/') return ctx.redirect('/pos');
    // /display/<terminal id>: the customer display of that till (the page reads the id itself).
    // /kiosk/dual: the till and its customer display in one window over two outputs.
    const page =
      /^\/(pos|admin)\/?$/.exec(ctx.path) ??
      /^\/(display)\/[A-Za-z0-9_-]{1,64}$/.exec(ctx.path) ??
      /^\/kiosk\/(dual)$/.exec(ctx.path);
    if (page) {
      const serve = async () => {
        const html = await load(path.join(uiDir, `${page[1]}.html`));
        if (!html) {
          ctx.status = 503;
          ctx.type = 'text/plain';
          ctx.body = 'The UI is not built yet: run `npm run build`.';
          return;
        }
        ctx.set('Cache-Control', 'no-cache');
        ctx.type = TYPES['.html'];
        ctx.body = html;
      };
      // /pos, /display and /kiosk/dual are behind the IP whitelist; /admin has its own login.
      return page[1] === 'admin' ? serve() : pageGuard(ctx, serve);
    }
    if (ctx.path.startsWith('/assets/')) {
      const rel = ctx.path.slice('/assets/'.length);
      if (!/^[A-Za-z0-9._-]+$/.test(rel) || rel.includes('..')) return next();
      const data = await load(path.join(uiDir, 'assets', rel));
      if (!data) return next();
      const hashed = /-[A-Z0-9]{8}\.[a-z0-9]+$/i.test(rel);
      ctx.set(
        'Cache-Control',
        hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      );
      ctx.type = TYPES[path.extname(rel)] ?? 'application/octet-stream';
      ctx.body = data;
      return;
    }
    return next();
  };
}
