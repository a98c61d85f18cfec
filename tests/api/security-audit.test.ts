import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ManualClock } from '../../daemon/clock.js';

interface Entry {
  time: string;
  actor: string;
  ip: string | null;
  action: string;
  target: string | null;
  before: any;
  after: any;
}

async function entries(d: TestDaemon, query = ''): Promise<Entry[]> {
  const res = await d.get(`/api/v1/admin/audit${query}`, { admin: true });
  assert.equal(res.status, 200, res.text);
  return res.body.entries;
}

const find = (list: Entry[], action: string) => {
  const e = list.find((x) => x.action === action);
  assert.ok(e, `audit entry ${action} missing; have ${list.map((x) => x.action).join(', ')}`);
  return e;
};

test('audit: admin logins, product changes, price change, deletion, whitelist and settings changes', async () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 15, 10, 0, 0));
  const d = await startDaemon({ clock });
  try {
    assert.equal((await d.post('/api/v1/admin/login', { token: 'guess' })).status, 403);
    assert.equal((await d.post('/api/v1/admin/login', { token: 'demo-admin-token' })).status, 200);
    assert.equal((await d.get('/api/v1/admin/session', { admin: 'wrong' })).status, 403);

    const created = await d.post(
      '/api/v1/products',
      { name: 'Audit Cola', price_cents: 250, barcode: '2000000000015', vat_rate: 19 },
      { admin: true },
    );
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    clock.advance(1000);
    await d.request('PATCH', `/api/v1/products/${id}`, {
      admin: true,
      body: { name: 'Audit Cola 0.5' },
    });
    await d.request('PATCH', `/api/v1/products/${id}`, { admin: true, body: { price_cents: 270 } });
    assert.equal(
      (await d.request('DELETE', `/api/v1/products/${id}`, { admin: true })).status,
      204,
    );
    await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { enabled: true, allowed_ips: [{ ip: '10.0.0.0/24', name: 'LAN' }] },
    });
    await d.app.settings.update<Record<string, unknown>>('shop_ui', {}, () => ({ theme: 'dark' }));

    const list = await entries(d);
    const failed = list.filter((e) => e.action === 'admin.login_failed');
    assert.equal(failed.length, 2);
    assert.deepEqual(failed.map((e) => e.after.via).sort(), ['bearer', 'login']);
    assert.ok(failed.every((e) => e.ip === '127.0.0.1' && e.actor === 'anonymous'));
    assert.ok(!JSON.stringify(failed).includes('guess'), 'a wrong token is never written down');
    assert.equal(find(list, 'admin.login').actor, 'admin');

    const create = find(list, 'product.create');
    assert.equal(create.target, id);
    assert.equal(create.before, null);
    assert.equal(create.after.price_cents, 250);
    assert.equal(create.time, '2026-03-15T10:00:00.000Z');
    const update = find(list, 'product.update');
    assert.equal(update.before.name, 'Audit Cola');
    assert.equal(update.after.name, 'Audit Cola 0.5');
    const price = find(list, 'product.price_change');
    assert.deepEqual([price.before.price_cents, price.after.price_cents], [250, 270]);
    assert.equal(price.actor, 'admin');
    const del = find(list, 'product.delete');
    assert.equal(del.before.id, id);
    assert.equal(del.after, null);

    const wl = find(list, 'whitelist.change');
    assert.equal(wl.before.pos_ip_whitelist_enabled, false);
    assert.equal(wl.after.pos_ip_whitelist_enabled, true);
    assert.deepEqual(wl.after.pos_allowed_ips, [{ ip: '10.0.0.0/24', name: 'LAN' }]);
    const st = find(list, 'settings.change');
    assert.equal(st.target, 'shop_ui');
    assert.equal(st.actor, 'system');
    assert.deepEqual(st.after, { theme: 'dark' });
    // The whitelist change is not recorded twice.
    assert.ok(!list.some((e) => e.action === 'settings.change' && e.target === 'pos_security'));
    // Newest first.
    assert.equal(list[0].action, 'settings.change');
  } finally {
    await d.stop();
  }
});

