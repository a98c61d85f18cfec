/**
 * Cash-up per cashier over the real daemon (production mode, a fake USB receipt printer): two
 * cashiers sell with cash and card on two tills, a manager refunds in cash; the report per
 * cashier is right to the cent, the range filters, a drawer count is journalled with its
 * difference (idempotent), the report prints, and only managers (or admin) may see it. Tips:
 * every tip in `tips_cents`, the business's part (settings `tips_recipient: business`) apart in
 * `tips_business_cents`, cash tips in the drawer whoever they belong to — on screen and paper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import type { Sale, ShiftReport } from '../../daemon/protocol.js';
import { ADMIN_TOKEN, product, startShop } from '../helpers/shop-ops.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { FakeUsbBus, FakeUsbPrinter } from '../helpers/fake-printer.js';

type Session = { headers: Record<string, string> };

async function login(d: TestDaemon, terminal: string, pin: string): Promise<Session> {
  const r = await d.post(`/api/v1/terminals/${terminal}/cashier/login`, { pin });
  assert.equal(r.status, 200, r.text);
  return { headers: { 'x-cashier-session': r.body.session } };
}

async function sellAs(
  d: TestDaemon,
  who: Session,
  terminal: string,
  items: Array<[string, number]>,
  provider: 'cash' | 'fake_card',
  tendered?: number,
  /** More checkout fields (`tip_cents`, `amount_cents` for a part) and the state it leaves. */
  part: { body?: Record<string, unknown>; state?: 'succeeded' | 'open' } = {},
): Promise<Sale> {
  for (const [barcode, quantity] of items) {
    const r = await d.request('POST', `/api/v1/terminals/${terminal}/cart/items`, {
      body: { barcode, quantity },
      ...who,
    });
    assert.equal(r.status, 200, r.text);
  }
  const owner = {};
  const settled = new Promise<Sale>((resolve) =>
    d.app.events.on(owner, 'payment.updated', ({ sale }) => {
      if (sale.terminal_id === terminal && sale.state !== 'pending') resolve(sale);
    }),
  );
  const body: Record<string, unknown> = {
    provider,
    idempotency_key: randomUUID(),
    ...part.body,
  };
  if (tendered !== undefined) body.tendered_cents = tendered;
  const r = await d.request('POST', `/api/v1/terminals/${terminal}/checkout`, { body, ...who });
  assert.equal(r.status, 201, r.text);
  const sale = r.body.state === 'pending' ? await settled : (r.body as Sale);
  d.app.events.offOwner(owner);
  assert.equal(sale.state, part.state ?? 'succeeded', JSON.stringify(sale));
  return sale;
}

/** The shop's staff with their PINs, and PIN login switched on. */
async function staffWithPins(
  d: Awaited<ReturnType<typeof startShop>>['d'],
  staff: Array<[name: string, pin: string, role: string]>,
): Promise<void> {
  const admin = { admin: ADMIN_TOKEN };
  for (const [name, pin, role] of staff) {
    const r = await d.post('/api/v1/admin/employees', { name, pin, role }, admin);
    assert.equal(r.status, 201, r.text);
  }
  await d.request('PUT', '/api/v1/admin/settings/pos-security', {
    ...admin,
    body: { pin_login_enabled: true },
  });
}

