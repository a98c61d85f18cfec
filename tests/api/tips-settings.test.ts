/**
 * Tip settings (issue 16, pay3 points 3 and 4) on the real daemon: the owner's presets and the
 * on/off switch of the tip step (validated: 4xx with stable codes, nothing stored), what the
 * till reads, tips refused while switched off; and who tips belong to — staff (TrinkgeldAN,
 * not revenue) or business (TrinkgeldAG: revenue in the X report, 19 % VAT, in the TSE's
 * 19 % slot and the DSFinV-K business cases), fixed per payment when it was paid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { dsfinvkTables } from '../helpers/dsfinvk-tables.js';
import { addItem, newKey } from '../helpers/shop.js';

const admin = { admin: true } as const;
const put = (d: TestDaemon, body: unknown) =>
  d.request<any>('PUT', '/api/v1/admin/settings/tips', { body, admin: true });

const pay = (d: TestDaemon, body: object) =>
  d.post<any>('/api/v1/terminals/kiosk/checkout', { idempotency_key: newKey(), ...body });

async function settledSale(d: TestDaemon, id: string): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const s = (await d.get<any>(`/api/v1/sales/${id}`)).body;
    if (s.state !== 'pending') return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sale ${id} still pending`);
}

test('tip presets and the tip step: validated, read by the till, tips refused while off', async () => {
  const d = await startDaemon();
  try {
    const defaults = (await d.get<any>('/api/v1/tips')).body;
    assert.deepEqual(defaults, {
      enabled: true,
      percents: [5, 10, 15],
      amounts_cents: [],
      tips_recipient: 'staff',
    });
    const refusals: Array<[unknown, number, string, string]> = [
      [{ percents: [0] }, 400, 'invalid_tip_presets', 'percents'],
      [{ percents: [5, 5] }, 400, 'invalid_tip_presets', 'percents'],
      [{ percents: [1, 2, 3, 4, 5, 6, 7] }, 400, 'invalid_tip_presets', 'percents'],
      [{ amounts_cents: [1.5] }, 400, 'invalid_tip_presets', 'amounts_cents'],
      [{ amounts_cents: 'x' }, 400, 'invalid_tip_presets', 'amounts_cents'],
      [{ tips_recipient: 'owner' }, 400, 'invalid_tips_recipient', 'tips_recipient'],
      [{ enabled: 'yes' }, 400, 'invalid_field', 'enabled'],
      [{ percent: [5] }, 400, 'unknown_field', 'percent'],
    ];
    for (const [body, status, code, field] of refusals) {
      const r = await put(d, body);
      assert.deepEqual(
        [r.status, r.body.error?.code, r.body.error?.field],
        [status, code, field],
        JSON.stringify(body),
      );
    }
    assert.deepEqual((await d.get<any>('/api/v1/tips')).body, defaults, 'nothing stored');
    assert.equal(
      (await d.request('PUT', '/api/v1/admin/settings/tips', { body: { enabled: false } })).status,
      401,
    );

    const saved = await put(d, { percents: [12.5, 10], amounts_cents: [200, 100] });
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual((await d.get<any>('/api/v1/tips')).body, {
      enabled: true,
      percents: [10, 12.5],
      amounts_cents: [100, 200],
      tips_recipient: 'staff',
    });

    // Switched off: a tip is refused before any sale exists; without one the sale goes through.
    assert.equal((await put(d, { enabled: false })).status, 200);
    const p = await d.post<any>(
      '/api/v1/products',
      { name: 'Kaffee', price_cents: 300, barcode: null },
      admin,
    );
    await addItem(d, 'kiosk', { product_id: p.body.id });
    const tipped = await pay(d, { provider: 'cash', tendered_cents: 500, tip_cents: 200 });
    assert.deepEqual([tipped.status, tipped.body.error.code], [422, 'tips_disabled']);
    const plain = await pay(d, { provider: 'cash', tendered_cents: 500 });
    assert.equal(plain.body.state, 'succeeded', plain.text);
    assert.equal(plain.body.number, 1, 'the refused tip used no sale number');
  } finally {
    await d.stop();
  }
});

test('tips_recipient business: TrinkgeldAG with 19 % VAT, revenue in the X report, in the TSE and DSFinV-K; fixed when paid', async () => {
  const d = await startDaemon();
  try {
    const p = await d.post<any>(
      '/api/v1/products',
      { name: 'Torte', price_cents: 1000, vat_rate: 7, barcode: null },
      admin,
    );
    // A staff tip first (the default), then the owner switches to business.
    await addItem(d, 'kiosk', { product_id: p.body.id });
    const staff = await pay(d, { provider: 'fake_card', tip_cents: 100 });
    const staffSale = await settledSale(d, staff.body.id);
    assert.equal(staffSale.state, 'succeeded');
    assert.equal(staffSale.payments?.[0]?.tip_recipient, undefined);
    assert.match(
      staffSale.tse.process_data,
      /^Beleg\^0\.00_10\.00_0\.00_0\.00_1\.00\^11\.00:Unbar$/,
    );

    assert.equal((await put(d, { tips_recipient: 'business' })).status, 200);
    await addItem(d, 'kiosk', { product_id: p.body.id });
    const biz = await pay(d, { provider: 'fake_card', tip_cents: 200 });
    const bizSale = await settledSale(d, biz.body.id);
    assert.equal(bizSale.state, 'succeeded');
    assert.equal(bizSale.payments[0].tip_recipient, 'business');
    // The business's tip sits in the 19 % slot, not the 0 % one.
    assert.equal(bizSale.tse.process_data, 'Beleg^2.00_10.00_0.00_0.00_0.00^12.00:Unbar');
    // The receipt's VAT table carries the tip's 19 % (the goods stay at 7 %).
    const receipt = (await d.get<any>(`/api/v1/sales/${bizSale.id}/receipt`)).body.receipt;
    assert.deepEqual(
      receipt.vat.map((r: any) => [r.rate, r.gross_cents, r.vat_cents]),
      [
        [19, 200, 32],
        [7, 1000, 65],
      ],
    );
    // Switching back changes nothing already paid.
    assert.equal((await put(d, { tips_recipient: 'staff' })).status, 200);

    const x = (await d.get<any>('/api/v1/closing/x', admin)).body;
    assert.equal(x.sales_total_cents, 1000 + 1000 + 200, 'the business tip is revenue');
    assert.equal(x.tips_business_cents, 200);
    assert.equal(x.tips_total_cents, 100, 'only the staff tip is kept apart');
    const vat = new Map(x.vat.map((r: any) => [r.rate, r.gross_cents]));
    assert.equal(vat.get(19), 200);
    assert.equal(vat.get(7), 2000);

    const z = await d.post(
      '/api/v1/closing/z',
      { counted_cents: x.cash.expected_cents, next_float_cents: 0, idempotency_key: newKey() },
      admin,
    );
    assert.ok(z.status < 300, z.text);
    const day = d.shopDay(bizSale.created_at);
    const csv = await dsfinvkTables(d.url, ADMIN, day);
    const lines = (id: string) =>
      csv('lines.csv')
        .filter((l) => l.BON_ID === id)
        .map((l) => l.GV_TYP);
    assert.deepEqual(lines(staffSale.id), ['Umsatz', 'TrinkgeldAN']);
    assert.deepEqual(lines(bizSale.id), ['Umsatz', 'TrinkgeldAG']);
    const cases = csv('businesscases.csv').map((r) => `${r.GV_TYP}:${r.UST_SCHLUESSEL}`);
    assert.ok(cases.includes('TrinkgeldAG:1'), cases.join());
    assert.ok(cases.includes('TrinkgeldAN:5'), cases.join());
  } finally {
    await d.stop();
  }
});
