/**
 * The voucher book's fold, pure (daemon/vouchers/entries.ts): balance = amount − redeemed +
 * restored with every line counted once (a replayed redeem or restore changes nothing), a
 * refund's new voucher remembered by part and refund, a voucher's state on a day (its sale,
 * refund, expiry, balance), why a code cannot pay, the expiry date and the code format.
 * The book's files and its order of writes are tested through the API (vouchers.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyEntry,
  expiresOn,
  isVoucherEntry,
  newVoucherCode,
  refusalOf,
  voucherInfo,
  voucherState,
  VOUCHER_CODE_RE,
  type BookState,
  type IssueEntry,
} from '../../daemon/vouchers/entries.js';

const AT = '2026-05-04T10:00:00.000Z';

function issue(code: string, amount_cents: number, extra: Partial<IssueEntry> = {}): IssueEntry {
  return {
    e: 'issue',
    at: AT,
    code,
    amount_cents,
    purpose: 'multi',
    vat_rate: 0,
    sale_id: 's1',
    expires_on: '2029-12-31',
    ...extra,
  };
}

function book(): BookState {
  return { held: new Map(), refundRestores: new Map() };
}

test('applyEntry: redeems and restores move the balance once per part (and part/refund)', () => {
  const b = book();
  applyEntry(b, issue('GSA', 5000));
  applyEntry(b, issue('GSA', 9999)); // a second issue of a code changes nothing
  const move = { at: AT, code: 'GSA', sale_id: 's2' };
  applyEntry(b, { e: 'redeem', ...move, amount_cents: 2000, part_id: 'p1' });
  applyEntry(b, { e: 'redeem', ...move, amount_cents: 2000, part_id: 'p1' });
  applyEntry(b, { e: 'redeem', ...move, amount_cents: 1000, part_id: 'p2' });
  assert.equal(b.held.get('GSA')!.balance, 2000);
  applyEntry(b, { e: 'restore', ...move, amount_cents: 1000, part_id: 'p2' });
  applyEntry(b, { e: 'restore', ...move, amount_cents: 1000, part_id: 'p2' });
  assert.equal(b.held.get('GSA')!.balance, 3000);
  applyEntry(b, { e: 'restore', ...move, amount_cents: 500, part_id: 'p1', refund_id: 'r1' });
  applyEntry(b, { e: 'restore', ...move, amount_cents: 500, part_id: 'p1', refund_id: 'r1' });
  applyEntry(b, { e: 'restore', ...move, amount_cents: 700, part_id: 'p1', refund_id: 'r2' });
  assert.equal(b.held.get('GSA')!.balance, 4200);
  assert.equal(b.refundRestores.get('p1/r1'), 'GSA');
  assert.equal(b.refundRestores.get('p1/r2'), 'GSA');
  // A move on a code the book never issued is ignored.
  applyEntry(b, { e: 'redeem', ...move, code: 'GSZ', amount_cents: 1, part_id: 'p9' });
  assert.equal(b.held.has('GSZ'), false);
  // A new voucher a refund issued is remembered under its part and refund.
  applyEntry(b, issue('GSB', 800, { replaces: 'GSA', refund_part: 'p1/r3' }));
  assert.equal(b.refundRestores.get('p1/r3'), 'GSB');
  assert.equal(b.held.get('GSB')!.balance, 800);
});

test('voucherState and refusalOf: the selling sale, refund, expiry and balance decide', () => {
  const b = book();
  applyEntry(b, issue('GSA', 1000));
  const h = b.held.get('GSA')!;
  const today = '2026-05-04';
  const cases: Array<[Partial<typeof h>, string, string | null]> = [
    [{ sold: undefined }, 'pending', 'voucher_inactive'],
    [{ sold: 'pending' }, 'pending', 'voucher_inactive'],
    [{ sold: 'failed' }, 'void', 'voucher_unknown'],
    [{ sold: 'cancelled' }, 'void', 'voucher_unknown'],
    [{ sold: 'succeeded', refunded: true }, 'voided', 'voucher_voided'],
    [{ sold: 'succeeded', refunded: false }, 'active', null],
    [{ sold: 'succeeded', balance: 0 }, 'used_up', 'voucher_used_up'],
  ];
  for (const [patch, state, refusal] of cases) {
    const v = { ...h, balance: 1000, refunded: false, ...patch };
    assert.equal(voucherState(v, today), state, JSON.stringify(patch));
    assert.equal(refusalOf(voucherInfo(v, today), false), refusal, JSON.stringify(patch));
  }
  const active = { ...h, sold: 'succeeded' as const };
  assert.equal(voucherState(active, '2029-12-31'), 'active');
  assert.equal(voucherState(active, '2030-01-01'), 'expired');
  assert.equal(refusalOf(voucherInfo(active, '2030-01-01'), false), 'voucher_expired');
  assert.equal(refusalOf(voucherInfo(active, today), true), 'voucher_voided');
  assert.equal(refusalOf(undefined, false), 'voucher_unknown');
  assert.deepEqual(voucherInfo(active, today), {
    code: 'GSA',
    purpose: 'multi',
    vat_rate: 0,
    amount_cents: 1000,
    balance_cents: 1000,
    state: 'active',
    sale_id: 's1',
    issued_at: AT,
    expires_on: '2029-12-31',
  });
});

test('expiresOn, codes and line kinds', () => {
  assert.equal(expiresOn('2026-01-01'), '2029-12-31');
  assert.equal(expiresOn('2026-12-31'), '2029-12-31');
  for (let i = 0; i < 50; i++) assert.match(newVoucherCode(), VOUCHER_CODE_RE);
  assert.notEqual(newVoucherCode(), newVoucherCode());
  assert.equal(isVoucherEntry(issue('GSA', 1)), true);
  assert.equal(isVoucherEntry({ e: 'refund' }), false);
  assert.equal(isVoucherEntry(null), false);
});
