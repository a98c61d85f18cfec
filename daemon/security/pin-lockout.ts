/**
 * Guessing PINs must cost time. Per client address (a terminal id is chosen by the client and
 * could be varied; its address cannot, unless it is a trusted proxy):
 *
 * - `enter(key)` serialises PIN checks: one check per address at a time, and at most
 *   MAX_CONCURRENT checks in the whole daemon; more are refused at once (`pin_busy`), so a
 *   burst of 200 parallel guesses cannot be evaluated before the first failures count.
 * - `begin(key)` counts the attempt as a failure *before* the slow comparison; the first FREE
 *   failures cost nothing, then each locks for BASE, 2×BASE, 4×BASE... up to MAX. While locked
 *   even the right PIN is refused, or the lock would not slow guessing.
 * - `succeeded(key)` takes back only that one attempt: a right PIN never wipes the failures
 *   of a burst it was hidden in. Failures are forgotten FORGET_MS after the last one.
 *
 * Time comes from the injected clock.
 */
import type { Clock } from '../clock.js';

export interface LockoutOptions {
  free?: number;
  baseMs?: number;
  maxMs?: number;
  maxKeys?: number;
  forgetMs?: number;
  maxConcurrent?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class PinBusyError extends Error {}

export class PinLockout {
  readonly free: number;
  readonly baseMs: number;
  readonly maxMs: number;
  readonly forgetMs: number;
  readonly maxConcurrent: number;
  private readonly maxKeys: number;
  private entries = new Map<string, Entry>();
  private busy = new Set<string>();

  constructor(
    private readonly clock: Clock,
    opts: LockoutOptions = {},
  ) {
    this.free = opts.free ?? 3;
    this.baseMs = opts.baseMs ?? 30_000;
    this.maxMs = opts.maxMs ?? 15 * 60_000;
    this.maxKeys = opts.maxKeys ?? 10_000;
    this.forgetMs = opts.forgetMs ?? 60 * 60_000;
    this.maxConcurrent = opts.maxConcurrent ?? 4;
  }

  private entry(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.clock.now() - e.lastFailure > this.forgetMs && this.lockedForEntry(e) === 0) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private lockedForEntry(e: Entry): number {
    return Math.max(0, e.lockedUntil - this.clock.now());
  }

  /** Milliseconds the key must still wait (0 = may try). */
  lockedFor(key: string): number {
    const e = this.entry(key);
    return e ? this.lockedForEntry(e) : 0;
  }

  /**
   * Takes the key's one PIN-check slot; resolves with the release function. Throws
   * PinBusyError when this key already has a check running (a client checks one PIN at a
   * time) or MAX_CONCURRENT checks run in the whole daemon.
   */
  enter(key: string): () => void {
    if (this.busy.has(key)) throw new PinBusyError('a PIN check for this client is running');
    if (this.busy.size >= this.maxConcurrent) throw new PinBusyError('too many PIN checks at once');
    this.busy.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy.delete(key);
    };
  }

  /** Counts an attempt as a failure before the comparison; returns the lock now in force. */
  begin(key: string): number {
    let e = this.entry(key);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
      e = { failures: 0, lockedUntil: 0, lastFailure: 0 };
      this.entries.set(key, e);
    }
    e.failures += 1;
    e.lastFailure = this.clock.now();
    const over = e.failures - this.free;
    if (over >= 0) {
      const ms = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over, 30));
      e.lockedUntil = this.clock.now() + ms;
      return ms;
    }
    return 0;
  }

  /**
   * The attempt counted by begin() was a right PIN: take back that one attempt. begin() runs
   * only when no lock is in force, so the lock it may have set goes too.
   */
  succeeded(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.failures = Math.max(0, e.failures - 1);
    e.lockedUntil = 0;
    if (e.failures === 0) this.entries.delete(key);
  }

  /** Wrong PINs left before the next lock. */
  remaining(key: string): number {
    const f = this.entry(key)?.failures ?? 0;
    return Math.max(0, this.free - f);
  }
}
