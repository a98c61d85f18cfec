/**
 * Reconnect delays: exponential from 500 ms, capped at 10 s, with "full jitter" (AWS
 * Architecture Blog, "Exponential Backoff And Jitter") so a room full of tills does not
 * reconnect in lock-step after a daemon restart.
 */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;
/** After this many failed attempts in a row the dot says "offline" (still retrying). */
export const OFFLINE_AFTER_ATTEMPTS = 4;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.max(BACKOFF_BASE_MS / 2, Math.round(ceiling * random()));
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export function stateAfterFailure(attempt: number): ConnectionState {
  return attempt >= OFFLINE_AFTER_ATTEMPTS ? 'offline' : 'reconnecting';
}
