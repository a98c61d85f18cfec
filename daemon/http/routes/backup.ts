/**
 * Backup and restore (admin):
 *   GET  /api/v1/admin/backup     a .tar.gz of DATA_DIR, streamed
 *   POST /api/v1/admin/restore    upload a backup (application/gzip); validated, then staged;
 *                                 it replaces the data at the next start (old data kept);
 *                                 `?identity=new` gives the appliance a new fleet identity
 *                                 (a second appliance made from one backup; docs/FLEET.md)
 *   GET  /api/v1/admin/restore    {pending}
 */
import type { Context, Routes } from '../../core/http.js';
import {
  backupArchive,
  RESTORE_LIMITS,
  restoreArchive,
  restorePending,
  type RestoreLimits,
} from '../../backup/index.js';
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
  /** Marks the staged restore to give this appliance a new fleet identity (`?identity=new`). */
  newIdentity?(): Promise<void>;
  /** What an upload may cost (default RESTORE_LIMITS). */
  restoreLimits?: RestoreLimits;
}

export function backupRoutes(routes: Routes, deps: BackupRouteDeps): void {
  routes.get('/api/v1/admin/backup', (ctx) => {
    const now = deps.now();
    const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    ctx.type = 'application/gzip';
    ctx.attachment(`counter-pos-backup-${stamp}.tar.gz`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = backupArchive({
      dataDir: deps.dataDir,
      appVersion: deps.appVersion,
      now,
      flush: deps.flush,
      warn: deps.warn,
    });
    deps.audit(ctx, 'backup.download', null, { at: new Date(now).toISOString() });
  });

  routes.get('/api/v1/admin/restore', async (ctx) => {
    ctx.body = { pending: await restorePending(deps.dataDir) };
  });

  routes.post('/api/v1/admin/restore', async (ctx) => {
    const limits = deps.restoreLimits ?? RESTORE_LIMITS;
    if (!ctx.is('application/gzip', 'application/x-gzip', 'application/octet-stream'))
      fail(415, 'unsupported_media_type', 'Send the backup file (.tar.gz) as application/gzip');
    const identity = ctx.query.identity ?? 'keep';
    if (identity !== 'keep' && identity !== 'new')
      fail(400, 'invalid_field', 'identity must be keep or new', 'identity');
    const declared = Number(ctx.get('content-length') || NaN);
    if (Number.isFinite(declared) && declared > limits.maxUploadBytes)
      fail(413, 'payload_too_large', 'Backup is larger than the upload limit', undefined, {
        limit: 'upload_bytes',
        max: limits.maxUploadBytes,
      });
    // Refusals are BackupErrors (DomainError: status, code, params); the upload is drained.
    const result = await restoreArchive(ctx.req, deps.dataDir, limits);
    if (identity === 'new') await deps.newIdentity?.();
    deps.audit(ctx, 'backup.restore', null, { ...result, identity });
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
