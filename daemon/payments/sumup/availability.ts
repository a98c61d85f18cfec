/**
 * Cached availability: the answer is kept for 30 s when fine and 10 s after a failure, so the
 * providers list never waits on SumUp for every request, yet recovers soon after a fix.
 */
import type { Availability } from '../provider.js';
import type { Clock } from '../../clock.js';

const OK_TTL_MS = 30_000;
const FAIL_TTL_MS = 10_000;

export class CachedAvailability {
  private cached: { at: number; value: Availability } | null = null;
  private inFlight: Promise<Availability> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly check: () => Promise<Availability>,
  ) {}

  async get(): Promise<Availability> {
    const now = this.clock.now();
    if (this.cached) {
      const ttl = this.cached.value.available ? OK_TTL_MS : FAIL_TTL_MS;
      if (now - this.cached.at < ttl) return this.cached.value;
    }
    this.inFlight ??= this.check()
      .catch((err): Availability => ({
        available: false,
        reason: (err as Error).message,
        reason_code: 'provider_unreachable',
      }))
      .then((value) => {
        this.cached = { at: this.clock.now(), value };
        this.inFlight = null;
        return value;
      });
    return this.inFlight;
  }

  /** Forget the cached answer (settings changed, a call just failed or succeeded). */
  invalidate(): void {
    this.cached = null;
  }

  /** Record a fresh answer seen on the way (e.g. a checkout just failed with 401). */
  set(value: Availability): void {
    this.cached = { at: this.clock.now(), value };
  }
}
