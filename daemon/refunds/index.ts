/**
 * Refunds of succeeded sales, whole, by line or by part of a line's quantity (refund-lines.ts
 * chooses the lines and splits the amounts), back to the way the customer paid:
 *   cash          → paid from the drawer (the caller kicks the drawer open);
 *   provider with refund() (sumup_solo) → through the provider's refund API first;
 *   anything else → recorded as "manual" (the cashier pays back by hand).
 * A refund is its own journal line ({"e":"refund"}) in the day it happened, with its own
 * number and receipt, pointing at the sale. No piece of a line is refunded twice.
 *
 * refunds.json caches the refund counter and how many pieces of which line of which sale are
 * refunded (and which lines are refunded in full); at start
 * it is caught up from the journal (the truth). It also keeps the last number handed to the
 * TSE, so a signed refund whose journal line failed never lends its number to the next.
 * Refunds run one at a time.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { JsonDocument } from '../store/index.js';
import type { Refund, RefundPayment, Sale, TseRecord } from '../protocol.js';
import type { PaymentProvider } from '../payments/provider.js';
import { refundsPerPart } from './refund-payments.js';
import {
  payParts,
  providerRefusal,
  restoreVouchers,
  type PartialRefunds,
  type RefundVouchers,
} from './split-refunds.js';

export type { RefundVouchers } from './split-refunds.js';
import { catchUp, type DayOf, type RefundEntry, type ShopJournal } from '../closing/entries.js';
import { planRefundLines, RefundError, type RefundRequest } from './refund-lines.js';

export { RefundError, type RefundPart, type RefundRequest } from './refund-lines.js';

export interface RefundsData {
  last_number: number;
  /**
   * sale id → line indexes refunded in full, refunded pieces per line index (absent in files
   * written before parts; the journal catch-up fills it) and refund ids.
   */
  sales: Record<
    string,
    { lines: number[]; refunds: string[]; quantities?: Record<string, number> }
  >;
  /** Recent idempotency keys → refund id. */
  keys: Record<string, string>;
  synced_at: string | null;
  /**
   * The highest number handed to the TSE. Written before signing, so a refund signed whose
   * journal line then failed (full disk, power cut) never lends its number — and so its TSE
   * transaction — to the next refund, in this run or after a restart.
   */
  reserved_number?: number;
  /**
   * Split refunds stopped half way (a card part refused after another card part went back):
   * sale id → the refund's lines (`[[line_index, quantity]…]` as JSON) and the parts already
   * refunded through their providers. Refunding the same lines again carries on from there;
   * the refund line is written only whole.
   */
  partial?: PartialRefunds;
}

export const REFUNDS_DOC = {
  name: 'refunds.json',
  schemaVersion: 1,
  defaults: (): RefundsData => ({ last_number: 0, sales: {}, keys: {}, synced_at: null }),
};

const MAX_KEYS = 500;

export interface RefundsDeps {
  doc: JsonDocument<RefundsData>;
  journal: ShopJournal;
  dayOf: DayOf;
  clock: Clock;
  log: Logger;
  findSale(id: string): Promise<Sale | undefined>;
  provider(id: string): PaymentProvider | undefined;
  /** The TSE (KassenSichV): a refund is its own signed receipt, signed before it is written. */
  sign?(refund: Refund): Promise<TseRecord | null>;
  /** The voucher book: vouchers a refund takes back are held while it runs, then voided. */
  vouchers?: RefundVouchers;
}

export function refundId(day: string, number: number): string {
  return `rf_${day.replaceAll('-', '')}_${number}`;
}

