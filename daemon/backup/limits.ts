/**
 * What a restore upload may cost the appliance, at most. Every limit is enforced while the
 * upload streams in (never after unpacking it), so a refused archive costs at most these
 * bytes of disk (removed again) and a few MiB of memory: a JSON document is held whole to
 * parse it (≤ maxDocumentBytes), a journal line (≤ maxLineBytes), tar-stream's own header
 * buffer (≤ 4 MiB); everything else passes through in 64 KiB chunks.
 *
 * Sizes are chosen for an SD card appliance: the data of a busy kiosk after ten years
 * (≈ 3,650 sales day files, 120 monthly audit files, one image for each of 10,000 products,
 * a catalog.json of ≈ 3 MB) stays well inside them. docs/OPERATIONS.md lists them.
 */

import { DomainError } from '../core/errors.js';

export interface RestoreLimits {
  /** Compressed upload (the .tar.gz as sent). */
  maxUploadBytes: number;
  /** Sum of the files' sizes in the archive. */
  maxUnpackedBytes: number;
  /** Entries in the archive (files and directories). */
  maxEntries: number;
  /** One file. */
  maxEntryBytes: number;
  /** One JSON document (*.json), parsed whole to check it. */
  maxDocumentBytes: number;
  /** One journal line (*.jsonl). */
  maxLineBytes: number;
  /** Unpacked tar bytes per uploaded byte, checked once more than ratioGraceBytes unpacked. */
  maxRatio: number;
  ratioGraceBytes: number;
  /** Free space the restore leaves on the data partition. */
  reserveBytes: number;
}

const MiB = 1024 * 1024;

export const RESTORE_LIMITS: Readonly<RestoreLimits> = Object.freeze({
  maxUploadBytes: 2048 * MiB,
  maxUnpackedBytes: 4096 * MiB,
  // Each entry is a file written (and removed again on a refusal): this bounds that work.
  maxEntries: 20_000,
  maxEntryBytes: 256 * MiB,
  maxDocumentBytes: 64 * MiB,
  maxLineBytes: 1 * MiB,
  // Real backups unpack 5-15x (JSON); zeros unpack about 1000x.
  maxRatio: 200,
  ratioGraceBytes: 64 * MiB,
  reserveBytes: 256 * MiB,
});

/**
 * How many replaced data sets DATA_DIR/previous/ keeps (newest first); older ones are removed
 * after a restore is applied and at every start.
 */
export const KEEP_PREVIOUS = 3;

export type BackupErrorCode =
  | 'invalid_backup'
  | 'payload_too_large'
  | 'backup_too_large'
  | 'backup_too_many_files'
  | 'insufficient_storage'
  | 'restore_in_progress'
  | 'upload_aborted';

const STATUS: Record<BackupErrorCode, number> = {
  invalid_backup: 422,
  payload_too_large: 413,
  backup_too_large: 413,
  backup_too_many_files: 413,
  insufficient_storage: 507,
  restore_in_progress: 409,
  upload_aborted: 400,
};

/** A refused backup; nothing was changed. `params` name the limit ({limit, max}) for the UI. */
export class BackupError extends DomainError {
  constructor(code: BackupErrorCode, message: string, params?: Record<string, string | number>) {
    super(STATUS[code], code, `Backup refused, nothing changed: ${message}`, undefined, params);
    this.name = 'BackupError';
  }
}
