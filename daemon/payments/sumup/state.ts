/**
 * sumup.json: what this daemon asked SumUp to do, written durably BEFORE and AFTER each call.
 *
 * - `callback_secret`: the HMAC key for callback tokens (generated once, never leaves the Pi).
 * - `checkouts[sale_id]`: one reader checkout per sale. A record exists before createCheckout
 *   is sent, so a crash or timeout mid-call can never lead to a second checkout (a second
 *   charge) for the same sale; the poller and restart reconciliation read these records.
 */
import { randomBytes } from 'node:crypto';
import type { JsonDocument, Store } from '../../store/index.js';

export type RecordPhase =
  /** createCheckout sent, answer not (yet) seen. */
  | 'creating'
  /** SumUp accepted the checkout; waiting for the card holder. */
  | 'live'
  /** Tap to Pay: the app reported success; waiting for the transactions API to confirm. */
  | 'confirming'
  /** Settled (or given up); kept for reference. */
  | 'done';

export interface CheckoutRecord {
  sale_id: string;
  provider: 'sumup_solo' | 'sumup_tap';
  phase: RecordPhase;
  reader_id?: string;
  checkout_id?: string;
  client_transaction_id?: string;
  /** Sent as affiliate.foreign_transaction_id / foreign-tx-id (the sale id). */
  foreign_transaction_id?: string;
  transaction_code?: string;
  amount_cents: number;
  cancel_requested: boolean;
  created_at: string;
  updated_at: string;
}

export interface SumUpStateData {
  callback_secret: string;
  checkouts: Record<string, CheckoutRecord>;
}

export const SUMUP_DOC = {
  name: 'sumup.json',
  schemaVersion: 1,
  defaults: (): SumUpStateData => ({
    callback_secret: randomBytes(32).toString('base64url'),
    checkouts: {},
  }),
};

/** Keep settled records this long (reference for support questions), then drop them. */
const KEEP_DONE_MS = 7 * 24 * 3600_000;

export class SumUpState {
  private constructor(private readonly doc: JsonDocument<SumUpStateData>) {}

  static async open(store: Store): Promise<SumUpState> {
    const doc = await store.document<SumUpStateData>(SUMUP_DOC);
    if (doc.created) await doc.flush();
    return new SumUpState(doc);
  }

  /** Why sumup.json cannot be written (corrupt/unreadable file kept for the operator), or null. */
  get problem(): string | null {
    const s = this.doc.state;
    return s.state === 'ok' ? null : s.message;
  }

  get secret(): string {
    return this.doc.data.callback_secret;
  }

  get(saleId: string): CheckoutRecord | undefined {
    return this.doc.data.checkouts[saleId];
  }

  /** Records not yet settled (the poller's work list). */
  open(): CheckoutRecord[] {
    return Object.values(this.doc.data.checkouts).filter((r) => r.phase !== 'done');
  }

  /** The sale whose checkout is live on this reader, if any. */
  liveOn(readerId: string): CheckoutRecord | undefined {
    return this.open().find((r) => r.reader_id === readerId && r.provider === 'sumup_solo');
  }

  /** Durable insert-or-merge; resolves once on disk. */
  async put(
    saleId: string,
    patch: Partial<CheckoutRecord> & Pick<CheckoutRecord, 'provider'>,
    nowIso: string,
  ): Promise<CheckoutRecord> {
    return this.doc.update((d) => {
      const prev = d.checkouts[saleId];
      const base: CheckoutRecord = prev ?? {
        sale_id: saleId,
        provider: patch.provider,
        phase: 'creating',
        amount_cents: 0,
        cancel_requested: false,
        created_at: nowIso,
        updated_at: nowIso,
      };
      const next: CheckoutRecord = {
        ...base,
        ...patch,
        updated_at: nowIso,
      };
      d.checkouts[saleId] = next;
      return next;
    });
  }

  /** Drops settled records older than a week (the journal keeps the sale for good). */
  async prune(now: number): Promise<void> {
    const old = Object.values(this.doc.data.checkouts).filter(
      (r) => r.phase === 'done' && now - Date.parse(r.updated_at) > KEEP_DONE_MS,
    );
    if (!old.length) return;
    await this.doc.update((d) => {
      for (const r of old) delete d.checkouts[r.sale_id];
    });
  }
}
