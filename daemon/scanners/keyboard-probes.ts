/**
 * Keyboards that are not read are watched for their timing only (TypingProbe): one that types
 * a burst like a scanner does is flagged "looks like a scanner" for the admin to adopt. What it
 * types is never decoded, stored or logged. One probe per unread keyboard; a keyboard that may
 * not be opened (udev may not have granted access yet) is tried again after PROBE_RETRY_MS or
 * on a kick, and is only listed meanwhile.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { HidBackend, HidDevice, HidDeviceInfo } from './device.js';
import { TypingProbe } from './typing-probe.js';

/** A keyboard whose probe could not open it is tried again after this long (or on a kick). */
export const PROBE_RETRY_MS = 5000;

interface Probe {
  path: string;
  device: HidDevice | null;
  closed: boolean;
  /** When opening failed; retried after a while or a kick. */
  failedAt: number | null;
}

export interface KeyboardProbesDeps {
  backend: HidBackend;
  log: Logger;
  clock: Clock;
  /** The manager stopped: a device opened meanwhile is closed at once. */
  stopped(): boolean;
  /** A keyboard was newly flagged as typing like a scanner. */
  onSuspect(): void;
}

export class KeyboardProbes {
  private readonly probes = new Map<string, Probe>();
  private readonly suspects = new Set<string>();

  constructor(private readonly deps: KeyboardProbesDeps) {}

  looksLikeScanner(id: string): boolean {
    return this.suspects.has(id);
  }

  /** One probe per unread keyboard: gone, moved or adopted keyboards lose theirs. */
  async sync(unread: Map<string, HidDeviceInfo>): Promise<void> {
    for (const [id, p] of this.probes) {
      const stale = p.failedAt !== null && this.deps.clock.now() - p.failedAt >= PROBE_RETRY_MS;
      if (unread.get(id)?.path !== p.path || stale) await this.unprobe(id);
    }
    for (const id of this.suspects) if (!unread.has(id)) this.suspects.delete(id);
    for (const [id, info] of unread) if (!this.probes.has(id)) await this.probe(id, info);
  }

  /** Keyboards the probe could not open are tried on the next sync, not after PROBE_RETRY_MS. */
  retryFailed(): void {
    for (const [id, p] of this.probes) if (p.failedAt !== null) this.probes.delete(id);
  }

  /** Closes every probe. */
  async close(): Promise<void> {
    await Promise.all([...this.probes.keys()].map((id) => this.unprobe(id)));
  }

  private async probe(id: string, info: HidDeviceInfo): Promise<void> {
    const { deps } = this;
    const p: Probe = { path: info.path, device: null, closed: false, failedAt: null };
    this.probes.set(id, p);
    let device: HidDevice;
    try {
      device = await deps.backend.open(info.path);
    } catch (err) {
      p.failedAt = deps.clock.now();
      deps.log.debug(`keyboard ${id} not watched: ${(err as Error).message}`);
      return;
    }
    if (p.closed || deps.stopped()) {
      await Promise.resolve(device.close()).catch(() => {});
      return;
    }
    p.device = device;
    const probe = new TypingProbe();
    device.on('data', (report) => {
      if (p.closed) return;
      const burst = probe.feed(report, deps.clock.now());
      if (!burst || this.suspects.has(id)) return;
      this.suspects.add(id);
      deps.log.info(
        `keyboard ${id} types like a scanner (${burst.keys} keys in ${burst.ms} ms, then Enter/Tab); it can be adopted in Admin → Scanners`,
      );
      deps.onSuspect();
    });
    device.on('error', () => {
      // Unplugged: the next enumeration drops it; a probe is never retried.
      if (!p.closed) void Promise.resolve(device.close()).catch(() => {});
      p.closed = true;
    });
  }

  private async unprobe(id: string): Promise<void> {
    const p = this.probes.get(id);
    this.probes.delete(id);
    if (!p || p.closed) return;
    p.closed = true;
    await Promise.resolve(p.device?.close()).catch(() => {});
  }
}
