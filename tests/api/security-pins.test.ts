import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { ManualClock } from '../../daemon/clock.js';

const EMP = '/api/v1/admin/employees';
const SETTINGS = '/api/v1/admin/settings/pos-security';

async function addEmployee(d: TestDaemon, name: string, pin: string, role = 'cashier') {
  const res = await d.post(EMP, { name, pin, role }, { admin: true });
  assert.equal(res.status, 201, res.text);
  return res.body as { id: string; name: string };
}

async function barcode(d: TestDaemon): Promise<string> {
  const list = await d.get('/api/v1/products?active=true');
  return list.body.products.find((p: { barcode: string | null }) => p.barcode).barcode;
}

const login = (d: TestDaemon, terminal: string, body: unknown) =>
  d.post(`/api/v1/terminals/${terminal}/cashier/login`, body);

test('employees: PINs validated, stored as salted scrypt hashes, unique, never returned', async () => {
  const d = await startDaemon();
  try {
    assert.equal((await d.get(EMP)).status, 401);
    for (const [body, re] of [
      [{ name: 'A', pin: '123' }, /4 to 8 digits/],
      [{ name: 'A', pin: '123456789' }, /4 to 8 digits/],
      [{ name: 'A', pin: 1234 }, /4 to 8 digits/],
      [{ name: 'A', pin: '12a4' }, /4 to 8 digits/],
      [{ name: 'A', pin: '１２３４' }, /4 to 8 digits/], // full-width digits
      [{ name: '', pin: '1234' }, /name/],
      [{ name: '   ', pin: '1234' }, /name/],
      [{ name: 'A', pin: '1234', role: 'owner' }, /role must be one of/],
      [{ name: 'A', pin: '1234', pin_hash: 'x' }, /Unknown field/],
    ] as const) {
      const res = await d.post(EMP, body, { admin: true });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.body.error.message, re);
    }
    const anna = await d.post(
      EMP,
      { name: 'Anna', pin: '482913', role: 'manager' },
      { admin: true },
    );
    assert.equal(anna.status, 201);
    assert.equal(anna.body.role, 'manager');
    assert.equal(anna.body.pin_age_days, 0);
    assert.ok(!('pin_hash' in anna.body) && !('pin' in anna.body));
    const clash = await d.post(EMP, { name: 'Ben', pin: '482913' }, { admin: true });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.code, 'pin_in_use');
    const ben = await addEmployee(d, 'Ben', '55667788');
    const stored = await readFile(path.join(d.dataDir, 'employees.json'), 'utf8');
    assert.ok(!stored.includes('482913') && !stored.includes('55667788'), 'no PIN in clear');
    const hashes = [...stored.matchAll(/"pin_hash": "(scrypt\$[^"]+)"/g)].map((m) => m[1]);
    assert.equal(hashes.length, 2);
    assert.notEqual(hashes[0].split('$')[4], hashes[1].split('$')[4], 'salts differ');
    // PIN change on Ben to Anna's PIN is refused; to a fresh one works and resets its age.
    const patchClash = await d.request('PATCH', `${EMP}/${ben.id}`, {
      admin: true,
      body: { pin: '482913' },
    });
    assert.equal(patchClash.status, 409);
    const list = await d.get(EMP, { admin: true });
    assert.deepEqual(
      list.body.employees.map((e: { name: string }) => e.name),
      ['Anna', 'Ben'],
    );
    assert.ok(list.body.employees.every((e: object) => !('pin_hash' in e)));
    assert.equal((await d.request('DELETE', `${EMP}/${ben.id}`, { admin: true })).status, 204);
    assert.equal((await d.request('DELETE', `${EMP}/${ben.id}`, { admin: true })).status, 404);
    assert.equal((await d.request('PATCH', `${EMP}/../x`, { admin: true, body: {} })).status, 404);
  } finally {
    await d.stop();
  }
});

