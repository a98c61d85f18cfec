/**
 * The ledger: sales as the journal tells them. Keeps pending sales and the most recent ones in
 * memory (for idempotency and fast reads); older sales are read back from their day's file on
 * demand, so memory stays flat however long the history grows.
 *
 * Every change goes journal first, memory second: a sale object the rest of the daemon sees
 * has always been fsync'd. Sale objects are replaced, never mutated.
 */
import type { Clock } from '../clock.js';
import type {
  CartDiscount,
  PaymentState,
  Sale,
  SaleLine,
  SalePayment,
  TseRecord,
} from '../protocol.js';
import type { ProviderOutcome } from '../payments/provider.js';
import type { BusinessCalendar } from './calendar.js';
import { CheckoutError } from './errors.js';
import type { JournalLine, LoadStats, SalesJournal, UpdateLine } from './journal.js';
import { newPart, nextPartId, partOutcome, paymentsOf, sums } from './parts.js';

/** Settled sales kept in memory; pending ones are always kept. */
export const RECENT_SALES = 2000;

/** One payment to start: towards the sale `amount_cents`, on top `tip_cents`. */
export interface PartDraft {
  provider: string;
  amount_cents: number;
  tip_cents: number;
  tendered_cents: number | null;
  /** The tip belongs to the business (settings `tips.tips_recipient` when it was paid). */
  tip_recipient?: 'business';
}

export interface SaleDraft {
  terminal_id: string;
  lines: SaleLine[];
  total_cents: number;
  /** The cart's discounts (absent when none). */
  discounts?: CartDiscount[];
  discount_cents?: number;
  cashier: string | null;
  /** The first payment. */
  part: PartDraft;
}

const FINAL: PaymentState[] = ['succeeded', 'failed', 'cancelled'];

export function saleId(day: string, number: number): string {
  return `s_${day.replaceAll('-', '')}_${number}`;
}

