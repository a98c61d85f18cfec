/**
 * The fiscal module (KassenSichV, § 146a AO): every sale, aborted sale and refund becomes a TSE
 * transaction of process type Kassenbeleg-V1, signed before the sale is acknowledged, and the
 * TSE's answer is journalled with it. One small face for checkout and refunds:
 *
 *   begin(key)            start the TSE transaction when the sale is created (not awaited)
 *   signSale(sale)        finish it when the sale settles: `Beleg` when paid, `AVBelegabbruch`
 *                         when the payment failed or was cancelled
 *   signRefund(refund)    a refund is its own `Beleg` with negative amounts
 *
 * Each key is signed once: concurrent and repeated calls with the same process data share one
 * answer, and the providers map the key to the same TSE transaction after a restart. A key asked
 * for with other process data than it was signed with (a sale signed as paid, then asked to be
 * signed as aborted) is refused with `fiscal_conflict` (409), never answered with the other
 * outcome's signature: the journal must never hold a sale whose signature says something else. Every signing is bounded by
 * FISCAL_TIMEOUT_MS: a TSE that does not answer in time puts the module in an outage — the sale
 * completes with `tse.failed = true` (the receipt says so), the outage's start, end and unsigned
 * count are kept in fiscal.json for the admin and the export, and the first signature that works
 * again ends it. A failed key is not tried again (it is never signed twice).
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { JsonDocument, Store } from '../store/index.js';
import { VERSION } from '../core/version.js';
import { DomainError } from '../core/errors.js';
import type { FiscalInfo, Refund, Sale, TseOutage, TseRecord } from '../protocol.js';
import { FISCAL_PROVIDERS } from './registry.js';
import { grossByRate, processData, PROCESS_TYPE, qrCodeData } from './process-data.js';
import { fiscalView, isCash, refundMoney, refundVoucherLines } from '../sale-payments.js';
import {
  TseError,
  type FinishInput,
  type FiscalProvider,
  type TseDescription,
} from './provider.js';

export { PROCESS_TYPE } from './process-data.js';

export const SOFTWARE_NAME = 'Counter POS';
export const TILL_BRAND = 'Counter POS';
export const TILL_MODEL = 'Raspberry Pi appliance';

export interface FiscalData {
  /** The till's serial number (TSE client serial, DSFinV-K KASSE_SERIENNR). */
  till_serial: string;
  /** First start with fiscal signing (the date the owner registers as "in service since"). */
  in_service_since: string;
  outages: TseOutage[];
}

export const FISCAL_DOC = {
  name: 'fiscal.json',
  schemaVersion: 1,
  defaults: (): FiscalData => ({ till_serial: '', in_service_since: '', outages: [] }),
  validate: (d: unknown) =>
    Array.isArray((d as FiscalData | null)?.outages) ? null : 'outages must be a list',
};

const KEEP_OUTAGES = 200;
const KEEP_ANSWERS = 2000;

function conflict(key: string, signed: string, asked: string): DomainError {
  return new DomainError(
    409,
    'fiscal_conflict',
    `${key} is signed by the TSE as ${signed}; it cannot be signed again as ${asked}`,
  );
}

export interface FiscalDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  store: Store;
}

/** What checkout and refunds call (see the module comment). */
export interface FiscalSigner {
  readonly enabled: boolean;
  begin(key: string): void;
  signSale(sale: Sale): Promise<TseRecord | null>;
  signRefund(refund: Refund): Promise<TseRecord | null>;
}

export class Fiscal implements FiscalSigner {
  readonly name = 'fiscal';
  /** fake | fiskaly | off | unset. */
  readonly providerId: string;
  private readonly provider: FiscalProvider | null;
  private described: TseDescription | null = null;
  private describeError: string | null = null;
  private readonly begun = new Map<string, Promise<unknown>>();
  /** Each key's signing, with the process data it was asked for. */
  private readonly answers = new Map<
    string,
    { process_data: string; answer: Promise<TseRecord> }
  >();