test('PIN age and rotation reminder follow PIN_ROTATION_DAYS on the injected clock', async () => {
  const clock = new ManualClock();
  const d = await startDaemon({ clock, env: { PIN_ROTATION_DAYS: '30' } });
  try {
    const e = await addEmployee(d, 'Cleo', '2468');
    clock.advance(29 * 86_400_000);
    let view = (await d.get(EMP, { admin: true })).body.employees[0];
    assert.equal(view.pin_age_days, 29);
    assert.equal(view.pin_rotation_due, false);
    clock.advance(86_400_000);
    view = (await d.get(EMP, { admin: true })).body.employees[0];
    assert.equal(view.pin_rotation_due, true);
    const changed = await d.request('PATCH', `${EMP}/${e.id}`, {
      admin: true,
      body: { pin: '1357' },
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.pin_age_days, 0);
    assert.equal(changed.body.pin_rotation_due, false);
  } finally {
    await d.stop();
  }
});

test('PIN login is optional: off or without employees the till works without it', async () => {
  const d = await startDaemon();
  try {
    const code = await barcode(d);
    const status = await d.get('/api/v1/terminals/t1/cashier');
    assert.equal(status.body.required, false);
    assert.equal((await d.post('/api/v1/terminals/t1/cart/items', { barcode: code })).status, 200);
    // Switched on but nobody set up yet: still no login (nobody could log in).
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: true } });
    assert.equal((await d.post('/api/v1/terminals/t1/cart/items', { barcode: code })).status, 200);
    // The first employee puts it in force.
    await addEmployee(d, 'Dana', '9090');
    const refused = await d.post('/api/v1/terminals/t1/cart/items', { barcode: code });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'cashier_login_required');
    // Reads stay open (the screen shows the cart behind the PIN pad).
    assert.equal((await d.get('/api/v1/terminals/t1/cart')).status, 200);
    // The owner's admin token is never locked out of a till.
    assert.equal(
      (await d.post('/api/v1/terminals/t1/cart/items', { barcode: code }, { admin: true })).status,
      200,
    );
    // Switched off again: no login.
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: false } });
    assert.equal((await d.post('/api/v1/terminals/t1/cart/items', { barcode: code })).status, 200);
  } finally {
    await d.stop();
  }
});

test('cashier login per terminal: session scoped to its terminal, sale records the cashier, logout', async () => {
  const d = await startDaemon();
  try {
    const code = await barcode(d);
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: true } });
    const erin = await addEmployee(d, 'Erin', '31415');
    const st = await d.get('/api/v1/terminals/till1/cashier');
    assert.equal(st.body.required, true);
    assert.deepEqual(st.body.employees, [{ id: erin.id, name: 'Erin' }]);

    const ok = await login(d, 'till1', { pin: '31415' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.cashier.name, 'Erin');
    assert.match(ok.headers.get('set-cookie') ?? '', /pos_cashier=.*HttpOnly/i);
    const h = { headers: { 'x-cashier-session': ok.body.session } };
    assert.equal(
      (await d.post('/api/v1/terminals/till1/cart/items', { barcode: code }, h)).status,
      200,
    );
    // The same session does not work a different till.
    const other = await d.post('/api/v1/terminals/till2/cart/items', { barcode: code }, h);
    assert.equal(other.status, 401);
    // Who is logged in is visible to the till.
    const me = await d.get('/api/v1/terminals/till1/cashier', h);
    assert.equal(me.body.cashier.name, 'Erin');

    const cart = await d.get('/api/v1/terminals/till1/cart', h);
    const sale = await d.post(
      '/api/v1/terminals/till1/checkout',
      { provider: 'cash', idempotency_key: 'pin-test-0001', tendered_cents: cart.body.total_cents },
      h,
    );
    assert.equal(sale.status, 201, sale.text);
    assert.equal(sale.body.cashier, 'Erin');

    assert.equal((await d.post('/api/v1/terminals/till1/cashier/logout', {}, h)).status, 200);
    assert.equal(
      (await d.post('/api/v1/terminals/till1/cart/items', { barcode: code }, h)).status,
      401,
    );
    // Login by employee id + PIN (the tap-your-name pad) works too.
    const byId = await login(d, 'till1', { employee_id: erin.id, pin: '31415' });
    assert.equal(byId.status, 200);
  } finally {
    await d.stop();
  }
});

