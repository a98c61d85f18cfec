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

  async unpair(scannerId: string): Promise<string | null> {
    return this.doc.update((d) => {
      const previous = d.scanners[scannerId]?.terminal_id ?? null;
      delete d.scanners[scannerId];
      return previous;
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
