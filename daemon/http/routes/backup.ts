/**
 * Backup and restore (admin):
 *   GET  /api/v1/admin/backup     a .tar.gz of DATA_DIR, streamed
 *   POST /api/v1/admin/restore    upload a backup (application/gzip); validated, then staged;
 *                                 it replaces the data at the next start (old data kept)
 *   GET  /api/v1/admin/restore    {pending}
 */
import type { Context, Routes } from '../../core/http.js';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { backupTar, BackupError, restoreArchive, restorePending } from '../../backup/index.js';
import { fail } from '../../core/errors.js';

export interface BackupRouteDeps {
  dataDir: string;
  appVersion: string;
  now(): number;
  flush(): Promise<void>;
  audit(ctx: Context, action: string, before: unknown, after: unknown): void;
  warn(msg: string): void;
  /** Asks the service manager to restart us (systemd); false when nobody would restart us. */
  requestRestart(): boolean;
}

const MAX_UPLOAD = 2 * 1024 * 1024 * 1024;

export function backupRoutes(routes: Routes, deps: BackupRouteDeps): void {
  routes.get('/api/v1/admin/backup', (ctx) => {
    const now = deps.now();
    const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    ctx.type = 'application/gzip';
    ctx.attachment(`counter-pos-backup-${stamp}.tar.gz`);
    ctx.set('Cache-Control', 'no-store');
    const tar = Readable.from(
      backupTar({
        dataDir: deps.dataDir,
        appVersion: deps.appVersion,
        now,
        flush: deps.flush,
        warn: deps.warn,
      }),
    );
    const gz = createGzip();
    tar.on('error', (err) => gz.destroy(err));
    ctx.body = tar.pipe(gz);
    deps.audit(ctx, 'backup.download', null, { at: new Date(now).toISOString() });
  });

  routes.get('/api/v1/admin/restore', async (ctx) => {
    ctx.body = { pending: await restorePending(deps.dataDir) };
  });

  routes.post('/api/v1/admin/restore', async (ctx) => {
    if (!ctx.is('application/gzip', 'application/x-gzip', 'application/octet-stream'))
      fail(415, 'unsupported_media_type', 'Send the backup file (.tar.gz) as application/gzip');
    const declared = Number(ctx.get('content-length') || NaN);
    if (Number.isFinite(declared) && declared > MAX_UPLOAD)
      fail(413, 'payload_too_large', 'Backup is larger than 2 GiB');
    const gunzip = createGunzip();
    // Errors reach restoreArchive through the stream's iterator; this keeps a late second
    // error from becoming an uncaught 'error' event.
    gunzip.on('error', () => {});
    let received = 0;
    ctx.req.on('data', (c: Buffer) => {
      received += c.length;
      if (received > MAX_UPLOAD)
        gunzip.destroy(new BackupError('payload_too_large', 'Backup is larger than 2 GiB'));
    });
    ctx.req.pipe(gunzip);
    let result;
    try {
      result = await restoreArchive(gunzip as AsyncIterable<Buffer>, deps.dataDir);
    } catch (err) {
      ctx.req.unpipe(gunzip);
      ctx.req.resume();
      const code = (err as { code?: string }).code;
      if (typeof code === 'string' && code.startsWith('Z_'))
        fail(
          422,
          'invalid_backup',
          'Backup refused, nothing changed: the file is not a valid .tar.gz',
        );
      throw err;
    }
    deps.audit(ctx, 'backup.restore', null, result);
    const restarting = deps.requestRestart();
    ctx.status = 202;
    ctx.body = {
      staged: true,
      ...result,
      restart: restarting ? 'restarting' : 'required',
      message: restarting
        ? 'Backup is valid. The daemon restarts now and switches to it; the old data is kept under previous/.'
        : 'Backup is valid. Restart the daemon to switch to it; the old data is kept under previous/.',
    };
  });
}
