import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Runs `load` when its element is put on the page and then every `intervalMs` while it stays
 * there; stops when the element is taken off. A run that is still awaiting its answer is not
 * started a second time, so a slow daemon never gets a queue of the same request. `load` shows
 * its own errors on its page; one that throws anyway goes to the console and the polling goes on.
 */
export class PollController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly intervalMs: number,
    private readonly load: () => Promise<void>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.background();
    this.timer = setInterval(() => this.background(), this.intervalMs);
  }

  hostDisconnected(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private background(): void {
    this.tick().catch((err: unknown) => console.error('poll', err));
  }

  /** One load, unless the last one is still under way. */
  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.load();
    } finally {
      this.running = false;
    }
  }
}
