/**
 * What became of the update after the reboot the daemon asked for (pending.json), judged from
 * slots.json as the boot reported it and the version that runs now. Pure.
 */
import type { SlotsFile, UpdateOutcome, UpdatePending } from '../protocol.js';

/**
 * null while there is nothing to tell yet: no pending reboot, one asked for by this very run
 * of the daemon (it has not happened), or slots.json not reported since the request.
 */
export function outcomeOf(
  pending: UpdatePending | null,
  slots: SlotsFile | null,
  running: string,
  startedAt: string,
  now: string,
): UpdateOutcome | null {
  if (!pending || !(pending.requested_at < startedAt)) return null;
  if (!slots || !(slots.reported_at > pending.requested_at)) return null;
  const updated = slots.booted === pending.target_slot && running === pending.expected_version;
  return {
    outcome: updated ? 'updated' : 'rolled_back',
    version: running,
    slot: slots.booted,
    expected_version: pending.expected_version,
    from_version: pending.from_version,
    from_slot: pending.from_slot,
    target_slot: pending.target_slot,
    at: now,
  };
}
