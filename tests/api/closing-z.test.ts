import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { ADMIN_TOKEN, prodSecrets, product, sell, startShop } from '../helpers/shop-ops.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const admin = { admin: ADMIN_TOKEN };
const key = () => randomUUID();
const move = (d: TestDaemon, kind: string, amount_cents: number, reason: string) =>
  d.post(
    '/api/v1/closing/movements',
    { kind, amount_cents, reason, idempotency_key: key() },
    admin,
  );

test('Z report: expected = float + cash sales − cash refunds − payouts (+ pay-ins), counted by denomination, difference shown and printed; next period opens with the float', async () => {
  const { d, dev } = await startShop();
  try {
    await product(d, { barcode: '6001', name: 'Cola', price_cents: 250, vat_rate: 19 });
    await product(d, { barcode: '6002', name: 'Kuchen', price_cents: 1200, vat_rate: 7 });
    const x0 = await d.get('/api/v1/closing/x', admin);
    assert.equal(x0.status, 200);
    assert.equal(x0.body.cash.expected_cents, 0);
    // Before the first Z report the period starts with the first journal entry (issue 14.6).
    assert.equal(x0.body.period_start, x0.body.at, 'an empty journal: the period starts now');

    assert.equal((await move(d, 'pay_in', 10000, 'opening float')).status, 201);
    const s1 = await sell(d, [['6001', 2]], 'cash', 500); // 5.00 cash
    await sell(d, [['6002', 1]], 'cash', 2000); // 12.00 cash
    await sell(d, [['6001', 1]], 'fake_card'); // 2.50 card: not in the drawer
    const r = await d.post(
      `/api/v1/sales/${s1.id}/refunds`,
      { line_indexes: [0], reason: 'flat', idempotency_key: key() },
      admin,
    );
    assert.equal(r.status, 201); // −5.00 cash
    assert.equal((await move(d, 'payout', 400, 'window cleaner')).status, 201);

    const x = await d.get('/api/v1/closing/x', admin);
    assert.ok(x.body.period_start > '2000', `first period starts at ${x.body.period_start}`);
    assert.ok(x.body.period_start <= s1.created_at, 'at or before the first sale');
    assert.deepEqual(x.body.cash, {
      opening_float_cents: 0,
      cash_sales_cents: 1700,
      cash_refunds_cents: 500,
      payouts_cents: 400,
      pay_ins_cents: 10000,
      expected_cents: 10000 + 1700 - 500 - 400,
    });
    assert.equal(x.body.sale_count, 3);
    assert.equal(x.body.sales_total_cents, 1950);
    assert.equal(x.body.refund_count, 1);
    assert.deepEqual(
      x.body.by_provider.map((p: { provider: string; sales_cents: number }) => [
        p.provider,
        p.sales_cents,
      ]),
      [
        ['cash', 1700],
        ['fake_card', 250],
      ],
    );
    assert.deepEqual(
      x.body.movements.map((m: { reason: string }) => m.reason),
      ['opening float', 'window cleaner'],
    );

    dev.clear();
    // Counted: 100 + 5 + 2×2 + 0.50 + 0.20×1 → 109.70; expected 108.00 → +1.70
    const z = await d.post(
      '/api/v1/closing/z',
      {
        denominations: { '10000': 1, '500': 1, '200': 2, '50': 1, '20': 1 },
        next_float_cents: 10000,
        idempotency_key: key(),
      },
      admin,
    );
    assert.equal(z.status, 201, z.text);
    assert.equal(z.body.z.number, 1);
    assert.equal(z.body.z.cash.expected_cents, 10800);
    assert.equal(z.body.z.counted_cents, 10970);
    assert.equal(z.body.z.difference_cents, 170);
    assert.deepEqual(z.body.print, { printed: true, code: null, message: null });
    const printed = decodeEscPos(dev.bytes());
    assert.match(printed.lines.join('\n'), /^Z-BERICHT 1$/m);
    assert.match(printed.lines.join('\n'), /^= Soll +108,00$/m);
    assert.ok(printed.emphasised.some((l) => /^Differenz +1,70$/.test(l)));

    // The next period opens with the float and nothing else.
    const x2 = await d.get('/api/v1/closing/x', admin);
    assert.equal(x2.body.cash.opening_float_cents, 10000);
    assert.equal(x2.body.cash.expected_cents, 10000);
    assert.equal(x2.body.sale_count, 0);
    assert.equal(x2.body.period_start, z.body.z.at);
    await sell(d, [['6001', 1]], 'cash', 250);
    const z2 = await d.post(
      '/api/v1/closing/z',
      { counted_cents: 10200, next_float_cents: 10000, idempotency_key: key() },
      admin,
    );
    assert.equal(z2.body.z.number, 2);
    assert.equal(z2.body.z.cash.expected_cents, 10250);
    assert.equal(z2.body.z.difference_cents, -50);
    assert.equal(z2.body.z.denominations, null);
  } finally {
    await d.stop();
  }
});

