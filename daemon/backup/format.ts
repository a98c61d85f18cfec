/**
 * The backup format: a gzip'd tar (ustar headers, written and read with tar-stream) of
 * DATA_DIR's files, ending with `.counter-pos-backup.json` (format, version, and every
 * file's size and SHA-256). Archives written by the earlier hand-made ustar writer are the
 * same format and restore as they are.
 */
import path from 'node:path';

export const MANIFEST = '.counter-pos-backup.json';
export const FORMAT = 'counter-pos-backup';
export const STAGED = '.restore-staged';
/** Prefix of an upload's working directory (one per upload, random suffix). */
export const INCOMING = '.restore-incoming';
export const PREVIOUS = 'previous';

/**
 * Relative paths we write and accept: plain names of letters, digits, `.`, `_`, `-` (no dot
 * segments, nothing hidden), each at most 128 characters, at most 3 deep.
 */
export const SAFE_PATH =
  /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){0,2}$/;

export interface Manifest {
  format: typeof FORMAT;
  version: 1;
  app_version: string;
  created_at: string;
  files: Array<{ path: string; size: number; sha256: string }>;
  /** Entries left out because restore would refuse their names (or not regular files). */
  skipped?: string[];
}

/** Not part of a backup: earlier data sets, restore work, temp and torn files, hidden files. */
export function excluded(rel: string): boolean {
  const top = rel.split('/')[0];
  const base = path.basename(rel);
  return (
    top === PREVIOUS ||
    top === 'lost+found' ||
    top.startsWith('.') ||
    base.startsWith('.') ||
    base.endsWith('.tmp') ||
    base.includes('.torn-')
  );
}