function dayOfRefundId(id: string): string | null {
  const m = /^rf_(\d{4})(\d{2})(\d{2})_\d{1,12}$/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

export class Refunds {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RefundsDeps) {}

  /** Catches refunds.json up with refund lines the journal has and the cache missed. */
  async load(): Promise<void> {
    const caught = new Map<string, Refund>();
    const missed = await catchUp(
      this.deps,
      'refund',
      (line: RefundEntry) => line.refund.number,
      (d) => d.last_number,
      (d, line) => {
        caught.set(line.refund.id, line.refund);
        this.apply(d, line);
      },
    );
    // A power cut after a refund's line and before its voucher parts went back: now (once).
    for (const r of caught.values()) await restoreVouchers(this.deps.vouchers, this.deps.log, r);
    if (missed) this.deps.log.warn(`refunds: caught up ${missed} refund(s) from the journal`);
    // Vouchers whose selling line was refunded are void: read from the refund lines.
    const book = this.deps.vouchers;
    if (!book) return;
    const voided: string[] = [];
    for (const saleId of book.sellingSales()) {
      if (!this.deps.doc.data.sales[saleId]) continue;
      const sale = await this.deps.findSale(saleId);
      if (!sale) continue;
      const q = this.refundedQuantities(sale);
      sale.lines.forEach((l, i) => {
        if (l.kind === 'voucher' && l.voucher_code && (q[i] ?? 0) > 0) voided.push(l.voucher_code);
      });
    }
    book.markRefunded(voided);
  }

  private apply(d: RefundsData, line: RefundEntry): void {
    const r = line.refund;
    if (r.number <= d.last_number) return;
    d.last_number = r.number;
    const s = (d.sales[r.sale_id] ??= { lines: [], refunds: [] });
    const qty = (s.quantities ??= {});
    const full = new Set(s.lines);
    for (const l of r.lines) {
      const done = (qty[l.line_index] ?? 0) + l.quantity;
      qty[l.line_index] = done;
      // Refund lines without line_quantity are from before parts: the whole line.
      if (l.line_quantity === undefined || done >= l.line_quantity) full.add(l.line_index);
    }
    s.lines = [...full].sort((a, b) => a - b);
    s.refunds.push(r.id);
    d.keys[line.key] = r.id;
    if (d.partial) delete d.partial[r.sale_id];
    const keys = Object.keys(d.keys);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_KEYS))) delete d.keys[k];
    d.synced_at = line.at;
  }

  /** Line indexes of a sale that are refunded in full already. */
  refundedLines(saleId: string): number[] {
    return [...(this.deps.doc.data.sales[saleId]?.lines ?? [])];
  }

  /** Refunded pieces per line index of a sale (a line refunded in full: all its pieces). */
  refundedQuantities(sale: Sale): Record<string, number> {
    const s = this.deps.doc.data.sales[sale.id];
    const out: Record<string, number> = {};
    for (const [i, q] of Object.entries(s?.quantities ?? {})) if (q > 0) out[i] = q;
    // A cache written before parts knows whole lines only.
    for (const i of s?.lines ?? []) out[i] = sale.lines[i]?.quantity ?? out[i];
    return out;
  }

  async find(id: string): Promise<Refund | undefined> {
    const day = dayOfRefundId(id);
    if (!day) return undefined;
    let found: Refund | undefined;
    await this.deps.journal.readDay(day, (line) => {
      if (line.e === 'refund' && line.refund.id === id) found = line.refund;
    });
    return found;
  }

  async forSale(saleId: string): Promise<Refund[]> {
    const ids = this.deps.doc.data.sales[saleId]?.refunds ?? [];
    const out: Refund[] = [];
    for (const id of ids) {
      const r = await this.find(id);
      if (r) out.push(r);
    }
    return out;
  }

  refund(
    saleId: string,
    input: RefundRequest & { reason: string; key: string },
    by: string | null,
  ): Promise<{ refund: Refund; sale: Sale; created: boolean }> {
    const run = this.chain.then(
      () => this.run(saleId, input, by),
      () => this.run(saleId, input, by),
    );
    this.chain = run.catch(() => {});
    return run;
  }

  private async run(
    saleId: string,
    input: RefundRequest & { reason: string; key: string },
    by: string | null,
  ): Promise<{ refund: Refund; sale: Sale; created: boolean }> {
    const { doc } = this.deps;
    const sale = await this.deps.findSale(saleId);
    if (!sale) throw new RefundError(404, 'not_found', `No sale ${saleId}`);
    const seenId = doc.data.keys[input.key];
    if (seenId) {
      const existing = await this.find(seenId);
      if (existing && existing.sale_id === sale.id)
        return { refund: existing, sale, created: false };
      if (existing)
        throw new RefundError(
          409,
          'idempotency_key_reused',
          'This idempotency_key belongs to another refund',
        );
    }
    if (sale.state !== 'succeeded')
      throw new RefundError(
        409,
        'not_refundable',
        `Sale ${sale.number} is ${sale.state}; only paid sales can be refunded`,
      );
    if (doc.state.state !== 'ok')
      throw new RefundError(
        503,
        'refunds_unavailable',
        `refunds.json is ${doc.state.state}; see health`,
      );
    const refunded = this.refundedQuantities(sale);
    const lines = planRefundLines(sale, (i) => refunded[i] ?? 0, input);
    const total = lines.reduce((s, l) => s + l.line_total_cents, 0);
    // Vouchers this sale sold go back only unused; held (not redeemable) until written.
    const codes = lines.flatMap((l) => (l.voucher_code ? [l.voucher_code] : []));
    if (codes.length && this.deps.vouchers) {
      const held = await this.deps.vouchers.holdForRefund(codes);
      if (!held.ok)
        throw new RefundError(
          409,
          'voucher_already_used',
          `Voucher ${held.code} has been redeemed (${held.redeemed_cents} cents); it cannot be refunded`,
          undefined,
          { voucher_code: held.code, redeemed_cents: held.redeemed_cents },
        );
    }
    let written = false;
    try {
      const out = await this.pay(sale, input, by, lines, total);
      written = true;
      return out;
    } finally {
      if (codes.length) this.deps.vouchers?.release(codes, written);
    }
  }

  private async pay(
    sale: Sale,
    input: RefundRequest & { reason: string; key: string },
    by: string | null,
    lines: Refund['lines'],
    total: number,
  ): Promise<{ refund: Refund; sale: Sale; created: boolean }> {
    const { doc, journal, dayOf, clock, log } = this.deps;

    let method: Refund['method'] = 'manual';
    let payment: Record<string, unknown> = {};
    let payments: RefundPayment[] | undefined;
    const provider = this.deps.provider(sale.provider);
    if (refundsPerPart(sale)) {
      // Several parts (or a voucher): each part through its own provider (refund-payments.ts).
      method = 'split';
      payments = await payParts(
        {
          partial: doc.data.partial,
          remember: (saleId, value) =>
            doc.update((d) => {
              (d.partial ??= {})[saleId] = value;
            }),
          provider: this.deps.provider,
          vouchers: this.deps.vouchers,
        },
        await this.forSale(sale.id),
        { sale, key: input.key, lines, total, byHand: input.by_hand === true },
      );
    } else if (sale.provider === 'cash') method = 'cash';
    else if (provider?.refund) {
      try {
        const out = await provider.refund(sale, total);
        payment = out.payment ?? {};
        method = 'provider';
      } catch (err) {
        throw providerRefusal(provider.label, err);
      }
    }

    const now = clock.now();
    const at = new Date(now).toISOString();
    const day = dayOf(now);
    const number = Math.max(doc.data.last_number, doc.data.reserved_number ?? 0) + 1;
    if (this.deps.sign) {
      try {
        await doc.update((d) => {
          d.reserved_number = number;
        });
      } catch (err) {
        if (method === 'provider')
          log.error(
            `refunds: ${sale.provider} refunded ${total} cents of sale ${sale.number} but refunds.json could not be written: ${(err as Error).message}; record it by hand`,
          );
        throw err;
      }
    }
    const refund: Refund = {
      id: refundId(day, number),
      number,
      sale_id: sale.id,
      sale_number: sale.number,
      terminal_id: sale.terminal_id,
      provider: sale.provider,
      method,
      ...(payments ? { payments } : {}),
      lines,
      total_cents: total,
      reason: input.reason,
      by,
      created_at: at,
      payment,
    };
    const tse = await this.deps.sign?.(refund);
    if (tse) refund.tse = tse;
    const line: RefundEntry = { e: 'refund', at, key: input.key, refund };
    try {
      await journal.append(day, line);
    } catch (err) {
      if (method === 'provider')
        log.error(
          `refunds: ${sale.provider} refunded ${total} cents of sale ${sale.number} but the journal write failed: ${(err as Error).message}; record it by hand`,
        );
      throw err;
    }
    await restoreVouchers(this.deps.vouchers, this.deps.log, refund);
    await doc.update((d) => this.apply(d, line));
    log.info(`refunds: R-${number} ${total} cents of sale ${sale.number} (${method})`);
    return { refund, sale, created: true };
  }
}
