/**
 * Day closing: X report (the open period so far), Z report (closes the period: counted cash
 * vs expected, numbered, immutable, a journal line), cash movements (payouts, pay-ins) with a
 * reason. The next period opens with the float the Z report left in the drawer.
 *
 * closing.json is a small cache of where we stand (last Z number, period start, float, Z
 * index); the journal is the truth. At start, Z lines journalled after the cache's last sync
 * are replayed, so a power cut between the journal append and the cache write loses nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { JsonDocument } from '../store/index.js';
import type {
  CashMovement,
  ShiftCount,
  ShiftReport,
  XReport,
  ZCloseBody,
  ZReport,
} from '../protocol.js';
import { difference } from './cash.js';
import { ClosingError, countedCash } from './count.js';
import { catchUp, type DayOf, type ShopJournal, type ZEntry } from './entries.js';
import { PeriodFold } from './period.js';
import { ShiftFold, shiftCount } from './shift.js';

export interface ZIndexEntry {
  number: number;
  at: string;
  day: string;
}

export interface ClosingData {
  z_last_number: number;
  /** End of the last Z report ('' before the first one): the open period starts after it. */
  period_start: string;
  opening_float_cents: number;
  z_index: ZIndexEntry[];
  /** Recent idempotency keys → what they wrote (z number or movement id). */
  keys: Record<string, string>;
  synced_at: string | null;
}

export const CLOSING_DOC = {
  name: 'closing.json',
  schemaVersion: 1,
  defaults: (): ClosingData => ({
    z_last_number: 0,
    period_start: '',
    opening_float_cents: 0,
    z_index: [],
    keys: {},
    synced_at: null,
  }),
};

const MAX_KEYS = 500;
export const MAX_CASH_CENTS = 100_000_000; // 1 million in major units: a typo guard

export interface ClosingDeps {
  doc: JsonDocument<ClosingData>;
  journal: ShopJournal;
  dayOf: DayOf;
  clock: Clock;
  log: Logger;
  timezone: string;
  currency: string;
}

