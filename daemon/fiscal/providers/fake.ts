/**
 * `fake`: a TSE simulated on the appliance for demo mode. It signs with a local ECDSA P-256 key
 * (node:crypto, plain r||s signatures: `ecdsa-plain-SHA256`), numbers transactions and counts
 * signatures like a TSE does (start and finish each sign), and keeps its log as an append-only
 * journal (DATA_DIR/fiscal/fake-tse/YYYY-MM.jsonl), from which the TAR export is made. Its
 * serial number is the SHA-256 of its public key, as TR-03153 defines a TSE's serial. It is no
 * certified TSE: the daemon refuses it when APP_ENV=production.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { writeFileDurable } from '../../store/index.js';
import { Journal } from '../../store/journal.js';
import { PROCESS_TYPE } from '../process-data.js';
import {
  TseError,
  type FinishInput,
  type FiscalProvider,
  type FiscalProviderDeps,
  type FiscalProviderFactory,
  type TseDescription,
  type TseTransaction,
} from '../provider.js';

export const FAKE_ALGORITHM = 'ecdsa-plain-SHA256';
export const FAKE_TIME_FORMAT = 'utcTimeWithSeconds';

interface LogEntry {
  op: 'start' | 'finish' | 'cancel' | 'update';
  key: string;
  number: number;
  counter: number;
  at: string;
  time_start: string;
  process_type: string;
  process_data: string;
  signature: string;
}

function isLogEntry(v: unknown): v is LogEntry {
  const o = v as Partial<LogEntry> | null;
  return !!o && typeof o.op === 'string' && typeof o.key === 'string';
}

class FakeTse implements FiscalProvider {
  readonly id = 'fake';
  private key!: KeyObject;
  private publicKey = '';
  private serial = '';
  private readonly log: Journal<LogEntry>;
  private readonly started = new Map<string, LogEntry>();
  private readonly finished = new Map<string, LogEntry>();
  private readonly ending = new Map<string, Promise<LogEntry>>();
  private ready: Promise<void> | null = null;

  constructor(private readonly deps: FiscalProviderDeps) {
    this.log = new Journal<LogEntry>({
      dir: deps.store.path('fiscal', 'fake-tse'),
      name: 'fake TSE log',
      log: deps.log,
      partition: /^\d{4}-\d{2}$/,
      isEntry: isLogEntry,
    });
  }

  init(): Promise<void> {
    this.ready ??= this.load();
    return this.ready;
  }

  private async load(): Promise<void> {
    const dir = this.deps.store.path('fiscal');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'fake-tse-key.pem');
    let pem: string;
    try {
      pem = await readFile(file, 'utf8');
    } catch {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      await writeFileDurable(file, pem);
    }
    this.key = createPrivateKey(pem);
    const der = createPublicKey(this.key).export({ type: 'spki', format: 'der' });
    // The uncompressed EC point (04 || x || y) is the last 65 bytes of the SPKI structure.
    const point = der.subarray(der.length - 65);
    this.publicKey = point.toString('base64');
    this.serial = createHash('sha256').update(point).digest('hex');
    await this.log.open();
    for (const p of await this.log.partitions()) {
      await this.log.readPartition(p, (e) => {
        this.log.raiseCounter('tx', e.number);
        this.log.raiseCounter('sig', e.counter);
        if (e.op === 'start') this.started.set(e.key, e);
        else if (e.op === 'finish' || e.op === 'cancel') this.finished.set(e.key, e);
      });
    }
  }

  private signed(data: string): string {
    return sign('sha256', Buffer.from(data, 'utf8'), {
      key: this.key,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64');
  }

  private async write(
    op: LogEntry['op'],
    key: string,
    processData: string,
    known?: LogEntry,
  ): Promise<LogEntry> {
    await this.init();
    let made: LogEntry | undefined;
    await this.log.appendWith((next) => {
      const now = new Date(this.deps.clock.now());
      const at = now.toISOString();
      const number = known?.number ?? next('tx');
      const counter = next('sig');
      const timeStart = known?.time_start ?? at;
      // The signed message: what a TSE log message binds together (serial, operation,
      // transaction, counter, time, process type and data).
      const message = [this.serial, op, number, counter, at, PROCESS_TYPE, processData].join(';');
      made = {
        op,
        key,
        number,
        counter,
        at,
        time_start: timeStart,
        process_type: PROCESS_TYPE,
        process_data: processData,
        signature: this.signed(message),
      };
      return { partition: at.slice(0, 7), entry: made };
    });
    return made!;
  }

  async startTransaction(key: string): Promise<{ number: number; time_start: string }> {
    await this.init();
    let s = this.started.get(key);
    if (!s) {
      s = await this.write('start', key, '');
      this.started.set(key, s);
    }
    return { number: s.number, time_start: s.time_start };
  }

  async updateTransaction(key: string, input: FinishInput): Promise<void> {
    await this.init();
    const s = this.started.get(key);
    if (!s) throw new TseError('tse_refused', `No active transaction for ${key}`);
    if (this.finished.has(key))
      throw new TseError('tse_refused', `Transaction ${s.number} is finished`);
    await this.write('update', key, input.process_data, s);
  }

  private async end(
    op: 'finish' | 'cancel',
    key: string,
    input: FinishInput,
  ): Promise<TseTransaction> {
    await this.init();
    let f = this.finished.get(key);
    if (!f) {
      // Concurrent ends of one key write one entry (a TSE finishes a transaction once).
      let p = this.ending.get(key);
      if (!p) {
        p = (async () => {
          await this.startTransaction(key);
          const made = await this.write(op, key, input.process_data, this.started.get(key));
          this.finished.set(key, made);
          return made;
        })().finally(() => this.ending.delete(key));
        this.ending.set(key, p);
      }
      f = await p;
    }
    // A finished transaction answers only the same ending again; another outcome is refused
    // (it is already signed as something else).
    if (f.op !== op || f.process_data !== input.process_data)
      throw new TseError(
        'tse_conflict',
        `transaction ${f.number} is ${f.op === 'cancel' ? 'cancelled' : 'finished'} as ${f.process_data}`,
      );
    return {
      number: f.number,
      signature_counter: f.counter,
      signature: f.signature,
      time_start: f.time_start,
      time_end: f.at,
      qr_code_data: null,
    };
  }

  finishTransaction(key: string, input: FinishInput): Promise<TseTransaction> {
    return this.end('finish', key, input);
  }

  cancelTransaction(key: string, input: FinishInput): Promise<TseTransaction> {
    return this.end('cancel', key, input);
  }

  async close(): Promise<void> {
    if (this.ready) await this.ready.catch(() => undefined);
    await this.log.close();
  }

  /** Signatures made so far (demo: the admin page shows it; tests count with it). */
  get signatureCounter(): number {
    return this.log.counter('sig');
  }

  async describe(): Promise<TseDescription> {
    await this.init();
    return {
      state: 'INITIALIZED',
      serial_number: this.serial,
      public_key: this.publicKey,
      signature_algorithm: FAKE_ALGORITHM,
      time_format: FAKE_TIME_FORMAT,
      bsi_certificate_id: null,
      signature_counter: this.signatureCounter,
      tss_id: null,
      client_id: null,
    };
  }

  /** A TAR of the log (one JSON file per month) and the public key, like a TSE export. */
  async exportTar(): Promise<Readable> {
    await this.init();
    await this.log.idle();
    const pack = tar.pack();
    const parts = await this.log.partitions();
    void (async () => {
      try {
        const pub = createPublicKey(this.key).export({ type: 'spki', format: 'pem' }) as string;
        pack.entry({ name: `fake-tse_${this.serial.slice(0, 16)}_public-key.pem` }, pub);
        for (const p of parts) {
          const body = await readFile(this.log.fileOf(p));
          pack.entry({ name: `fake-tse_log_${p}.jsonl` }, body);
        }
        pack.finalize();
      } catch (err) {
        pack.destroy(err as Error);
      }
    })();
    return Readable.from(pack);
  }
}

export const fakeFiscal: FiscalProviderFactory = {
  id: 'fake',
  create: (deps) => new FakeTse(deps),
};
