/**
 * pairings.json: which terminal each scanner is paired with (a scanner has at most one), and
 * the short handles of terminal ids too long to embed in a pairing code. Durable before any
 * event about it is emitted.
 */
import type { JsonDocument, Store } from '../store/index.js';
import type { TerminalHandles } from './pairing-secret.js';

export type ScannerKind = 'hid_pos' | 'keyboard' | 'network';

export interface Pairing {
  terminal_id: string;
  paired_at: string;
  /** So a paired scanner that is not attached is still listed with the right kind. */
  kind?: ScannerKind;
}

export interface PairingsData {
  scanners: Record<string, Pairing>;
  /** terminal id → handle number (pairing codes for long terminal ids). */
  handles: Record<string, number>;
  next_handle: number;
  /**
   * Revocation (pairing-secret.ts): terminal id → its codes' generation, bumped when a scanner
   * is unpaired from it; `epoch` is bumped by "revoke all". Both are signed into every code.
   */
  generations?: Record<string, number>;
  epoch?: number;
}

export const PAIRINGS_DOC = {
  name: 'pairings.json',
  schemaVersion: 1,
  defaults: (): PairingsData => ({ scanners: {}, handles: {}, next_handle: 1 }),
};

/** Bounds so a client cannot grow the file without limit. */
export const MAX_PAIRED_SCANNERS = 1000;
export const MAX_HANDLES = 10_000;

export class PairingStore implements TerminalHandles {
  private byHandle = new Map<number, string>();

  private constructor(private readonly doc: JsonDocument<PairingsData>) {
    const d = doc.data;
    // Tolerate a hand-edited file with missing parts rather than crash on it.
    d.scanners ??= {};
    d.handles ??= {};
    d.next_handle ??= 1;
    d.generations ??= {};
    d.epoch ??= 0;
    for (const [t, h] of Object.entries(d.handles)) this.byHandle.set(h, t);
  }

  static async open(store: Store): Promise<PairingStore> {
    return new PairingStore(await store.document<PairingsData>(PAIRINGS_DOC));
  }

  get readable(): boolean {
    return this.doc.state.state === 'ok';
  }

  terminalOf(scannerId: string): string | null {
    return this.doc.data.scanners[scannerId]?.terminal_id ?? null;
  }

  all(): Record<string, Pairing> {
    return { ...this.doc.data.scanners };
  }

  /** Pairs durably; resolves with the terminal it was paired with before (or null). */
  kindOf(scannerId: string): ScannerKind | null {
    return this.doc.data.scanners[scannerId]?.kind ?? null;
  }

  async pair(
    scannerId: string,
    terminalId: string,
    at: string,
    kind?: ScannerKind,
  ): Promise<string | null> {
    return this.doc.update((d) => {
      const previous = d.scanners[scannerId]?.terminal_id ?? null;
      if (!d.scanners[scannerId] && Object.keys(d.scanners).length >= MAX_PAIRED_SCANNERS) {
        throw new RangeError(`at most ${MAX_PAIRED_SCANNERS} scanners can be paired`);
      }
      d.scanners[scannerId] = { terminal_id: terminalId, paired_at: at, ...(kind ? { kind } : {}) };
      return previous;
    });
  }

  /**
   * Unpairs durably; the codes of the terminal it was paired with are withdrawn in the same
   * write (a code seen by the unpaired scanner's holder must not pair another scanner).
   */
  async unpair(scannerId: string): Promise<string | null> {
    return this.doc.update((d) => {
      const previous = d.scanners[scannerId]?.terminal_id ?? null;
      delete d.scanners[scannerId];
      if (previous) bump(d, previous);
      return previous;
    });
  }

  /** The signed generation of a terminal's codes and the global epoch. */
  generationOf(terminalId: string): { epoch: number; generation: number } {
    const d = this.doc.data;
    return { epoch: d.epoch ?? 0, generation: d.generations?.[terminalId] ?? 0 };
  }

  /** Withdraws every pairing code issued so far (pairings stay). */
  async revokeAll(): Promise<void> {
    await this.doc.update((d) => {
      d.epoch = (d.epoch ?? 0) + 1;
    });
  }

  async handleFor(terminalId: string): Promise<number> {
    const existing = this.doc.data.handles[terminalId];
    if (existing !== undefined) return existing;
    return this.doc.update((d) => {
      if (Object.keys(d.handles).length >= MAX_HANDLES) {
        throw new RangeError(`at most ${MAX_HANDLES} long terminal ids can get pairing codes`);
      }
      const h = d.next_handle++;
      d.handles[terminalId] = h;
      this.byHandle.set(h, terminalId);
      return h;
    });
  }

  terminalFor(handle: number): string | null {
    return this.byHandle.get(handle) ?? null;
  }
}

function bump(d: PairingsData, terminalId: string): void {
  const g = (d.generations ??= {});
  // Bounded like the handles: terminal ids are chosen by clients.
  if (!(terminalId in g) && Object.keys(g).length >= MAX_HANDLES) delete g[Object.keys(g)[0]];
  g[terminalId] = (g[terminalId] ?? 0) + 1;
}
