/**
 * Who may open a WebSocket and what a client may send (daemon/ws/upgrade.ts,
 * daemon/ws/client-message.ts), as pure functions with the guards handed in: path, Host,
 * Origin, the query's kinds and their guards; the refusal written on the raw socket; ping,
 * watch and everything else a client sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkUpgrade,
  refusalResponse,
  type UpgradeChecks,
  type UpgradeRequest,
} from '../../daemon/ws/upgrade.js';
import { readClientMessage } from '../../daemon/ws/client-message.js';

const HOST = 'pos.local:8080';

function checks(over: Partial<UpgradeChecks> = {}): UpgradeChecks & { guarded: number } {
  const c = {
    guarded: 0,
    hostAllowed: (host: string | undefined) => host === HOST,
    posGuard: () => {
      c.guarded++;
      return null;
    },
    isAdminSession: (cookie: string | undefined) => cookie === 'session=ok',
    ...over,
  };
  return c;
}

const req = (url: string, headers: UpgradeRequest['headers'] = {}): UpgradeRequest => ({
  url,
  headers: { host: HOST, ...headers },
});

const refusal = (r: ReturnType<typeof checkUpgrade>) =>
  'code' in r ? [r.status, r.code] : ['accepted'];

test('a POS socket needs a valid terminal_id and passes the POS guard', () => {
  const c = checks();
  assert.deepEqual(checkUpgrade(req('/ws?terminal_id=till-1'), c), {
    terminalId: 'till-1',
    admin: false,
    display: false,
  });
  assert.equal(c.guarded, 1);
  assert.deepEqual(refusal(checkUpgrade(req('/ws'), c)), [400, 'invalid_query']);
  assert.deepEqual(refusal(checkUpgrade(req('/ws?terminal_id=a%20b'), c)), [400, 'invalid_query']);
  const denied = checks({ posGuard: () => ({ status: 403, message: 'not on the list' }) });
  const r = checkUpgrade(req('/ws?terminal_id=kiosk'), denied);
  assert.deepEqual(r, { status: 403, code: 'forbidden', message: 'not on the list' });
});

test('path, Host and Origin are checked first', () => {
  const c = checks();
  assert.deepEqual(refusal(checkUpgrade(req('/other?terminal_id=k'), c)), [404, 'not_found']);
  assert.deepEqual(refusal(checkUpgrade(req('/ws?terminal_id=k', { host: 'evil.example' }), c)), [
    421,
    'host_not_allowed',
  ]);
  assert.deepEqual(
    refusal(checkUpgrade(req('/ws?terminal_id=k', { origin: 'http://evil.example' }), c)),
    [403, 'forbidden'],
  );
  assert.deepEqual(refusal(checkUpgrade(req('/ws?terminal_id=k', { origin: 'not a url' }), c)), [
    403,
    'forbidden',
  ]);
  assert.deepEqual(
    refusal(checkUpgrade(req('/ws?terminal_id=k', { origin: `http://${HOST}` }), c)),
    ['accepted'],
  );
  assert.equal(c.guarded, 1, 'the guard runs only for a request that got that far');
});

test('admin sockets need the session; display sockets are alone and guarded; repeats refused', () => {
  const c = checks();
  assert.deepEqual(checkUpgrade(req('/ws?role=admin', { cookie: 'session=ok' }), c), {
    terminalId: null,
    admin: true,
    display: false,
  });
  assert.deepEqual(refusal(checkUpgrade(req('/ws?role=admin'), c)), [401, 'unauthorized']);
  assert.deepEqual(refusal(checkUpgrade(req('/ws?role=boss'), c)), [400, 'invalid_query']);
  assert.equal(c.guarded, 0, 'admin sockets do not pass the POS whitelist');
  assert.deepEqual(checkUpgrade(req('/ws?display=kiosk'), c), {
    terminalId: 'kiosk',
    admin: false,
    display: true,
  });
  assert.equal(c.guarded, 1);
  for (const q of ['display=kiosk&role=admin', 'display=kiosk&terminal_id=k', 'display=a%20b'])
    assert.deepEqual(refusal(checkUpgrade(req(`/ws?${q}`), c)), [400, 'invalid_query'], q);
  for (const q of ['terminal_id=a&terminal_id=b', 'role=admin&role=admin', 'display=a&display=b'])
    assert.deepEqual(refusal(checkUpgrade(req(`/ws?${q}`), c)), [400, 'invalid_query'], q);
});

test('a refusal is a complete HTTP answer with a JSON error body', () => {
  const text = refusalResponse({ status: 429, code: 'too_many_sockets', message: 'Too many' });
  const [head, body] = text.split('\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 429 Too Many Requests\r\n/);
  assert.match(head, /\r\nConnection: close/);
  assert.match(head, new RegExp(`Content-Length: ${Buffer.byteLength(body)}$`));
  assert.deepEqual(JSON.parse(body), { error: { code: 'too_many_sockets', message: 'Too many' } });
  assert.match(
    refusalResponse({ status: 418, code: 'x', message: 'y' }),
    /^HTTP\/1\.1 418 Refused/,
  );
});

test('client messages: ping and watch checked; a display may not watch; anything else an error', () => {
  const read = (v: unknown, display = false, binary = false) =>
    readClientMessage(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), binary, display);
  assert.deepEqual(read({ type: 'ping', t: 5 }), { type: 'ping', t: 5 });
  assert.deepEqual(read({ type: 'watch', terminal_id: 'till-2' }), {
    type: 'watch',
    terminal_id: 'till-2',
  });
  const errors = [
    read({ type: 'ping', t: 'x' }),
    read({ type: 'watch', terminal_id: 'a b' }),
    read({ type: 'watch', terminal_id: 'kiosk' }, true),
    read({ type: 'hello' }),
    read('[1]'),
    read('{nope'),
    read({ type: 'ping', t: 1 }, false, true),
  ];
  for (const e of errors) assert.ok('error' in e && typeof e.error === 'string', JSON.stringify(e));
  assert.match(
    (read({ type: 'x'.repeat(500) }) as { error: string }).error,
    /^Unknown message type/,
  );
  assert.ok((read({ type: 'x'.repeat(500) }) as { error: string }).error.length < 110);
});
