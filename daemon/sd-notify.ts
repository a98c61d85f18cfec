/**
 * systemd notification (sd_notify(3)): READY=1 once the daemon serves, WATCHDOG=1 at half the
 * WatchdogSec interval, STOPPING=1 on shutdown. Node has no AF_UNIX datagram sockets, so the
 * messages go through systemd's own `systemd-notify` tool with --pid of this process (the unit
 * sets NotifyAccess=all). Without NOTIFY_SOCKET everything here is a no-op.
 */
import { execFile } from 'node:child_process';
import type { Logger } from './log.js';

export class SdNotify {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: string,
    private readonly watchdogUsec: number,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.socket !== '';
  }

  private send(...args: string[]): void {
    if (!this.enabled) return;
    execFile(
      'systemd-notify',
      [`--pid=${process.pid}`, ...args],
      { env: { NOTIFY_SOCKET: this.socket } },
      (err) => {
        if (err) this.log.warn(`systemd-notify ${args.join(' ')} failed: ${err.message}`);
      },
    );
  }

  ready(status: string): void {
    this.send('--ready', `--status=${status}`);
    if (this.watchdogUsec > 0) {
      const every = Math.max(1000, Math.floor(this.watchdogUsec / 2000));
      this.timer = setInterval(() => this.send('WATCHDOG=1'), every);
      this.timer.unref();
    }
  }

  stopping(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.send('--stopping');
  }
}
