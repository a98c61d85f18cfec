import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { ProviderError } from '../../daemon/payments/provider.js';
import { ADMIN_TOKEN, prodSecrets, product, sell, startShop } from '../helpers/shop-ops.js';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

const admin = { admin: ADMIN_TOKEN };
const refund = (d: TestDaemon, saleId: string, body: Record<string, unknown>, opts = admin) =>
  d.post(
    `/api/v1/sales/${saleId}/refunds`,
    { reason: 'customer returned it', idempotency_key: randomUUID(), ...body },
    opts,
  );

async function setup() {
  const shop = await startShop();
  await product(shop.d, { barcode: '5001', name: 'Cola', price_cents: 250, vat_rate: 19 });
  await product(shop.d, { barcode: '5002', name: 'Brezel', price_cents: 120, vat_rate: 7 });
  await product(shop.d, { barcode: '5003', name: 'Wasser', price_cents: 150, vat_rate: 19 });
  return shop;
}

test('full cash refund: own journal line and numbered receipt, drawer opens; a second refund is refused', async () => {
  const { d, dev } = await setup();
  try {
    const sale = await sell(
      d,
      [
        ['5001', 2],
        ['5002', 1],
      ],
      'cash',
      1000,
    );
    dev.clear();
    const r = await refund(d, sale.id, {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.refund.number, 1);
    assert.equal(r.body.refund.method, 'cash');
    assert.equal(r.body.refund.total_cents, 620);
    assert.equal(r.body.refund.sale_number, sale.number);
    assert.deepEqual(r.body.refunded_line_indexes, [0, 1]);
    assert.deepEqual(r.body.print, { printed: true, code: null, message: null });
    const printed = decodeEscPos(dev.bytes());
    assert.equal(printed.ops.filter((o) => o.op === 'drawer').length, 1);
    const text = printed.lines.join('\n');
    assert.match(text, /^ERSTATTUNG R-1$/m);
    assert.match(text, new RegExp(`^zu Beleg Nr\\. ${sale.number}$`, 'm'));
    assert.match(text, /^ERSTATTET +-6,20 €$/m);
    // Its own journal line, in today's file, after the sale's lines.
    const day = d.app.checkout.calendar.day(d.app.clock.now());
    const lines = (await readFile(path.join(d.dataDir, 'sales', `${day}.jsonl`), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const entry = lines.find((l) => l.e === 'refund');
    assert.equal(entry.refund.sale_id, sale.id);
    // The refund receipt page works for the customer too.
    const page = await d.get(new URL(r.body.receipt_url).pathname, {
      headers: { accept: 'text/html' },
    });
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`Erstattung R-1 zu Beleg Nr\\. ${sale.number}`));
    // Twice: refused, nothing written.
    const again = await refund(d, sale.id, {});
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_refunded');
    const after = (await readFile(path.join(d.dataDir, 'sales', `${day}.jsonl`), 'utf8'))
      .trim()
      .split('\n');
    assert.equal(after.length, lines.length);
  } finally {
    await d.stop();
  }
});

test('per-line refunds: a refunded line cannot be refunded twice, others can; survives a restart', async () => {
  let { d } = await setup();
  try {
    const sale = await sell(
      d,
      [
        ['5001', 1],
        ['5002', 1],
        ['5003', 1],
      ],
      'cash',
      1000,
    );
    const a = await refund(d, sale.id, { line_indexes: [1] });
    assert.equal(a.status, 201);
    assert.equal(a.body.refund.total_cents, 120);
    assert.deepEqual(
      a.body.refund.lines.map((l: { name: string }) => l.name),
      ['Brezel'],
    );
    const twice = await refund(d, sale.id, { line_indexes: [0, 1] });
    assert.equal(twice.status, 409);
    assert.match(twice.body.error.message, /Already refunded: "Brezel"/);
    d = await d.restart();
    await d.app.shop.printer.useBus({ list: async () => [], watch: () => () => {} });
    const stillTwice = await refund(d, sale.id, { line_indexes: [1] });
    assert.equal(stillTwice.status, 409, 'the refund index is rebuilt from disk');
    const rest = await refund(d, sale.id, {});
    assert.equal(rest.status, 201);
    assert.equal(rest.body.refund.number, 2);
    assert.deepEqual(
      rest.body.refund.lines.map((l: { line_index: number }) => l.line_index),
      [0, 2],
    );
    assert.equal(rest.body.refund.total_cents, 400);
    assert.match(rest.body.print.message, /No receipt printer/);
    const full = await refund(d, sale.id, {});
    assert.equal(full.status, 409);
    assert.match(full.body.error.message, /refunded in full/);
    const list = await d.get(`/api/v1/sales/${sale.id}/refunds`);
    assert.deepEqual(
      list.body.refunds.map((r: { number: number }) => r.number),
      [1, 2],
    );
    assert.deepEqual(list.body.refunded_line_indexes, [0, 1, 2]);
  } finally {
    await d.stop();
  }
});

test('same idempotency key → the same refund, not a second one', async () => {
  const { d } = await setup();
  try {
    const sale = await sell(
      d,
      [
        ['5001', 1],
        ['5002', 1],
      ],
      'cash',
      1000,
    );
    const key = randomUUID();
    const a = await refund(d, sale.id, { line_indexes: [0], idempotency_key: key });
    const b = await refund(d, sale.id, { line_indexes: [0], idempotency_key: key });
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(b.body.refund.id, a.body.refund.id);
  } finally {
    await d.stop();
  }
});

test('bad refund requests are 4xx and change nothing', async () => {
  const { d } = await setup();
  try {
    const sale = await sell(d, [['5001', 1]], 'cash', 1000);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ line_indexes: [5] }, 400, 'invalid_field'],
      [{ line_indexes: [-1] }, 400, 'invalid_field'],
      [{ line_indexes: [0, 0] }, 400, 'invalid_field'],
      [{ line_indexes: [] }, 400, 'invalid_field'],
      [{ line_indexes: ['0'] }, 400, 'invalid_field'],
      [{ reason: '' }, 400, 'invalid_field'],
      [{ idempotency_key: 'x' }, 400, 'invalid_field'],
      [{ amount_cents: 5 }, 400, 'unknown_field'],
    ];
    for (const [body, status, code] of cases) {
      const r = await refund(d, sale.id, body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.error.code, code, JSON.stringify(body));
    }
    assert.equal((await refund(d, 's_20200101_77', {})).status, 404);
    const raw = await d.request('POST', `/api/v1/sales/${sale.id}/refunds`, {
      ...admin,
      raw: '{bad',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(raw.status, 400);
    const list = await d.get(`/api/v1/sales/${sale.id}/refunds`);
    assert.deepEqual(list.body.refunds, []);
  } finally {
    await d.stop();
  }
});

