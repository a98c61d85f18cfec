import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEscPos } from '../../daemon/printer/escpos-decode.js';
import { FakeUsbPrinter } from '../helpers/fake-printer.js';
import { ADMIN_TOKEN, product, sell, startShop } from '../helpers/shop-ops.js';
import { client } from '../helpers/daemon.js';

const drawerKicks = (b: Buffer) => decodeEscPos(b).ops.filter((o) => o.op === 'drawer').length;

test('a cash sale prints a receipt that decodes to the sale, kicks the drawer once, and its QR opens the receipt page', async () => {
  const { d, dev } = await startShop();
  try {
    await d.request('PUT', '/api/v1/admin/settings/receipts', {
      admin: ADMIN_TOKEN,
      body: { shop_name: 'Kiosk Süd', address_lines: ['Hauptstr. 1'], tax_id: 'DE999' },
    });
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    await product(d, { barcode: '4002', name: 'Brezel', price_cents: 120, vat_rate: 7 });
    const sale = await sell(
      d,
      [
        ['4001', 2],
        ['4002', 1],
      ],
      'cash',
      1000,
    );
    assert.equal(sale.state, 'succeeded');

    const printed = decodeEscPos(dev.bytes());
    const text = printed.lines.join('\n');
    assert.match(text, /^Kiosk Süd$/m);
    assert.match(text, /^St\.-Nr\. DE999$/m);
    assert.match(text, new RegExp(`^Beleg Nr\\. ${sale.number}$`, 'm'));
    assert.match(text, /^2 x 2,50 +5,00 A$/m);
    assert.match(text, /^Brezel +1,20 B$/m);
    assert.match(text, /^Rückgeld +3,80$/m);
    assert.match(text, /^A 19 % +4,20 +0,80 +5,00$/m);
    assert.ok(printed.emphasised.some((l) => /^SUMME +6,20 €$/.test(l)));
    assert.equal(drawerKicks(dev.bytes()), 1);
    assert.equal(printed.ops.at(-1)?.op, 'cut');

    const info = await d.get(`/api/v1/sales/${sale.id}/receipt`);
    assert.equal(info.status, 200);
    assert.deepEqual(info.body.print, { printed: true, code: null, message: null });
    assert.match(info.body.qr_svg, /^<svg/);
    const qr = printed.ops.find((o) => o.op === 'qr') as { data: string };
    const token = qr.data.split('/r/')[1];
    assert.equal(token, info.body.token);

    // The page is public: no admin token, no whitelist, no cookie.
    const page = await client(d.url).get(`/r/${token}`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.headers.get('cache-control')!, /no-store/);
    assert.match(page.text, new RegExp(`Beleg Nr\\. ${sale.number}`));
    assert.match(page.text, /<html lang="de">/);
    assert.match(page.text, /Apfelschorle/);
    assert.match(page.text, /6,20 €/);
    assert.match(page.text, /Rückgeld/);
    assert.match(page.text, /Vielen Dank für Ihren Besuch!/);
    assert.ok(!page.text.includes(sale.id), 'the page does not expose the sale id');
    assert.ok(!page.text.includes('/api/'), 'the page links nowhere into the POS');
  } finally {
    await d.stop();
  }
});

test('a card sale prints without a drawer kick', async () => {
  const { d, dev } = await startShop();
  try {
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    const sale = await sell(d, [['4001', 1]], 'fake_card');
    assert.equal(sale.state, 'succeeded');
    assert.match(decodeEscPos(dev.bytes()).lines.join('\n'), /^Karte \(Demo\) +2,50$/m);
    assert.equal(drawerKicks(dev.bytes()), 0);
  } finally {
    await d.stop();
  }
});

test('printer offline: the sale still completes and the receipt says why nothing was printed', async () => {
  const { d, bus, dev } = await startShop();
  try {
    await d.request('PUT', '/api/v1/admin/settings/printer', {
      admin: ADMIN_TOKEN,
      body: { vendor_id: '04b8', product_id: '0e28' },
    });
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    bus.unplug(dev);
    const status = await d.get('/api/v1/printer');
    assert.equal(status.body.connected, false);
    assert.equal(status.body.message, 'Printer 04b8:0e28 is not connected; check cable and power');
    const sale = await sell(d, [['4001', 1]], 'cash', 500);
    assert.equal(sale.state, 'succeeded');
    const info = await d.get(`/api/v1/sales/${sale.id}/receipt`);
    assert.equal(info.body.print.printed, false);
    assert.match(info.body.print.message, /not connected/);
    assert.equal(info.body.print.code, 'printer_not_connected');
    assert.equal(status.body.code, 'printer_not_connected');
    assert.equal(dev.written.length, 0);
    // Plugged back in (hotplug): reprint works.
    const again = new FakeUsbPrinter(0x04b8, 0x0e28);
    bus.plug(again);
    const r = await d.post(`/api/v1/sales/${sale.id}/receipt/print`);
    assert.deepEqual(r.body, { printed: true, code: null, message: null });
    assert.ok(decodeEscPos(again.bytes()).lines.includes('*** KOPIE ***'));
    const health = await d.get('/api/v1/health');
    assert.equal(health.body.printer.connected, true);
  } finally {
    await d.stop();
  }
});

test("reprint last receipt: a copy of the till's last receipt, never a drawer kick", async () => {
  const { d, dev } = await startShop();
  try {
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    const none = await d.post('/api/v1/terminals/kiosk/receipt/reprint-last');
    assert.equal(none.body.printed, false);
    assert.equal(none.body.code, 'no_receipt');
    const sale = await sell(d, [['4001', 1]], 'cash', 300);
    dev.clear();
    const r = await d.post('/api/v1/terminals/kiosk/receipt/reprint-last');
    assert.equal(r.status, 200);
    assert.equal(r.body.printed, true);
    assert.equal(r.body.receipt, `Beleg Nr. ${sale.number}`);
    const lines = decodeEscPos(dev.bytes()).lines;
    assert.ok(lines.includes('*** KOPIE ***'));
    assert.ok(lines.includes(`Beleg Nr. ${sale.number}`));
    assert.equal(drawerKicks(dev.bytes()), 0);
  } finally {
    await d.stop();
  }
});