test('audit: pairing changes, cancellations, employee and cashier actions, with actor and address', async () => {
  const d = await startDaemon({ env: { FAKE_CARD_DELAY_MS: '600000' } });
  try {
    d.app.events.emit('scanner.paired', {
      scanner_id: 'usb-0c2e-0b61-A1',
      terminal_id: 'till2',
      previous_terminal_id: 'kiosk',
    });

    const products = (await d.get('/api/v1/products?active=true')).body.products;
    const p = products.find(
      (x: { price_cents: number; barcode: string | null }) => x.barcode && x.price_cents >= 100,
    );
    assert.equal(
      (await d.post('/api/v1/terminals/t9/cart/items', { barcode: p.barcode })).status,
      200,
    );
    const sale = await d.post('/api/v1/terminals/t9/checkout', {
      provider: 'fake_card',
      idempotency_key: 'audit-cancel-01',
    });
    assert.equal(sale.status, 201, sale.text);
    assert.equal(sale.body.state, 'pending');
    const cancel = await d.post(`/api/v1/sales/${sale.body.id}/cancel`, {});
    assert.ok(cancel.status === 200 || cancel.status === 202, cancel.text);

    const emp = await d.post(
      '/api/v1/admin/employees',
      { name: 'Jo', pin: '8642', role: 'manager' },
      { admin: true },
    );
    await d.request('PATCH', `/api/v1/admin/employees/${emp.body.id}`, {
      admin: true,
      body: { pin: '8643' },
    });
    await d.request('PUT', '/api/v1/admin/settings/pos-security', {
      admin: true,
      body: { pin_login_enabled: true },
    });
    await d.post('/api/v1/terminals/t9/cashier/login', { pin: '0000' });
    const ok = await d.post('/api/v1/terminals/t9/cashier/login', { pin: '8643' });
    assert.equal(ok.status, 200);
    await d.request('DELETE', `/api/v1/admin/employees/${emp.body.id}`, { admin: true });

    const list = await entries(d);
    const pair = find(list, 'scanner.pair');
    assert.equal(pair.target, 'usb-0c2e-0b61-A1');
    assert.deepEqual([pair.before.terminal_id, pair.after.terminal_id], ['kiosk', 'till2']);
    assert.equal(pair.actor, 'system');

    const cancelled = find(list, 'sale.cancel');
    assert.equal(cancelled.target, sale.body.id);
    assert.equal(cancelled.after.total_cents, sale.body.total_cents);
    assert.equal(cancelled.ip, '127.0.0.1');
    assert.equal(list.filter((e) => e.action === 'sale.cancel').length, 1);

    const empCreate = find(list, 'employee.create');
    assert.equal(empCreate.after.name, 'Jo');
    const pin = find(list, 'employee.pin_change');
    assert.ok(!JSON.stringify(list).includes('8643') && !JSON.stringify(list).includes('scrypt$'));
    assert.equal(pin.target, emp.body.id);
    find(list, 'employee.delete');
    const lf = find(list, 'cashier.login_failed');
    assert.equal(lf.after.terminal_id, 't9');
    const li = find(list, 'cashier.login');
    assert.equal(li.actor, 'manager:Jo');
    assert.equal(li.after.terminal_id, 't9');
  } finally {
    await d.stop();
  }
});