export class Closing {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ClosingDeps) {}

  /** Catches closing.json up with Z lines the journal has and the cache missed. */
  async load(): Promise<void> {
    const missed = await catchUp(
      this.deps,
      'z',
      (line: ZEntry) => line.z.number,
      (d) => d.z_last_number,
      (d, line) => this.applyZ(d, line),
    );
    if (missed) this.deps.log.warn(`closing: caught up ${missed} Z report(s) from the journal`);
  }

  private applyZ(d: ClosingData, line: ZEntry): void {
    if (line.z.number <= d.z_last_number) return;
    d.z_last_number = line.z.number;
    d.period_start = line.z.at;
    d.opening_float_cents = line.z.next_float_cents;
    d.z_index.push({
      number: line.z.number,
      at: line.z.at,
      day: this.deps.dayOf(Date.parse(line.at)),
    });
    d.keys[line.key] = `z:${line.z.number}`;
    d.synced_at = line.at;
    this.trimKeys(d);
  }

  private trimKeys(d: ClosingData): void {
    const keys = Object.keys(d.keys);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_KEYS))) delete d.keys[k];
  }

  /** Runs operations that write closing state one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /**
   * The end of a report: one millisecond before now, after every journal line queued so far
   * is durable. Any line stamped at or before the cut-off was built before it was taken and
   * is therefore on disk when the period is read; a line stamped later belongs to the next
   * period. Nothing falls between two Z reports.
   */
  private async cutOff(): Promise<string> {
    const end = new Date(this.deps.clock.now() - 1).toISOString();
    await this.deps.journal.idle();
    return end;
  }

  private async fold(start: string, end: string): Promise<PeriodFold> {
    const { journal, dayOf } = this.deps;
    const fold = new PeriodFold(start, end);
    // One day before the start too: a sale created before midnight and paid after it.
    const fromDay = start ? dayOf(Date.parse(start) - 86_400_000) : '';
    const toDay = dayOf(Date.parse(end));
    for (const day of await journal.days()) {
      if (day < fromDay || day > toDay) continue;
      await journal.readDay(day, (line) => fold.add(line));
    }
    return fold;
  }

  get openingFloatCents(): number {
    return this.deps.doc.data.opening_float_cents;
  }

  /** X report: totals of the open period up to now. Changes nothing. */
  async x(): Promise<XReport> {
    const d = this.deps.doc.data;
    const fold = await this.fold(d.period_start, await this.cutOff());
    return fold.report({
      openingFloatCents: d.opening_float_cents,
      timezone: this.deps.timezone,
      currency: this.deps.currency,
    });
  }

  /** Records a payout (cash out) or pay-in (cash in) with its reason. */
  movement(
    input: { kind: 'payout' | 'pay_in'; amount_cents: number; reason: string; key: string },
    by: string | null,
  ): Promise<{ movement: CashMovement; created: boolean }> {
    return this.serial(async () => {
      const { doc, journal, dayOf, clock } = this.deps;
      const seen = doc.data.keys[input.key];
      if (seen) {
        const found = await this.findMovement(seen.slice(2));
        if (found) return { movement: found, created: false };
      }
      const at = this.nowIso();
      const movement: CashMovement = {
        id: `cm_${randomBytes(6).toString('hex')}`,
        kind: input.kind,
        amount_cents: input.amount_cents,
        reason: input.reason,
        by,
        at,
      };
      await journal.append(dayOf(clock.now()), { e: 'cash', at, key: input.key, movement });
      await doc
        .update((d) => {
          d.keys[input.key] = `m:${movement.id}:${dayOf(clock.now())}`;
          this.trimKeys(d);
        })
        .catch((err) =>
          this.deps.log.warn(`closing: cache not updated: ${(err as Error).message}`),
        );
      return { movement, created: true };
    });
  }

  private async findMovement(ref: string): Promise<CashMovement | undefined> {
    const [id, day] = ref.split(':');
    let found: CashMovement | undefined;
    if (!day) return undefined;
    await this.deps.journal.readDay(day, (line) => {
      if (line.e === 'cash' && line.movement.id === id) found = line.movement;
    });
    return found;
  }

  /**
   * Closes the open period. The count is a total or by denomination; next_float_cents stays
   * in the drawer and opens the next period. Idempotent per key.
   */
  close(body: ZCloseBody, by: string | null): Promise<{ z: ZReport; created: boolean }> {
    return this.serial(async () => {
      const { doc, journal, dayOf, clock } = this.deps;
      const seen = doc.data.keys[body.idempotency_key];
      if (seen?.startsWith('z:')) {
        const z = await this.get(Number(seen.slice(2)));
        if (z) return { z, created: false };
      }
      if (doc.state.state !== 'ok')
        throw new ClosingError(
          409,
          'closing_unavailable',
          `closing.json is ${doc.state.state}; see health`,
        );
      const { counted, denominations } = countedCash(body, this.deps.currency);
      if (body.next_float_cents > counted)
        throw new ClosingError(
          422,
          'float_exceeds_count',
          'The float left in the drawer cannot be more than the cash counted',
          'next_float_cents',
        );
      const at = await this.cutOff();
      const d = doc.data;
      const x = (await this.fold(d.period_start, at)).report({
        openingFloatCents: d.opening_float_cents,
        timezone: this.deps.timezone,
        currency: this.deps.currency,
      });
      const z: ZReport = {
        ...x,
        number: d.z_last_number + 1,
        counted_cents: counted,
        denominations,
        difference_cents: difference(counted, x.cash.expected_cents),
        next_float_cents: body.next_float_cents,
        closed_by: by,
      };
      const line: ZEntry = { e: 'z', at, key: body.idempotency_key, z };
      await journal.append(dayOf(clock.now()), line);
      await doc.update((data) => this.applyZ(data, line));
      this.deps.log.info(
        `closing: Z ${z.number} expected ${z.cash.expected_cents} counted ${counted} difference ${z.difference_cents}`,
      );
      return { z, created: true };
    });
  }

  /**
   * Cash-up per cashier for [from, to) (ISO UTC): each cashier's sales, payments, cash, tips,
   * discounts, refunds and drawer counts. Reads the range's journal days; changes nothing.
   */
  async shifts(from: string, to: string): Promise<ShiftReport> {
    const { journal, dayOf } = this.deps;
    await journal.idle();
    const fold = new ShiftFold(from, to);
    // One day before: a sale created before midnight and paid after it.
    const fromDay = dayOf(Date.parse(from) - 86_400_000);
    const toDay = dayOf(Date.parse(to));
    for (const day of await journal.days()) {
      if (day < fromDay || day > toDay) continue;
      await journal.readDay(day, (line) => fold.add(line));
    }
    return fold.report({ timezone: this.deps.timezone, currency: this.deps.currency });
  }

  /**
   * A cashier's drawer count at shift end: expected = float + their cash sales + cash tips −
   * cash refunds since `from`; the count and its difference are journalled ({"e":"shift"}).
   * Idempotent per key.
   */
  countShift(
    input: {
      cashier: string | null;
      from: string;
      float_cents: number;
      counted_cents?: number;
      denominations?: Record<string, number>;
      key: string;
    },
    by: string | null,
  ): Promise<{ count: ShiftCount; created: boolean }> {
    return this.serial(async () => {
      const { doc, journal, dayOf, clock } = this.deps;
      const seen = doc.data.keys[input.key];
      if (seen?.startsWith('s:')) {
        const found = await this.findCount(seen.slice(2));
        if (found) return { count: found, created: false };
      }
      const { counted, denominations } = countedCash(input, this.deps.currency);
      const at = await this.cutOff();
      if (input.from >= at)
        throw new ClosingError(400, 'invalid_field', 'The shift must start before now', 'from');
      const report = await this.shifts(input.from, at);
      const count = shiftCount(
        report.cashiers.find((c) => c.cashier === input.cashier),
        {
          id: `sc_${randomBytes(6).toString('hex')}`,
          cashier: input.cashier,
          from: input.from,
          at,
          float_cents: input.float_cents,
          counted_cents: counted,
          denominations,
          by,
        },
      );
      const day = dayOf(clock.now());
      await journal.append(day, { e: 'shift', at, key: input.key, count });
      await doc
        .update((d) => {
          d.keys[input.key] = `s:${count.id}:${day}`;
          this.trimKeys(d);
        })
        .catch((err) =>
          this.deps.log.warn(`closing: cache not updated: ${(err as Error).message}`),
        );
      this.deps.log.info(
        `closing: shift count for ${input.cashier ?? '(no login)'} expected ${count.expected_cents} counted ${counted} difference ${count.difference_cents}`,
      );
      return { count, created: true };
    });
  }

  private async findCount(ref: string): Promise<ShiftCount | undefined> {
    const [id, day] = ref.split(':');
    let found: ShiftCount | undefined;
    if (!day) return undefined;
    await this.deps.journal.readDay(day, (line) => {
      if (line.e === 'shift' && line.count.id === id) found = line.count;
    });
    return found;
  }

  list(): ZIndexEntry[] {
    return [...this.deps.doc.data.z_index];
  }

  async get(number: number): Promise<ZReport | undefined> {
    const entry = this.deps.doc.data.z_index.find((e) => e.number === number);
    if (!entry) return undefined;
    let found: ZReport | undefined;
    await this.deps.journal.readDay(entry.day, (line) => {
      if (line.e === 'z' && line.z.number === number) found = line.z;
    });
    return found;
  }

  /** Every Z report in number order, one at a time (for the CSV export). */
  async *all(): AsyncGenerator<ZReport> {
    const days = [...new Set(this.deps.doc.data.z_index.map((e) => e.day))].sort();
    for (const day of days) {
      const batch: ZReport[] = [];
      await this.deps.journal.readDay(day, (line) => {
        if (line.e === 'z') batch.push(line.z);
      });
      yield* batch.sort((a, b) => a.number - b.number);
    }
  }
}
