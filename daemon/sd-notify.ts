/**
 * systemd notification (sd_notify(3)): READY=1 once the daemon serves, WATCHDOG=1 at half the
 * WatchdogSec interval, STOPPING=1 on shutdown. Without NOTIFY_SOCKET everything here is a
 * no-op.
 *
 * Node has no AF_UNIX datagram sockets, so the messages go through systemd's own
 * `systemd-notify` (always present where systemd runs the unit). `--pid` names this process
 * as the sender/main PID; by default systemd-notify waits for systemd to process the message
 * (a BARRIER=1 round trip), so the unit's NotifyAccess=all attribution cannot race the tool's
 * exit. Assignments are passed as VARIABLE=VALUE arguments, which every systemd version
 * accepts (`--stopping` only exists since systemd 253).
 */
import { execFile } from 'node:child_process';
import type { Logger } from './log.js';

export interface SdNotifyDeps {
  /** $NOTIFY_SOCKET ('' = not under systemd). */
  socket: string;
  /** $WATCHDOG_USEC (0 = no watchdog). */
  watchdogUsec: number;
  log: Logger;
  /** PATH used to find systemd-notify (the daemon's own PATH by default). */
  path?: string;
}

export class SdNotify {
  private timer: NodeJS.Timeout | null = null;
  private disabled = false;

  constructor(private readonly deps: SdNotifyDeps) {}

  get enabled(): boolean {
    return this.deps.socket !== '' && !this.disabled;
  }

  private send(...assignments: string[]): void {
    if (!this.enabled) return;
    const env: Record<string, string> = { NOTIFY_SOCKET: this.deps.socket };
    if (this.deps.path !== undefined) env.PATH = this.deps.path;
    execFile('systemd-notify', [`--pid=${process.pid}`, ...assignments], { env }, (err) => {
      if (!err) return;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Not fatal: the daemon serves anyway; systemd's start timeout will say the rest.
        this.deps.log.warn('systemd-notify not found; sd_notify messages disabled');
        this.disable();
      } else {
        this.deps.log.warn(`systemd-notify ${assignments.join(' ')} failed: ${err.message}`);
      }
    });
  }

  private disable(): void {
    this.disabled = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  ready(status: string): void {
    if (!this.enabled) return;
    this.send('READY=1', `STATUS=${status}`);
    if (this.deps.watchdogUsec > 0) {
      // Ping at half the interval, as sd_watchdog_enabled(3) recommends.
      const every = Math.max(1000, Math.floor(this.deps.watchdogUsec / 2000));
      this.timer = setInterval(() => this.send('WATCHDOG=1'), every);
      this.timer.unref();
    }
  }

  stopping(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.send('STOPPING=1', 'STATUS=shutting down');
  }
}
