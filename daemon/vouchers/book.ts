/**
 * The voucher book (Gutscheine): DATA_DIR/vouchers/<year>.jsonl on the journal primitive
 * (fsync'd appends, torn-tail repair), read in full at start (a shop sells hundreds of
 * vouchers a year, not millions).
 *
 *   {"e":"issue",  "code", "amount_cents", "purpose", "vat_rate", "sale_id", "expires_on"}
 *   {"e":"redeem", "code", "amount_cents", "sale_id", "part_id"}   a payment part took this much
 *   {"e":"restore","code", "amount_cents", "sale_id", "part_id"}   that part was paid back
 *
 * Consistency with the sales journal, whatever the power does:
 * - A voucher counts only once the sale that sold it succeeded: that is read from the sales
 *   journal (never copied here), so a sale that failed never leaves a usable voucher.
 * - `issue` is written right after its sale's `created` line and before its payment starts;
 *   a cut in between is healed at start (ensureIssued for every pending or open sale).
 * - `redeem` is written (fsync'd) before the payment part is reported paid. A cut after it
 *   leaves the part pending in the sales journal; at start the voucher provider finds the
 *   redeem line for that part and reports it paid — so a voucher is never spent twice and a
 *   spent amount never vanishes. Redemptions of one code run one at a time.
 * - `restore` (abandoned sale) is written once per part: a second attempt finds it and skips.
 * - A voucher sold by a sale that is then refunded (its voucher line) is void ("voided"):
 *   that too is read from the sales journal's refund lines (through refunds.json, which is
 *   caught up from them at start), never written here. While such a refund runs the voucher
 *   is held (no redemption), and a voucher that paid anything is not refunded at all
 *   (`voucher_already_used`).
 * Balance = amount − redeemed + restored.
 */
import { randomBytes } from 'node:crypto';
import { Journal } from '../store/journal.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { Sale, VoucherInfo } from '../protocol.js';

export type { VoucherInfo };

export interface IssueEntry {
  e: 'issue';
  at: string;
  code: string;
  amount_cents: number;
  purpose: 'multi' | 'single';
  vat_rate: number;
  sale_id: string;
  /** Last day it can be redeemed (YYYY-MM-DD). */
  expires_on: string;
  /**
   * Issued by a refund instead of restoring an expired voucher: the old code and
   * `<part id>/<refund id>` (so healing never issues it twice).
   */
  replaces?: string;
  refund_part?: string;
}

export interface MoveEntry {
  e: 'redeem' | 'restore';
  at: string;
  code: string;
  amount_cents: number;
  sale_id: string;
  part_id: string;
  /** A restore by a refund (part of what the part paid); absent: an abandoned part, in full. */
  refund_id?: string;
}

export type VoucherEntry = IssueEntry | MoveEntry;

interface Held {
  issue: IssueEntry;
  balance: number;
  redeemed: Map<string, number>;
  restored: Set<string>;
  /** From the sales journal: the selling sale's state (undefined = not known yet). */
  sold?: Sale['state'];
  /** From the sales journal's refund lines: the voucher line of its sale was refunded. */
  refunded?: boolean;
  /** A refund of its sale is running: no redemption until it is written or given up. */
  held?: boolean;
}

/** Voucher codes: "GS" and 10 characters without look-alikes (0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const VOUCHER_CODE_RE = /^GS[A-HJ-KM-NP-Z2-9]{10}$/;

export function newVoucherCode(): string {
  return 'GS' + [...randomBytes(10)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** Why a code cannot pay: stable codes the till translates (err.voucher_*). */
export type VoucherRefusal =
  'voucher_unknown' | 'voucher_inactive' | 'voucher_expired' | 'voucher_used_up' | 'voucher_voided';

