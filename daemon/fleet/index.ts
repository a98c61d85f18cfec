/**
 * Fleet: this appliance reports into a central PostgreSQL and, optionally, takes its catalog
 * from there (docs/FLEET.md).
 *
 * Shipping (FLEET_DATABASE_URL set): every sales-journal entry (sales, payment updates,
 * cancellations, refunds, cash movements, Z closings) goes to the centre in journal order,
 * in batches, one transaction each (centre.ts), and fleet-cursor.json moves after the
 * centre's COMMIT only. It runs beside selling, never in its way:
 * - the journal's commit listener only copies the committed entry's JSON into a bounded
 *   in-memory queue and wakes the loop; nothing on the sale path waits for the network;
 * - when the queue overflowed or after a restart the loop reads the backlog from the journal
 *   files (entriesAfter; both in outbox.ts), and ships it at FLEET_MAX_RATE entries per
 *   second at most;
 * - no network, a stopped centre, a refused login: the appliance sells on, the loop retries
 *   with a growing pause (up to FLEET_CHECK_SECONDS), and the status says why in a code
 *   (errors.ts).
 *
 * Catalog (FLEET_CATALOG=pull): LISTEN on the centre's catalog channel plus a check every
 * FLEET_CHECK_SECONDS; a new catalog version replaces the local catalog in one durable write
 * (all or nothing; catalog-pull.ts), local edits are refused, and offline the last copy keeps
 * selling.
 */
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { Module } from '../core/module.js';
import type { Journal } from '../store/journal.js';
import { StorageError } from '../store/document.js';
import type { SalesEntry } from '../entries.js';
import type { Catalog } from '../catalog/catalog.js';
import type { FleetStatus } from '../protocol.js';
import { migrate, SchemaError, CATALOG_CHANNEL, schemaVersion } from './schema.js';
import { registerAppliance, shipBatch } from './centre.js';
import { FleetIdentity } from './identity.js';
import { CatalogInvalid, classify } from './errors.js';
import { Outbox } from './outbox.js';
import { pullCatalog, readCatalogState, type CatalogState } from './catalog-pull.js';

export { markNewIdentity, NEW_IDENTITY_MARKER, IDENTITY_FILE, CURSOR_FILE } from './identity.js';
export { migrate, SCHEMA_VERSION, MIGRATIONS } from './schema.js';
export { classify } from './errors.js';
export { CATALOG_STATE_FILE } from './catalog-pull.js';

/**
 * After a partial batch (live selling), the loop lingers this long so that the sales of the
 * next moments share one transaction and one cursor fsync instead of each taking its own
 * beside the till's journal fsync.
 */
const LINGER_MS = 250;

export interface FleetDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  journal: Journal<SalesEntry>;
  catalog: Catalog;
  version: string;
}

export class Fleet implements Module {
  readonly name = 'fleet';
  readonly identity: FleetIdentity;
  private client: pg.Client | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private woken = false;
  private outbox: Outbox | null = null;
  private cursor = { seq: 0, at: null as string | null };
  private lastError: FleetStatus['last_error'] = null;
  private schema: number | null = null;
  private catalogDue = true;
  private catalogState: CatalogState | null = null;
  private shippedTotal = 0;
  private waiters = new Set<() => void>();
  private reRegister = false;
  private sleepers = new Set<() => void>();
  /** A catalog version the appliance refused; shipping goes on regardless. */
  private catalogError: FleetStatus['last_error'] = null;

  constructor(private readonly deps: FleetDeps) {
    this.identity = new FleetIdentity(deps.config.dataDir);
  }

  get enabled(): boolean {
    return this.deps.config.fleetDatabaseUrl !== '';
  }

  private get pull(): boolean {
    return this.enabled && this.deps.config.fleetCatalog === 'pull';
  }