  private constructor(
    private readonly deps: FiscalDeps,
    private readonly doc: JsonDocument<FiscalData>,
  ) {
    const id = deps.config.fiscalProvider;
    this.providerId = id || 'unset';
    const factory = FISCAL_PROVIDERS.find((p) => p.id === id);
    this.provider =
      factory && id !== 'off'
        ? factory.create({ ...deps, log: deps.log, tillSerial: doc.data.till_serial })
        : null;
  }

  static async open(deps: FiscalDeps): Promise<Fiscal> {
    const doc = await deps.store.document<FiscalData>(FISCAL_DOC);
    const serial = deps.config.fiscalTillSerial || doc.data.till_serial;
    if (doc.data.till_serial !== serial || !doc.data.in_service_since) {
      await doc
        .update((d) => {
          d.till_serial = serial || `CPOS-${randomBytes(6).toString('hex').toUpperCase()}`;
          d.in_service_since ||= new Date(deps.clock.now()).toISOString();
        })
        .catch((err) => deps.log.error(`fiscal.json: ${(err as Error).message}`));
    }
    return new Fiscal(deps, doc);
  }

  /** Signing is on (fake, fiskaly, or production without a choice: every sale marked unsigned). */
  get enabled(): boolean {
    return this.providerId !== 'off';
  }

  get tillSerial(): string {
    return this.doc.data.till_serial;
  }

