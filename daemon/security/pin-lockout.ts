/**
 * Lock-out with a growing delay after wrong PINs, per client address (a terminal id is chosen
 * by the client and could be varied; its address cannot, unless it is a trusted proxy).
 * The first FREE failures cost nothing; then each failure locks for BASE, 2×BASE, 4×BASE...
 * up to MAX. While locked even the right PIN is refused, or the lock would not slow guessing.
 * A successful login clears the counter. Time comes from the injected clock.
 */
import type { Clock } from '../clock.js';

export interface LockoutOptions {
  free?: number;
  baseMs?: number;
  maxMs?: number;
  maxKeys?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
}

export class PinLockout {
  readonly free: number;
  readonly baseMs: number;
  readonly maxMs: number;
  private readonly maxKeys: number;
  private entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    opts: LockoutOptions = {},
  ) {
    this.free = opts.free ?? 3;
    this.baseMs = opts.baseMs ?? 30_000;
    this.maxMs = opts.maxMs ?? 15 * 60_000;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Milliseconds the key must still wait (0 = may try). */
  lockedFor(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.clock.now());
  }

  /** Records a wrong PIN; returns the lock now in force (ms, 0 = none yet). */
  fail(key: string): number {
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
      e = { failures: 0, lockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.failures += 1;
    const over = e.failures - this.free;
    if (over >= 0) {
      const ms = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over, 30));
      e.lockedUntil = this.clock.now() + ms;
      return ms;
    }
    return 0;
  }

  /** Wrong PINs left before the next lock. */
  remaining(key: string): number {
    const f = this.entries.get(key)?.failures ?? 0;
    return Math.max(0, this.free - f);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}
