/**
 * Payments module: builds every provider in the registry, answers "which providers can take
 * money right now" (cached, so a WebSocket snapshot never waits on a network call), and runs
 * the providers' own start_module/stop_module.
 *
 * A provider's minimum comes from PAYMENT_MINIMUM_<ID>_CENTS; a variable naming no provider is
 * a typo that would silently drop a minimum, so it refuses the start naming the variable.
 * The top-up barcode is offered only while that product exists and is active in the catalog.
 */
import { ConfigError } from '../config.js';
import type { Availability } from './provider.js';
import type { Catalog } from '../catalog/catalog.js';
import type { ProviderInfo } from '../protocol.js';
import type { PaymentProvider, ProviderDeps, ProviderFactory } from './provider.js';

/** How long one availability() may take before it counts as "not answering". */
const AVAILABILITY_TIMEOUT_MS = 3000;
const REFRESH_MS = 30_000;

export interface PaymentsDeps extends ProviderDeps {
  factories: ProviderFactory[];
  catalog: Catalog;
}

export class Payments {
  readonly name = 'payments';
  private readonly providers = new Map<string, PaymentProvider>();
  private cached: ProviderInfo[] = [];
  private timer: NodeJS.Timeout | null = null;
  private started: PaymentProvider[] = [];

  constructor(private readonly deps: PaymentsDeps) {
    const known = new Set<string>();
    for (const factory of deps.factories) {
      const p = factory(deps);
      if (known.has(p.id)) throw new Error(`payments: provider id ${p.id} registered twice`);
      known.add(p.id);
      // The demo card is never offered unless PAYMENT_DEMO_CARD allows it (production: off).
      if (p.demoOnly && !deps.config.paymentDemoCard) continue;
      this.providers.set(p.id, p);
    }
    for (const id of Object.keys(deps.config.paymentMinimumCents)) {
      if (!known.has(id)) {
        throw new ConfigError(
          `PAYMENT_MINIMUM_${id.toUpperCase()}_CENTS`,
          `names no payment provider (known: ${[...known].join(', ')})`,
        );
      }
    }
    this.cached = [...this.providers.values()].map((p) =>
      this.info(p, { available: false, reason: 'Checking…', reason_code: 'checking' }),
    );
  }

  get(id: string): PaymentProvider | undefined {
    return this.providers.get(id);
  }

  ids(): string[] {
    return [...this.providers.keys()];
  }

  /** Last known availability, without waiting (snapshots, checkout). */
  list(): ProviderInfo[] {
    return this.cached;
  }

  cachedInfo(id: string): ProviderInfo | undefined {
    return this.cached.find((p) => p.id === id);
  }

  minimum(id: string): number {
    return this.providers.get(id)?.minimumPaymentCents ?? 0;
  }

  /** The active top-up product for a provider, if it offers one. */
  topupProduct(id: string) {
    const code = this.providers.get(id)?.minimumTopupBarcode;
    if (!code) return undefined;
    const product = this.deps.catalog.byCode(code);
    return product && product.active && product.price_cents > 0 ? product : undefined;
  }

  private info(p: PaymentProvider, a: Availability): ProviderInfo {
    const info: ProviderInfo = {
      id: p.id,
      label: p.label,
      available: a.available,
      minimum_payment_cents: p.minimumPaymentCents,
    };
    if (!a.available && a.reason) info.reason = a.reason;
    if (!a.available) info.reason_code = a.reason_code ?? 'unavailable';
    const topup = this.topupProduct(p.id);
    if (topup?.barcode) info.minimum_topup_barcode = topup.barcode;
    return info;
  }

  /** Asks every provider now; emits providers.changed when anything differs. */
  async refresh(): Promise<ProviderInfo[]> {
    const list = await Promise.all(
      [...this.providers.values()].map(async (p) => this.info(p, await this.ask(p))),
    );
    const changed = JSON.stringify(list) !== JSON.stringify(this.cached);
    this.cached = list;
    if (changed) this.deps.events.emit('providers.changed', { providers: list });
    return list;
  }

  private async ask(p: PaymentProvider): Promise<Availability> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve(p.availability()),
        new Promise<Availability>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({
                available: false,
                reason: `${p.label} did not answer in time`,
                reason_code: 'provider_timeout',
              }),
            AVAILABILITY_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      this.deps.log.warn(`payments: ${p.id} availability failed: ${(err as Error).message}`);
      return {
        available: false,
        reason: `${p.label} is not reachable`,
        reason_code: 'provider_unreachable',
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async start(): Promise<void> {
    for (const p of this.providers.values()) {
      await p.start_module?.();
      this.started.push(p);
    }
    await this.refresh();
    // The top-up product may appear or vanish; settings may configure a provider.
    const again = () => void this.refresh().catch(() => {});
    this.deps.events.on(this, 'products.changed', again);
    this.deps.events.on(this, 'settings.changed', again);
    this.timer = setInterval(again, REFRESH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deps.events.offOwner(this);
    for (const p of this.started.reverse()) {
      try {
        await p.stop_module?.();
      } catch (err) {
        this.deps.log.error(`payments: stopping ${p.id} failed: ${(err as Error).message}`);
      }
    }
    this.started = [];
  }
}
