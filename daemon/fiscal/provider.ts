/**
 * The fiscal provider contract: one TSE (technische Sicherheitseinrichtung, KassenSichV) behind
 * a small interface. A provider is one file in ./providers/ plus one line in ./registry.ts.
 *
 * A transaction is keyed by the caller's stable key (a sale or refund id): the provider maps it
 * to its own transaction id deterministically, so a repeated call after a lost answer finds the
 * same transaction instead of signing a second one.
 */
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';

/** What is signed at the end of a transaction (DSFinV-K process type Kassenbeleg-V1). */
export interface FinishInput {
  /** `Beleg` (sale, refund) or `AVBelegabbruch` (aborted sale). */
  kind: 'Beleg' | 'AVBelegabbruch';
  /** Gross cents in the fixed rate order 19 / 7 / 10.7 / 5.5 / 0 % (negative for refunds). */
  vat_gross_cents: [number, number, number, number, number];
  /** Cash and non-cash payment cents (negative for refunds). */
  cash_cents: number;
  non_cash_cents: number;
  /** The process data as the DSFinV-K writes it (`Beleg^…^…`). */
  process_data: string;
}

/** The TSE's answer at the end of a transaction. Times are ISO 8601 UTC. */
export interface TseTransaction {
  number: number;
  signature_counter: number;
  signature: string;
  time_start: string;
  time_end: string;
  /** The provider's own QR code data, when it makes one. */
  qr_code_data: string | null;
}

/** The TSE's fixed data. */
export interface TseDescription {
  state: string;
  serial_number: string | null;
  public_key: string | null;
  signature_algorithm: string | null;
  time_format: string | null;
  bsi_certificate_id: string | null;
  signature_counter: number | null;
  tss_id: string | null;
  client_id: string | null;
}

export interface FiscalProvider {
  readonly id: string;
  /** Connects / loads keys; must not throw for an unreachable service (info() says so). */
  init?(): Promise<void>;
  /** Starts a transaction; the same key again returns the same transaction. */
  startTransaction(key: string): Promise<{ number: number; time_start: string }>;
  /** Updates an active transaction (signs the data so far). */
  updateTransaction(key: string, input: FinishInput): Promise<void>;
  /** Finishes it with the receipt data; the same key again answers the same signature. */
  finishTransaction(key: string, input: FinishInput): Promise<TseTransaction>;
  /** Ends it as aborted (AVBelegabbruch); the same key again answers the same signature. */
  cancelTransaction(key: string, input: FinishInput): Promise<TseTransaction>;
  /** The TSE's state and fixed data (serial, public key, algorithm, time format). */
  describe(): Promise<TseDescription>;
  /** The TSE's TAR log export. */
  exportTar(): Promise<Readable>;
  /** Releases files and timers (stop). */
  close?(): Promise<void>;
  /** fiskaly: create, personalise and initialise the TSS and register this till as client. */
  setup?(): Promise<{ steps: string[] }>;
}

export interface FiscalProviderDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  store: Store;
  /** The till's serial number (TSE client serial). */
  tillSerial: string;
}

export type FiscalProviderFactory = {
  id: string;
  create(deps: FiscalProviderDeps): FiscalProvider;
};

/** A TSE refusal or failure; `code` is stable (tse_timeout, tse_error, tse_refused, tse_conflict: finished with another outcome...). */
export class TseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TseError';
  }
}
