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
import type { Refund, RefundPayment, Sale, SalePayment, TseRecord } from '../protocol.js';
import { ProviderError, type PaymentProvider } from '../payments/provider.js';
import { isCash } from '../sale-payments.js';
import { providerView } from '../checkout/parts.js';
import { planRefundPayments, refundsPerPart } from './refund-payments.js';
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
  partial?: Record<string, { key: string; lines: string; done: RefundPayment[] }>;
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

/** What refunds need of the voucher book (daemon/vouchers/book.ts, held by checkout). */
export interface RefundVouchers {
  holdForRefund(
    codes: string[],
  ): Promise<{ ok: true } | { ok: false; code: string; redeemed_cents: number }>;
  release(codes: string[], voided: boolean): void;
  sellingSales(): Set<string>;
  markRefunded(codes: Iterable<string>): void;
  refundTarget(partId: string): { code: string; new_code?: string } | undefined;
  restoreForRefund(
    partId: string,
    refundId: string,
    cents: number,
    newCode?: string,
  ): Promise<{ code: string; balance_cents: number } | undefined>;
}

/** A provider's refusal as the refund's answer: 422 when it said no, 502 when it failed. */
function providerRefusal(label: string, err: unknown): RefundError {
  if (err instanceof ProviderError) {
    const refused = err.status >= 400 && err.status < 500;
    return new RefundError(
      refused ? 422 : 502,
      err.code,
      `${label} ${refused ? 'refused the refund' : 'refund failed'}: ${err.message}`,
    );
  }
  return new RefundError(502, 'refund_failed', `${label} refund failed: ${(err as Error).message}`);
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
    for (const r of caught.values()) await this.restoreVouchers(r);
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

  /**
   * The parts of a split sale a refund goes back through. Parts whose provider can refuse
   * (cards) run first, one by one, each remembered in refunds.json once it went through; a
   * refusal after one went through answers 502 `refund_part_failed` with what was refunded and
   * what remains, and refunding the same lines again carries on. Cash and vouchers follow:
   * they cannot refuse (a voucher's balance goes back once the refund line is written).
   */
  private async payParts(
    sale: Sale,
    key: string,
    lines: Refund['lines'],
    total: number,
    byHand: boolean,
  ): Promise<RefundPayment[]> {
    const { doc } = this.deps;
    // A refund that stopped half way carries on when the same lines are refunded again (a new
    // click at the till has a new key); another refund of the sale waits for it.
    const what = JSON.stringify(lines.map((l) => [l.line_index, l.quantity]));
    const before = doc.data.partial?.[sale.id];
    if (before && before.lines !== what)
      throw new RefundError(
        409,
        'refund_in_progress',
        `A refund of sale ${sale.number} stopped half way; repeat it to finish it first`,
        undefined,
        { refunded_cents: before.done.reduce((n, p) => n + p.amount_cents, 0) },
      );
    const done = [...(before?.done ?? [])];
    const plan = planRefundPayments(sale, total, await this.forSale(sale.id));
    const out = new Map<string, RefundPayment>();
    const entry = (
      part: SalePayment,
      amount_cents: number,
      method: RefundPayment['method'],
      payment: Record<string, unknown> = {},
    ): RefundPayment => ({
      part_id: part.id,
      provider: part.provider,
      amount_cents,
      method,
      payment,
    });
    for (const { part, amount_cents } of plan) {
      if (isCash(part.provider) || part.provider === 'voucher') continue;
      const had = done.find((p) => p.part_id === part.id);
      const provider = this.deps.provider(part.provider);
      if (had) out.set(part.id, had);
      else if (!provider?.refund || byHand) out.set(part.id, entry(part, amount_cents, 'manual'));
      else {
        try {
          const r = await provider.refund(providerView(sale, part), amount_cents);
          const item = entry(part, amount_cents, 'provider', r.payment ?? {});
          out.set(part.id, item);
          done.push(item);
        } catch (err) {
          const why = providerRefusal(provider.label, err);
          const refunded = done.reduce((n, p) => n + p.amount_cents, 0);
          if (refunded === 0) throw why;
          throw new RefundError(
            502,
            'refund_part_failed',
            `${why.message}; ${refunded} cents went back through other parts already, ${total - refunded} remain: repeat the refund to carry on`,
            undefined,
            {
              provider: part.provider,
              reason: why.code,
              refunded_cents: refunded,
              remaining_cents: total - refunded,
            },
          );
        }
        await doc.update((d) => {
          (d.partial ??= {})[sale.id] = { key, lines: what, done: [...done] };
        });
      }
    }
    for (const { part, amount_cents } of plan) {
      if (isCash(part.provider)) out.set(part.id, entry(part, amount_cents, 'cash'));
      else if (part.provider === 'voucher') {
        const target = this.deps.vouchers?.refundTarget(part.id);
        out.set(
          part.id,
          target
            ? entry(part, amount_cents, 'provider', {
                voucher_code: target.code,
                voucher_purpose: part.payment.voucher_purpose ?? 'multi',
                voucher_vat_rate: part.payment.voucher_vat_rate ?? 0,
                ...(target.new_code ? { new_voucher_code: target.new_code } : {}),
              })
            : entry(part, amount_cents, 'manual'),
        );
      }
    }
    return plan.map(({ part }) => out.get(part.id)!);
  }

  /** A written refund's voucher parts go back onto their vouchers (or new ones); once. */
  private async restoreVouchers(refund: Refund): Promise<void> {
    for (const p of refund.payments ?? []) {
      if (p.provider !== 'voucher' || p.method !== 'provider' || !this.deps.vouchers) continue;
      const newCode = p.payment.new_voucher_code;
      try {
        await this.deps.vouchers.restoreForRefund(
          p.part_id,
          refund.id,
          p.amount_cents,
          typeof newCode === 'string' ? newCode : undefined,
        );
      } catch (err) {
        this.deps.log.error(
          `refunds: R-${refund.number} could not give ${p.amount_cents} cents back to voucher ${String(p.payment.voucher_code)}: ${(err as Error).message}; add it to the voucher by hand (the refund line records it)`,
        );
      }
    }
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
      payments = await this.payParts(sale, input.key, lines, total, input.by_hand === true);
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
    await this.restoreVouchers(refund);
    await doc.update((d) => this.apply(d, line));
    log.info(`refunds: R-${number} ${total} cents of sale ${sale.number} (${method})`);
    return { refund, sale, created: true };
  }
}