export class VoucherBook {
  private readonly log: Journal<VoucherEntry>;
  private readonly held = new Map<string, Held>();
  /** `<part id>/<refund id>` → the voucher a refund put the part's money back on. */
  private readonly refundRestores = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      dir: string;
      logger: Logger;
      clock: Clock;
      timezoneDay: (ms: number) => string;
    },
  ) {
    this.log = new Journal<VoucherEntry>({
      dir: deps.dir,
      name: 'voucher book',
      log: deps.logger,
      partition: /^\d{4}$/,
      isEntry: (v): v is VoucherEntry => {
        const e = (v as { e?: unknown } | null)?.e;
        return e === 'issue' || e === 'redeem' || e === 'restore';
      },
    });
  }

  /** Reads the whole book; `findSale` tells each voucher's selling sale's state. */
  async load(findSale: (id: string) => Promise<Sale | undefined>): Promise<void> {
    await this.log.open();
    for (const p of await this.log.partitions())
      await this.log.readPartition(p, (line) => this.apply(line));
    for (const h of this.held.values()) h.sold = (await findSale(h.issue.sale_id))?.state;
  }

  private apply(line: VoucherEntry): void {
    if (line.e === 'issue') {
      if (line.refund_part) this.refundRestores.set(line.refund_part, line.code);
      if (!this.held.has(line.code))
        this.held.set(line.code, {
          issue: line,
          balance: line.amount_cents,
          redeemed: new Map(),
          restored: new Set(),
        });
      return;
    }
    const h = this.held.get(line.code);
    if (!h) return;
    if (line.e === 'redeem' && !h.redeemed.has(line.part_id)) {
      h.redeemed.set(line.part_id, line.amount_cents);
      h.balance -= line.amount_cents;
    } else if (line.e === 'restore') {
      const key = line.refund_id ? `${line.part_id}/${line.refund_id}` : line.part_id;
      if (h.restored.has(key)) return;
      h.restored.add(key);
      if (line.refund_id) this.refundRestores.set(key, line.code);
      h.balance += line.amount_cents;
    }
  }

  private async write(entry: VoucherEntry): Promise<void> {
    await this.log.append(entry.at.slice(0, 4), entry);
    this.apply(entry);
  }

  /** One at a time: a check and its write are never interleaved with another's. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** Writes the issue lines of a sale's voucher lines that are not in the book yet. */
  ensureIssued(sale: Sale): Promise<void> {
    const lines = sale.lines.filter((l) => l.kind === 'voucher' && l.voucher_code);
    if (lines.length === 0) return Promise.resolve();
    return this.serial(async () => {
      const at = this.now();
      const year = Number(this.deps.timezoneDay(this.deps.clock.now()).slice(0, 4));
      for (const l of lines) {
        if (this.held.has(l.voucher_code!)) continue;
        await this.write({
          e: 'issue',
          at,
          code: l.voucher_code!,
          amount_cents: l.line_total_cents,
          purpose: l.voucher_purpose ?? 'multi',
          vat_rate: l.vat_rate,
          sale_id: sale.id,
          // The regular limitation period: three years from the end of the year of sale.
          expires_on: `${year + 3}-12-31`,
        });
        this.held.get(l.voucher_code!)!.sold = sale.state;
      }
    });
  }

  /** A sale moved on: vouchers it sold follow its state. */
  saleChanged(sale: Sale): void {
    for (const l of sale.lines) {
      const h = l.voucher_code ? this.held.get(l.voucher_code) : undefined;
      if (h && h.issue.sale_id === sale.id) h.sold = sale.state;
    }
  }

  private stateOf(h: Held): VoucherInfo['state'] {
    if (h.sold === 'failed' || h.sold === 'cancelled') return 'void';
    if (h.refunded) return 'voided';
    if (h.sold !== 'succeeded') return 'pending';
    if (this.deps.timezoneDay(this.deps.clock.now()) > h.issue.expires_on) return 'expired';
    return h.balance <= 0 ? 'used_up' : 'active';
  }

  info(voucherCode: string): VoucherInfo | undefined {
    const h = this.held.get(voucherCode.trim().toUpperCase());
    if (!h) return undefined;
    return {
      code: h.issue.code,
      purpose: h.issue.purpose,
      vat_rate: h.issue.vat_rate,
      amount_cents: h.issue.amount_cents,
      balance_cents: h.balance,
      state: this.stateOf(h),
      sale_id: h.issue.sale_id,
      issued_at: h.issue.at,
      expires_on: h.issue.expires_on,
    };
  }

  list(): VoucherInfo[] {
    return [...this.held.keys()].map((c) => this.info(c)!).reverse();
  }

  /** Why this code cannot pay now, or null when it can (its balance is then > 0). */
  refusal(voucherCode: string): VoucherRefusal | null {
    const v = this.info(voucherCode);
    if (!v || v.state === 'void') return 'voucher_unknown';
    if (v.state === 'voided' || this.held.get(v.code)?.held) return 'voucher_voided';
    if (v.state === 'pending') return 'voucher_inactive';
    if (v.state === 'expired') return 'voucher_expired';
    if (v.state === 'used_up') return 'voucher_used_up';
    return null;
  }

  /** Takes `cents` off the voucher for a payment part; durable before it resolves. */
  redeem(
    voucherCode: string,
    cents: number,
    saleId: string,
    partId: string,
  ): Promise<
    | { ok: true; balance_cents: number }
    | { ok: false; refusal: VoucherRefusal | 'voucher_balance_low'; balance_cents: number }
  > {
    return this.serial(async () => {
      const key = voucherCode.trim().toUpperCase();
      const refusal = this.refusal(key);
      const h = this.held.get(key);
      if (refusal || !h)
        return { ok: false, refusal: refusal ?? 'voucher_unknown', balance_cents: 0 };
      if (h.redeemed.has(partId)) return { ok: true, balance_cents: h.balance };
      if (cents > h.balance)
        return { ok: false, refusal: 'voucher_balance_low', balance_cents: h.balance };
      await this.write({
        e: 'redeem',
        at: this.now(),
        code: key,
        amount_cents: cents,
        sale_id: saleId,
        part_id: partId,
      });
      return { ok: true, balance_cents: h.balance };
    });
  }

  /** Was this payment part paid from a voucher (after a restart)? Its code and amount. */
  redeemedBy(partId: string): { code: string; cents: number; balance_cents: number } | undefined {
    for (const h of this.held.values()) {
      const cents = h.redeemed.get(partId);
      if (cents !== undefined) return { code: h.issue.code, cents, balance_cents: h.balance };
    }
    return undefined;
  }

  /** Gives a redeemed part back to its voucher (abandoned sale); once per part. */
  restore(
    partId: string,
    saleId: string,
  ): Promise<{ code: string; balance_cents: number } | undefined> {
    return this.serial(async () => {
      for (const h of this.held.values()) {
        const cents = h.redeemed.get(partId);
        if (cents === undefined) continue;
        if (!h.restored.has(partId))
          await this.write({
            e: 'restore',
            at: this.now(),
            code: h.issue.code,
            amount_cents: cents,
            sale_id: saleId,
            part_id: partId,
          });
        return { code: h.issue.code, balance_cents: h.balance };
      }
      return undefined;
    });
  }

  /**
   * Where a refund of a voucher part puts its money: back on the voucher that paid it, or —
   * when that voucher has expired — on a new one (`new_code`, made up here, issued by
   * restoreForRefund). Undefined when the part took nothing from a voucher.
   */
  refundTarget(partId: string): { code: string; new_code?: string } | undefined {
    for (const h of this.held.values()) {
      if (!h.redeemed.has(partId)) continue;
      const expired = this.deps.timezoneDay(this.deps.clock.now()) > h.issue.expires_on;
      return expired ? { code: h.issue.code, new_code: newVoucherCode() } : { code: h.issue.code };
    }
    return undefined;
  }

  /**
   * A refund gives `cents` of a voucher part back: onto its voucher, or as a new voucher
   * `newCode` (same purpose and rate, valid three years from now) when the refund chose one.
   * Once per part and refund: a second call (a retry, healing at start) changes nothing.
   */
  restoreForRefund(
    partId: string,
    refundId: string,
    cents: number,
    newCode?: string,
  ): Promise<{ code: string; balance_cents: number } | undefined> {
    return this.serial(async () => {
      const key = `${partId}/${refundId}`;
      const done = this.refundRestores.get(key);
      if (done) return { code: done, balance_cents: this.held.get(done)?.balance ?? 0 };
      const h = [...this.held.values()].find((v) => v.redeemed.has(partId));
      if (!h) return undefined;
      const at = this.now();
      if (newCode) {
        const year = Number(this.deps.timezoneDay(this.deps.clock.now()).slice(0, 4));
        await this.write({
          e: 'issue',
          at,
          code: newCode,
          amount_cents: cents,
          purpose: h.issue.purpose,
          vat_rate: h.issue.vat_rate,
          sale_id: h.issue.sale_id,
          expires_on: `${year + 3}-12-31`,
          replaces: h.issue.code,
          refund_part: key,
        });
        this.held.get(newCode)!.sold = h.sold;
        return { code: newCode, balance_cents: cents };
      }
      await this.write({
        e: 'restore',
        at,
        code: h.issue.code,
        amount_cents: cents,
        sale_id: h.issue.sale_id,
        part_id: partId,
        refund_id: refundId,
      });
      return { code: h.issue.code, balance_cents: h.balance };
    });
  }

  /**
   * Before a refund of the sale that sold these vouchers: each must be unused (balance = what
   * was sold); then they are held (no redemption) until release(). Refuses with the first
   * voucher that paid anything, and holds none then.
   */
  holdForRefund(
    codes: string[],
  ): Promise<{ ok: true } | { ok: false; code: string; redeemed_cents: number }> {
    return this.serial(async () => {
      const found = codes.map((c) => this.held.get(c)).filter((h): h is Held => !!h);
      for (const h of found) {
        const redeemed = h.issue.amount_cents - h.balance;
        if (redeemed !== 0 || h.held || h.refunded)
          return { ok: false, code: h.issue.code, redeemed_cents: redeemed };
      }
      for (const h of found) h.held = true;
      return { ok: true };
    });
  }

  /** After the refund: `voided` when its journal line was written, else usable again. */
  release(codes: string[], voided: boolean): void {
    for (const c of codes) {
      const h = this.held.get(c);
      if (!h) continue;
      h.held = false;
      if (voided) h.refunded = true;
    }
  }

  /** Sale ids that sold vouchers (to find their refunds at start). */
  sellingSales(): Set<string> {
    return new Set([...this.held.values()].map((h) => h.issue.sale_id));
  }

  /** At start: these vouchers' lines were refunded (read from the refund lines). */
  markRefunded(codes: Iterable<string>): void {
    for (const c of codes) {
      const h = this.held.get(c);
      if (h) h.refunded = true;
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.log.close();
  }
}