/** The business day a sale id belongs to, or null for something that is not a sale id. */
export function dayOfSaleId(id: string): string | null {
  const m = /^s_(\d{4})(\d{2})(\d{2})_\d{1,12}$/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Applies one journal line to a map of sales (pure fold, used for memory and day reads). */
export function foldLine(sales: Map<string, Sale>, line: JournalLine): Sale | undefined {
  if (line.e === 'created') {
    sales.set(line.sale.id, line.sale);
    return line.sale;
  }
  if (line.e !== 'update') return undefined; // refunds, cash, Z: not sale state
  const s = sales.get(line.id);
  if (!s) return undefined;
  const next = applyUpdate(s, line);
  sales.set(s.id, next);
  return next;
}

function applyUpdate(s: Sale, u: UpdateLine): Sale {
  // A new part (u.provider) starts with its own provider data; otherwise data merges.
  const payment =
    u.provider !== undefined
      ? (u.payment ?? {})
      : u.payment
        ? { ...s.payment, ...u.payment }
        : s.payment;
  return {
    ...s,
    state: u.state,
    updated_at: u.at,
    ...(u.provider !== undefined ? { provider: u.provider } : {}),
    reason: u.reason !== undefined ? u.reason : s.reason,
    ...(u.reason_code !== undefined ? { reason_code: u.reason_code } : {}),
    payment,
    ...(u.payments !== undefined ? { payments: u.payments } : {}),
    ...(u.paid_cents !== undefined ? { paid_cents: u.paid_cents } : {}),
    ...(u.remaining_cents !== undefined ? { remaining_cents: u.remaining_cents } : {}),
    ...(u.tip_cents !== undefined ? { tip_cents: u.tip_cents } : {}),
    tendered_cents: u.tendered_cents !== undefined ? u.tendered_cents : s.tendered_cents,
    change_cents: u.change_cents !== undefined ? u.change_cents : s.change_cents,
    ...(u.tse !== undefined ? { tse: u.tse } : {}),
  };
}

export interface LedgerDeps {
  journal: SalesJournal;
  calendar: BusinessCalendar;
  clock: Clock;
}

export class Ledger {
  /** Insertion order = creation order, which eviction relies on. */
  private recent = new Map<string, Sale>();
  private idByKey = new Map<string, string>();
  private keyById = new Map<string, string>();
  private finalizing = new Set<string>();
  /** Each terminal's latest sale and the cart version it was made from. */
  private lastByTerminal = new Map<string, { id: string; cart_version: number }>();
  /** Which provider each checkout key (a sale's or a later part's) asked for. */
  private providerByKey = new Map<string, string>();

  constructor(private readonly deps: LedgerDeps) {}

  async load(): Promise<LoadStats> {
    return this.deps.journal.load((line) => this.remember(line));
  }

  private remember(line: JournalLine): void {
    if (line.e === 'update' && !this.recent.has(line.id)) return; // settled long ago
    const sale = foldLine(this.recent, line);
    if (line.e === 'update' && line.key !== undefined) {
      this.idByKey.set(line.key, line.id);
      this.providerByKey.set(line.key, line.provider ?? '');
    }
    if (line.e === 'created') this.providerByKey.set(line.key, line.sale.provider);
    if (line.e === 'created' && sale) {
      this.lastByTerminal.set(sale.terminal_id, { id: sale.id, cart_version: line.cart_version });
      this.idByKey.set(line.key, sale.id);
      this.keyById.set(sale.id, line.key);
      this.evict();
    }
  }

  private evict(): void {
    if (this.recent.size <= RECENT_SALES) return;
    for (const [id, s] of this.recent) {
      if (this.recent.size <= RECENT_SALES) break;
      if (s.state === 'pending' || s.state === 'open') continue;
      this.recent.delete(id);
      const key = this.keyById.get(id);
      if (key !== undefined) this.idByKey.delete(key);
      if (key !== undefined) this.providerByKey.delete(key);
      this.keyById.delete(id);
    }
  }

  lastSaleOf(terminalId: string): { sale: Sale; cart_version: number } | undefined {
    const last = this.lastByTerminal.get(terminalId);
    const sale = last && this.recent.get(last.id);
    return sale ? { sale, cart_version: last.cart_version } : undefined;
  }

  byKey(key: string): Sale | undefined {
    const id = this.idByKey.get(key);
    return id ? this.recent.get(id) : undefined;
  }

  /** The provider a checkout key asked for (its sale's first part, or a later part). */
  providerOfKey(key: string): string | undefined {
    return this.providerByKey.get(key);
  }

  /** A sale held in memory (every pending sale is). */
  live(id: string): Sale | undefined {
    return this.recent.get(id);
  }

  pending(): Sale[] {
    return [...this.recent.values()].filter((s) => s.state === 'pending');
  }

  /** Any sale: memory first, else its day's file. */
  async find(id: string): Promise<Sale | undefined> {
    const hit = this.recent.get(id);
    if (hit) return hit;
    const day = dayOfSaleId(id);
    if (!day) return undefined;
    const map = new Map<string, Sale>();
    await this.deps.journal.readDay(day, (line) => {
      const of = line.e === 'created' ? line.sale.id : line.e === 'update' ? line.id : null;
      if (of === id) foldLine(map, line);
    });
    return map.get(id);
  }

  /** Every sale of a business day, by number. */
  async listDay(day: string): Promise<Sale[]> {
    const map = new Map<string, Sale>();
    await this.deps.journal.readDay(day, (line) => foldLine(map, line));
    return [...map.values()].sort((a, b) => a.number - b.number);
  }

  /** Journals a new pending sale; its number is the next one in the journal. */
  async create(key: string, draft: SaleDraft, cartVersion: number): Promise<Sale> {
    const { clock, calendar, journal } = this.deps;
    const line = await journal.appendCreated((number) => {
      const now = clock.now();
      const at = new Date(now).toISOString();
      const day = calendar.day(now);
      const id = saleId(day, number);
      const sale: Sale = {
        id,
        number,
        terminal_id: draft.terminal_id,
        provider: draft.part.provider,
        state: 'pending',
        lines: draft.lines,
        total_cents: draft.total_cents,
        ...(draft.discounts?.length
          ? { discounts: draft.discounts, discount_cents: draft.discount_cents ?? 0 }
          : {}),
        tendered_cents: draft.part.tendered_cents,
        change_cents: null,
        cashier: draft.cashier,
        created_at: at,
        updated_at: at,
        reason: null,
        payment: {},
        payments: [newPart(id, draft.part, at)],
        paid_cents: 0,
        remaining_cents: draft.total_cents,
        tip_cents: 0,
      };
      return { day, line: { e: 'created', at, key, cart_version: cartVersion, sale } };
    });
    this.remember(line);
    return this.recent.get(line.sale.id)!;
  }

  /**
   * Journals a transition of a pending sale: `pending` merges provider data, a final state
   * settles it. Concurrent settlements (a cancel racing a provider callback) — the first wins,
   * the others get 409. `stamp` (the TSE signature of a final state) runs once the sale is
   * claimed, so only the winner is signed, and its answer is written in the same line.
   */
  async transition(
    id: string,
    outcome: ProviderOutcome,
    stamp?: (settled: Sale) => Promise<TseRecord | null>,
  ): Promise<Sale> {
    const s = this.recent.get(id);
    if (!s) throw new CheckoutError(404, 'not_found', `No pending sale ${id}`);
    if (s.state !== 'pending' || this.finalizing.has(id))
      throw new CheckoutError(409, 'not_pending', `Sale ${s.number} is already ${s.state}`);
    if (outcome.state !== 'pending' && !FINAL.includes(outcome.state))
      throw new CheckoutError(
        409,
        'invalid_transition',
        `A pending sale cannot become ${outcome.state}`,
      );
    const final = outcome.state !== 'pending';
    if (final) this.finalizing.add(id);
    try {
      const line: UpdateLine = {
        e: 'update',
        at: new Date(this.deps.clock.now()).toISOString(),
        id,
        ...partOutcome(s, outcome),
      };
      if (outcome.reason !== undefined) line.reason = outcome.reason;
      if (outcome.reason_code !== undefined) line.reason_code = outcome.reason_code;
      if (outcome.payment) line.payment = outcome.payment;
      if (outcome.tendered_cents !== undefined) line.tendered_cents = outcome.tendered_cents;
      if (outcome.change_cents !== undefined) line.change_cents = outcome.change_cents;
      // A part that leaves the sale open is not its end: only a settled sale is signed.
      if (final && stamp && FINAL.includes(line.state)) {
        const tse = await stamp(applyUpdate(s, line));
        if (tse) line.tse = tse;
      }
      this.remember(await this.deps.journal.append(dayOfSaleId(id)!, line));
    } finally {
      // Only the settlement that claimed the sale releases the claim: a provider-data update
      // (`pending`) landing while a settlement is being signed must not free the sale for a
      // second settlement (a cancel that would then be journalled with the winner's signature).
      if (final) this.finalizing.delete(id);
    }
    return this.recent.get(id)!;
  }

  /**
   * Starts the next part of an open sale: journalled (with its checkout's key) before the
   * provider hears of it, so a restart finds it pending and asks the provider.
   */
  async startPart(id: string, key: string, part: PartDraft): Promise<Sale> {
    const s = this.recent.get(id);
    if (!s) throw new CheckoutError(404, 'not_found', `No open sale ${id}`);
    if (s.state !== 'open' || this.finalizing.has(id))
      throw new CheckoutError(409, 'not_open', `Sale ${s.number} is ${s.state}, not open`);
    const at = new Date(this.deps.clock.now()).toISOString();
    const payments = [...paymentsOf(s), newPart(nextPartId(s), part, at)];
    const line: UpdateLine = {
      e: 'update',
      at,
      id,
      state: 'pending',
      provider: part.provider,
      key,
      reason: null,
      reason_code: null,
      tendered_cents: part.tendered_cents,
      change_cents: null,
      payments,
      ...sums(s.total_cents, payments),
    };
    this.remember(await this.deps.journal.append(dayOfSaleId(id)!, line));
    return this.recent.get(id)!;
  }

  /** Journals a paid part of an open sale as paid back (abandoning it); the sale stays open. */
  async refundPart(id: string, partId: string, payment: Record<string, unknown>): Promise<Sale> {
    const s = this.recent.get(id);
    if (!s || s.state !== 'open')
      throw new CheckoutError(409, 'not_open', `Sale ${id} is not open`);
    const payments: SalePayment[] = paymentsOf(s).map((p) =>
      p.id === partId && p.state === 'succeeded'
        ? { ...p, state: 'refunded', payment: { ...p.payment, ...payment } }
        : p,
    );
    const line: UpdateLine = {
      e: 'update',
      at: new Date(this.deps.clock.now()).toISOString(),
      id,
      state: 'open',
      payments,
      ...sums(s.total_cents, payments),
    };
    this.remember(await this.deps.journal.append(dayOfSaleId(id)!, line));
    return this.recent.get(id)!;
  }

  /**
   * Ends an open sale whose paid parts were all paid back: cancelled, signed by the TSE as
   * aborted (stamp), in one line.
   */
  async abandon(id: string, stamp?: (settled: Sale) => Promise<TseRecord | null>): Promise<Sale> {
    const s = this.recent.get(id);
    if (!s || s.state !== 'open' || this.finalizing.has(id))
      throw new CheckoutError(409, 'not_open', `Sale ${id} is not open`);
    if (paymentsOf(s).some((p) => p.state === 'succeeded'))
      throw new CheckoutError(409, 'parts_paid', `Sale ${s.number} still has paid parts`);
    this.finalizing.add(id);
    try {
      const line: UpdateLine = {
        e: 'update',
        at: new Date(this.deps.clock.now()).toISOString(),
        id,
        state: 'cancelled',
        reason: 'Abandoned at the till; paid parts paid back',
        reason_code: 'abandoned',
      };
      if (stamp) {
        const tse = await stamp(applyUpdate(s, line));
        if (tse) line.tse = tse;
      }
      this.remember(await this.deps.journal.append(dayOfSaleId(id)!, line));
    } finally {
      this.finalizing.delete(id);
    }
    return this.recent.get(id)!;
  }

  /** Sales partly paid with no part running (their carts wait for the rest). */
  open(): Sale[] {
    return [...this.recent.values()].filter((s) => s.state === 'open');
  }
}