test('wrong PINs: lock-out with growing delay on the injected clock; right PIN refused while locked', async () => {
  const clock = new ManualClock();
  const d = await startDaemon({ clock });
  try {
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: true } });
    await addEmployee(d, 'Finn', '7777');
    let r = await login(d, 'k', { pin: '0000' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.params.attempts_left, 2);
    r = await login(d, 'k', { pin: '0001' });
    assert.equal(r.body.error.params.attempts_left, 1);
    r = await login(d, 'k', { pin: '0002' });
    assert.equal(r.status, 429);
    assert.equal(r.body.error.params.retry_after_s, 30);
    assert.equal(r.headers.get('retry-after'), '30');
    // Locked: even the right PIN is refused, and the lock is visible to the till.
    r = await login(d, 'k', { pin: '7777' });
    assert.equal(r.status, 429);
    assert.equal((await d.get('/api/v1/terminals/k/cashier')).body.locked_for_s, 30);
    // Another terminal id from the same device does not escape the lock.
    assert.equal((await login(d, 'other', { pin: '7777' })).status, 429);
    clock.advance(29_999);
    assert.equal((await login(d, 'k', { pin: '7777' })).status, 429);
    clock.advance(1);
    // Next wrong PIN doubles the lock: 60 s, then 120 s.
    r = await login(d, 'k', { pin: '0003' });
    assert.equal(r.body.error.params.retry_after_s, 60);
    clock.advance(60_000);
    r = await login(d, 'k', { pin: '0004' });
    assert.equal(r.body.error.params.retry_after_s, 120);
    clock.advance(120_000);
    r = await login(d, 'k', { pin: '7777' });
    assert.equal(r.status, 200);
    // A right PIN does not wipe the failures before it (a guesser who knows one PIN gains
    // nothing by logging in between bursts): the next wrong PIN locks for 240 s at once.
    r = await login(d, 'k', { pin: '0005' });
    assert.equal(r.status, 429);
    assert.equal(r.body.error.params.retry_after_s, 240);
    // An hour after the last failure (and its lock) they are forgotten.
    clock.advance(240_000 + 3600_000 + 1);
    r = await login(d, 'k', { pin: '0006' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.params.attempts_left, 2);
  } finally {
    await d.stop();
  }
});

test('PIN burst: 200 parallel guesses with the right PIN among them log nobody in; at most 3 are compared', async () => {
  const d = await startDaemon();
  try {
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: true } });
    await addEmployee(d, 'Mia', '246810', 'manager');
    const guesses = Array.from({ length: 200 }, (_, i) =>
      i === 120 ? '246810' : String(100000 + i),
    );
    const answers = await Promise.all(guesses.map((pin) => login(d, 'k', { pin })));
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    assert.equal(byStatus.get(200) ?? 0, 0, 'the right PIN hidden in the burst logged in');
    const evaluated = answers.filter(
      (a) =>
        a.status === 401 ||
        (a.status === 429 &&
          a.body.error.code === 'pin_locked' &&
          /Wrong PIN/.test(a.body.error.message)),
    ).length;
    assert.ok(evaluated <= 3, `${evaluated} guesses were compared`);
    for (const a of answers)
      assert.ok(
        [401, 429].includes(a.status) &&
          ['wrong_pin', 'pin_locked', 'pin_busy'].includes(a.body.error.code),
        `${a.status} ${a.text}`,
      );
    // The audit journal saw only the compared ones.
    await d.app.security.auditLog.idle();
    const audit = await d.get('/api/v1/admin/audit?action=cashier.login_failed', { admin: true });
    assert.ok(audit.body.entries.length <= 3, `${audit.body.entries.length} failures audited`);
    // The till is locked now: the right PIN alone is refused too.
    assert.equal((await login(d, 'k', { pin: '246810' })).status, 429);
  } finally {
    await d.stop();
  }
});

