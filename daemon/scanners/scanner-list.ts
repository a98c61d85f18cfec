/**
 * The one list of known USB scanners (systemd/scanners.list, installed as
 * /etc/pos/scanners.list). The same file drives the udev rules (pos-scanner-rules: hidraw
 * access for group pos, libinput ignores the device) and this daemon (a keyboard-class device
 * on the list is read as a scanner), so the two can never disagree.
 *
 * Format, one entry a line: `VID:PID` in hex, PID `*` for every product of a vendor, `#` starts
 * a comment. A malformed line is skipped here (and named in the log); pos-scanner-rules
 * refuses the whole file, so the operator hears about it either way.
 *
 * The file is re-read when its modification time changes (checked on every rescan), and the
 * daemon watches its directory, so an edited list (the operator's, or an adoption that
 * pos-scanner-rules wrote in) takes effect at once, without restarting the daemon.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hex4 } from './device.js';

export interface ListEntry {
  vendorId: number;
  /** null: every product of the vendor. */
  productId: number | null;
  comment: string;
}

export interface ParsedList {
  entries: ListEntry[];
  errors: string[];
}

const ENTRY_RE = /^([0-9a-f]{4}):([0-9a-f]{4}|\*)$/;

export function parseScannerList(text: string): ParsedList {
  const entries: ListEntry[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const hash = line.indexOf('#');
    const entry = (hash >= 0 ? line.slice(0, hash) : line).replace(/\s+/g, '').toLowerCase();
    const comment = hash >= 0 ? line.slice(hash + 1).trim() : '';
    if (!entry) return;
    const m = ENTRY_RE.exec(entry);
    if (!m) {
      errors.push(
        `line ${i + 1}: expected VID:PID in hex (e.g. 0c2e:0b61 or 0c2e:*), got "${entry}"`,
      );
      return;
    }
    entries.push({
      vendorId: parseInt(m[1], 16),
      productId: m[2] === '*' ? null : parseInt(m[2], 16),
      comment,
    });
  });
  return { entries, errors };
}

export function listed(
  entries: readonly ListEntry[],
  vendorId: number,
  productId: number,
): boolean {
  return entries.some(
    (e) => e.vendorId === vendorId && (e.productId === null || e.productId === productId),
  );
}

/** The operator's copy on the appliance. */
export const SYSTEM_LIST = '/etc/pos/scanners.list';

/** The list shipped in the package (systemd/scanners.list), for development and demo. */
export function shippedListPath(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(d, 'systemd', 'scanners.list');
    try {
      statSync(candidate);
      return candidate;
    } catch {
      d = path.dirname(d);
    }
  }
  return path.join(d, 'systemd', 'scanners.list');
}

/** SCANNER_LIST, or: /etc/pos/scanners.list when it exists, else the shipped list. */
export function resolveListPath(configured: string): string {
  if (configured) return configured;
  try {
    statSync(SYSTEM_LIST);
    return SYSTEM_LIST;
  } catch {
    return shippedListPath();
  }
}

export class ScannerList {
  private entries: ListEntry[] = [];
  private mtime = -1;
  private watcher: FSWatcher | null = null;

  constructor(
    readonly file: string,
    private readonly warn: (msg: string) => void,
  ) {}

  /** Re-reads the file when it changed; a missing file is an empty list. */
  refresh(): void {
    let mtime: number;
    try {
      mtime = statSync(this.file).mtimeMs;
    } catch {
      if (this.mtime !== 0) this.warn(`scanner list ${this.file} not found; no known scanners`);
      this.mtime = 0;
      this.entries = [];
      return;
    }
    if (mtime === this.mtime) return;
    this.mtime = mtime;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      this.warn(`scanner list ${this.file} unreadable: ${(err as Error).message}`);
      this.entries = [];
      return;
    }
    const parsed = parseScannerList(text);
    for (const e of parsed.errors) this.warn(`scanner list ${this.file} ${e} (skipped)`);
    this.entries = parsed.entries;
  }

  /** Calls onChange when the file is written, replaced or removed (editors rename). */
  watch(onChange: () => void): void {
    this.unwatch();
    const name = path.basename(this.file);
    try {
      const w = watch(path.dirname(this.file), { persistent: false }, (_e, f) => {
        if (f === null || String(f) === name) onChange();
      });
      w.on('error', () => {});
      this.watcher = w;
    } catch (err) {
      this.warn(
        `scanner list ${this.file} not watched (${(err as Error).message}); edits apply at the next plug-in`,
      );
    }
  }

  unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  has(vendorId: number, productId: number): boolean {
    return listed(this.entries, vendorId, productId);
  }

  /** "0c2e:*"-style strings, for diagnostics. */
  describe(): string[] {
    return this.entries.map(
      (e) => `${hex4(e.vendorId)}:${e.productId === null ? '*' : hex4(e.productId)}`,
    );
  }
}
