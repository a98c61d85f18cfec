/**
 * The arithmetic of refunding parts of a line (daemon/refunds/refund-lines.ts): proportional
 * to what was paid after the discount, to the cent, the same every time; the parts of a line
 * never add up to more than was paid and the last one takes the remainder; deposits follow
 * their product; over-refunds are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partOf, planRefundLines, shareUpTo } from '../../daemon/refunds/refund-lines.js';
import type { RefundLine, Sale, SaleLine } from '../../daemon/protocol.js';

const line = (over: Partial<SaleLine>): SaleLine => ({
  product_id: 'prd_x',
  barcode: null,
  name: 'Brötchen',
  unit_price_cents: 45,
  vat_rate: 7,
  quantity: 1,
  line_total_cents: 45,
  ...over,
});
const sale = (lines: SaleLine[]): Sale =>
  ({ id: 's1', number: 7, lines, state: 'succeeded' }) as unknown as Sale;

test('shareUpTo: k of n pieces carry paid·k/n rounded half away from zero; all n carry all', () => {
  assert.equal(shareUpTo(1000, 3, 1), 333); // 333.33
  assert.equal(shareUpTo(1000, 3, 2), 667); // 666.67
  assert.equal(shareUpTo(1000, 3, 3), 1000);
  assert.equal(shareUpTo(5, 2, 1), 3); // 2.5 → 3
  assert.equal(shareUpTo(-5, 2, 1), -3); // a returned deposit: the same, below zero
  assert.equal(shareUpTo(1000, 3, 0), 0);
});

test('the parts of a line add up to what was paid, whatever the order of the parts', () => {
  for (const paid of [0, 1, 7, 100, 999, 1001, 2673, 123457])
    for (const n of [1, 2, 3, 6, 7, 12, 999]) {
      for (const steps of [[1], [2, 1], [3], [n]]) {
        let before = 0;
        let sum = 0;
        while (before < n) {
          for (const q0 of steps) {
            const q = Math.min(q0, n - before);
            if (q === 0) break;
            const part = partOf(paid, n, before, q);
            // Within a cent of the exact share; never below zero.
            assert.ok(part >= 0);
            assert.ok(Math.abs(part - (paid * q) / n) <= 1, `${paid} ${n} ${before} ${q}`);
            sum += part;
            before += q;
            assert.ok(sum <= paid, 'never more than was paid');
          }
        }
        assert.equal(sum, paid, `${paid} over ${n} in steps ${steps}`);
      }
    }
});

test('a discounted line with its deposit: 2 of 6, then 3, then the last, to the cent', () => {
  // 6 × Bier 3,50 = 21,00, 10 % off = 2,10 → paid 18,90; each bier has Pfand 0,25.
  const s = sale([
    line({
      name: 'Bier',
      unit_price_cents: 350,
      quantity: 6,
      line_total_cents: 2100,
      discount_cents: 210,
      vat_rate: 19,
    }),
    line({
      name: 'Pfand',
      product_id: 'prd_p',
      unit_price_cents: 25,
      quantity: 6,
      line_total_cents: 150,
      kind: 'deposit',
      vat_rate: 19,
    }),
  ]);
  const done: Record<number, number> = {};
  const refund = (q: number): RefundLine[] => {
    const out = planRefundLines(s, (i) => done[i] ?? 0, {
      parts: [{ line_index: 0, quantity: q }],
    });
    for (const l of out) done[l.line_index] = (done[l.line_index] ?? 0) + l.quantity;
    return out;
  };
  const view = (ls: RefundLine[]) =>
    ls.map((l) => [l.name, l.quantity, l.line_total_cents, l.discount_cents ?? 0]);
  assert.deepEqual(view(refund(2)), [
    ['Bier', 2, 630, 70],
    ['Pfand', 2, 50, 0],
  ]);
  assert.deepEqual(view(refund(3)), [
    ['Bier', 3, 945, 105],
    ['Pfand', 3, 75, 0],
  ]);
  assert.throws(
    () => refund(2),
    (e: { code: string; status: number; params: { remaining: number } }) =>
      e.code === 'refund_exceeds_quantity' && e.status === 409 && e.params.remaining === 1,
  );
  // The last piece takes the remainder: 630 + 945 + 315 = 1890 = what was paid.
  assert.deepEqual(view(refund(1)), [
    ['Bier', 1, 315, 35],
    ['Pfand', 1, 25, 0],
  ]);
  assert.throws(() => refund(1), { code: 'already_refunded' });
  // The same request on the same state always gives the same cents.
  const again = planRefundLines(s, () => 0, { parts: [{ line_index: 0, quantity: 2 }] });
  assert.deepEqual(view(again), [
    ['Bier', 2, 630, 70],
    ['Pfand', 2, 50, 0],
  ]);
});

test('uneven cents: 3 × 1,00 with 0,10 off (paid 2,90) refunds 0,97 + 0,96 + 0,97', () => {
  const s = sale([
    line({ quantity: 3, unit_price_cents: 100, line_total_cents: 300, discount_cents: 10 }),
  ]);
  const parts = [0, 1, 2].map(
    (before) => planRefundLines(s, () => before, { parts: [{ line_index: 0, quantity: 1 }] })[0],
  );
  assert.deepEqual(
    parts.map((l) => [l.line_total_cents, l.discount_cents ?? 0]),
    [
      [97, 3],
      [96, 4],
      [97, 3],
    ],
  );
});

test('refused: a deposit named alone, a line twice, a line that is not there; whole lines take what is left', () => {
  const s = sale([
    line({ name: 'Bier', quantity: 4, unit_price_cents: 350, line_total_cents: 1400 }),
    line({
      name: 'Pfand',
      quantity: 4,
      unit_price_cents: 25,
      line_total_cents: 100,
      kind: 'deposit',
    }),
    line({ name: 'Brezel', quantity: 1, unit_price_cents: 250, line_total_cents: 250 }),
  ]);
  assert.throws(() => planRefundLines(s, () => 0, { parts: [{ line_index: 1, quantity: 1 }] }), {
    code: 'refund_deposit_follows',
  });
  assert.throws(
    () =>
      planRefundLines(s, () => 0, {
        parts: [
          { line_index: 0, quantity: 1 },
          { line_index: 0, quantity: 1 },
        ],
      }),
    { code: 'invalid_field' },
  );
  assert.throws(() => planRefundLines(s, () => 0, { parts: [{ line_index: 3, quantity: 1 }] }), {
    code: 'invalid_field',
  });
  // After 1 of 4 biers (and 1 deposit), the whole sale refunds what is left: 3 + 3 + 1.
  const rest = planRefundLines(s, (i) => (i < 2 ? 1 : 0), {});
  assert.deepEqual(
    rest.map((l) => [l.name, l.quantity, l.line_total_cents]),
    [
      ['Bier', 3, 1050],
      ['Pfand', 3, 75],
      ['Brezel', 1, 250],
    ],
  );
});