test('idle auto-logout after the configured minutes; deactivation ends the session', async () => {
  const clock = new ManualClock();
  const d = await startDaemon({ clock, env: { PIN_IDLE_LOGOUT_MINUTES: '10' } });
  try {
    const code = await barcode(d);
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: true } });
    const gus = await addEmployee(d, 'Gus', '112233');
    const h = {
      headers: { 'x-cashier-session': (await login(d, 't', { pin: '112233' })).body.session },
    };
    const add = () => d.post('/api/v1/terminals/t/cart/items', { barcode: code }, h);
    clock.advance(9 * 60_000);
    assert.equal((await add()).status, 200, 'activity within the idle time keeps the session');
    clock.advance(9 * 60_000);
    assert.equal((await add()).status, 200);
    // A screen polling its status or cart is not activity.
    for (let i = 0; i < 5; i++) {
      clock.advance(2 * 60_000);
      assert.equal((await d.get('/api/v1/terminals/t/cashier', h)).body.cashier?.name, 'Gus');
      assert.equal((await d.get('/api/v1/terminals/t/cart', h)).status, 200);
    }
    clock.advance(1);
    const expired = await add();
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'cashier_login_required');

    // The admin setting overrides the env default.
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_idle_logout_minutes: 2 } });
    const h2 = {
      headers: { 'x-cashier-session': (await login(d, 't', { pin: '112233' })).body.session },
    };
    clock.advance(2 * 60_000 + 1);
    assert.equal(
      (await d.post('/api/v1/terminals/t/cart/items', { barcode: code }, h2)).status,
      401,
    );

    const h3 = {
      headers: { 'x-cashier-session': (await login(d, 't', { pin: '112233' })).body.session },
    };
    await d.request('PATCH', `${EMP}/${gus.id}`, { admin: true, body: { active: false } });
    // Deactivated: session gone; and with no active employee left, login is no longer in force.
    assert.equal((await d.get('/api/v1/terminals/t/cashier', h3)).body.cashier, null);
    assert.equal((await d.get('/api/v1/terminals/t/cashier')).body.required, false);
  } finally {
    await d.stop();
  }
});

test("only a manager may clear another till's cart", async () => {
  const d = await startDaemon();
  try {
    const code = await barcode(d);
    await d.request('PUT', SETTINGS, { admin: true, body: { pin_login_enabled: true } });
    await addEmployee(d, 'Hana', '4040', 'cashier');
    await addEmployee(d, 'Ivo', '5050', 'manager');
    const hana = {
      headers: { 'x-cashier-session': (await login(d, 'a', { pin: '4040' })).body.session },
    };
    const ivo = {
      headers: { 'x-cashier-session': (await login(d, 'b', { pin: '5050' })).body.session },
    };
    assert.equal(
      (await d.post('/api/v1/terminals/b/cart/items', { barcode: code }, ivo)).status,
      200,
    );
    const byCashier = await d.request('DELETE', '/api/v1/terminals/b/cart', hana);
    assert.equal(byCashier.status, 403);
    assert.equal(byCashier.body.error.code, 'role_required');
    assert.equal((await d.get('/api/v1/terminals/b/cart')).body.item_count, 1);
    assert.equal(
      (await d.post('/api/v1/terminals/a/cart/items', { barcode: code }, hana)).status,
      200,
    );
    const byManager = await d.request('DELETE', '/api/v1/terminals/a/cart', ivo);
    assert.ok(byManager.status < 300, byManager.text);
    assert.equal((await d.get('/api/v1/terminals/a/cart')).body.item_count, 0);
    // A manager on another till still cannot ring up sales there.
    assert.equal(
      (await d.post('/api/v1/terminals/a/cart/items', { barcode: code }, ivo)).status,
      401,
    );
  } finally {
    await d.stop();
  }
});
