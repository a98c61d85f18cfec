/**
 * What sumup_solo and sumup_tap share: the account (env, or the built-in fake server when
 * SUMUP_FAKE=1), one SDK client, the durable checkout records, callback tokens, the reader
 * directory and the poller. One instance per daemon (keyed by its Store); started by the
 * first provider's start_module() and stopped by the last stop_module().
 */
import type { ProviderDeps, ProviderOutcome } from '../provider.js';
import { Settings } from '../../settings/index.js';
import { createSumUpClient, type SumUpAccount } from './client.js';
import { FakeSumUp } from './fake-server.js';
import { ReaderDirectory } from './readers.js';
import { SumUpState, type CheckoutRecord } from './state.js';
import { CallbackTokens } from './token.js';
import type { SumUpApi } from './sdk.js';

const contexts = new WeakMap<object, SumUpContext>();

/** Credentials the built-in fake accepts (demo mode only; refused with APP_ENV=production). */
const FAKE_ACCOUNT = {
  apiKey: 'sup_sk_fake_demo_key',
  merchantCode: 'MFAKE001',
  affiliateKey: 'fake-affiliate-key',
  appId: 'com.example.counterpos',
};
const FAKE_READER_ID = 'rdr_DEMOSOLO000000000000000001';

export class SumUpContext {
  account: SumUpAccount;
  api: SumUpApi | null = null;
  state!: SumUpState;
  tokens!: CallbackTokens;
  readers!: ReaderDirectory | null;
  fake: FakeSumUp | null = null;
  private users = 0;
  private starting: Promise<void> | null = null;
  /** Resolvers by provider id: decide an open record (null = still pending). */
  private readonly resolvers = new Map<
    string,
    (r: CheckoutRecord) => Promise<ProviderOutcome | null>
  >();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private readonly finishing = new Map<string, Promise<void>>();

  private constructor(readonly deps: ProviderDeps) {
    const c = deps.config;
    this.account = {
      apiKey: c.sumupApiKey,
      merchantCode: c.sumupMerchantCode,
      apiUrl: c.sumupApiUrl,
      affiliateKey: c.sumupAffiliateKey,
      appId: c.sumupAppId,
      defaultReaderId: c.sumupReaderId,
    };
  }

  static for(deps: ProviderDeps): SumUpContext {
    let ctx = contexts.get(deps.store);
    if (!ctx) {
      ctx = new SumUpContext(deps);
      contexts.set(deps.store, ctx);
    }
    return ctx;
  }

  get log() {
    return this.deps.log.child('sumup');
  }

  /** Cloud API usable (Solo readers, transaction cross-checks)? */
  get hasApi(): boolean {
    return this.api !== null;
  }

  nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  registerResolver(
    provider: string,
    fn: (r: CheckoutRecord) => Promise<ProviderOutcome | null>,
  ): void {
    this.resolvers.set(provider, fn);
  }

  async start(): Promise<void> {
    this.users += 1;
    if (this.users === 1) this.starting = this.open();
    await this.starting;
  }

  /** Resolves once started (entry points call it so no request sees a half-built context). */
  async ready(): Promise<void> {
    if (!this.starting) this.starting = this.open();
    await this.starting;
  }

  async stop(): Promise<void> {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.fake?.stop();
    this.fake = null;
    this.starting = null;
    contexts.delete(this.deps.store);
  }

  private async open(): Promise<void> {
    const { config, store, events } = this.deps;
    this.state = await SumUpState.open(store);
    this.tokens = new CallbackTokens(this.state.secret);
    if (config.sumupFake) await this.startFake();
    if (this.account.apiKey && this.account.merchantCode) {
      this.api = createSumUpClient(this.account, config.sumupTimeoutMs);
      this.readers = new ReaderDirectory({
        api: this.api,
        merchantCode: this.account.merchantCode,
        settings: await Settings.open(store, events),
        envDefault: this.account.defaultReaderId,
      });
    } else {
      this.readers = null;
    }
    this.schedulePoll();
  }

