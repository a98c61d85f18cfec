/**
 * Cashier PIN sessions survive a daemon restart: they are kept in cashier-sessions.json
 * (only token hashes), so a restart — update, crash, power cut — does not log the tills out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CASHIER_SESSIONS_DOC,
  CashierSessions,
  type CashierSessionsData,
} from '../../daemon/security/cashier-sessions.js';
import { Employees } from '../../daemon/security/employees.js';
import { Store } from '../../daemon/store/index.js';
import { ManualClock } from '../../daemon/clock.js';
import { tempDir } from '../helpers/daemon.js';

async function open(dir: string, clock: ManualClock) {
  const store = new Store(dir);
  await store.init();
  const employees = await Employees.open(store, clock, 0);
  const doc = await store.document<CashierSessionsData>(CASHIER_SESSIONS_DOC);
  const sessions = new CashierSessions({
    clock,
    employees,
    enabled: () => true,
    idleMinutes: () => 15,
    doc,
  });
  return { store, employees, sessions };
}

test('a PIN session survives a restart; the file holds no token; idle sessions do not', async () => {
  const dir = await tempDir();
  const clock = new ManualClock();
  const a = await open(dir, clock);
  const anna = await a.employees.create({ name: 'Anna', role: 'cashier', pin: '4711' });
  const token = a.sessions.login('kiosk', anna);
  assert.equal(a.sessions.lookup(token, 'kiosk')?.name, 'Anna');
  await a.store.idle();
  const file = await readFile(path.join(dir, 'cashier-sessions.json'), 'utf8');
  assert.ok(!file.includes(token), 'the token itself is never written');

  clock.advance(5 * 60_000);
  const b = await open(dir, clock);
  assert.equal(b.sessions.lookup(token, 'kiosk')?.name, 'Anna', 'still logged in after restart');
  assert.equal(b.sessions.onTerminal('kiosk')?.name, 'Anna');
  b.sessions.logout(token);
  await b.store.idle();
  const c = await open(dir, clock);
  assert.equal(c.sessions.lookup(token, 'kiosk'), null, 'a logout is kept too');

  const t2 = c.sessions.login('kiosk', anna);
  await c.store.idle();
  clock.advance(16 * 60_000);
  const e = await open(dir, clock);
  assert.equal(e.sessions.lookup(t2, 'kiosk'), null, 'idle past the limit: logged out');
});