test('GET /r/:token: forged, altered or unknown tokens are 404 pages; receipts only for paid sales', async () => {
  const { d } = await startShop();
  try {
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    const sale = await sell(d, [['4001', 1]], 'cash', 300);
    const token = d.app.shop.receipts.token({ kind: 'sale', id: sale.id });
    const altered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const unknown = d.app.shop.receipts.token({ kind: 'sale', id: 's_20200101_999' });
    for (const t of [altered, unknown, 'x', '..%2F..%2Fsettings.json', 'A'.repeat(300)]) {
      const r = await d.get(`/r/${t}`, { headers: { accept: 'text/html' } });
      assert.equal(r.status, 404, t);
      assert.match(r.text, /Diesen Beleg gibt es nicht/);
    }
    const bad = await d.get('/api/v1/sales/nope!/receipt');
    assert.equal(bad.status, 400);
    const missing = await d.get('/api/v1/sales/s_20200101_1/receipt');
    assert.equal(missing.status, 404);
  } finally {
    await d.stop();
  }
});

test('open drawer: manager action, audited; settings PUTs validate', async () => {
  const { d, dev } = await startShop();
  try {
    const r = await d.post(
      '/api/v1/printer/open-drawer',
      { reason: 'change for a 50' },
      { admin: ADMIN_TOKEN },
    );
    assert.deepEqual(r.body, { printed: true, code: null, message: null });
    assert.equal(drawerKicks(dev.bytes()), 1);
    const audit = await d.get('/api/v1/admin/audit?limit=50', { admin: ADMIN_TOKEN });
    assert.ok(
      JSON.stringify(audit.body).includes('drawer.open'),
      'drawer.open is in the audit log',
    );
    for (const [p, body] of [
      ['printer', { paper_width_mm: 57 }],
      ['printer', { vendor_id: 'zz' }],
      ['receipts', { address_lines: 'one line' }],
      ['receipts', { shop_name: 'x'.repeat(300) }],
      ['receipts', { colour: 'red' }],
    ] as const) {
      const res = await d.request('PUT', `/api/v1/admin/settings/${p}`, {
        admin: ADMIN_TOKEN,
        body,
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_field');
    }
    assert.equal(
      (await d.request('PUT', '/api/v1/admin/settings/printer', { body: {} })).status,
      401,
    );
  } finally {
    await d.stop();
  }
});

test('GET /sales/:id/receipt?wait=1 answers after the automatic print, with its result', async () => {
  const { d, dev } = await startShop();
  let release = () => {};
  try {
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    await d.post('/api/v1/terminals/kiosk/cart/items', { barcode: '4001' });
    // The printer is busy until the route starts waiting for it: without ?wait=1 support the
    // answer would come while the job is still held and `print` would be null.
    dev.hold = new Promise<void>((r) => (release = r));
    const receipts = d.app.shop.receipts;
    const printed = receipts.printed.bind(receipts);
    receipts.printed = (id: string) => {
      release();
      return printed(id);
    };
    const sale = await d.post('/api/v1/terminals/kiosk/checkout', {
      provider: 'cash',
      idempotency_key: 'wait-test-0001',
      tendered_cents: 300,
    });
    assert.equal(sale.body.state, 'succeeded');
    const r = await d.get(`/api/v1/sales/${sale.body.id}/receipt?wait=1`);
    assert.deepEqual(r.body.print, { printed: true, code: null, message: null });
  } finally {
    release();
    await d.stop();
  }
});

test('the automatic print runs after the checkout has answered, in order, and still kicks the drawer', async () => {
  const { d, dev } = await startShop();
  try {
    await product(d, { barcode: '4001', name: 'Apfelschorle', price_cents: 250, vat_rate: 19 });
    const receipts = d.app.shop.receipts;
    const built: string[] = [];
    const saleReceipt = receipts.saleReceipt.bind(receipts);
    receipts.saleReceipt = (sale, base) => {
      built.push(sale.id);
      return saleReceipt(sale, base);
    };
    const sales = [];
    for (let i = 0; i < 2; i++) {
      await d.app.checkout.addItem('kiosk', { barcode: '4001', quantity: 1 });
      const { sale } = await d.app.checkout.checkout('kiosk', {
        provider: 'cash',
        idempotency_key: `after-answer-${i}`,
        tendered_cents: 300,
        cashier: null,
        base_url: '',
      });
      assert.equal(sale.state, 'succeeded');
      // The receipt is not built inside the commit: the answer came first.
      assert.ok(!built.includes(sale.id), 'receipt built before the checkout answered');
      sales.push(sale);
    }
    // printed() knows the jobs at once; they run in sale order.
    await receipts.printed(sales[1].id);
    await receipts.idle();
    assert.deepEqual(
      built,
      sales.map((s) => s.id),
    );
    const lines = decodeEscPos(dev.bytes()).lines;
    const at = sales.map((s) => lines.indexOf(`Beleg Nr. ${s.number}`));
    assert.ok(at[0] !== -1 && at[0] < at[1], `receipts printed in order: ${at.join(', ')}`);
    assert.equal(drawerKicks(dev.bytes()), 2);
    assert.deepEqual(receipts.printResult(sales[0].id), {
      printed: true,
      code: null,
      message: null,
    });
  } finally {
    await d.stop();
  }
});