test('cash-up per cashier: to the cent, range, drawer count journalled, printed, managers only', async () => {
  const { d } = await startShop();
  const admin = { admin: ADMIN_TOKEN };
  try {
    await product(d, { barcode: '4000000000006', name: 'Brezel', price_cents: 250, vat_rate: 7 });
    await product(d, { barcode: '4000000000013', name: 'Wein', price_cents: 1990, vat_rate: 19 });
    await staffWithPins(d, [
      ['Anna', '1111', 'cashier'],
      ['Ben', '2222', 'cashier'],
      ['Mara', '3333', 'manager'],
    ]);
    const shiftStart = new Date(d.app.clock.now() - 1000).toISOString();
    const anna = await login(d, 't1', '1111');
    const ben = await login(d, 't2', '2222');
    await sellAs(d, anna, 't1', [['4000000000006', 2]], 'cash', 1000); // 5,00 cash
    await sellAs(d, anna, 't1', [['4000000000013', 1]], 'fake_card'); // 19,90 card
    const benSale = await sellAs(
      d,
      ben,
      't2',
      [
        ['4000000000006', 1],
        ['4000000000013', 1],
      ],
      'cash',
      2500,
    ); // 22,40 cash
    // Mara (manager) refunds Ben's pretzel in cash.
    const mara = await login(d, 't2', '3333');
    const refund = await d.request('POST', `/api/v1/sales/${benSale.id}/refunds`, {
      body: { line_indexes: [0], reason: 'zerbrochen', idempotency_key: randomUUID() },
      ...mara,
    });
    assert.equal(refund.status, 201, refund.text);

    // A cashier may not see the cash-up; nobody without a login either.
    assert.equal((await d.request('GET', '/api/v1/closing/shifts', anna)).status, 403);
    assert.equal((await d.get('/api/v1/closing/shifts')).status, 401);

    const res = await d.request('GET', '/api/v1/closing/shifts', mara);
    assert.equal(res.status, 200, res.text);
    const r = res.body as ShiftReport;
    assert.deepEqual(
      r.cashiers.map((c) => c.cashier),
      ['Anna', 'Ben', 'Mara'],
    );
    const [a, b, m] = r.cashiers;
    assert.deepEqual(
      {
        sale_count: a.sale_count,
        sales_cents: a.sales_cents,
        cash_cents: a.cash_cents,
        tips_cents: a.tips_cents,
        discount_cents: a.discount_cents,
        refunds_cents: a.refunds_cents,
        expected_cash_cents: a.expected_cash_cents,
      },
      {
        sale_count: 2,
        sales_cents: 2490,
        cash_cents: 500,
        tips_cents: 0,
        discount_cents: 0,
        refunds_cents: 0,
        expected_cash_cents: 500,
      },
    );
    assert.deepEqual(a.by_provider, [
      { provider: 'cash', count: 1, amount_cents: 500 },
      { provider: 'fake_card', count: 1, amount_cents: 1990 },
    ]);
    assert.deepEqual(a.products, [
      { name: 'Wein', quantity: 1, total_cents: 1990 },
      { name: 'Brezel', quantity: 2, total_cents: 500 },
    ]);
    assert.equal(b.sales_cents, 2240);
    assert.equal(b.cash_cents, 2240);
    assert.equal(b.expected_cash_cents, 2240);
    assert.deepEqual(
      [m.sale_count, m.refund_count, m.refunds_cents, m.cash_refunds_cents, m.expected_cash_cents],
      [0, 1, 250, 250, -250],
    );
    assert.deepEqual(r.totals, {
      sale_count: 3,
      sales_cents: 4730,
      cash_cents: 2740,
      tips_cents: 0,
      tips_business_cents: 0,
      discount_cents: 0,
      refunds_cents: 250,
    });

    // Ranges: before the shift nothing; bad bounds refused.
    const early = await d.request(
      'GET',
      `/api/v1/closing/shifts?from=${encodeURIComponent(new Date(Date.parse(shiftStart) - 3_600_000).toISOString())}&to=${encodeURIComponent(shiftStart)}`,
      admin,
    );
    assert.equal(early.status, 200);
    assert.deepEqual(early.body.cashiers, []);
    for (const q of ['from=gestern', 'from=2020-01-01', 'from=2030-01-02&to=2030-01-01']) {
      const bad = await d.request('GET', `/api/v1/closing/shifts?${q}`, admin);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.error.code, 'invalid_query');
    }

    // Anna counts her drawer: float 100,00 + 5,00 expected; 104,50 counted → −0,50.
    const key = randomUUID();
    const countBody = {
      cashier: 'Anna',
      from: shiftStart,
      float_cents: 10000,
      denominations: { '5000': 2, '200': 2, '50': 1 },
      idempotency_key: key,
    };
    const count = await d.request('POST', '/api/v1/closing/shifts/count', {
      body: countBody,
      ...mara,
    });
    assert.equal(count.status, 201, count.text);
    assert.equal(count.body.expected_cents, 10500);
    assert.equal(count.body.counted_cents, 10450);
    assert.equal(count.body.difference_cents, -50);
    assert.equal(count.body.by, 'Mara');
    const again = await d.request('POST', '/api/v1/closing/shifts/count', {
      body: countBody,
      ...mara,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, count.body.id);
    const mismatch = await d.request('POST', '/api/v1/closing/shifts/count', {
      body: { ...countBody, counted_cents: 1, idempotency_key: randomUUID() },
      ...mara,
    });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.code, 'count_mismatch');
    // Journalled once, as its own line kind, next to the sales.
    const dir = path.join(d.dataDir, 'sales');
    let lines: Array<{ e: string; count?: { id: string; difference_cents: number } }> = [];
    for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')))
      lines = lines.concat(
        (await readFile(path.join(dir, f), 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      );
    const shiftLines = lines.filter((l) => l.e === 'shift');
    assert.equal(shiftLines.length, 1);
    assert.equal(shiftLines[0].count!.difference_cents, -50);
    // The report lists the count under Anna, also after a restart (read from the journal).
    const d2 = await d.restart();
    try {
      const after = await d2.request('GET', '/api/v1/closing/shifts', admin);
      const annaAfter = (after.body as ShiftReport).cashiers.find((c) => c.cashier === 'Anna')!;
      assert.equal(annaAfter.counts.length, 1);
      assert.equal(annaAfter.counts[0].id, count.body.id);
      assert.equal(annaAfter.sales_cents, 2490);
      // Printed through the printer module.
      const bus = new FakeUsbBus();
      const printer = new FakeUsbPrinter();
      bus.devices.push(printer);
      await d2.app.shop.printer.useBus(bus);
      const empty = await d2.request('POST', '/api/v1/closing/shifts/print', {
        ...admin,
        body: {},
      });
      assert.equal(empty.status, 400);
      assert.equal(printer.written.length, 0);
      const print = await d2.request('POST', '/api/v1/closing/shifts/print', {
        ...admin,
        body: { from: shiftStart },
      });
      assert.equal(print.status, 200, print.text);
      assert.equal(print.body.printed, true, print.text);
      const text = decodeEscPos(printer.bytes()).lines.join('\n');
      assert.match(text, /KASSENABSCHLUSS JE KASSIERER/);
      assert.match(text, /^Anna$/m);
      assert.match(text, /^Umsatz \(Verkäufe: 2\) +24,90$/m);
      assert.match(text, /^Differenz +-0,50$/m);
      assert.match(text, /^Mara$/m);
    } finally {
      await d2.stop();
    }
  } catch (err) {
    await d.stop().catch(() => {});
    throw err;
  }
});

test('cash-up tips: the business’s part apart from the staff’s, per cashier and in the totals, cash tips in the drawer, printed', async () => {
  const { d, dev } = await startShop();
  const admin = { admin: ADMIN_TOKEN };
  try {
    await product(d, { barcode: '4000000000006', name: 'Brezel', price_cents: 250, vat_rate: 7 });
    await product(d, { barcode: '4000000000013', name: 'Wein', price_cents: 1990, vat_rate: 19 });
    await staffWithPins(d, [
      ['Anna', '1111', 'cashier'],
      ['Ben', '2222', 'cashier'],
    ]);
    const shiftStart = new Date(d.app.clock.now() - 1000).toISOString();
    const anna = await login(d, 't1', '1111');
    const ben = await login(d, 't2', '2222');
    // Staff tips (the default): Anna 2,50 by card + 0,50; Ben 2,50 cash, given 5,00, 0,30 kept.
    await sellAs(d, anna, 't1', [['4000000000006', 1]], 'fake_card', undefined, {
      body: { tip_cents: 50 },
    });
    await sellAs(d, ben, 't2', [['4000000000006', 1]], 'cash', 500, { body: { tip_cents: 30 } });
    // The owner books tips as the business's from now on.
    const biz = await d.request('PUT', '/api/v1/admin/settings/tips', {
      ...admin,
      body: { tips_recipient: 'business' },
    });
    assert.equal(biz.status, 200, biz.text);
    // Anna: Wein 19,90 split — 9,90 cash, then 10,00 by card with a 2,00 tip (the business's).
    await sellAs(d, anna, 't1', [['4000000000013', 1]], 'cash', 1000, {
      body: { amount_cents: 990 },
      state: 'open',
    });
    const split = await sellAs(d, anna, 't1', [], 'fake_card', undefined, {
      body: { amount_cents: 1000, tip_cents: 200 },
    });
    assert.deepEqual(
      split.payments?.map((p) => [p.provider, p.amount_cents, p.tip_cents, p.tip_recipient]),
      [
        ['cash', 990, 0, undefined],
        ['fake_card', 1000, 200, 'business'],
      ],
    );
    // Ben: 2,50 cash, given 3,00, 0,50 kept — the business's tip, still in Ben's drawer.
    await sellAs(d, ben, 't2', [['4000000000006', 1]], 'cash', 300, { body: { tip_cents: 50 } });

    const res = await d.request('GET', '/api/v1/closing/shifts', admin);
    assert.equal(res.status, 200, res.text);
    const r = res.body as ShiftReport;
    const pick = (c: ShiftReport['cashiers'][number]) => ({
      cashier: c.cashier,
      sale_count: c.sale_count,
      sales_cents: c.sales_cents,
      cash_cents: c.cash_cents,
      tips_cents: c.tips_cents,
      tips_business_cents: c.tips_business_cents,
      cash_tips_cents: c.cash_tips_cents,
      expected_cash_cents: c.expected_cash_cents,
    });
    assert.deepEqual(r.cashiers.map(pick), [
      {
        cashier: 'Anna',
        sale_count: 2,
        sales_cents: 250 + 1990,
        cash_cents: 990,
        tips_cents: 50 + 200,
        tips_business_cents: 200,
        cash_tips_cents: 0,
        expected_cash_cents: 990,
      },
      {
        cashier: 'Ben',
        sale_count: 2,
        sales_cents: 500,
        cash_cents: 500,
        tips_cents: 30 + 50,
        tips_business_cents: 50,
        cash_tips_cents: 80,
        expected_cash_cents: 580,
      },
    ]);
    assert.deepEqual(r.totals, {
      sale_count: 4,
      sales_cents: 2740,
      cash_cents: 1490,
      tips_cents: 330,
      tips_business_cents: 250,
      discount_cents: 0,
      refunds_cents: 0,
    });
    // The same tips the X report books as the business's (TrinkgeldAG).
    const x = (await d.request('GET', '/api/v1/closing/x', admin)).body;
    assert.equal(x.tips_business_cents, r.totals.tips_business_cents);

    // On paper, in the receipt language: "davon für den Betrieb" under each cashier's tips.
    const printed = async () => {
      dev.clear();
      const print = await d.request('POST', '/api/v1/closing/shifts/print', {
        ...admin,
        body: { from: shiftStart },
      });
      assert.equal(print.status, 200, print.text);
      assert.equal(print.body.printed, true, print.text);
      return decodeEscPos(dev.bytes())
        .lines.map((l) => l.replace(/ +/g, ' ').trim())
        .filter((l) => /^(Anna|Ben|GESAMT|TOTAL|Trinkgeld|Tips|davon|of which)/.test(l));
    };
    assert.deepEqual(await printed(), [
      'Anna',
      'Trinkgeld 2,50',
      'davon für den Betrieb 2,00',
      'Ben',
      'Trinkgeld 0,80',
      'davon für den Betrieb 0,50',
      'GESAMT',
      'Trinkgeld 3,30',
      'davon für den Betrieb 2,50',
    ]);
    const en = await d.request('PUT', '/api/v1/admin/settings/receipts', {
      ...admin,
      body: { language: 'en' },
    });
    assert.equal(en.status, 200, en.text);
    assert.deepEqual(await printed(), [
      'Anna',
      'Tips 2.50',
      'of which for the business 2.00',
      'Ben',
      'Tips 0.80',
      'of which for the business 0.50',
      'TOTAL',
      'Tips 3.30',
      'of which for the business 2.50',
    ]);
  } finally {
    await d.stop();
  }
});
