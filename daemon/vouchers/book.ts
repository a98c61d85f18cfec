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
 * Balance = amount − redeemed + restored. The lines, codes and their fold into balances and
 * states are pure functions in entries.ts; this file writes the lines and keeps them in order.
 */
import { Journal } from '../store/journal.js';
import type { Logger } from '../log.js';
import type { Clock } from '../clock.js';
import type { Sale, VoucherInfo } from '../protocol.js';
import {
  applyEntry,
  expiresOn,
  isVoucherEntry,
  newVoucherCode,
  refusalOf,
  voucherInfo,
  type BookState,
  type Held,
  type VoucherEntry,
  type VoucherRefusal,
} from './entries.js';

export class VoucherBook {
  private readonly log: Journal<VoucherEntry>;
  private readonly book: BookState = { held: new Map(), refundRestores: new Map() };
  private readonly held = this.book.held;
  private readonly refundRestores = this.book.refundRestores;
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
      isEntry: isVoucherEntry,
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
    applyEntry(this.book, line);
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
      const expires_on = expiresOn(this.today());
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
          expires_on,
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

  private today(): string {
    return this.deps.timezoneDay(this.deps.clock.now());
  }

  info(voucherCode: string): VoucherInfo | undefined {
    const h = this.held.get(voucherCode.trim().toUpperCase());
    return h ? voucherInfo(h, this.today()) : undefined;
  }

  list(): VoucherInfo[] {
    return [...this.held.keys()].map((c) => this.info(c)!).reverse();
  }

  /** Why this code cannot pay now, or null when it can (its balance is then > 0). */
  refusal(voucherCode: string): VoucherRefusal | null {
    const v = this.info(voucherCode);
    return refusalOf(v, !!(v && this.held.get(v.code)?.held));
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
      const expired = this.today() > h.issue.expires_on;
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
        await this.write({
          e: 'issue',
          at,
          code: newCode,
          amount_cents: cents,
          purpose: h.issue.purpose,
          vat_rate: h.issue.vat_rate,
          sale_id: h.issue.sale_id,
          expires_on: expiresOn(this.today()),
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
