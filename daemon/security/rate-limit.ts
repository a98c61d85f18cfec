/**
 * Fixed-window failure counter per key (client address). Only failures count, so an honest
 * client is never slowed; a guesser is stopped after `max` failures per window.
 * Memory is bounded: at most `maxKeys` keys, oldest dropped first.
 */
import type { Clock } from '../clock.js';

export class FailureLimiter {
  private hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until the key may try again, or 0 when it is not blocked. */
  blockedFor(key: string): number {
    const h = this.hits.get(key);
    if (!h) return 0;
    const now = this.clock.now();
    if (now >= h.resetAt) {
      this.hits.delete(key);
      return 0;
    }
    return h.count >= this.max ? Math.ceil((h.resetAt - now) / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.clock.now();
    const h = this.hits.get(key);
    if (!h || now >= h.resetAt) {
      this.hits.delete(key);
      if (this.hits.size >= this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
    } else {
      h.count += 1;
    }
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}
