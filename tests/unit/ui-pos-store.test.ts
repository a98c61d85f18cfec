/**
 * The till's store (kiosk-ui/src/pos/pos-store.ts, its state in pos-state.ts): how daemon events, request answers and
 * failures change what the cashier sees, and which follow-up work they ask for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cart, Sale, ServerMessage } from '../../daemon/protocol.js';
import { ApiRequestError } from '../../kiosk-ui/src/lib/api.js';
import { MAX_TOASTS } from '../../kiosk-ui/src/lib/toasts.js';
import * as store from '../../kiosk-ui/src/pos/pos-store.js';
import type { PosState } from '../../kiosk-ui/src/pos/pos-store.js';

const own = { id: 'till-a', own: 'till-a', watching: false };

function cart(version: number, total = 250, tid = 'till-a'): Cart {
  return {
    terminal_id: tid,
    lines: [],
    total_cents: total,
    item_count: 1,
    last_line_id: null,
    version,
    pending_sale_id: null,
    updated_at: '2026-01-01T10:00:00.000Z',
  };
}

function sale(state: Sale['state'], at: string, id = 's1', tid = 'till-a'): Sale {
  return {
    id,
    number: 7,
    terminal_id: tid,
    provider: 'fake_card',
    state,
    lines: [],
    total_cents: 250,
    tendered_cents: null,
    change_cents: null,
    cashier: null,
    created_at: '2026-01-01T10:00:00.000Z',
    updated_at: at,
    reason: null,
    payment: {},
  };
}

function snapshot(extra: Partial<Extract<ServerMessage, { type: 'snapshot' }>> = {}) {
  return {
    type: 'snapshot',
    terminal_id: 'till-a',
    cart: cart(3),
    providers: [],
    scanners: [],
    pending_sale: null,
    server_time: '2026-01-01T10:00:00.000Z',
    timezone: 'Europe/Vienna',
    currency: 'EUR',
    default_terminal_id: 'kiosk',
    ...extra,
  } as ServerMessage;
}

const start = (): PosState => store.initialState(own);
const types = (s: store.Step) => s.effects.map((e) => e.type);

test('a page starts connecting, offline, on its chosen till, with nothing open (pos-state.ts)', () => {
  const s = start();
  assert.equal(store.terminalOf(s), 'till-a');
  assert.equal(s.conn, 'connecting');
  assert.equal(store.isOffline(s), true, 'adding and paying wait until the socket is up');
  assert.equal(s.kioskId, 'kiosk', 'the built-in kiosk id until the snapshot names another');
  assert.deepEqual(
    [s.cart, s.sale, s.receipt, s.unsure, s.split, s.quantityFor],
    [null, null, null, null, null, null],
  );
  assert.deepEqual(
    [s.busy, s.cashOpen, s.openPrice, s.discountOpen, s.confirmClear, s.printer],
    [false, false, false, false, false, false],
  );
  assert.equal(s.pairing.open, false);
  assert.deepEqual([s.pin.required, s.pin.cashier], [false, null]);
  assert.deepEqual([s.toasts, s.toastSeq], [[], 0]);
  assert.notEqual(store.initialState(own), s, 'a fresh state each time');
});

test('a snapshot replaces cart, settings and asks who is logged in', () => {
  const s = store.onServerMessage(start(), snapshot());
  assert.equal(s.state.cart?.version, 3);
  assert.equal(s.state.timezone, 'Europe/Vienna');
  assert.deepEqual(types(s), ['check_cashier', 'check_printer']);
  // No cart in the snapshot: the till fetches it.
  const empty = store.onServerMessage(start(), snapshot({ cart: null }));
  assert.deepEqual(types(empty), ['refresh_cart', 'check_cashier', 'check_printer']);
});

test('a loopback browser on the built-in id adopts the configured kiosk till and reconnects', () => {
  const s0 = store.initialState({ id: 'kiosk', own: 'kiosk', watching: false, defaulted: true });
  const s = store.onServerMessage(s0, snapshot({ default_terminal_id: 'kasse-1' }));
  assert.equal(store.terminalOf(s.state), 'kasse-1');
  assert.equal(s.state.cart, null);
  assert.deepEqual(types(s), ['reconnect']);
});

test('an older cart version arriving late is ignored; another till is ignored', () => {
  let s = store.applyCart(start(), cart(5, 500));
  s = store.applyCart(s, cart(4, 400));
  assert.equal(s.cart?.total_cents, 500);
  s = store.applyCart(s, cart(6, 600, 'till-b'));
  assert.equal(s.cart?.total_cents, 500);
  const ev = store.onServerMessage(s, { type: 'cart.updated', cart: cart(6, 600) });
  assert.equal(ev.state.cart?.total_cents, 600);
});

test('a payment never goes back from a final state; success loads the receipt once', () => {
  let s = store.applySale(start(), sale('pending', '2026-01-01T10:00:01Z')).state;
  const paid = store.applySale(s, sale('succeeded', '2026-01-01T10:00:03Z'));
  assert.deepEqual(paid.effects, [{ type: 'load_receipt', sale_id: 's1' }]);
  s = paid.state;
  // The older "pending" answer arrives after the success event.
  const late = store.applySale(s, sale('pending', '2026-01-01T10:00:05Z'));
  assert.equal(late.state.sale?.state, 'succeeded');
  // The same success again does not load the receipt twice.
  assert.deepEqual(store.applySale(s, sale('succeeded', '2026-01-01T10:00:04Z')).effects, []);
});

test('another sale of the till takes over the screen only when it starts', () => {
  const s = store.applySale(start(), sale('failed', '2026-01-01T10:00:01Z')).state;
  const other = (st: Sale['state']) =>
    store.onServerMessage(s, {
      type: 'payment.updated',
      sale: sale(st, '2026-01-01T10:00:09Z', 's2'),
    });
  assert.equal(other('succeeded').state.sale?.id, 's1');
  assert.equal(other('pending').state.sale?.id, 's2');
});

test('a snapshot after a reconnect re-checks a sale that was pending', () => {
  const s = store.applySale(start(), sale('pending', '2026-01-01T10:00:01Z')).state;
  const snap = store.onServerMessage(s, snapshot());
  assert.deepEqual(snap.effects[0], { type: 'refresh_sale', sale_id: 's1' });
  const withPending = store.onServerMessage(
    s,
    snapshot({ pending_sale: sale('succeeded', '2026-01-01T10:00:02Z') }),
  );
  assert.equal(withPending.state.sale?.state, 'succeeded');
});

test('toasts: translated notices, shown once, at most three, each expires', () => {
  let s = start();
  const unknown = (code: string) =>
    ({
      type: 'scan.unknown_barcode',
      terminal_id: 'till-a',
      barcode: code,
      scanner_id: null,
    }) as const;
  const a = store.onServerMessage(s, unknown('4001'));
  assert.deepEqual(a.state.toasts[0].notice, { key: 'scan.unknown', vars: { code: '4001' } });
  assert.equal(a.state.unknownBarcode, '4001');
  assert.deepEqual(a.effects, [{ type: 'expire_toast', id: 1 }]);
  // The same notice again (HTTP error and broadcast) shows once.
  assert.equal(store.onServerMessage(a.state, unknown('4001')).state.toasts.length, 1);
  s = a.state;
  for (const c of ['1', '2', '3', '4']) s = store.onServerMessage(s, unknown(c)).state;
  assert.equal(s.toasts.length, MAX_TOASTS);
  assert.deepEqual(
    s.toasts.map((x) => x.notice.vars?.code),
    ['2', '3', '4'],
  );
  s = store.dismissToast(s, s.toasts[0].id);
  assert.equal(s.toasts.length, MAX_TOASTS - 1);
});

test('refusals on the WebSocket are translated by code, never the English reason', () => {
  const refused = store.onServerMessage(start(), {
    type: 'scan.refused',
    terminal_id: 'till-a',
    reason: 'Cart is locked while a payment runs',
    scanner_id: null,
    code: 'payment_pending',
  } as ServerMessage);
  assert.deepEqual(refused.state.toasts[0].notice, { key: 'err.payment_pending' });
  const noCode = store.onServerMessage(start(), {
    type: 'scan.refused',
    terminal_id: 'till-a',
    reason: 'Too many scans waiting; scan more slowly.',
    scanner_id: null,
  } as unknown as ServerMessage); // a daemon from before events carried codes
  assert.deepEqual(noCode.state.toasts[0].notice, { key: 'scan.refused' });
  const err = store.onServerMessage(start(), { type: 'error', code: 'bad_message', message: 'x' });
  assert.deepEqual(err.state.toasts[0].notice, { key: 'err.bad_message' });
});

test('pairing: confirmation and refusal land on the open dialog, else as toasts', () => {
  const paired = { type: 'scanner.paired', scanner_id: 'sc1', terminal_id: 'till-a' } as const;
  let s = { ...start(), scanners: [{ id: 'sc1', name: 'Tresen' }] } as PosState;
  const closed = store.onServerMessage(s, paired);
  assert.deepEqual(closed.state.toasts[0].notice, {
    key: 'pairing.paired',
    vars: { name: 'Tresen' },
  });
  s = store.pairingOpened(s);
  assert.equal(store.onServerMessage(s, paired).state.pairing.paired, 'Tresen');
  const refusal = store.onServerMessage(s, {
    type: 'scanner.pairing_refused',
    terminal_id: 'till-a',
    scanner_id: 'sc1',
    reason: 'Pairing code expired',
    code: 'expired',
  } as ServerMessage);
  assert.deepEqual(refusal.state.pairing.refused, { key: 'err.expired' });
});

test('a failed request: an ended PIN session brings the PIN pad back, else one toast', () => {
  const s = {
    ...start(),
    pin: {
      ...start().pin,
      cashier: { id: 'e1', name: 'Anna', role: 'cashier', terminal_id: 'till-a' },
    },
  };
  const ended = store.failed(s, new ApiRequestError(401, 'cashier_login_required', 'Log in'));
  assert.equal(ended.state.pin.cashier, null);
  assert.equal(ended.state.pin.required, true);
  assert.deepEqual(types(ended), ['check_cashier']);
  const other = store.failed(s, new ApiRequestError(409, 'cart_full', 'The cart is full'));
  assert.deepEqual(other.state.toasts[0].notice, { key: 'err.cart_full' });
  // A typed barcode the daemon does not know names the barcode.
  const typed = store.cartCommandFailed(s, new ApiRequestError(404, 'unknown_barcode', 'x'), '123');
  assert.deepEqual(typed.state.toasts[0].notice, { key: 'scan.unknown', vars: { code: '123' } });
  assert.equal(typed.state.unknownBarcode, '123', 'offered to sell as an open price');
});

test('PIN refusals: wrong, locked with the wait, else the code text', () => {
  assert.deepEqual(store.pinRefusal(new ApiRequestError(401, 'wrong_pin', 'Wrong PIN')), {
    key: 'pin.wrong',
  });
  assert.deepEqual(
    store.pinRefusal(new ApiRequestError(429, 'pin_locked', 'x', 'pin', { retry_after_s: 30 })),
    { key: 'pin.locked', vars: { s: 30 } },
  );
  assert.deepEqual(store.pinRefusal(new ApiRequestError(409, 'no_employees', 'x')), {
    key: 'err.no_employees',
  });
});

test('the checkout key is reused for a retry of the same cart and dropped otherwise', () => {
  let n = 0;
  const fresh = () => `k${++n}`;
  const k1 = store.checkoutKey(null, 'cash', 3, fresh);
  assert.equal(store.checkoutKey(k1, 'cash', 3, fresh), k1);
  assert.notEqual(store.checkoutKey(k1, 'cash', 4, fresh).key, k1.key);
  assert.notEqual(store.checkoutKey(k1, 'fake_card', 3, fresh).key, k1.key);
  const offline = new ApiRequestError(0, 'network', 'x');
  assert.equal(store.keyAfterFailure(k1, offline), k1);
  assert.equal(store.keyAfterFailure(k1, new ApiRequestError(409, 'cart_empty', 'x')), null);
});

test('the picker hides the top-up products of the providers', () => {
  const p = (id: string, barcode: string | null) => ({ id, barcode }) as never;
  const out = store.pickable(
    [p('a', '1'), p('b', 'TOPUP'), p('c', null)],
    [{ minimum_topup_barcode: 'TOPUP' } as never],
  );
  assert.deepEqual(
    out.map((x: { id: string }) => x.id),
    ['a', 'c'],
  );
});