  async start(): Promise<void> {
    const { log } = this.deps;
    if (this.providerId === 'unset') {
      log.error(
        'FISCAL: APP_ENV=production and FISCAL_PROVIDER is not set — sales are NOT signed by a TSE and every receipt says so. Set FISCAL_PROVIDER=fiskaly (Germany) or off (docs/FISCAL.md)',
      );
      await this.failed('not_configured', 'FISCAL_PROVIDER not set');
      return;
    }
    if (!this.provider) return;
    try {
      await this.bounded(this.provider.init?.() ?? Promise.resolve());
      await this.describe();
      log.info(
        `fiscal: ${this.providerId} TSE ${this.described?.serial_number ?? '?'} (${this.described?.state ?? '?'}), till ${this.tillSerial}`,
      );
    } catch (err) {
      log.error(`fiscal: ${this.providerId} TSE not reachable at start: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([
      ...[...this.answers.values()].map((a) => a.answer),
      ...this.begun.values(),
    ]);
    await this.provider?.close?.();
  }

  private bounded<T>(p: Promise<T>): Promise<T> {
    const ms = this.deps.config.fiscalTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TseError('tse_timeout', `The TSE did not answer within ${ms} ms`)),
        ms,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private async describe(): Promise<TseDescription> {
    if (!this.provider) throw new TseError('fiscal_off', 'Fiscal signing is off');
    try {
      this.described = await this.bounded(this.provider.describe());
      this.describeError = null;
    } catch (err) {
      this.describeError = (err as Error).message;
      throw err;
    }
    return this.described;
  }

  // ----------------------------------------------------------------------------- signing
  begin(key: string): void {
    if (!this.provider || this.begun.has(key) || this.answers.has(key)) return;
    const p = this.provider.startTransaction(key).catch(() => undefined);
    this.begun.set(key, p);
  }

  signSale(sale: Sale): Promise<TseRecord | null> {
    if (!this.enabled) return Promise.resolve(null);
    const paid = sale.state === 'succeeded';
    // Tips and voucher redemptions are lines of their own (sale-payments.ts fiscalView), so
    // the gross per rate adds up to the payments: Bar (cash) and Unbar (cards...), each part
    // with its tip; a voucher pays no Bar/Unbar, it is a negative line.
    const view = fiscalView(sale);
    const gross = grossByRate(
      view.lines.map((l) => ({ vat_rate: l.vat_rate, line_total_cents: l.gross_cents })),
    );
    let cash = 0;
    let nonCash = 0;
    for (const p of paid ? view.payments : []) {
      if (isCash(p.provider)) cash += p.amount_cents;
      else nonCash += p.amount_cents;
    }
    const kind = paid ? 'Beleg' : 'AVBelegabbruch';
    return this.sign(sale.id, {
      kind,
      vat_gross_cents: gross,
      cash_cents: cash,
      non_cash_cents: nonCash,
      process_data: processData(kind, gross, cash, nonCash),
    });
  }

  signRefund(refund: Refund): Promise<TseRecord | null> {
    if (!this.enabled) return Promise.resolve(null);
    // Per part (split refunds): a voucher part takes its redemption back (a positive line in
    // its slot), cash parts are Bar, the others Unbar.
    const gross = grossByRate([
      ...refund.lines.map((l) => ({
        ...l,
        line_total_cents: -l.line_total_cents,
        discount_cents: -(l.discount_cents ?? 0),
      })),
      ...refundVoucherLines(refund).map((l) => ({
        vat_rate: l.vat_rate,
        line_total_cents: l.gross_cents,
      })),
    ]);
    const money = refundMoney(refund);
    const cash = -money.cash;
    const nonCash = -money.nonCash;
    return this.sign(refund.id, {
      kind: 'Beleg',
      vat_gross_cents: gross,
      cash_cents: cash,
      non_cash_cents: nonCash,
      process_data: processData('Beleg', gross, cash, nonCash),
    });
  }

  private sign(key: string, input: FinishInput): Promise<TseRecord> {
    const had = this.answers.get(key);
    if (had) {
      if (had.process_data === input.process_data) return had.answer;
      return Promise.reject(conflict(key, had.process_data, input.process_data));
    }
    const answer = this.signOnce(key, input);
    this.answers.set(key, { process_data: input.process_data, answer });
    // A refusal (the TSE holds the key finished otherwise) is not remembered as this key's answer.
    answer.catch(() => {
      if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
    });
    if (this.answers.size > KEEP_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }

  private async signOnce(key: string, input: FinishInput): Promise<TseRecord> {
    const base = {
      provider: this.providerId,
      process_type: PROCESS_TYPE,
      process_data: input.process_data,
      client_serial: this.tillSerial,
    };
    const provider = this.provider;
    if (!provider) return this.unsigned(base, 'not_configured');
    try {
      const tx = await this.bounded(
        (async () => {
          await this.begun.get(key);
          return input.kind === 'AVBelegabbruch'
            ? provider.cancelTransaction(key, input)
            : provider.finishTransaction(key, input);
        })(),
      );
      this.begun.delete(key);
      const d = this.described ?? (await this.describe());
      await this.recovered();
      const record: TseRecord = {
        ...base,
        serial_number: d.serial_number,
        signature_counter: tx.signature_counter,
        transaction_number: tx.number,
        time_start: tx.time_start,
        time_end: tx.time_end,
        signature: tx.signature,
        signature_algorithm: d.signature_algorithm,
        time_format: d.time_format,
        public_key: d.public_key,
        qr_code_data: null,
        failed: false,
        error: null,
      };
      record.qr_code_data =
        tx.qr_code_data ??
        qrCodeData({
          client_serial: this.tillSerial,
          process_data: input.process_data,
          transaction_number: tx.number,
          signature_counter: tx.signature_counter,
          time_start: tx.time_start,
          time_end: tx.time_end,
          signature_algorithm: d.signature_algorithm ?? '',
          time_format: d.time_format ?? '',
          signature: tx.signature,
          public_key: d.public_key ?? '',
        });
      return record;
    } catch (err) {
      this.begun.delete(key);
      // The TSE holds this transaction finished with another outcome: not an outage, a refusal.
      if (err instanceof TseError && err.code === 'tse_conflict')
        throw conflict(key, err.message, input.process_data);
      const code =
        err instanceof TseError && err.code === 'tse_timeout' ? 'tse_timeout' : 'tse_error';
      this.deps.log.error(`fiscal: ${key} left unsigned (${code}): ${(err as Error).message}`);
      return this.unsigned(base, code, (err as Error).message);
    }
  }

  private async unsigned(
    base: Pick<TseRecord, 'provider' | 'process_type' | 'process_data' | 'client_serial'>,
    code: string,
    message = code,
  ): Promise<TseRecord> {
    await this.failed(code, message);
    return {
      ...base,
      serial_number: null,
      signature_counter: null,
      transaction_number: null,
      time_start: null,
      time_end: null,
      signature: null,
      signature_algorithm: null,
      time_format: null,
      public_key: null,
      qr_code_data: null,
      failed: true,
      error: code,
    };
  }

  /** Opens an outage (or counts one more unsigned transaction in the open one). */
  private async failed(code: string, message: string): Promise<void> {
    const at = new Date(this.deps.clock.now()).toISOString();
    const open = this.openOutage();
    if (!open) this.deps.log.error(`fiscal: TSE OUTAGE from ${at}: ${message}`);
    await this.doc
      .update((d) => {
        const o = d.outages.at(-1);
        if (o && o.end === null) o.unsigned++;
        else
          d.outages.push({
            start: at,
            end: null,
            reason: code,
            unsigned: code === 'not_configured' ? 0 : 1,
          });
        if (d.outages.length > KEEP_OUTAGES) d.outages.splice(0, d.outages.length - KEEP_OUTAGES);
      })
      .catch((err) => this.deps.log.error(`fiscal.json: ${(err as Error).message}`));
  }

  private async recovered(): Promise<void> {
    if (!this.openOutage()) return;
    const at = new Date(this.deps.clock.now()).toISOString();
    this.deps.log.warn(`fiscal: TSE answers again; outage ended ${at}`);
    await this.doc
      .update((d) => {
        const o = d.outages.at(-1);
        if (o && o.end === null) o.end = at;
      })
      .catch((err) => this.deps.log.error(`fiscal.json: ${(err as Error).message}`));
  }

  private openOutage(): TseOutage | null {
    const o = this.doc.data.outages.at(-1);
    return o && o.end === null ? o : null;
  }

  outages(): TseOutage[] {
    return [...this.doc.data.outages];
  }

  // ----------------------------------------------------------------------------- admin
  async info(): Promise<FiscalInfo> {
    let d: TseDescription | null = this.described;
    let message: string | null = null;
    let state: string;
    if (this.providerId === 'unset') state = 'not_configured';
    else if (!this.provider) state = 'off';
    else {
      try {
        d = await this.describe();
        state = d.state;
      } catch (err) {
        message = (err as Error).message;
        state = 'unreachable';
      }
    }
    return {
      provider: this.providerId,
      state,
      in_outage: this.openOutage() !== null,
      tse: {
        serial_number: d?.serial_number ?? null,
        public_key: d?.public_key ?? null,
        signature_algorithm: d?.signature_algorithm ?? null,
        time_format: d?.time_format ?? null,
        bsi_certificate_id: d?.bsi_certificate_id ?? null,
        signature_counter: d?.signature_counter ?? null,
      },
      registration: {
        till_serial: this.tillSerial,
        till_brand: TILL_BRAND,
        till_model: TILL_MODEL,
        software_name: SOFTWARE_NAME,
        software_version: VERSION,
        in_service_since: this.doc.data.in_service_since,
      },
      outages: this.outages().reverse(),
      tss_id: d?.tss_id ?? null,
      client_id: d?.client_id ?? null,
      message: message ?? this.describeError,
    };
  }

  /** The TSE's own description (serial, public key, algorithm, time format) if known. */
  description(): TseDescription | null {
    return this.described;
  }

  async exportTar(): Promise<Readable> {
    if (!this.provider) throw new DomainError(409, 'fiscal_off', 'No TSE is in use');
    try {
      return await this.provider.exportTar();
    } catch (err) {
      throw new DomainError(
        502,
        'tse_unavailable',
        `The TSE export failed: ${(err as Error).message}`,
      );
    }
  }

  async setup(): Promise<{ steps: string[] }> {
    if (!this.provider?.setup)
      throw new DomainError(409, 'fiscal_setup_unsupported', `${this.providerId} needs no set-up`);
    try {
      const out = await this.provider.setup();
      await this.describe().catch(() => undefined);
      return out;
    } catch (err) {
      if (err instanceof TseError)
        throw new DomainError(502, 'tse_unavailable', `TSS set-up failed: ${err.message}`);
      throw err;
    }
  }

  health(): Record<string, unknown> {
    return {
      provider: this.providerId,
      state:
        this.providerId === 'unset'
          ? 'not_configured'
          : (this.described?.state ?? (this.provider ? 'unknown' : 'off')),
      in_outage: this.openOutage() !== null,
    };
  }
}
