/**
 * Deposit (Pfand) and discounts (issue 15.4, 15.5, 15.7) against the real daemon: the deposit
 * follows its product into the cart (quantity, removal), "Pfand zurück" adds a negative line,
 * a pure return is paid out in cash only; discounts per line and per cart (presets, manager
 * limit), spread to the cent; totals and VAT checked to the cent in cart, sale, receipt, X
 * report, day report, the sales CSV and the DSFinV-K business cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Cart, Product, Sale } from '../../daemon/protocol.js';
import { ADMIN_TOKEN, startShop } from '../helpers/shop-ops.js';
import type { TestDaemon } from '../helpers/daemon.js';
import { parseCsv } from '../../daemon/core/csv.js';
import { SALES_COLUMNS } from '../../daemon/exports/index.js';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';

const admin = { admin: ADMIN_TOKEN };
const CART = '/api/v1/terminals/kiosk/cart';

async function make(d: TestDaemon, p: Record<string, unknown>): Promise<Product> {
  const r = await d.post<Product>('/api/v1/products', p, admin);
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const items = (d: TestDaemon, body: unknown) => d.post<Cart>(`${CART}/items`, body);
const pay = (d: TestDaemon, provider: string, extra: Record<string, unknown> = {}) =>
  d.post<Sale>('/api/v1/terminals/kiosk/checkout', {
    provider,
    idempotency_key: randomUUID(),
    ...extra,
  });

function csvRows(text: string) {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  assert.deepEqual(rows[0], [...SALES_COLUMNS]);
  const col = (row: string[], name: (typeof SALES_COLUMNS)[number]) =>
    row[SALES_COLUMNS.indexOf(name)];
  return { rows: rows.slice(1).filter((r) => r.length > 1), col };
}

test('deposit: follows its product, returns are negative, a pure return is paid out in cash', async () => {
  const { d } = await startShop();
  try {
    const p25 = await make(d, { name: 'Pfand 0,25', price_cents: 25, vat_rate: 19 });
    const p15 = await make(d, { name: 'Pfand 0,15', price_cents: 15, vat_rate: 7 });
    const beer = await make(d, {
      name: 'Bier 0,33',
      barcode: '7101',
      price_cents: 350,
      vat_rate: 19,
      deposit_product_id: p25.id,
    });
    const juice = await make(d, {
      name: 'Saft',
      barcode: '7102',
      price_cents: 200,
      vat_rate: 7,
      deposit_product_id: p15.id,
    });
    // The CSV export names the deposit; importing it back changes nothing, and a row can set
    // or clear the deposit by name (an unknown name is refused for that row).
    const exp = await d.get('/api/v1/products/export.csv', admin);
    assert.ok(exp.text.includes('7101,"Bier 0,33",3.50,,19,yes,"Pfand 0,25"'), exp.text);
    const imp = (text: string) =>
      d.request('POST', '/api/v1/products/import', {
        admin: ADMIN_TOKEN,
        raw: text,
        headers: { 'content-type': 'text/csv' },
      });
    assert.equal((await imp(exp.text)).body.updated, 0);
    const csvSet = await imp(
      'barcode,name,price,Pfand\n7102,Saft,2.00,\n7101,"Bier 0,33",3.50,Nope\n',
    );
    assert.deepEqual(
      [csvSet.body.updated, csvSet.body.errors.map((e: any) => [e.row, e.code])],
      [1, [[3, 'unknown_deposit']]],
    );
    assert.equal(
      (await d.get<Product>(`/api/v1/products/${juice.id}`)).body.deposit_product_id,
      null,
    );
    const relink = await imp(`barcode,name,price,deposit\n7102,Saft,2.00,"Pfand 0,15"\n`);
    assert.equal(relink.body.updated, 1, relink.text);
    assert.equal(
      (await d.get<Product>(`/api/v1/products/${juice.id}`)).body.deposit_product_id,
      p15.id,
    );
    // A deposit cannot carry a deposit.
    const chain = await d.request('PATCH', `/api/v1/products/${p25.id}`, {
      admin: ADMIN_TOKEN,
      body: { deposit_product_id: p15.id },
    });
    assert.equal(chain.status, 400);
    assert.equal(chain.body.error.code, 'invalid_deposit');

    let r = await items(d, { product_id: beer.id });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.body.lines.map((l) => [l.name, l.kind ?? 'product', l.quantity, l.line_total_cents]),
      [
        ['Bier 0,33', 'product', 1, 350],
        ['Pfand 0,25', 'deposit', 1, 25],
      ],
    );
    const beerLine = r.body.lines[0].line_id;
    const depLine = r.body.lines[1];
    assert.equal(depLine.deposit_for_line_id, beerLine);
    r = await items(d, { barcode: '7101' });
    assert.deepEqual(
      r.body.lines.map((l) => [l.quantity, l.line_total_cents]),
      [
        [2, 700],
        [2, 50],
      ],
    );
    r = await d.request('PATCH', `${CART}/items/${beerLine}`, { body: { quantity: 3 } });
    assert.deepEqual(
      r.body.lines.map((l: any) => [l.quantity, l.line_total_cents]),
      [
        [3, 1050],
        [3, 75],
      ],
    );
    // The deposit line is not edited or removed by itself.
    for (const [method, body] of [
      ['PATCH', { quantity: 1 }],
      ['DELETE', undefined],
    ] as const) {
      const x = await d.request(method, `${CART}/items/${depLine.line_id}`, { body });
      assert.equal(x.status, 409, x.text);
      assert.equal(x.body.error.code, 'deposit_follows');
    }
    // Removing the product removes its deposit.
    r = await items(d, { barcode: '7102' });
    const juiceLine = r.body.lines.find((l) => l.product_id === juice.id)!.line_id;
    assert.equal(r.body.lines.length, 4);
    r = await d.request('DELETE', `${CART}/items/${juiceLine}`);
    assert.deepEqual(
      r.body.lines.map((l: any) => l.name),
      ['Bier 0,33', 'Pfand 0,25'],
    );
    await items(d, { barcode: '7102' });

    // "Pfand zurück": a negative line; a second tap adds to it. Only deposit products.
    const notDeposit = await items(d, { deposit_return: beer.id });
    assert.equal(notDeposit.status, 404);
    assert.equal((notDeposit.body as any).error.code, 'not_a_deposit');
    await items(d, { deposit_return: p25.id });
    r = await items(d, { deposit_return: p25.id });
    const ret = r.body.lines.find((l) => l.kind === 'deposit_return')!;
    assert.deepEqual([ret.quantity, ret.unit_price_cents, ret.line_total_cents], [2, -25, -50]);
    // 1050 + 75 + 200 + 15 - 50
    assert.equal(r.body.total_cents, 1290);

    const paid = await pay(d, 'cash', { tendered_cents: 1300 });
    assert.equal(paid.status, 201, paid.text);
    const sale = paid.body;
    assert.deepEqual([sale.state, sale.total_cents, sale.change_cents], ['succeeded', 1290, 10]);
    assert.deepEqual(
      sale.lines.map((l) => l.kind ?? 'product'),
      ['product', 'deposit', 'product', 'deposit', 'deposit_return'],
    );
    // VAT at the deposit products' own rates: 19 % on 1050+75-50 = 1075 → 172; 7 % on 215 → 14.
    const receipt = (await d.get(`/api/v1/sales/${sale.id}/receipt`)).body.receipt;
    assert.deepEqual(
      receipt.vat.map((v: any) => [v.rate, v.gross_cents, v.net_cents, v.vat_cents]),
      [
        [19, 1075, 903, 172],
        [7, 215, 201, 14],
      ],
    );
    assert.equal(receipt.lines[4].kind, 'deposit_return');
    const page = await d.get(new URL(receipt.url).pathname);
    assert.match(page.text, /Pfand zurück: Pfand 0,25/);

    // A pure return: below zero, refused by card with a stable code, paid out in cash.
    await items(d, { deposit_return: p25.id, quantity: 4 });
    const card = await pay(d, 'fake_card');
    assert.equal(card.status, 422);
    assert.equal((card.body as any).error.code, 'payout_cash_only');
    const out = await pay(d, 'cash');
    assert.equal(out.status, 201, out.text);
    assert.deepEqual(
      [out.body.state, out.body.total_cents, out.body.tendered_cents, out.body.change_cents],
      ['succeeded', -100, 0, 100],
    );

    const x = (await d.get('/api/v1/closing/x', admin)).body;
    assert.equal(x.sales_total_cents, 1190);
    assert.equal(x.cash.cash_sales_cents, 1190);
    assert.deepEqual(x.deposits, {
      sold_count: 4,
      sold_cents: 90,
      returned_count: 6,
      returned_cents: 150,
    });
    assert.deepEqual(
      x.vat.map((v: any) => [v.rate, v.gross_cents, v.vat_cents]),
      [
        [19, 975, 156],
        [7, 215, 14],
      ],
    );
    const day = d.shopDay(sale.created_at);
    const report = (await d.get(`/api/v1/reports/daily?date=${day}`, admin)).body;
    assert.deepEqual(report.deposits, x.deposits);
    const back = report.top_products.find((p: any) => p.product_id === `${p25.id}:return`);
    assert.deepEqual([back.quantity, back.total_cents], [6, -150]);

    const csv = await d.get(`/api/v1/admin/exports/sales.csv?from=${day}&to=${day}`, admin);
    const { rows, col } = csvRows(csv.text);
    assert.deepEqual(
      rows.map((row) => [col(row, 'name'), col(row, 'line_total_cents'), col(row, 'line_kind')]),
      [
        ['Bier 0,33', '1050', 'product'],
        ['Pfand 0,25', '75', 'deposit'],
        ['Saft', '200', 'product'],
        ['Pfand 0,15', '15', 'deposit'],
        ['Pfand 0,25', '-50', 'deposit_return'],
        ['Pfand 0,25', '-100', 'deposit_return'],
      ],
    );
  } finally {
    await d.stop();
  }
});

test('discounts: line and cart, presets, manager limit, spread to the cent, VAT on discounted amounts', async () => {
  const { d, dev } = await startShop();
  try {
    const pfand = await make(d, { name: 'Pfand', price_cents: 25, vat_rate: 19 });
    const wurst = await make(d, { name: 'Bratwurst', price_cents: 350, vat_rate: 19 });
    const brezel = await make(d, { name: 'Brezel', price_cents: 133, vat_rate: 7 });
    const beer = await make(d, {
      name: 'Bier',
      price_cents: 350,
      vat_rate: 19,
      deposit_product_id: pfand.id,
    });
    // Presets and the manager limit (admin); the till reads them.
    const bad = await d.request('PUT', '/api/v1/admin/settings/discounts', {
      admin: ADMIN_TOKEN,
      body: { presets: [{ id: 'x', name: 'X', percent: 120, cart: true }] },
    });
    assert.equal(bad.status, 400);
    const set = await d.request('PUT', '/api/v1/admin/settings/discounts', {
      admin: ADMIN_TOKEN,
      body: {
        presets: [
          { id: 'staff', name: 'Personal', percent: 10, cart: true },
          { id: 'happy', name: 'Happy Hour', amount_cents: 50, cart: false },
        ],
        manager_above_percent: 20,
      },
    });
    assert.equal(set.status, 200, set.text);
    assert.equal((await d.get('/api/v1/discounts')).body.presets.length, 2);

    await items(d, { product_id: wurst.id });
    await items(d, { product_id: brezel.id, quantity: 3 });
    let r = await items(d, { product_id: beer.id });
    const [wLine, bLine, beerLine, depLine] = r.body.lines.map((l) => l.line_id);
    const disc = (body: unknown, opts: { headers?: Record<string, string> } = {}) =>
      d.post<Cart>(`${CART}/discounts`, body, opts);

    // Refusals change nothing.
    for (const [body, code] of [
      [{}, 'invalid_body'],
      [{ percent: 10, amount_cents: 5 }, 'invalid_body'],
      [{ percent: 0 }, 'invalid_field'],
      [{ percent: 10.005 }, 'invalid_field'],
      [{ percent: 10, line_id: depLine }, 'not_discountable'],
      [{ percent: 10, line_id: 'ln_nope' }, 'not_found'],
      [{ preset: 'nope' }, 'unknown_preset'],
      [{ preset: 'happy' }, 'invalid_field'],
    ] as const) {
      const x = await disc(body);
      assert.equal((x.body as any).error?.code, code, JSON.stringify(body));
    }
    assert.equal((await d.get<Cart>(CART)).body.total_cents, 350 + 399 + 350 + 25);

    // 15 % on the sausage: 52.5 → 53. Then the staff preset (10 % of the cart).
    r = await disc({ percent: 15, line_id: wLine, reason: 'angebrannt' });
    assert.equal(r.status, 200, r.text);
    r = await disc({ preset: 'staff' });
    assert.equal(r.status, 200, r.text);
    const cart = r.body;
    // Cart discount on 297 + 399 + 350 = 1046 → 104.6 → 105, spread 30 / 40 / 35 (largest
    // remainder: the sausage's share has the biggest remainder and takes the odd cent).
    assert.deepEqual(
      cart.discounts!.map((x) => [x.line_id, x.percent, x.amount_cents, x.preset, x.reason]),
      [
        [wLine, 15, 53, null, 'angebrannt'],
        [null, 10, 105, 'staff', 'Personal'],
      ],
    );
    assert.deepEqual(
      cart.lines.map((l) => l.discount_cents ?? 0),
      [83, 40, 35, 0],
    );
    assert.equal(cart.discount_cents, 158);
    assert.equal(cart.total_cents, 1124 - 158);

    // A quantity change recomputes the percent amounts; an amount discount stays an amount.
    r = await d.request('PATCH', `${CART}/items/${bLine}`, { body: { quantity: 4 } });
    assert.equal(r.body.discounts![1].amount_cents, Math.floor((297 + 532 + 350) / 10 + 0.5));
    r = await d.request('PATCH', `${CART}/items/${bLine}`, { body: { quantity: 3 } });
    assert.equal(r.body.total_cents, 966);

    // Above 20 % a manager must be logged in: with PIN login in force a cashier is refused.
    await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: ADMIN_TOKEN,
      body: { pin_login_enabled: true },
    });
    for (const [name, pin, role] of [
      ['Kim', '246810', 'cashier'],
      ['Mo', '135791', 'manager'],
    ])
      assert.equal(
        (await d.post('/api/v1/admin/employees', { name, pin, role }, admin)).status,
        201,
      );
    const session = async (pin: string) => ({
      headers: {
        'x-cashier-session': (await d.post('/api/v1/terminals/kiosk/cashier/login', { pin })).body
          .session as string,
      },
    });
    const kim = await session('246810');
    const big = await disc({ percent: 30, line_id: beerLine }, kim);
    assert.equal(big.status, 403, big.text);
    assert.equal((big.body as any).error.code, 'discount_needs_manager');
    const mo = await session('135791');
    const ok = await disc({ percent: 30, line_id: beerLine }, mo);
    assert.equal(ok.status, 200, ok.text);
    const gone = await d.request(
      'DELETE',
      `${CART}/discounts/${ok.body.discounts!.at(-1)!.id}`,
      mo,
    );
    assert.equal(gone.body.total_cents, 966);

    // With PIN login in force the till's cashier pays.
    const paid = await d.post<Sale>(
      '/api/v1/terminals/kiosk/checkout',
      { provider: 'cash', idempotency_key: randomUUID() },
      mo,
    );
    assert.equal(paid.status, 201, paid.text);
    const sale = paid.body;
    assert.equal(sale.state, 'succeeded');
    assert.equal(sale.total_cents, 966);
    assert.equal(sale.discount_cents, 158);
    assert.equal(sale.discounts!.length, 2);

    // VAT on discounted amounts: 19 % on (350-83)+(350-35)+25 = 607 → 97; 7 % on 399-40 = 359 → 23.
    const receipt = (await d.get(`/api/v1/sales/${sale.id}/receipt`, mo)).body.receipt;
    assert.deepEqual(
      receipt.vat.map((v: any) => [v.rate, v.gross_cents, v.net_cents, v.vat_cents]),
      [
        [19, 607, 510, 97],
        [7, 359, 336, 23],
      ],
    );
    assert.equal(receipt.total_cents, 966);
    // The paper receipt: original price, discount, new price under the sausage.
    await d.get(`/api/v1/sales/${sale.id}/receipt?wait=1`);
    const paper = decodeEscPos(dev.bytes()).lines.join('\n');
    assert.match(paper, /^Bratwurst +3,50 A\nRabatt +-0,83\nneu +2,67$/m);
    assert.match(paper, /^Pfand +0,25 A$/m);
    const page = await d.get(new URL(receipt.url).pathname);
    assert.match(page.text, /Rabatt/);
    assert.match(page.text, /2,67/); // the sausage's new price

    const x = (await d.get('/api/v1/closing/x', admin)).body;
    assert.equal(x.sales_total_cents, 966);
    assert.equal(x.discounts_cents, 158);
    assert.deepEqual(
      x.vat.map((v: any) => [v.rate, v.gross_cents, v.vat_cents]),
      [
        [19, 607, 97],
        [7, 359, 23],
      ],
    );
    const day = d.shopDay(sale.created_at);
    assert.equal(
      (await d.get(`/api/v1/reports/daily?date=${day}`, admin)).body.discounts_cents,
      158,
    );

    // Today's sales of the till, for a manager only (void and receipt again at the till).
    const asCashier = await d.get('/api/v1/terminals/kiosk/sales', await session('246810'));
    assert.equal(asCashier.status, 403);
    const mine = await d.get('/api/v1/terminals/kiosk/sales', await session('135791'));
    assert.deepEqual(
      mine.body.sales.map((s: Sale) => [s.number, s.total_cents]),
      [[sale.number, 966]],
    );
    assert.deepEqual((await d.get('/api/v1/terminals/other/sales', admin)).body.sales, []);

    // Refund the discounted sausage: what was paid for it comes back (267), VAT with it.
    const rf = await d.post(
      `/api/v1/sales/${sale.id}/refunds`,
      { line_indexes: [0], reason: 'kalt', idempotency_key: randomUUID() },
      admin,
    );
    assert.equal(rf.status, 201, rf.text);
    assert.equal(rf.body.refund.total_cents, 267);

    const csv = await d.get(`/api/v1/admin/exports/sales.csv?from=${day}&to=${day}`, admin);
    const { rows, col } = csvRows(csv.text);
    assert.deepEqual(
      rows.map((row) => [
        col(row, 'kind'),
        col(row, 'name'),
        col(row, 'line_total_cents'),
        col(row, 'discount_cents'),
        col(row, 'paid_cents'),
      ]),
      [
        ['sale', 'Bratwurst', '350', '83', '267'],
        ['sale', 'Brezel', '399', '40', '359'],
        ['sale', 'Bier', '350', '35', '315'],
        ['sale', 'Pfand', '25', '0', '25'],
        ['refund', 'Bratwurst', '-350', '-83', '-267'],
      ],
    );
  } finally {
    await d.stop();
  }
});
