/**
 * Customer displays (/display/:terminal_id): keeps, per till, what its customer sees and
 * announces every change as `display.updated` (the WebSocket hub sends it only to that till's
 * display sockets). After a payment succeeded the display shows the change and the receipt's
 * QR code until the till rings up the next item or `paid_hold_seconds` pass, then the idle
 * screen (shop name and logo).
 */
import type { EventBus } from '../events.js';
import type { Cart, DisplaySettings, DisplayPaid, DisplayState, Sale } from '../protocol.js';
import { sectionKeysProblem, type Settings } from '../settings/index.js';
import { displayState, paidView, type ShopFace } from './projection.js';

export const DISPLAY_SECTION = 'display';
export const DISPLAY_DEFAULTS: DisplaySettings = { paid_hold_seconds: 30, logo_url: null };
export const HOLD_MAX_SECONDS = 3600;
const MAX_SEEN = 200;

export interface DisplaysDeps {
  events: EventBus;
  settings: Settings;
  getCart(terminalId: string): Cart | null;
  pendingSale(terminalId: string): Sale | null;
  shop(): Omit<ShopFace, 'logo_url'>;
  /** The receipt page of a paid sale and its QR code (the till shows the same). */
  receipt(sale: Sale): { url: string; qr_svg: string };
  /**
   * Whether a customer display of the till is connected (the WebSocket hub knows). A till
   * without one is not projected on each cart change; a display that connects gets the
   * current view as its first message. Absent: every till is projected.
   */
  watched?(terminalId: string): boolean;
}

export class CustomerDisplays {
  readonly name = 'display';
  private paid = new Map<string, { view: DisplayPaid; timer: NodeJS.Timeout }>();
  /** Tills whose display was looked at (a settings change re-announces them); bounded. */
  private seen = new Set<string>();

  constructor(private readonly deps: DisplaysDeps) {}

  settings(): DisplaySettings {
    return this.deps.settings.section(DISPLAY_SECTION, DISPLAY_DEFAULTS);
  }

  start(): void {
    const { events } = this.deps;
    events.on(this, 'cart.updated', ({ cart }) => {
      // The next customer's first item ends the previous one's "paid" screen.
      if (cart.lines.length > 0) this.clearPaid(cart.terminal_id);
      this.announce(cart.terminal_id);
    });
    events.on(this, 'payment.updated', ({ sale }) => {
      if (sale.state === 'succeeded') this.setPaid(sale);
      this.announce(sale.terminal_id);
    });
    events.on(this, 'settings.changed', ({ keys }) => {
      if (!keys.some((k) => k === DISPLAY_SECTION || k === 'receipts')) return;
      for (const t of this.seen) this.announce(t);
    });
  }

  stop(): void {
    this.deps.events.offOwner(this);
    for (const p of this.paid.values()) clearTimeout(p.timer);
    this.paid.clear();
  }

  private setPaid(sale: Sale): void {
    this.clearPaid(sale.terminal_id);
    let view: DisplayPaid;
    try {
      view = paidView(sale, this.deps.receipt(sale));
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      this.paid.delete(sale.terminal_id);
      this.announce(sale.terminal_id);
    }, this.settings().paid_hold_seconds * 1000);
    timer.unref();
    this.paid.set(sale.terminal_id, { view, timer });
  }

  private clearPaid(terminalId: string): void {
    const p = this.paid.get(terminalId);
    if (!p) return;
    clearTimeout(p.timer);
    this.paid.delete(terminalId);
  }

  /** What the till's customer sees now. */
  view(terminalId: string): DisplayState {
    const { deps } = this;
    if (!this.seen.has(terminalId)) {
      if (this.seen.size >= MAX_SEEN) this.seen.delete(this.seen.values().next().value!);
      this.seen.add(terminalId);
    }
    return displayState(
      terminalId,
      { ...deps.shop(), logo_url: this.settings().logo_url },
      deps.getCart(terminalId),
      deps.pendingSale(terminalId),
      this.paid.get(terminalId)?.view ?? null,
    );
  }

  private announce(terminalId: string): void {
    // Nobody to show it to: the scan → screen path does not pay for a projection.
    if (this.deps.watched && !this.deps.watched(terminalId)) return;
    this.deps.events.emit('display.updated', { display: this.view(terminalId) });
  }

  async setLogo(url: string | null): Promise<DisplaySettings> {
    return this.deps.settings.update(DISPLAY_SECTION, DISPLAY_DEFAULTS, (c) => ({
      ...c,
      logo_url: url,
    }));
  }

  /** PUT /api/v1/admin/settings/display: only paid_hold_seconds is edited here. */
  async update(
    body: Record<string, unknown>,
  ): Promise<DisplaySettings | { field: string; message: string }> {
    const keys = sectionKeysProblem(body, { paid_hold_seconds: 0 });
    if (keys) return keys;
    const v = body.paid_hold_seconds;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > HOLD_MAX_SECONDS)
      return {
        field: 'paid_hold_seconds',
        message: `paid_hold_seconds must be a whole number 1-${HOLD_MAX_SECONDS}`,
      };
    return this.deps.settings.update(DISPLAY_SECTION, DISPLAY_DEFAULTS, (c) => ({
      ...c,
      paid_hold_seconds: v,
    }));
  }
}