  async start(): Promise<void> {
    const { config, journal, clock, log } = this.deps;
    let made: Awaited<ReturnType<FleetIdentity['load']>>;
    try {
      made = await this.identity.load(
        {
          branch: config.fleetBranchName || config.shopName,
          now: new Date(clock.now()).toISOString(),
        },
        journal.lastSeq,
      );
    } catch (err) {
      // A hand-damaged identity file must not stop the till: no shipping until it is repaired.
      const message = `${(err as Error).message}; fleet shipping is off until it is repaired`;
      log.error(`fleet: ${message}`);
      this.lastError = { code: 'fleet_error', message, at: new Date(clock.now()).toISOString() };
      return;
    }
    if (made.made === 'restore')
      log.warn(
        `fleet: a new appliance id ${this.identity.value.appliance_id} after a restore that asked for one; the restored history stays with the original appliance`,
      );
    if (!this.enabled) return;
    const c = await this.identity.readCursor();
    this.cursor = { seq: c.seq, at: c.at };
    const outbox = new Outbox(journal, Math.max(c.seq, journal.lastSeq));
    this.outbox = outbox;
    this.catalogState = await readCatalogState(config.dataDir);
    if (this.pull) this.deps.catalog.setManaged('fleet');
    journal.onCommitted((batch) => {
      if (this.stopped) return;
      outbox.committed(batch);
      this.poke();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    this.poke();
    await this.loop;
    this.loop = null;
    await this.disconnect();
  }

  /** A pause that stop() ends at once (commits do not: they wait for the pace). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private poke(): void {
    this.woken = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Waits for a commit, a NOTIFY, stop, or `ms`. */
  private idle(ms: number): Promise<boolean> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.woken = false;
        resolve(true);
      };
    });
  }

  status(): FleetStatus {
    const id = this.identity.loaded ? this.identity.value : null;
    const journalSeq = this.deps.journal.lastSeq;
    return {
      enabled: this.enabled,
      appliance_id: id?.appliance_id ?? null,
      branch_name: id?.branch_name ?? null,
      connected: !!this.client,
      pending: this.enabled ? Math.max(0, journalSeq - this.cursor.seq) : 0,
      journal_seq: journalSeq,
      last_shipped_seq: this.cursor.seq,
      last_shipped_at: this.cursor.at,
      last_error: this.lastError ?? this.catalogError,
      schema_version: this.schema,
      catalog: {
        mode: this.pull ? 'pull' : 'local',
        version: this.catalogState?.version ?? null,
        applied_at: this.catalogState?.applied_at ?? null,
        products: this.deps.catalog.size,
      },
    };
  }

  /** Sets the branch name the centre shows (sent by the shipping loop, between batches). */
  async setBranch(name: string): Promise<void> {
    if (!this.identity.loaded)
      throw new StorageError('fleet-identity.json', 'cannot be read; repair or remove it');
    await this.identity.setBranch(name);
    this.reRegister = true;
    this.poke();
  }

  /** Resolves true once everything committed so far is in the centre, false after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean> {
    const target = this.deps.journal.lastSeq;
    if (this.cursor.seq >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      const check = () => {
        if (this.cursor.seq < target) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(true);
      };
      this.waiters.add(check);
    });
  }

  private async run(): Promise<void> {
    const { config, log } = this.deps;
    let backoff = 500;
    while (!this.stopped) {
      try {
        if (!this.client) await this.connect();
        backoff = 500;
        if (this.reRegister) {
          this.reRegister = false;
          await this.register(this.client!);
        }
        if (this.pull && this.catalogDue) {
          this.catalogDue = false;
          try {
            await this.pullCatalog();
            this.catalogError = null;
          } catch (err) {
            if (!(err instanceof CatalogInvalid)) throw err;
            // The last copy stays; shipping must not wait for the owner to fix the catalog.
            if (this.catalogError?.message !== err.message) log.warn(`fleet: ${err.message}`);
            this.catalogError = {
              ...classify(err),
              at: new Date(this.deps.clock.now()).toISOString(),
            };
          }
        }
        const batch = await this.outbox!.next(this.cursor.seq, config.fleetBatchSize);
        if (!batch.length) {
          if (!(await this.idle(config.fleetCheckSeconds * 1000))) this.catalogDue = true;
          continue;
        }
        const t0 = Date.now();
        await shipBatch(this.client!, this.identity.value.appliance_id, batch);
        const last = batch[batch.length - 1];
        const at = new Date(this.deps.clock.now()).toISOString();
        await this.identity.writeCursor({
          appliance_id: this.identity.value.appliance_id,
          seq: last.q,
          at,
        });
        this.cursor = { seq: last.q, at };
        for (const w of [...this.waiters]) w();
        this.shippedTotal += batch.length;
        this.outbox!.shipped(batch.length);
        if (this.lastError) this.lastError = null;
        // The backlog's pace: at most FLEET_MAX_RATE entries a second; live, a short linger.
        const pace = (batch.length * 1000) / config.fleetMaxRate - (Date.now() - t0);
        const wait = batch.length < config.fleetBatchSize ? Math.max(pace, LINGER_MS) : pace;
        if (wait > 1 && !this.stopped) await this.sleep(wait);
      } catch (err) {
        if (this.stopped) break;
        const c = classify(err);
        if (this.lastError?.code !== c.code || this.lastError.message !== c.message)
          log.warn(`fleet: ${c.code}: ${c.message}`);
        this.lastError = { ...c, at: new Date(this.deps.clock.now()).toISOString() };
        await this.disconnect();
        // An identity conflict does not heal by waiting; still retried slowly (the owner
        // may remove the wrong rows in the centre).
        const pause =
          c.code === 'fleet_identity_conflict' ? config.fleetCheckSeconds * 1000 : backoff;
        backoff = Math.min(backoff * 2, config.fleetCheckSeconds * 1000);
        await this.idle(pause);
        this.catalogDue = true;
      }
    }
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: this.deps.config.fleetDatabaseUrl,
      connectionTimeoutMillis: 10_000,
      query_timeout: 60_000,
      keepAlive: true,
      application_name: 'counter-pos',
    });
    c.on('error', (err) => {
      // A broken connection between queries: the loop reconnects.
      const cls = classify(err);
      this.lastError = { ...cls, at: new Date(this.deps.clock.now()).toISOString() };
      if (this.client === c) this.client = null;
      this.poke();
    });
    c.on('notification', (n) => {
      if (n.channel === CATALOG_CHANNEL) {
        this.catalogDue = true;
        this.poke();
      }
    });
    try {
      await c.connect();
      await migrate(c).catch(async (err) => {
        // A least-privilege role cannot migrate; it can work when the schema is current.
        if ((err as { code?: string }).code === '42501')
          throw new SchemaError(
            'fleet_schema_behind',
            `the centre's schema is version ${await schemaVersion(c)}, this appliance needs a newer one it is not allowed to create; start one appliance (or npm run fleet:migrate) with the owner role`,
          );
        throw err;
      });
      this.schema = await schemaVersion(c);
      await this.register(c);
      if (this.pull) await c.query(`LISTEN ${CATALOG_CHANNEL}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    this.client = c;
    this.deps.log.info(`fleet: connected to the centre (schema ${this.schema})`);
  }

  private async register(c: pg.Client): Promise<void> {
    const v = this.identity.value;
    await registerAppliance(c, {
      id: v.appliance_id,
      branch: v.branch_name,
      version: this.deps.version,
    });
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => {});
  }

  private async pullCatalog(): Promise<void> {
    const { catalog, config, clock, log } = this.deps;
    const now = () => new Date(clock.now()).toISOString();
    const done = await pullCatalog(
      this.client!,
      { catalog, dataDir: config.dataDir, now },
      this.catalogState,
    );
    if (!done) return;
    this.catalogState = done.state;
    log.info(`fleet: catalog version ${done.state.version} applied (${done.products} products)`);
  }
}