test('audit journal: fsync-appended JSON Lines per month, torn line skipped, range filter in TIMEZONE, CSV export', async () => {
  const clock = new ManualClock(Date.UTC(2026, 1, 28, 22, 30)); // 23:30 in Berlin, 28 Feb
  const d = await startDaemon({ clock, keepData: true });
  try {
    await d.post(
      '/api/v1/products',
      { name: '=HYPERLINK("x")', price_cents: 100 },
      { admin: true },
    );
    clock.set(Date.UTC(2026, 1, 28, 23, 30)); // 00:30 in Berlin, 1 Mar; still Feb in UTC
    await d.post(
      '/api/v1/products',
      { name: 'March, "quoted"', price_cents: 200 },
      { admin: true },
    );
    clock.set(Date.UTC(2026, 2, 2, 9, 0));
    await d.post('/api/v1/products', { name: 'Later', price_cents: 300 }, { admin: true });
    await entries(d); // a read waits until every pending append is on disk

    const dir = path.join(d.dataDir, 'audit');
    assert.deepEqual((await readdir(dir)).sort(), ['2026-02.jsonl', '2026-03.jsonl']);
    const feb = await readFile(path.join(dir, '2026-02.jsonl'), 'utf8');
    assert.equal(feb.trim().split('\n').length, 2);
    for (const line of feb.trim().split('\n')) {
      const e = JSON.parse(line);
      assert.deepEqual(Object.keys(e), [
        'time',
        'actor',
        'ip',
        'action',
        'target',
        'before',
        'after',
        'q',
      ]);
    }

    // A day is a whole day in TIMEZONE (Europe/Berlin): 1 March holds the 00:30 entry only.
    const march1 = await entries(d, '?from=2026-03-01&to=2026-03-01');
    assert.deepEqual(
      march1.map((e) => e.after?.name),
      ['March, "quoted"'],
    );
    const feb28 = await entries(d, '?from=2026-02-28&to=2026-02-28');
    assert.deepEqual(
      feb28.map((e) => e.after?.name),
      ['=HYPERLINK("x")'],
    );
    const iso = await entries(
      d,
      '?from=2026-03-02T08:59:00Z&to=2026-03-02T09:01:00Z&action=product.',
    );
    assert.deepEqual(
      iso.map((e) => e.after?.name),
      ['Later'],
    );
    const paged = await d.get('/api/v1/admin/audit?from=2026-02-01&to=2026-03-31&limit=2', {
      admin: true,
    });
    assert.equal(paged.body.total, 3);
    assert.equal(paged.body.truncated, true);
    assert.equal(paged.body.entries.length, 2);

    const csv = await d.get('/api/v1/admin/audit.csv?from=2026-02-01&to=2026-03-31', {
      admin: true,
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="audit-/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'time,actor,ip,action,target,before,after');
    assert.equal(lines.length, 4);
    assert.ok(!/,=HYPERLINK/.test(csv.text), 'formula-looking cells are defused');

    for (const q of [
      '?from=yesterday',
      '?from=2026-02-30',
      '?from=2026-03-02&to=2026-03-01',
      '?limit=0',
      '?limit=1e3',
      '?from=2026-01-01&from=2026-01-02',
      '?action=DROP%20TABLE',
      '?from=2020-01-01&to=2026-01-01',
    ]) {
      const res = await d.get(`/api/v1/admin/audit${q}`, { admin: true });
      assert.equal(res.status, 400, q);
    }
    assert.equal((await d.get('/api/v1/admin/audit')).status, 401);
    assert.equal((await d.get('/api/v1/admin/audit.csv')).status, 401);
  } finally {
    await d.stop();
  }
  // Power cut mid-append: the torn last line is set aside at the next start, and the next
  // entry is not lost.
  const dir = path.join(d.dataDir, 'audit');
  await appendFile(path.join(dir, '2026-03.jsonl'), '{"time":"2026-03-02T09:00:00.000Z","act');
  const d3 = await startDaemon({ clock, dataDir: d.dataDir });
  try {
    await d3.post('/api/v1/products', { name: 'After the cut', price_cents: 400 }, { admin: true });
    const after = await entries(d3, '?from=2026-03-01&to=2026-03-31&action=product.create');
    assert.deepEqual(
      after.map((e) => e.after?.name),
      ['After the cut', 'Later', 'March, "quoted"'],
    );
    assert.ok((await readdir(dir)).some((n) => n.startsWith('2026-03.jsonl.torn-')));
  } finally {
    await d3.stop();
    await rm(d.dataDir, { recursive: true, force: true });
  }
});

test('audit: a route that records its own entry replaces the generic one of the same request', async () => {
  const d = await startDaemon();
  try {
    // A route added for the test (the router dispatches over its stack at request time).
    d.app.router.put('/api/v1/admin/test-section', async (ctx) => {
      d.app.auth.check(ctx);
      const value = { n: Number(ctx.query.n) };
      await d.app.settings.update<Record<string, unknown>>('test_section', {}, () => value);
      if (ctx.query.own === '1') d.app.audit(ctx, 'test.own_entry', null, value);
      ctx.body = value;
    });
    assert.equal(
      (await d.request('PUT', '/api/v1/admin/test-section?n=1', { admin: true })).status,
      200,
    );
    assert.equal(
      (await d.request('PUT', '/api/v1/admin/test-section?n=2&own=1', { admin: true })).status,
      200,
    );
    const list = (await entries(d)).filter(
      (e) => e.target === 'test_section' || e.action === 'test.own_entry',
    );
    assert.deepEqual(
      list.map((e) => [e.action, e.actor, (e.after as { n: number }).n]),
      [
        ['test.own_entry', 'admin', 2],
        ['settings.change', 'admin', 1],
      ],
    );
    assert.deepEqual(list[1].before, null);
  } finally {
    await d.stop();
  }
});
