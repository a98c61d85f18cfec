/**
 * RAUC's command line as the update agent uses it (RAUC 1.13; shapes from its documentation):
 *   rauc status --detailed --output-format=json   {compatible, variant, booted (boot name),
 *       boot_primary (slot name), slots: [{"rootfs.0": {class, bootname, state, boot_status,
 *       slot_status?: {bundle: {compatible, version?}, installed?: {timestamp, count},
 *       status?}}}]}
 *   rauc info --output-format=json <bundle>       {compatible, version, ...}; checks the
 *       signature against the system keyring; an error is printed on stderr, exit code 1
 *   rauc install <bundle>                         progress lines "  0% Installing", ...,
 *       "100% Installing done.", "LastError: ..." and "Installing `…` succeeded|failed"
 * Nothing here goes through a shell: arguments are handed to the process as they are.
 */
import { spawn } from 'node:child_process';
import type { SlotInfo, SlotsFile } from '../protocol.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args`, feeding each stdout line to `onLine`; never rejects on a failing exit. */
export function run(
  cmd: string,
  args: string[],
  onLine?: (line: string) => void,
  timeoutMs = 60 * 60_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (!onLine) return;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk.slice(0, 64 * 1024)));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (onLine && partial) onLine(partial);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One install progress line ("  42% Copying image to rootfs.1") → percent; else null. */
export function progressOf(line: string): number | null {
  // eslint-disable-next-line no-control-regex
  const m = /^\s*(\d{1,3})% /.exec(line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').trim() + ' ');
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 0 && n <= 100 ? n : null;
}

/**
 * rauc's refusal of a bundle (stderr of `info` or `install`) → a stable code. A damaged file
 * is named first: its messages can also speak of the signature (its size, its offset).
 */
export function classifyBundleError(text: string): string {
  const t = text.toLowerCase();
  if (
    /too small|truncat|exceeds|invalid bundle|bundle format|squashfs|identifier|unexpected end|failed to read|not a valid|no such file|magic/.test(
      t,
    )
  )
    return 'update_bundle_corrupt';
  if (/signature|verify error|certificate|keyring|cms/.test(t)) return 'update_signature_invalid';
  if (/compatible/.test(t)) return 'update_incompatible';
  return 'update_install_failed';
}

/** A short message for the log: rauc's last meaningful line, at most 300 characters. */
export function shortDetail(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines[lines.length - 1] ?? '').slice(0, 300);
}

type RaucSlot = {
  class?: string;
  bootname?: string | null;
  state?: string;
  slot_status?: {
    bundle?: { compatible?: string; version?: string };
    installed?: { timestamp?: string };
    status?: string;
  };
};

/** `rauc status --detailed --output-format=json` → slots.json (rootfs slots with a boot name). */
export function slotsFromStatus(json: string, now: Date): SlotsFile {
  const raw = JSON.parse(json) as {
    compatible?: string;
    booted?: string;
    boot_primary?: string | null;
    slots?: Array<Record<string, RaucSlot>>;
  };
  if (typeof raw.compatible !== 'string' || !Array.isArray(raw.slots))
    throw new Error('rauc status: no compatible or slots in its JSON');
  const slots: SlotInfo[] = [];
  for (const entry of raw.slots) {
    for (const [name, s] of Object.entries(entry)) {
      if (!s.bootname) continue;
      const info: SlotInfo = {
        name,
        bootname: s.bootname,
        state: s.state ?? 'inactive',
        booted: s.bootname === raw.booted || s.state === 'booted',
        version: s.slot_status?.bundle?.version ?? null,
      };
      if (s.slot_status?.installed?.timestamp)
        info.installed_at = s.slot_status.installed.timestamp;
      if (s.slot_status?.status) info.status = s.slot_status.status;
      slots.push(info);
    }
  }
  slots.sort((a, b) => a.bootname.localeCompare(b.bootname));
  return {
    compatible: raw.compatible,
    booted: raw.booted ?? '',
    primary: raw.boot_primary ?? null,
    slots,
    reported_at: now.toISOString(),
  };
}

export interface RaucCli {
  status(): Promise<SlotsFile>;
  info(bundle: string): Promise<{ compatible: string; version: string } | { error: RunResult }>;
  install(bundle: string, onProgress: (p: number) => void): Promise<RunResult>;
}

export function raucCli(rauc: string, now: () => Date = () => new Date()): RaucCli {
  return {
    async status() {
      const r = await run(
        rauc,
        ['status', '--detailed', '--output-format=json'],
        undefined,
        60_000,
      );
      if (r.code !== 0) throw new Error(`rauc status failed: ${shortDetail(r.stderr)}`);
      return slotsFromStatus(r.stdout, now());
    },
    async info(bundle) {
      const r = await run(rauc, ['info', '--output-format=json', bundle], undefined, 10 * 60_000);
      if (r.code !== 0) return { error: r };
      try {
        const m = JSON.parse(r.stdout) as { compatible?: unknown; version?: unknown };
        if (typeof m.compatible === 'string')
          return {
            compatible: m.compatible,
            version: typeof m.version === 'string' ? m.version : '',
          };
      } catch {
        // falls through: unreadable output is a damaged bundle as far as we can tell
      }
      return { error: { ...r, stderr: `invalid bundle: rauc info printed no manifest` } };
    },
    install(bundle, onProgress) {
      return run(rauc, ['install', bundle], (line) => {
        const p = progressOf(line);
        if (p !== null) onProgress(p);
      });
    },
  };
}