test('Z reports are numbered, immutable, kept across restarts, and idempotent per key', async () => {
  let { d } = await startShop();
  try {
    const k = key();
    const a = await d.post(
      '/api/v1/closing/z',
      { counted_cents: 0, next_float_cents: 0, idempotency_key: k },
      admin,
    );
    const b = await d.post(
      '/api/v1/closing/z',
      { counted_cents: 0, next_float_cents: 0, idempotency_key: k },
      admin,
    );
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(b.body.z.number, 1);
    const one = (await d.get('/api/v1/closing/z/1', admin)).body;
    for (const m of ['PUT', 'PATCH', 'DELETE']) {
      const r = await d.request(m, '/api/v1/closing/z/1', { ...admin, body: { counted_cents: 5 } });
      assert.ok([404, 405].includes(r.status), `${m} → ${r.status}`);
    }
    d = await d.restart();
    assert.deepEqual((await d.get('/api/v1/closing/z/1', admin)).body, one);
    const list = await d.get('/api/v1/closing/z', admin);
    assert.deepEqual(
      list.body.z_reports.map((z: { number: number }) => z.number),
      [1],
    );
    const c = await d.post(
      '/api/v1/closing/z',
      { counted_cents: 0, next_float_cents: 0, idempotency_key: key() },
      admin,
    );
    assert.equal(c.body.z.number, 2);
    assert.equal((await d.get('/api/v1/closing/z/9', admin)).status, 404);
    assert.equal((await d.get('/api/v1/closing/z/abc', admin)).status, 400);
  } finally {
    await d.stop();
  }
});

test('closing.json lost after a Z (power cut): numbering and float come back from the journal', async () => {
  const { d } = await startShop();
  let d2: TestDaemon | null = null;
  try {
    await d.post(
      '/api/v1/closing/z',
      { counted_cents: 5000, next_float_cents: 5000, idempotency_key: key() },
      admin,
    );
    await d.app.stop();
    await rm(path.join(d.dataDir, 'closing.json'));
    d2 = await startDaemon({
      dataDir: d.dataDir,
      env: { APP_ENV: 'production', ...prodSecrets, PAYMENT_DEMO_CARD: '1' },
    });
    const x = await d2.get('/api/v1/closing/x', admin);
    assert.equal(x.body.cash.opening_float_cents, 5000);
    const z = await d2.post(
      '/api/v1/closing/z',
      { counted_cents: 5000, next_float_cents: 0, idempotency_key: key() },
      admin,
    );
    assert.equal(z.body.z.number, 2);
  } finally {
    await d2?.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});

test('bad closing requests are 4xx and close nothing', async () => {
  const { d } = await startShop();
  try {
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ['/api/v1/closing/z', { next_float_cents: 0, idempotency_key: key() }, 400, 'invalid_field'],
      [
        '/api/v1/closing/z',
        { counted_cents: 100, next_float_cents: 500, idempotency_key: key() },
        422,
        'float_exceeds_count',
      ],
      [
        '/api/v1/closing/z',
        { denominations: { '300': 1 }, next_float_cents: 0, idempotency_key: key() },
        400,
        'invalid_field',
      ],
      [
        '/api/v1/closing/z',
        {
          denominations: { '100': 1 },
          counted_cents: 200,
          next_float_cents: 0,
          idempotency_key: key(),
        },
        422,
        'count_mismatch',
      ],
      [
        '/api/v1/closing/z',
        { counted_cents: -1, next_float_cents: 0, idempotency_key: key() },
        400,
        'invalid_field',
      ],
      [
        '/api/v1/closing/z',
        { counted_cents: 1.5, next_float_cents: 0, idempotency_key: key() },
        400,
        'invalid_field',
      ],
      ['/api/v1/closing/z', { counted_cents: 0, next_float_cents: 0 }, 400, 'invalid_field'],
      [
        '/api/v1/closing/movements',
        { kind: 'theft', amount_cents: 1, reason: 'x', idempotency_key: key() },
        400,
        'invalid_field',
      ],
      [
        '/api/v1/closing/movements',
        { kind: 'payout', amount_cents: 0, reason: 'x', idempotency_key: key() },
        400,
        'invalid_field',
      ],
      [
        '/api/v1/closing/movements',
        { kind: 'payout', amount_cents: 100, reason: '', idempotency_key: key() },
        400,
        'invalid_field',
      ],
    ];
    for (const [p, body, status, code] of cases) {
      const r = await d.post(p, body, admin);
      assert.equal(r.status, status, JSON.stringify(body) + r.text);
      assert.equal(r.body.error.code, code, JSON.stringify(body));
    }
    assert.deepEqual((await d.get('/api/v1/closing/z', admin)).body.z_reports, []);
    assert.deepEqual((await d.get('/api/v1/closing/x', admin)).body.movements, []);
  } finally {
    await d.stop();
  }
});

test('day closing needs a manager when PIN login is in force', async () => {
  const { d } = await startShop();
  try {
    await d.post('/api/v1/admin/employees', { name: 'Ben', pin: '2468', role: 'cashier' }, admin);
    await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      ...admin,
      body: { pin_login_enabled: true },
    });
    const ben = await d.post('/api/v1/terminals/kiosk/cashier/login', { pin: '2468' });
    const h = { headers: { 'x-cashier-session': ben.body.session } };
    assert.equal((await d.get('/api/v1/closing/x', h)).status, 403);
    assert.equal(
      (
        await d.post(
          '/api/v1/closing/z',
          { counted_cents: 0, next_float_cents: 0, idempotency_key: key() },
          h,
        )
      ).status,
      403,
    );
    assert.equal((await d.get('/api/v1/closing/x')).status, 401);
  } finally {
    await d.stop();
  }
});
