/**
 * The shop operations built on checkout: printer, receipts, refunds, day closing. They use
 * checkout only through what it exposes: its journal (for their own line kinds), its sales,
 * its business calendar and its payment providers.
 */
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Settings } from '../settings/index.js';
import type { Checkout } from '../checkout/index.js';
import type { Fiscal } from '../fiscal/index.js';
import type { ShopJournal } from '../closing/entries.js';
import { Printer } from '../printer/index.js';
import { Receipts } from '../receipts/index.js';
import { ReceiptTokens, RECEIPT_KEY_FILE } from '../receipts/tokens.js';
import { Refunds, REFUNDS_DOC, type RefundsData } from '../refunds/index.js';
import { Closing, CLOSING_DOC, type ClosingData } from '../closing/index.js';

export interface ShopOps {
  journal: ShopJournal;
  printer: Printer;
  receipts: Receipts;
  refunds: Refunds;
  closing: Closing;
}

export interface ShopDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  events: EventBus;
  store: Store;
  settings: Settings;
  checkout: Checkout;
  fiscal: Fiscal;
  /** The port the HTTP server listens on (receipt links on the LAN). */
  port(): number;
}

export async function openShop(deps: ShopDeps): Promise<ShopOps> {
  const { config, clock, events, settings, store, checkout, log, fiscal } = deps;
  const journal: ShopJournal = checkout.journal;
  const dayOf = (ms: number) => checkout.calendar.day(ms);
  const findSale = (id: string) => checkout.findSale(id);
  const printer = new Printer({ settings, events, log: log.child('printer'), clock });
  const refunds = new Refunds({
    doc: await store.document<RefundsData>(REFUNDS_DOC),
    journal,
    dayOf,
    clock,
    log: log.child('refunds'),
    findSale,
    provider: (id) => checkout.payments.get(id),
    sign: (refund) => fiscal.signRefund(refund),
    vouchers: checkout.voucherBook,
  });
  const closing = new Closing({
    doc: await store.document<ClosingData>(CLOSING_DOC),
    journal,
    dayOf,
    clock,
    log: log.child('closing'),
    timezone: config.timezone,
    currency: config.currency,
  });
  const receipts = new Receipts({
    config,
    settings,
    events,
    log: log.child('receipts'),
    clock,
    printer,
    tokens: await ReceiptTokens.open(store.path(RECEIPT_KEY_FILE)),
    findSale,
    findRefund: (id) => refunds.find(id),
    tillSerial: () => (fiscal.enabled ? fiscal.tillSerial : null),
    port: deps.port,
  });
  return { journal, printer, receipts, refunds, closing };
}
