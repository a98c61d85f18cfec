/**
 * Over-the-air updates (docs/UPDATES.md): the files the daemon and the root update agent share
 * in POS_UPDATE_DIR, and what GET /api/v1/admin/update answers.
 */

/** request.json, written by the daemon (tmp + fsync + rename), handled by the agent. */
export type UpdateRequest =
  { id: string; action: 'install'; bundle: string } | { id: string; action: 'reboot' };

export type UpdateJobState = 'verifying' | 'installing' | 'installed' | 'failed' | 'rebooting';

/** status.json, written by the agent on every change. */
export interface UpdateStatusFile {
  id: string;
  state: UpdateJobState;
  progress: number;
  error_code?: string;
  /** rauc's own short message, for the log only (never shown as UI text). */
  detail?: string;
  bundle_version?: string;
  /** Boot name of the slot the bundle went to ("A" | "B"). */
  target_slot?: string;
  updated_at: string;
}

export interface SlotInfo {
  /** rauc's slot name, e.g. rootfs.0 */
  name: string;
  /** Boot name ("A" | "B"). */
  bootname: string;
  /** rauc's slot state: booted | active | inactive */
  state: string;
  booted: boolean;
  /** Version of the bundle installed into the slot; null when rauc never installed it. */
  version: string | null;
  installed_at?: string;
  /** rauc's last install status of the slot ("ok", ...). */
  status?: string;
}

/** slots.json, written by `agent report` (every boot and after installs). */
export interface SlotsFile {
  compatible: string;
  booted: string;
  /** Slot name rauc boots next (boot_primary), or null. */
  primary: string | null;
  slots: SlotInfo[];
  reported_at: string;
}

/** pending.json: what the daemon expects to run after the reboot it asked for. */
export interface UpdatePending {
  expected_version: string;
  target_slot: string;
  from_version: string;
  from_slot: string;
  requested_at: string;
}

export interface UpdateOutcome {
  outcome: 'updated' | 'rolled_back';
  /** The version running now, and its slot. */
  version: string;
  slot: string;
  expected_version: string;
  from_version: string;
  from_slot: string;
  target_slot: string;
  at: string;
}

export interface UpdateChannelInfo {
  url: string | null;
  /** The last check's answer (cleared when the URL changes). */
  latest?: UpdateManifest & { newer: boolean; checked_at: string };
}

export interface UpdateManifest {
  version: string;
  /** Absolute bundle URL (a relative one in the manifest is resolved against it). */
  url: string;
  sha256: string;
  size?: number;
  notes?: string;
}

/** The job as the admin sees it: the agent's state, or the daemon's own receiving phase. */
export interface UpdateJobView {
  id: string;
  state: UpdateJobState | 'uploading' | 'downloading' | 'queued';
  progress: number;
  error_code?: string;
  bundle_version?: string;
  target_slot?: string;
  updated_at: string;
}

export interface UpdateInfo {
  version: string;
  slots: SlotsFile | null;
  job: UpdateJobView | null;
  /** After "installed": the reboot waits for no cart line and no open payment on any till. */
  reboot: 'none' | 'waiting_quiet' | 'requested';
  channel: UpdateChannelInfo;
  outcome: UpdateOutcome | null;
}