test('refunds need a manager when PIN login is in force', async () => {
  const { d } = await setup();
  try {
    const sale = await sell(
      d,
      [
        ['5001', 1],
        ['5002', 1],
      ],
      'cash',
      1000,
    );
    await d.post('/api/v1/admin/employees', { name: 'Ben', pin: '2468', role: 'cashier' }, admin);
    await d.post('/api/v1/admin/employees', { name: 'Mia', pin: '1357', role: 'manager' }, admin);
    await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      ...admin,
      body: { pin_login_enabled: true },
    });
    const nobody = await refund(d, sale.id, {}, {} as typeof admin);
    assert.equal(nobody.status, 401);
    const ben = await d.post('/api/v1/terminals/kiosk/cashier/login', { pin: '2468' });
    const asBen = await refund(d, sale.id, {}, {
      headers: { 'x-cashier-session': ben.body.session },
    } as never);
    assert.equal(asBen.status, 403);
    assert.equal(asBen.body.error.code, 'role_required');
    const mia = await d.post('/api/v1/terminals/kiosk/cashier/login', { pin: '1357' });
    const asMia = await refund(d, sale.id, { line_indexes: [1] }, {
      headers: { 'x-cashier-session': mia.body.session },
    } as never);
    assert.equal(asMia.status, 201, asMia.text);
    assert.equal(asMia.body.refund.by, 'Mia');
  } finally {
    await d.stop();
  }
});

test("card refunds: through the provider's refund() when it has one, else recorded as manual", async () => {
  const { d, dev } = await setup();
  try {
    const a = await sell(d, [['5001', 1]], 'fake_card');
    const b = await sell(d, [['5002', 1]], 'fake_card');
    const c = await sell(d, [['5003', 1]], 'fake_card');
    dev.clear();
    const manual = await refund(d, a.id, {});
    assert.equal(manual.body.refund.method, 'manual');
    assert.match(
      decodeEscPos(dev.bytes()).lines.join('\n'),
      /Karte \(Demo\) \(Rückgabe von Hand\)/,
    );
    assert.equal(decodeEscPos(dev.bytes()).ops.filter((o) => o.op === 'drawer').length, 0);
    // A provider with refund(): called with the sale and the amount; a refusal changes nothing.
    const provider = d.app.checkout.payments.get('fake_card')!;
    const calls: Array<[string, number]> = [];
    provider.refund = async (sale, amount) => {
      calls.push([sale.id, amount]);
      if (sale.id === c.id) throw new ProviderError(409, 'declined', 'refund window closed');
      return { payment: { refund_transaction_code: 'TX-R-1' } };
    };
    const viaProvider = await refund(d, b.id, {});
    assert.equal(viaProvider.status, 201);
    assert.equal(viaProvider.body.refund.method, 'provider');
    assert.deepEqual(viaProvider.body.refund.payment, { refund_transaction_code: 'TX-R-1' });
    const refused = await refund(d, c.id, {});
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.message, /refused the refund: refund window closed/);
    assert.deepEqual(calls, [
      [b.id, 120],
      [c.id, 150],
    ]);
    assert.deepEqual((await d.get(`/api/v1/sales/${c.id}/refunds`)).body.refunds, []);
  } finally {
    await d.stop();
  }
});

test('refunds.json lost (power cut before its write): rebuilt from the journal at start', async () => {
  const { d } = await setup();
  let d2: TestDaemon | null = null;
  try {
    const sale = await sell(
      d,
      [
        ['5001', 1],
        ['5002', 1],
      ],
      'cash',
      1000,
    );
    assert.equal((await refund(d, sale.id, { line_indexes: [0] })).status, 201);
    await d.app.stop();
    await rm(path.join(d.dataDir, 'refunds.json'));
    d2 = await startDaemon({
      dataDir: d.dataDir,
      env: { APP_ENV: 'production', ...prodSecrets, PAYMENT_DEMO_CARD: '1' },
    });
    const again = await refund(d2, sale.id, { line_indexes: [0] });
    assert.equal(again.status, 409);
    const next = await refund(d2, sale.id, {});
    assert.equal(next.body.refund.number, 2, 'numbering continues from the journal');
  } finally {
    await d2?.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});
