/**
 * `fiskaly`: fiskaly SIGN DE, API v2 (a cloud TSE). Facts from fiskaly's public API reference:
 *
 *   POST /auth {api_key, api_secret} | {refresh_token}   → access_token (+ expiry), refresh_token
 *   PUT   /tss/{tss_id} {}                                → state CREATED, admin_puk (once)
 *   PATCH /tss/{tss_id} {state: UNINITIALIZED}           personalise
 *   PATCH /tss/{tss_id}/admin {admin_puk, new_admin_pin} set the admin PIN
 *   POST  /tss/{tss_id}/admin/auth {admin_pin}           admin login (…/admin/logout after)
 *   PATCH /tss/{tss_id} {state: INITIALIZED}             initialise
 *   PUT   /tss/{tss_id}/client/{client_id} {serial_number}  register this till
 *   PUT   /tss/{tss_id}/tx/{tx_id}?tx_revision=n         n=1 starts (ACTIVE); n+1 updates (ACTIVE),
 *                                                        finishes (FINISHED) or cancels (CANCELLED)
 *   GET   /tss/{tss_id}/tx/{tx_id}                       a transaction as it stands
 *   PUT   /tss/{tss_id}/export/{export_id}, GET …/export/{export_id}, GET …/file   TAR export
 *   errors: {status_code, error, code, message}
 *
 * The finishing body carries schema.standard_v1.receipt {receipt_type, amounts_per_vat_rate
 * [{vat_rate: NORMAL|REDUCED_1|SPECIAL_RATE_1|SPECIAL_RATE_2|NULL, amount}],
 * amounts_per_payment_type [{payment_type: CASH|NON_CASH, amount}]}; amounts are strings with
 * two decimals. Transaction ids are UUIDs derived from the till serial and the sale or refund id,
 * so a retry after a lost answer meets the same transaction (and reads it back) instead of
 * signing a second one. The connection and its access token: fiskaly-session.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { decimal } from '../process-data.js';
import { FiskalySession } from './fiskaly-session.js';
import {
  TseError,
  type FinishInput,
  type FiscalProvider,
  type FiscalProviderDeps,
  type FiscalProviderFactory,
  type TseDescription,
  type TseTransaction,
} from '../provider.js';

const VAT_NAMES = ['NORMAL', 'REDUCED_1', 'SPECIAL_RATE_1', 'SPECIAL_RATE_2', 'NULL'] as const;

/** A stable UUID (version 5 layout) for a name: the same sale always maps to the same tx. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

interface FiskalyTx {
  _id: string;
  number: number;
  state: 'ACTIVE' | 'FINISHED' | 'CANCELLED';
  revision: number;
  time_start: number;
  time_end?: number;
  signature?: { value: string; algorithm: string; counter: number; public_key: string };
  qr_code_data?: string;
}

interface FiskalyTss {
  _id: string;
  state: string;
  serial_number?: string;
  public_key?: string;
  signature_algorithm?: string;
  signature_timestamp_format?: string;
  signature_counter?: number;
  bsi_certification_id?: string;
  admin_puk?: string;
}

const iso = (unixSeconds: number) =>
  new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');

class FiskalyTse implements FiscalProvider {
  readonly id = 'fiskaly';
  private readonly session: FiskalySession;
  private readonly tssId: string;
  private readonly clientId: string;

  constructor(private readonly deps: FiscalProviderDeps) {
    const c = deps.config;
    this.session = new FiskalySession(c, deps.clock);
    this.tssId = c.fiskalyTssId;
    this.clientId = c.fiskalyClientId || stableUuid(`client:${deps.tillSerial}`);
  }

  private txId(key: string): string {
    return stableUuid(`tx:${this.deps.tillSerial}:${key}`);
  }

  private txPath(key: string): string {
    return `/tss/${this.tssId}/tx/${this.txId(key)}`;
  }

  /** The transaction as fiskaly has it, or null when it does not exist. */
  private async readTx(key: string): Promise<FiskalyTx | null> {
    const r = await this.session.call('GET', this.txPath(key));
    if (r.status === 404) return null;
    if (r.status !== 200)
      throw new TseError('tse_error', `fiskaly GET tx answered ${r.status}`, r.status);
    return r.json as unknown as FiskalyTx;
  }

  private async ensureStarted(key: string): Promise<FiskalyTx> {
    const r = await this.session.call('PUT', `${this.txPath(key)}?tx_revision=1`, {
      state: 'ACTIVE',
      client_id: this.clientId,
    });
    if (r.status === 200) return r.json as unknown as FiskalyTx;
    // Started before (a retry after a lost answer): read it back.
    const tx = await this.readTx(key);
    if (tx) return tx;
    throw new TseError(
      'tse_refused',
      `fiskaly could not start the transaction (${r.status}): ${String(r.json.message ?? '')}`,
      r.status,
    );
  }

  async startTransaction(key: string): Promise<{ number: number; time_start: string }> {
    const tx = await this.ensureStarted(key);
    return { number: tx.number, time_start: iso(tx.time_start) };
  }

  private receipt(input: FinishInput, receiptType: string) {
    return {
      standard_v1: {
        receipt: {
          receipt_type: receiptType,
          amounts_per_vat_rate: input.vat_gross_cents
            .map((cents, i) => ({ vat_rate: VAT_NAMES[i], amount: decimal(cents), cents }))
            .filter((a) => a.cents !== 0)
            .map(({ vat_rate, amount }) => ({ vat_rate, amount })),
          amounts_per_payment_type: [
            ...(input.cash_cents !== 0
              ? [{ payment_type: 'CASH', amount: decimal(input.cash_cents) }]
              : []),
            ...(input.non_cash_cents !== 0
              ? [{ payment_type: 'NON_CASH', amount: decimal(input.non_cash_cents) }]
              : []),
          ],
        },
      },
    };
  }

  async updateTransaction(key: string, input: FinishInput): Promise<void> {
    const tx = await this.ensureStarted(key);
    if (tx.state !== 'ACTIVE')
      throw new TseError('tse_refused', `Transaction ${tx.number} is ${tx.state}`);
    await this.session.ok('PUT', `${this.txPath(key)}?tx_revision=${tx.revision + 1}`, {
      state: 'ACTIVE',
      client_id: this.clientId,
      schema: this.receipt(input, 'RECEIPT'),
    });
  }

  private async end(
    key: string,
    state: 'FINISHED' | 'CANCELLED',
    input: FinishInput,
  ): Promise<TseTransaction> {
    let tx = await this.ensureStarted(key);
    if (tx.state === 'ACTIVE') {
      const r = await this.session.call(
        'PUT',
        `${this.txPath(key)}?tx_revision=${tx.revision + 1}`,
        {
          state,
          client_id: this.clientId,
          schema: this.receipt(input, state === 'CANCELLED' ? 'CANCELLATION' : 'RECEIPT'),
        },
      );
      if (r.status === 200) tx = r.json as unknown as FiskalyTx;
      else {
        // Finished meanwhile (our earlier answer was lost): take it as it stands.
        const again = await this.readTx(key);
        if (!again || again.state === 'ACTIVE')
          throw new TseError(
            r.status >= 500 ? 'tse_error' : 'tse_refused',
            `fiskaly could not finish transaction (${r.status}): ${String(r.json.message ?? '')}`,
            r.status,
          );
        tx = again;
      }
    }
    // Finished before with the other ending (a retry that asks for another outcome): refused,
    // never answered with a signature of something else.
    if (tx.state !== state)
      throw new TseError('tse_conflict', `fiskaly transaction ${tx.number} is ${tx.state}`);
    if (!tx.signature || tx.time_end === undefined)
      throw new TseError(
        'tse_error',
        `fiskaly answered transaction ${tx.number} without a signature`,
      );
    return {
      number: tx.number,
      signature_counter: tx.signature.counter,
      signature: tx.signature.value,
      time_start: iso(tx.time_start),
      time_end: iso(tx.time_end),
      qr_code_data: tx.qr_code_data ?? null,
    };
  }

  finishTransaction(key: string, input: FinishInput): Promise<TseTransaction> {
    return this.end(key, 'FINISHED', input);
  }

  cancelTransaction(key: string, input: FinishInput): Promise<TseTransaction> {
    return this.end(key, 'CANCELLED', input);
  }

  async describe(): Promise<TseDescription> {
    const tss = await this.session.ok<FiskalyTss>('GET', `/tss/${this.tssId}`);
    return {
      state: tss.state,
      serial_number: tss.serial_number ?? null,
      public_key: tss.public_key ?? null,
      signature_algorithm: tss.signature_algorithm ?? null,
      time_format: tss.signature_timestamp_format ?? null,
      bsi_certificate_id: tss.bsi_certification_id ?? null,
      signature_counter: tss.signature_counter ?? null,
      tss_id: this.tssId,
      client_id: this.clientId,
    };
  }

  /** Walks the TSS from wherever it is to INITIALIZED with this till registered as client. */
  async setup(): Promise<{ steps: string[] }> {
    const steps: string[] = [];
    const pin = this.deps.config.fiskalyAdminPin;
    const tssPath = `/tss/${this.tssId}`;
    let r = await this.session.call('GET', tssPath);
    let tss = r.status === 200 ? (r.json as unknown as FiskalyTss) : null;
    let puk: string | null = null;
    if (!tss) {
      tss = await this.session.ok<FiskalyTss>('PUT', tssPath, {});
      puk = tss.admin_puk ?? null;
      steps.push('created');
    }
    if (tss.state === 'CREATED') {
      tss = await this.session.ok<FiskalyTss>('PATCH', tssPath, { state: 'UNINITIALIZED' });
      steps.push('personalised');
      if (!puk)
        throw new TseError(
          'tse_refused',
          'The TSS was created earlier and its admin PUK is not known here; finish the set-up in the fiskaly dashboard',
        );
      await this.session.ok('PATCH', `${tssPath}/admin`, { admin_puk: puk, new_admin_pin: pin });
      steps.push('admin_pin_set');
    }
    if (tss.state === 'UNINITIALIZED') {
      await this.session.ok('POST', `${tssPath}/admin/auth`, { admin_pin: pin });
      tss = await this.session.ok<FiskalyTss>('PATCH', tssPath, { state: 'INITIALIZED' });
      steps.push('initialised');
    }
    if (tss.state !== 'INITIALIZED')
      throw new TseError('tse_refused', `The TSS is ${tss.state}; it cannot sign`);
    r = await this.session.call('GET', `${tssPath}/client/${this.clientId}`);
    if (r.status !== 200) {
      await this.session.ok('POST', `${tssPath}/admin/auth`, { admin_pin: pin });
      await this.session.ok('PUT', `${tssPath}/client/${this.clientId}`, {
        serial_number: this.deps.tillSerial,
      });
      steps.push('client_registered');
    }
    await this.session.call('POST', `${tssPath}/admin/logout`, {});
    return { steps };
  }

  async exportTar(): Promise<Readable> {
    const id = randomUUID();
    const p = `/tss/${this.tssId}/export/${id}`;
    await this.session.ok('PUT', p, {});
    const deadline = this.deps.clock.now() + 60_000;
    for (;;) {
      const e = await this.session.ok<{ state: string }>('GET', p);
      if (e.state === 'COMPLETED') break;
      if (e.state === 'ERROR' || e.state === 'CANCELLED')
        throw new TseError('tse_error', `fiskaly export ${e.state}`);
      if (this.deps.clock.now() > deadline)
        throw new TseError('tse_timeout', 'fiskaly export did not complete in 60 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const r = await this.session.call('GET', `${p}/file`);
    if (r.status !== 200 || !r.res.body)
      throw new TseError('tse_error', `fiskaly export file answered ${r.status}`);
    return Readable.fromWeb(r.res.body as Parameters<typeof Readable.fromWeb>[0]);
  }
}

export const fiskalyFiscal: FiscalProviderFactory = {
  id: 'fiskaly',
  create: (deps) => new FiskalyTse(deps),
};
