/**
 * Where a scanned value goes. A value with the pairing prefix is a pairing attempt and never
 * reaches checkout (valid → pair, anything else → refused, shown on the scanner's terminal).
 * Any other value goes to the scanner's paired terminal, or to the default terminal (the
 * kiosk) when the scanner is unpaired. Scans of one scanner are handled strictly in order, so
 * a product scanned right after a pairing code lands on the new terminal.
 */
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Cart } from '../protocol.js';
import type { PairingSecrets, RefusalCode } from './pairing-secret.js';
import type { PairingStore, ScannerKind } from './pairings.js';

/** What checkout offers the scanners (app.checkout.scan). */
export interface ScanRequest {
  terminal_id: string;
  barcode: string;
  scanner_id: string;
}

export interface ScanOutcome {
  result: 'added' | 'unknown' | 'refused';
  cart?: Cart;
  reason?: string;
}

export interface ScanSink {
  scan(req: ScanRequest): Promise<ScanOutcome>;
}

export type ScanResult =
  | ({ terminal_id: string; symbology?: string | null } & ScanOutcome)
  | { result: 'paired'; terminal_id: string; previous_terminal_id: string | null }
  | {
      result: 'pairing_refused';
      terminal_id: string;
      code: RefusalCode | 'storage';
      reason: string;
    };

export interface ScanRouterDeps {
  secrets: PairingSecrets;
  pairings: PairingStore;
  sink: ScanSink;
  events: EventBus;
  clock: Clock;
  log: Logger;
  defaultTerminalId: string;
  /** Pairings changed (the scanner list shows terminals). */
  onPairingChanged(): void;
}

/** A scanner that queues more than this many unhandled scans is refused until it catches up. */
export const MAX_QUEUED_PER_SCANNER = 64;

export class ScanRouter {
  private queues = new Map<string, { tail: Promise<unknown>; depth: number }>();
  private inflight = new Set<Promise<void>>();

  constructor(private readonly deps: ScanRouterDeps) {}

  terminalOf(scannerId: string): string {
    return this.deps.pairings.terminalOf(scannerId) ?? this.deps.defaultTerminalId;
  }

  isPairingValue(value: string): boolean {
    return this.deps.secrets.isPairingValue(value);
  }

  /**
   * Handles one scan after the previous scans of the same scanner. A product scan lets the
   * next one proceed as soon as it has been handed to checkout (checkout keeps the order from
   * there; waiting for its durable write would make a quick second scan wait for the first
   * one's fsync). A pairing scan holds the queue until the pairing is stored.
   */
  handle(
    scannerId: string,
    barcode: string,
    kind?: ScannerKind,
    symbology: string | null = null,
  ): Promise<ScanResult> {
    const q = this.queues.get(scannerId) ?? { tail: Promise.resolve(), depth: 0 };
    if (q.depth >= MAX_QUEUED_PER_SCANNER) {
      const terminal = this.terminalOf(scannerId);
      const reason = 'Too many scans waiting; scan more slowly.';
      this.deps.events.emit('scan.refused', {
        terminal_id: terminal,
        code: 'scan_queue_full',
        reason,
        scanner_id: scannerId,
      });
      return Promise.resolve({ result: 'refused', terminal_id: terminal, reason });
    }
    // depth counts scans not yet handed on (waiting behind earlier ones).
    q.depth++;
    this.queues.set(scannerId, q);
    let handed = false;
    let resolveHandedOn!: () => void;
    const handedOn = new Promise<void>((resolve) => (resolveHandedOn = resolve));
    const release = () => {
      if (handed) return;
      handed = true;
      q.depth--;
      if (q.depth === 0 && this.queues.get(scannerId) === q) this.queues.delete(scannerId);
      resolveHandedOn();
    };
    const run = q.tail.then(() => this.route(scannerId, barcode, kind, symbology, release));
    q.tail = handedOn;
    const done = run.finally(release);
    const settled = done.then(
      () => {},
      () => {},
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
    return done;
  }

  /** Resolves when every scan handed in so far has been fully handled. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  private async route(
    scannerId: string,
    barcode: string,
    kind: ScannerKind | undefined,
    symbology: string | null,
    handedOn: () => void,
  ): Promise<ScanResult> {
    if (this.deps.secrets.isPairingValue(barcode)) return this.pair(scannerId, barcode, kind);
    const { events, sink, clock, log } = this.deps;
    const terminal = this.terminalOf(scannerId);
    events.emit('scan.received', { scanner_id: scannerId, barcode, symbology, at: clock.now() });
    try {
      const pending = sink.scan({ terminal_id: terminal, barcode, scanner_id: scannerId });
      handedOn();
      const outcome = await pending;
      log.debug(`scan ${scannerId} → ${terminal}: ${barcode} (${outcome.result})`);
      return { terminal_id: terminal, symbology, ...outcome };
    } catch (err) {
      // Checkout refused in an unexpected way (storage, limits): the terminal still hears why.
      const reason = (err as Error)?.message ?? String(err);
      const code = (err as { code?: unknown })?.code;
      log.warn(`scan ${scannerId} → ${terminal}: ${barcode} failed: ${reason}`);
      events.emit('scan.refused', {
        terminal_id: terminal,
        code: typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : 'scan_failed',
        reason,
        scanner_id: scannerId,
      });
      return { result: 'refused', terminal_id: terminal, reason };
    }
  }

  private async pair(scannerId: string, value: string, kind?: ScannerKind): Promise<ScanResult> {
    const { secrets, pairings, events, clock, log } = this.deps;
    const v = secrets.verify(value);
    const current = this.terminalOf(scannerId);
    if (!v.ok) {
      log.info(`pairing refused for ${scannerId}: ${v.code}`);
      events.emit('scanner.pairing_refused', {
        terminal_id: current,
        scanner_id: scannerId,
        code: v.code,
        reason: v.reason,
      });
      return { result: 'pairing_refused', terminal_id: current, code: v.code, reason: v.reason };
    }
    let previous: string | null;
    try {
      previous = await pairings.pair(
        scannerId,
        v.terminal_id,
        new Date(clock.now()).toISOString(),
        kind,
      );
    } catch (err) {
      const reason = `Pairing could not be saved: ${(err as Error).message}`;
      log.error(`pairing ${scannerId} → ${v.terminal_id}: ${reason}`);
      events.emit('scanner.pairing_refused', {
        terminal_id: current,
        scanner_id: scannerId,
        code: 'storage',
        reason,
      });
      return { result: 'pairing_refused', terminal_id: current, code: 'storage', reason };
    }
    log.info(
      `scanner ${scannerId} paired with ${v.terminal_id}${previous && previous !== v.terminal_id ? ` (was ${previous})` : ''}`,
    );
    events.emit('scanner.paired', {
      scanner_id: scannerId,
      terminal_id: v.terminal_id,
      previous_terminal_id: previous === v.terminal_id ? null : previous,
    });
    this.deps.onPairingChanged();
    return {
      result: 'paired',
      terminal_id: v.terminal_id,
      previous_terminal_id: previous === v.terminal_id ? null : previous,
    };
  }
}