  /** SUMUP_FAKE=1: the fake server on loopback, with one paired reader, fills in the account. */
  private async startFake(): Promise<void> {
    const fake = new FakeSumUp({
      apiKey: this.account.apiKey || FAKE_ACCOUNT.apiKey,
      merchantCode: this.account.merchantCode || FAKE_ACCOUNT.merchantCode,
    });
    const url = await fake.start();
    // A fixed id, so readers chosen in admin during earlier demo runs still exist.
    const reader = fake.addReader('Demo Solo', { id: FAKE_READER_ID });
    this.fake = fake;
    this.account = {
      apiKey: fake.apiKey,
      merchantCode: fake.merchantCode,
      apiUrl: url,
      affiliateKey: this.account.affiliateKey || FAKE_ACCOUNT.affiliateKey,
      appId: this.account.appId || FAKE_ACCOUNT.appId,
      defaultReaderId: this.account.defaultReaderId || reader.id,
    };
    this.log.warn(
      `SUMUP_FAKE=1: using the fake SumUp server at ${url} (reader ${reader.id}); no real card is charged`,
    );
  }

  // ----------------------------------------------------------------------- settlement
  /**
   * Report a final outcome for a sale, then close its record. Safe to call twice (callback
   * and poller racing): the second settle is refused by checkout and only closes the record.
   */
  async finish(record: CheckoutRecord, outcome: ProviderOutcome): Promise<void> {
    if (outcome.state === 'pending') return;
    // A second caller (callback and cancel racing) waits for the first instead of settling.
    const running = this.finishing.get(record.sale_id);
    if (running) return running;
    const p = this.settleAndClose(record, outcome).finally(() =>
      this.finishing.delete(record.sale_id),
    );
    this.finishing.set(record.sale_id, p);
    return p;
  }

  private async settleAndClose(record: CheckoutRecord, outcome: ProviderOutcome): Promise<void> {
    const sale = this.deps.getSale(record.sale_id);
    if (sale && sale.state === 'pending') {
      try {
        await this.deps.settle(record.sale_id, outcome);
        this.log.info(`sale ${record.sale_id}: ${outcome.state} (${record.provider})`);
      } catch (err) {
        this.log.warn(`sale ${record.sale_id}: settle refused: ${(err as Error).message}`);
      }
    } else if (sale && sale.state !== outcome.state) {
      // A payment SumUp reports as paid for a sale that is no longer pending must not vanish.
      this.log.error(
        `sale ${record.sale_id} is ${sale.state} but SumUp reports ${outcome.state}` +
          (outcome.state === 'succeeded' ? ' — refund it in the SumUp app' : ''),
      );
    }
    await this.state.put(
      record.sale_id,
      {
        provider: record.provider,
        phase: 'done',
        ...pick(outcome.payment, ['transaction_code', 'client_transaction_id']),
      },
      this.nowIso(),
    );
  }

  // -------------------------------------------------------------------------- polling
  private schedulePoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.pollOnce(), this.deps.config.sumupPollMs);
    this.pollTimer.unref?.();
  }

  /** One pass over open records: ask SumUp about each; settle what is decided. */
  async pollOnce(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const record of this.state.open()) {
        const sale = this.deps.getSale(record.sale_id);
        if (sale && sale.state !== 'pending') {
          await this.state.put(
            record.sale_id,
            { provider: record.provider, phase: 'done' },
            this.nowIso(),
          );
          continue;
        }
        const resolve = this.resolvers.get(record.provider);
        if (!resolve) continue;
        try {
          const outcome = await resolve(record);
          if (outcome) await this.finish(record, outcome);
        } catch (err) {
          this.log.debug(`poll ${record.sale_id}: ${(err as Error).message}`);
        }
      }
      await this.state.prune(this.deps.clock.now());
    } catch (err) {
      this.log.warn(`poll failed: ${(err as Error).message}`);
    } finally {
      this.polling = false;
      if (this.starting) this.schedulePoll();
    }
  }
}

function pick(o: Record<string, unknown> | undefined, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof o?.[k] === 'string') out[k] = o[k] as string;
  return out;
}
