/**
 * Tells a keyboard-wedge scanner from a person typing, by timing alone, for keyboards the
 * daemon does not read (an unknown vendor, not on scanners.list, not adopted).
 *
 * A scanner "types" a whole code in a burst — a few milliseconds per key — and ends it with
 * Enter or Tab; a person needs 100 ms or more per key and never keeps a pace under 50 ms over
 * several keys. The probe counts key presses (a usage id that was not down in the previous
 * report) and their times; it keeps no characters: which keys are down is known only until
 * the next report replaces it, and nothing of it is stored or logged. Only "this keyboard
 * typed N keys in M ms, then Enter" leaves the probe, and only as a yes.
 */
import { USAGE } from './keymaps.js';

/** Keys before the terminator, at least (an EAN-8 is 8; a person can hit 3 keys at once). */
export const PROBE_MIN_KEYS = 6;
/** No gap between two presses of a burst may be longer (ms). */
export const PROBE_MAX_GAP_MS = 50;
/** The average gap of a burst must be at most this (ms). */
export const PROBE_MAX_AVERAGE_MS = 25;

export interface Burst {
  keys: number;
  ms: number;
}

export class TypingProbe {
  /** Usage ids down in the last report, to tell a press from a key held down. */
  private down: number[] = [];
  private keys = 0;
  private first = 0;
  private last = -Infinity;

  /** Feeds one input report received at `at` ms; returns the burst when one just ended like a scan. */
  feed(report: Uint8Array, at: number): Burst | null {
    if (report.length !== 8 && report.length !== 9) return null;
    const r = report.length === 9 ? report.subarray(1) : report;
    const now: number[] = [];
    for (let i = 2; i < 8; i++) if (r[i] > USAGE.errorUndefined) now.push(r[i]);
    if (r[2] >= USAGE.errorRollOver && r[2] <= USAGE.errorUndefined) return null;
    let found: Burst | null = null;
    for (const k of now) {
      if (this.down.includes(k)) continue;
      if (at - this.last > PROBE_MAX_GAP_MS) {
        this.keys = 0;
        this.first = at;
      }
      const terminator = k === USAGE.enter || k === USAGE.keypadEnter || k === USAGE.tab;
      if (terminator) {
        const ms = this.last - this.first;
        if (this.keys >= PROBE_MIN_KEYS && ms / (this.keys - 1) <= PROBE_MAX_AVERAGE_MS) {
          found = { keys: this.keys, ms };
        }
        this.keys = 0;
        this.last = -Infinity;
        continue;
      }
      if (this.keys === 0) this.first = at;
      this.keys++;
      this.last = at;
    }
    this.down = now;
    return found;
  }
}
