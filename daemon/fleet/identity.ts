/**
 * The appliance's identity in a fleet and its shipping cursor, two small files in DATA_DIR
 * (both written temp + fsync + rename + fsync dir, so a power cut leaves the old or the new).
 *
 * fleet-identity.json  {appliance_id, branch_name, since_seq, created_at}
 *   Made at the first start. It is part of a backup, so a restore keeps the identity: an
 *   appliance whose SD card died and was restored goes on as itself. When a backup is
 *   restored onto a second appliance (or the restore asks for it: `?identity=new`), the
 *   restore leaves the marker `fleet-new-identity` and the next start makes a new id whose
 *   shipping starts after the restored journal (`since_seq`): the restored history belongs
 *   to the original appliance and is not shipped twice under two names.
 * fleet-cursor.json    {appliance_id, seq, at}
 *   The highest journal sequence the centre has committed for this identity. Written only
 *   after the centre's COMMIT; a crash in between means the batch is sent again, which the
 *   centre ignores (ON CONFLICT DO NOTHING on (appliance_id, journal_seq)).
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, writeFileDurable } from '../store/durable-file.js';

export const IDENTITY_FILE = 'fleet-identity.json';
export const CURSOR_FILE = 'fleet-cursor.json';
/** Left by a restore that asks for a new identity (moves into DATA_DIR with the restore). */
export const NEW_IDENTITY_MARKER = 'fleet-new-identity';

export interface Identity {
  appliance_id: string;
  branch_name: string;
  /** Journal entries up to this sequence are not this identity's to ship. */
  since_seq: number;
  created_at: string;
}

export interface Cursor {
  appliance_id: string;
  seq: number;
  at: string | null;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${path.basename(file)} cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function validIdentity(v: Identity | null): v is Identity {
  return (
    !!v &&
    typeof v.appliance_id === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(v.appliance_id) &&
    typeof v.branch_name === 'string' &&
    Number.isInteger(v.since_seq)
  );
}

export class FleetIdentity {
  private current: Identity | undefined;

  constructor(private readonly dataDir: string) {}

  get value(): Identity {
    if (!this.current) throw new Error('fleet identity not loaded');
    return this.current;
  }

  get loaded(): boolean {
    return this.current !== undefined;
  }

  /**
   * Loads the identity, or makes one (first start, or a restore asked for a new one).
   * `journalSeq` is the journal's last sequence now: where a new identity's shipping starts
   * when it replaces a restored one.
   */
  async load(
    defaults: { branch: string; now: string },
    journalSeq: number,
  ): Promise<{ made: 'first' | 'restore' | null }> {
    const file = path.join(this.dataDir, IDENTITY_FILE);
    const marker = path.join(this.dataDir, NEW_IDENTITY_MARKER);
    const found = await readJson<Identity>(file);
    const renew = (await readFile(marker).catch(() => null)) !== null;
    if (validIdentity(found) && !renew) {
      this.current = found;
      return { made: null };
    }
    this.current = {
      appliance_id: randomUUID(),
      branch_name: (validIdentity(found) ? found.branch_name : '') || defaults.branch,
      since_seq: renew ? journalSeq : 0,
      created_at: defaults.now,
    };
    await this.save();
    if (renew) {
      await rm(marker, { force: true });
      await fsyncDir(this.dataDir);
    }
    return { made: renew ? 'restore' : 'first' };
  }

  async setBranch(name: string): Promise<void> {
    this.current = { ...this.value, branch_name: name };
    await this.save();
  }

  private save(): Promise<void> {
    return writeFileDurable(
      path.join(this.dataDir, IDENTITY_FILE),
      JSON.stringify(this.current, null, 2) + '\n',
    );
  }

  /** The cursor of the current identity (a cursor of another identity does not count). */
  async readCursor(): Promise<Cursor> {
    const c = await readJson<Cursor>(path.join(this.dataDir, CURSOR_FILE));
    const { appliance_id: id, since_seq } = this.value;
    if (c && c.appliance_id === id && Number.isInteger(c.seq))
      return { ...c, seq: Math.max(c.seq, since_seq) };
    return { appliance_id: id, seq: since_seq, at: null };
  }

  writeCursor(c: Cursor): Promise<void> {
    return writeFileDurable(path.join(this.dataDir, CURSOR_FILE), JSON.stringify(c) + '\n');
  }
}

/** Called by a restore that asks for a new identity: the marker travels with the staged data. */
export async function markNewIdentity(stagedDir: string): Promise<void> {
  await writeFileDurable(path.join(stagedDir, NEW_IDENTITY_MARKER), 'new identity requested\n');
}
