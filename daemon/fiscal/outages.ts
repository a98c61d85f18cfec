/**
 * fiscal.json (the till serial, the in-service date, the TSE outages) and the outage book-keeping:
 * a signing that fails opens an outage (or counts one more unsigned transaction in the open one),
 * the first signature that works again ends it. The admin page and the DSFinV-K export read them.
 */
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { JsonDocument } from '../store/index.js';
import type { TseOutage } from '../protocol.js';

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

export class Outages {
  constructor(
    private readonly doc: JsonDocument<FiscalData>,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** The outage still going on, if any. */
  open(): TseOutage | null {
    const o = this.doc.data.outages.at(-1);
    return o && o.end === null ? o : null;
  }

  list(): TseOutage[] {
    return [...this.doc.data.outages];
  }

  /** Opens an outage (or counts one more unsigned transaction in the open one). */
  async failed(code: string, message: string): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    if (!this.open()) this.log.error(`fiscal: TSE OUTAGE from ${at}: ${message}`);
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
      .catch((err) => this.log.error(`fiscal.json: ${(err as Error).message}`));
  }

  /** Ends the open outage: a signature worked again. */
  async recovered(): Promise<void> {
    if (!this.open()) return;
    const at = new Date(this.clock.now()).toISOString();
    this.log.warn(`fiscal: TSE answers again; outage ended ${at}`);
    await this.doc
      .update((d) => {
        const o = d.outages.at(-1);
        if (o && o.end === null) o.end = at;
      })
      .catch((err) => this.log.error(`fiscal.json: ${(err as Error).message}`));
  }
}
