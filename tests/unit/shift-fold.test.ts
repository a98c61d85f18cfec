/**
 * The cash-up fold reads sales whatever shape wrote them: a split sale with a tip and a
 * discount (the optional `payments`, `tip_cents`, `discount_cents` other branches add) counts
 * each part for its provider, the cash part and its tip towards the drawer, the tip apart from
 * revenue (the business's part of the tips apart); an old single-payment sale counts as one
 * payment of its total. On paper the business's part of the tips keeps its whole label on
 * 58 mm paper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftFold, shiftCount } from '../../daemon/closing/shift.js';
import type { AnyLine } from '../../daemon/closing/entries.js';
import type { Sale, ShiftReport } from '../../daemon/protocol.js';
import { shiftReportBytes } from '../../daemon/printer/report-layout.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';

const at = (m: number) => new Date(Date.UTC(2026, 11, 7, 9, m)).toISOString();

function sale(id: string, extra: Record<string, unknown>): Sale {
  return {
    id,
    number: 1,
    terminal_id: 't1',
    provider: 'cash',
    state: 'pending',
    lines: [
      {
        product_id: 'p1',
        barcode: null,
        name: 'Torte',
        unit_price_cents: 1000,
        vat_rate: 7,
        quantity: 2,
        line_total_cents: 2000,
      },
    ],
    total_cents: 2000,
    tendered_cents: null,
    change_cents: null,
    cashier: 'Anna',
    created_at: at(1),
    updated_at: at(1),
    reason: null,
    payment: {},
    ...extra,
  } as Sale;
}

const line = (l: object) => ({ q: 1, ...l }) as unknown as AnyLine;

test('split sale with tip and discount, an old single sale, a failed sale, a refund', () => {
  const fold = new ShiftFold(at(0), at(59));
  // Split: 12,50 cash (given 20,00, change 7,50), 5,00 card with a 1,00 tip; 2,50 discount.
  const split = sale('s1', {
    provider: 'split',
    total_cents: 1750,
    discount_cents: 250,
    lines: [{ ...sale('x', {}).lines[0], discount_cents: 250 }],
  });
  fold.add(line({ e: 'created', at: at(2), key: 'k1', cart_version: 1, sale: split }));
  fold.add(
    line({
      e: 'update',
      at: at(3),
      id: 's1',
      state: 'succeeded',
      tip_cents: 100,
      payments: [
        {
          id: 'p1',
          provider: 'cash',
          amount_cents: 1250,
          tip_cents: 0,
          state: 'succeeded',
          tendered_cents: 2000,
          change_cents: 750,
          payment: {},
          created_at: at(2),
        },
        // A declined card attempt with a business tip: no money, no tip.
        {
          id: 'p2x',
          provider: 'fake_card',
          amount_cents: 500,
          tip_cents: 999,
          tip_recipient: 'business',
          state: 'failed',
          tendered_cents: null,
          change_cents: null,
          payment: {},
          created_at: at(3),
        },
        // The card part's tip belongs to the business (settings tips_recipient).
        {
          id: 'p2',
          provider: 'fake_card',
          amount_cents: 500,
          tip_cents: 100,
          tip_recipient: 'business',
          state: 'succeeded',
          tendered_cents: null,
          change_cents: null,
          payment: {},
          created_at: at(3),
        },
      ],
    }),
  );
  // Old shape: one cash payment of the whole total, a cash tip kept ("keep the change").
  fold.add(
    line({
      e: 'created',
      at: at(4),
      key: 'k2',
      cart_version: 2,
      sale: sale('s2', { tip_cents: 30 }),
    }),
  );
  fold.add(line({ e: 'update', at: at(5), id: 's2', state: 'succeeded' }));
  // Failed: not counted.
  fold.add(line({ e: 'created', at: at(6), key: 'k3', cart_version: 3, sale: sale('s3', {}) }));
  fold.add(line({ e: 'update', at: at(7), id: 's3', state: 'failed' }));
  // Outside the range: not counted.
  fold.add(line({ e: 'created', at: at(8), key: 'k4', cart_version: 4, sale: sale('s4', {}) }));
  fold.add(
    line({
      e: 'update',
      at: new Date(Date.parse(at(59)) + 1).toISOString(),
      id: 's4',
      state: 'succeeded',
    }),
  );
  fold.add(
    line({
      e: 'refund',
      at: at(10),
      key: 'k5',
      refund: { by: 'Anna', method: 'cash', total_cents: 1000, provider: 'cash', lines: [] },
    }),
  );
  const r = fold.report({ timezone: 'Europe/Berlin', currency: 'EUR' });
  assert.equal(r.cashiers.length, 1);
  const a = r.cashiers[0];
  assert.equal(a.cashier, 'Anna');
  assert.equal(a.sale_count, 2);
  assert.equal(a.sales_cents, 1750 + 2000);
  assert.equal(a.tips_cents, 100 + 30);
  // Of those, the card part's 1,00 is the business's; the old sale's cash tip the staff's.
  assert.equal(a.tips_business_cents, 100);
  assert.equal(r.totals.tips_business_cents, 100);
  assert.equal(a.discount_cents, 250);
  assert.deepEqual(a.by_provider, [
    { provider: 'cash', count: 2, amount_cents: 1250 + 2000 },
    { provider: 'fake_card', count: 1, amount_cents: 500 },
  ]);
  assert.equal(a.cash_cents, 3250);
  assert.equal(a.cash_tips_cents, 30);
  assert.equal(a.cash_refunds_cents, 1000);
  assert.equal(a.expected_cash_cents, 3250 + 30 - 1000);
  assert.deepEqual(a.products, [{ name: 'Torte', quantity: 4, total_cents: 1750 + 2000 }]);
  const c = shiftCount(a, {
    id: 'sc_1',
    cashier: 'Anna',
    from: at(0),
    at: at(59),
    float_cents: 5000,
    counted_cents: 7300,
    denominations: null,
    by: 'Mara',
  });
  assert.equal(c.expected_cents, 5000 + 2280);
  assert.equal(c.difference_cents, 20);
});

test('printed: the business’s part of the tips, whole on 58 mm paper in English too, and only when there is one', () => {
  const cashier = (name: string, tips: number, business: number) => ({
    cashier: name,
    sale_count: 1,
    sales_cents: 10000,
    by_provider: [{ provider: 'fake_card', count: 1, amount_cents: 10000 }],
    cash_cents: 0,
    tips_cents: tips,
    tips_business_cents: business,
    cash_tips_cents: 0,
    discount_cents: 0,
    refund_count: 0,
    refunds_cents: 0,
    cash_refunds_cents: 0,
    expected_cash_cents: 0,
    products: [],
    counts: [],
  });
  const report: ShiftReport = {
    from: at(0),
    to: at(59),
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    cashiers: [cashier('Anna', 123456, 123456), cashier('Ben', 500, 0)],
    totals: {
      sale_count: 2,
      sales_cents: 20000,
      cash_cents: 0,
      tips_cents: 123956,
      tips_business_cents: 123456,
      discount_cents: 0,
      refunds_cents: 0,
    },
  };
  const lines = (lang: 'de' | 'en', width: 58 | 80) =>
    decodeEscPos(
      Buffer.from(shiftReportBytes(report, { model: 'epson-tm-t20iii', width }, 'Laden', lang)),
    ).lines.map((l) => l.trimEnd());
  const around = (ls: string[], label: RegExp) =>
    ls.flatMap((l, i) => (label.test(l) ? [l, ls[i + 1]] : []));
  // 58 mm, English: the label does not fit beside 1,234.56 — its own line, the amount below
  // (the decoder drops the leading indent).
  const en58 = lines('en', 58);
  assert.ok(en58.every((l) => l.length <= 32));
  assert.deepEqual(around(en58, /of which/), [
    'of which for the business',
    '1,234.56',
    'of which for the business',
    '1,234.56',
  ]);
  // German fits on one line; Ben (no business tip) has no such line: once for Anna, once total.
  const de58 = lines('de', 58);
  assert.deepEqual(
    de58.filter((l) => /davon/.test(l)),
    ['davon für den Betrieb 1.234,56', 'davon für den Betrieb 1.234,56'],
  );
  assert.deepEqual(
    lines('en', 80).filter((l) => /of which/.test(l)),
    [
      `of which for the business${' '.repeat(13)}1,234.56`,
      `of which for the business${' '.repeat(13)}1,234.56`,
    ],
  );
});
