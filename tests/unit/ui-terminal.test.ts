import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseTerminal,
  isLoopbackHost,
  TERMINAL_KEY,
  withDefaultTerminal,
  type KeyValueStore,
} from '../../kiosk-ui/src/lib/terminal.js';

function store(
  init: Record<string, string> = {},
): KeyValueStore & { data: Record<string, string> } {
  const data = { ...init };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}
const uuid = () => '0123abcd-0000-4000-8000-000000000000';

test('isLoopbackHost recognises the kiosk addresses', () => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1'])
    assert.ok(isLoopbackHost(h), h);
  for (const h of ['192.168.1.5', 'pos.local', '[fe80::1]']) assert.ok(!isLoopbackHost(h), h);
});

test('the kiosk (loopback, nothing stored) uses the default terminal, stores nothing', () => {
  const s = store();
  const c = chooseTerminal('', 'localhost', s, uuid);
  assert.deepEqual(c, { id: 'kiosk', own: 'kiosk', watching: false, defaulted: true });
  assert.deepEqual(s.data, {});
});

test('a remote browser gets its own generated terminal id, kept for the next visit', () => {
  const s = store();
  const c = chooseTerminal('', '192.168.1.20', s, uuid);
  assert.equal(c.id, 'till-0123abcd');
  assert.equal(s.data[TERMINAL_KEY], 'till-0123abcd');
  const again = chooseTerminal('', '192.168.1.20', s, () => 'ffffffff-0000');
  assert.equal(again.id, 'till-0123abcd');
});

test('?terminal=<id> pins and stores the id; invalid ids are ignored', () => {
  const s = store({ [TERMINAL_KEY]: 'till-old' });
  assert.equal(chooseTerminal('?terminal=counter-2', '10.0.0.2', s, uuid).id, 'counter-2');
  assert.equal(s.data[TERMINAL_KEY], 'counter-2');
  assert.equal(chooseTerminal('?terminal=bad%20id', '10.0.0.2', s, uuid).id, 'counter-2');
});

test('?watch=<id> watches another terminal without replacing the own one', () => {
  const s = store({ [TERMINAL_KEY]: 'till-mine' });
  const c = chooseTerminal('?watch=kiosk', '10.0.0.2', s, uuid);
  assert.deepEqual(c, { id: 'kiosk', own: 'till-mine', watching: true });
  assert.equal(s.data[TERMINAL_KEY], 'till-mine');
});

test('withDefaultTerminal(choice, id): the kiosk takes DEFAULT_TERMINAL_ID from the snapshot', () => {
  const s = store();
  const c = chooseTerminal('', '127.0.0.1', s, uuid);
  assert.deepEqual(withDefaultTerminal(c, 'counter-1'), {
    id: 'counter-1',
    own: 'counter-1',
    watching: false,
    defaulted: true,
  });
  assert.equal(withDefaultTerminal(c, 'kiosk'), null, 'already on it');
  assert.equal(withDefaultTerminal(c, undefined), null, 'older daemon without the field');
  assert.equal(withDefaultTerminal(c, 'bad id'), null);
  assert.deepEqual(s.data, {}, 'nothing stored: a later DEFAULT_TERMINAL_ID change applies');
});

test('withDefaultTerminal keeps ?terminal= pins, stored ids and remote tills', () => {
  const pinned = chooseTerminal('?terminal=front', '127.0.0.1', store(), uuid);
  assert.equal(withDefaultTerminal(pinned, 'counter-1'), null);
  const stored = chooseTerminal('', 'localhost', store({ [TERMINAL_KEY]: 'till-mine' }), uuid);
  assert.equal(withDefaultTerminal(stored, 'counter-1'), null);
  const remote = chooseTerminal('', '10.0.0.9', store(), uuid);
  assert.equal(withDefaultTerminal(remote, 'counter-1'), null);
});
